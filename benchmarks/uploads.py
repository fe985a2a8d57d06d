"""What checking one attachment costs: wall time and peak memory of `check_files` for a PNG bomb, phone photos
and a scanned PDF.

Run from the repository root: `.venv/bin/python benchmarks/uploads.py [--repeat 3]`.

The inputs are written once to a temporary folder: a 7000×7000 PNG of one colour (a "bomb": about 143 KB that
decode to 147 MB of pixels), a 12-megapixel (4000×3000, about 4 MB) and a 48-megapixel (8000×6000, about 15 MB)
photo-like JPEG, and a PDF of three A4 pages scanned at 300 dpi (one JPEG each, about 3 MB). Each is then checked
in a child process of its own, so that one's memory does not hide another's: the child builds the application
(testing configuration), reads the file, notes its peak resident memory so far, calls `check_files` `--repeat`
times (with a 20 MB limit per file, so that the 48-megapixel photo is taken as a later issue will take it) and
notes its peak again. Printed per input: its size, what the check answered (stored bytes, or the refusal), the
fastest and the slowest run in ms, and how far the checks raised the process's resident memory at their peak
(MB: Linux's high-water mark, reset just before the first check, less what the process held then; getrusage's
figure would not do, as a child starts with its parent's peak), and the peak resident memory of the process a
document is rewritten in (MB; 0 where the check starts none).
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Import the application from the repository root and keep this folder (scripts, not packages) off the path.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR)]

from tests.helpers import pdf_bomb  # noqa: E402 - once the repository root is on the path

MAX_BYTES = 20 * 1024 * 1024


def png_bomb(side: int) -> bytes:
    """A side×side black RGB PNG, compressed row by row (no image of that size is ever held)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def photo(width: int, height: int) -> bytes:
    """A JPEG with a phone photo's size and detail: a gradient, sensor-like noise and a fractal."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24)
    detail = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 60)
    output = io.BytesIO()
    Image.merge("RGB", (gradient, Image.blend(noise, gradient, 0.5), detail)).save(output, "JPEG", quality=90)
    return output.getvalue()


def scanned_pdf(pages: int) -> bytes:
    """A PDF of `pages` A4 pages, each one greyscale JPEG scanned at 300 dpi."""
    import pikepdf
    from PIL import Image

    pdf = pikepdf.new()
    for number in range(pages):
        page = Image.effect_noise((2480, 3508), 12 + number).point(lambda value: 200 + value // 5)
        scan = io.BytesIO()
        page.save(scan, "JPEG", quality=75)
        image = pikepdf.Stream(pdf, scan.getvalue())
        image.Type, image.Subtype, image.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.DCTDecode
        image.Width, image.Height, image.BitsPerComponent = 2480, 3508, 8
        image.ColorSpace = pikepdf.Name.DeviceGray
        pdf.add_blank_page(page_size=(595, 842))
        pdf.pages[-1].Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        pdf.pages[-1].Contents = pdf.make_stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


INPUTS = {
    "PNG bomb 7000x7000": ("bomba.png", lambda: png_bomb(7000)),
    "JPEG photo 12 MP": ("picha-12.jpg", lambda: photo(4000, 3000)),
    "JPEG photo 48 MP": ("picha-48.jpg", lambda: photo(8000, 6000)),
    "PDF 3 scanned pages": ("barua.pdf", lambda: scanned_pdf(3)),
    "PDF bomb 1 GB": ("bomu-1.pdf", lambda: pdf_bomb(1, 1024)),
    "PDF bomb 80x60 MB": ("bomu-80.pdf", lambda: pdf_bomb(80, 60)),
}


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux reports kB), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def reset_peak_rss() -> float:
    """Start counting the peak resident memory again from now (Linux's clear_refs); the resident memory now, MB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def peak_rss_mb() -> float:
    """The process's peak resident memory since the last reset, in MB."""
    return _status_mb("VmHWM")


def child(path: str, repeat: int) -> None:
    """Check one file `repeat` times in this process; print one JSON line."""
    from wananchi import create_app
    from wananchi.core.errors import DomainError
    from wananchi.tickets.attachments import IncomingFile, check_files

    app = create_app("testing")
    content = Path(path).read_bytes()
    with app.test_request_context():
        before = reset_peak_rss()
        times, outcome = [], ""
        for _run in range(repeat):
            started = time.perf_counter()
            try:
                [checked] = check_files(
                    [IncomingFile(filename=Path(path).name, stream=io.BytesIO(content))],
                    max_files=1,
                    max_bytes=MAX_BYTES,
                )
                outcome = f"stored {len(checked.content) / 1e6:.2f} MB"
            except DomainError as error:
                outcome = f"refused: {error.message}"
            times.append((time.perf_counter() - started) * 1000)
        child_mb = rewriting_peak_mb(content) if path.endswith(".pdf") else 0.0
        print(json.dumps({"ms": times, "peak_mb": peak_rss_mb() - before, "child_mb": child_mb, "outcome": outcome}))


# Runs a command with this process's standard input and prints the peak resident memory of that command, in kB.
# Started small, so that the command does not inherit a large peak (Linux carries a process's peak across fork).
LAUNCHER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def rewriting_peak_mb(content: bytes) -> float:
    """The peak resident memory of the process that rewrites a document (check_files starts it), in MB."""
    from wananchi.tickets.attachments import pdf_rewrite_command

    launched = subprocess.run(
        [sys.executable, "-I", "-c", LAUNCHER, *pdf_rewrite_command()], input=content, capture_output=True, check=True
    )
    return int(launched.stdout) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="checks of each file (in one process)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="wananchi-uploads-") as folder:
        print(f"{'input':<22} {'size':>9}  {'fastest':>8} {'slowest':>8} {'peak +RSS':>10} {'child RSS':>10}  answer")
        for label, (name, build) in INPUTS.items():
            path = Path(folder) / name
            path.write_bytes(build())
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--repeat", str(args.repeat)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{label:<22} {path.stat().st_size / 1e6:>6.2f} MB  {min(measured['ms']):>5.0f} ms "
                f"{max(measured['ms']):>5.0f} ms {measured['peak_mb']:>7.0f} MB {measured['child_mb']:>7.0f} MB  "
                f"{measured['outcome']}"
            )


if __name__ == "__main__":
    main()
