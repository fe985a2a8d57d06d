"""What the citizen pages cost on a slow network: bytes and requests per page, cold and warm, and how long a
submission with a 1.1 MB phone photo takes on 2G, with scripts on and off.

Run from the repository root: `.venv/bin/python benchmarks/page_weight.py [--photo-kb 1100] [--skip-2g]`.

The script makes a SQLite database in a temporary folder, migrates it and loads the demo data (no tickets), serves
the application with gunicorn (development configuration, 2 workers, rate limits off), and drives Debian's chromium
through Playwright at 360×740:

1. **Page weight.** For each citizen page, a fresh browser context (empty cache) opens it ("cold"), then opens it
   again ("warm", as a citizen comes back to it; not a reload, which revalidates everything). Counted through the
   Chrome DevTools Protocol: requests that went over the network (not served from the browser's cache) and the
   bytes they moved (`encodedDataLength`: headers and compressed bodies). The receipt and the ticket's page need
   the browser's session: it gets one through HTTP requests of its own, which fill no cache.
2. **A submission on 2G** (Network.emulateNetworkConditions: 800 ms round trip, 256 kbit/s up and down): the form is
   opened and filled with a phone photo of about `--photo-kb`, and the time from pressing Submit to the receipt on
   screen is measured, with scripts on (the photo is drawn again in the browser) and off (it goes whole), and, with
   scripts off, the second attempt after a mistake (the photo kept on the server, not sent again).

Everything it started is stopped and removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Import the application from the repository root and keep this folder (scripts, not packages) off the path.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR)]

from playwright.sync_api import BrowserContext, Page, sync_playwright  # noqa: E402

from tests.browser.support import phone_photo  # noqa: E402
from tests.helpers import free_port, hidden_fields  # noqa: E402

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "sw-TZ"}
TWO_G = {"offline": False, "latency": 800, "downloadThroughput": 256_000 // 8, "uploadThroughput": 256_000 // 8}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
CHROMIUM_ARGS += ["--disable-sync", "--disable-quic", "--no-first-run"]
SUBMISSION = {
    "type": "complaint",
    "category": "usafi-taka",
    "place": "Mtaa wa Kisasa, Kata ya Nzuguni",
    "subject": "Bomba la maji limepasuka barabarani",
    "description": "Bomba la maji limepasuka karibu na soko tangu jana asubuhi; maji yanapotea barabarani.",
    "identity": "anonymous",
}


@dataclass
class Traffic:
    """What one page load moved over the network, counted through the DevTools Protocol."""

    sent: dict[str, str] = field(default_factory=dict)  # request id: url
    cached: set[str] = field(default_factory=set)
    bytes_moved: dict[str, int] = field(default_factory=dict)

    def watch(self, page: Page) -> None:
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.requestWillBeSent", lambda e: self.sent.update({e["requestId"]: e["request"]["url"]}))
        session.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        session.on(
            "Network.loadingFinished", lambda e: self.bytes_moved.update({e["requestId"]: e["encodedDataLength"]})
        )

    def clear(self) -> None:
        self.sent.clear()
        self.cached.clear()
        self.bytes_moved.clear()

    def over_the_network(self) -> tuple[int, int]:
        """(requests, bytes) that went over the network; data: and blob: addresses never do."""
        ids = [i for i, url in self.sent.items() if i not in self.cached and url.startswith("http")]
        return len(ids), sum(self.bytes_moved.get(i, 0) for i in ids)


def start_server(env: dict[str, str], log: Path, access_log: Path, stack: contextlib.ExitStack) -> str:
    """gunicorn serving wsgi:app on a free loopback port; its base URL (stopped with `stack`)."""
    port = free_port()
    # No buffering proxy in front here: a sync worker reads the slow upload itself, so it may take minutes. The
    # access log notes each request's declared length: the bytes a browser sent, whatever sent them.
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "300", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %({content-length}i)s"]
    command.append("wsgi:app")
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    stack.callback(_stop, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return f"http://127.0.0.1:{port}"
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def prepared_database(folder: Path) -> dict[str, str]:
    """The environment of a development-configuration service on a migrated SQLite file with the demo data."""
    env = {
        **os.environ,
        "WANANCHI_CONFIG": "development",
        "WANANCHI_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": f"sqlite:///{folder / 'wananchi.sqlite3'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "RATELIMIT_ENABLED": "0",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["translate", "compile"], ["db", "upgrade"], ["wananchi", "seed-demo", "--tickets", "0"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def submitted_through_http(context: BrowserContext, site: str) -> tuple[str, str]:
    """Submit a ticket with the context's cookies but through HTTP requests of its own (they fill no cache); the
    receipt's reference and tracking code."""
    page = context.request.get(site + "/wasilisha").text()
    district = re.search(r'id="district".*?<option value="([a-z0-9-]+)"', page, re.S)
    data = {**hidden_fields(page), **SUBMISSION, "district": district.group(1) if district else ""}
    receipt = context.request.post(site + "/wasilisha", multipart=data).text()
    reference = re.search(r'id="reference">([^<]+)<', receipt).group(1)
    code = re.search(r'id="tracking-code">([^<]+)<', receipt).group(1)
    return reference, code


def tracked_through_http(context: BrowserContext, site: str, reference: str, code: str) -> None:
    form = hidden_fields(context.request.get(site + "/fuatilia").text())
    context.request.post(site + "/fuatilia", form={**form, "reference": reference, "code": code})


def page_weights(browser: Any, site: str) -> None:
    """Print the bytes and requests of each citizen page, cold and warm."""
    pages = [
        ("home", "/"),
        ("submit", "/wasilisha"),
        ("track", "/fuatilia"),
        ("new code", "/fuatilia/msimbo-mpya"),
        ("receipt", "receipt"),
        ("ticket", "ticket"),
        ("help", "/msaada"),
        ("privacy", "/faragha"),
        ("accessibility", "/upatikanaji"),
        ("statistics", "/takwimu"),
    ]
    print("\nPage weight (360×740, Swahili): over the network, compressed, headers included")
    print(f"{'page':<15}{'cold bytes':>12}{'cold requests':>15}{'warm bytes':>12}{'warm requests':>15}")
    for name, address in pages:
        context = browser.new_context(**PHONE)
        if address in ("receipt", "ticket"):
            reference, code = submitted_through_http(context, site)
            if address == "receipt":
                address = f"/wasilisha/{reference}/imepokelewa"
            else:
                tracked_through_http(context, site, reference, code)
                address = f"/hoja/{reference}"
        page = context.new_page()
        traffic = Traffic()
        traffic.watch(page)
        page.goto(site + address, wait_until="load")
        cold = traffic.over_the_network()
        traffic.clear()
        page.goto(site + address, wait_until="load")
        warm = traffic.over_the_network()
        print(f"{name:<15}{cold[1]:>12,}{cold[0]:>15}{warm[1]:>12,}{warm[0]:>15}")
        context.close()


def photo_of_about(kilobytes: int, folder: Path) -> Path:
    """A phone-like JPEG photo (2592×1944, 5 megapixels) of about `kilobytes`, found by its quality."""
    low, high, best = 10, 95, b""
    while low <= high:
        quality = (low + high) // 2
        content = phone_photo(2592, 1944, quality)
        if not best or abs(len(content) - kilobytes * 1000) < abs(len(best) - kilobytes * 1000):
            best = content
        low, high = (quality + 1, high) if len(content) < kilobytes * 1000 else (low, quality - 1)
    path = folder / "IMG_20261207_0815.jpg"
    path.write_bytes(best)
    return path


def fill(page: Page, photo: Path | None, subject: str) -> None:
    page.locator("input[name='type'][value='complaint']").check()
    page.locator("#category").select_option("usafi-taka")
    page.locator("#district").select_option(index=1)
    page.locator("#place").fill(SUBMISSION["place"])
    page.locator("#subject").fill(subject)
    page.locator("#description").fill(SUBMISSION["description"])
    if photo is not None:
        page.locator("#attachments").set_input_files(photo)
    page.locator("input[name='identity'][value='anonymous']").check()


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    started = time.perf_counter()
    result: list[float] = []
    yield result
    result.append(time.perf_counter() - started)


def posted_bytes(access_log: Path, skip: int) -> tuple[int, int]:
    """The bytes the submit form's posts declared in the access log after its first `skip` lines, and its lines."""
    time.sleep(0.5)  # gunicorn writes the line as the answer leaves
    lines = access_log.read_text().splitlines()
    posts = [line.split() for line in lines[skip:] if line.startswith("POST /wasilisha")]
    return sum(int(parts[2]) for parts in posts if len(parts) == 3 and parts[2].isdigit()), len(lines)


def two_g_submissions(browser: Any, site: str, photo: Path, access_log: Path) -> None:
    """Print how long a submission with the photo takes on 2G, with scripts on and off."""
    print(
        f"\nA submission on 2G (800 ms round trip, 256 kbit/s up and down) with a {photo.stat().st_size:,}-byte photo"
    )
    print(f"{'scripts':<10}{'attempt':<34}{'open form, s':>13}{'submit, s':>11}{'sent, bytes':>13}")
    for scripts in (True, False):
        context = browser.new_context(**PHONE, java_script_enabled=scripts)
        context.set_default_timeout(180_000)
        page = context.new_page()
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", TWO_G)
        attempts = [("first, with the photo", photo, SUBMISSION["subject"])]
        if not scripts:
            attempts = [
                ("first, with a mistake", photo, "abc"),
                ("corrected (photo kept)", None, SUBMISSION["subject"]),
            ]
        with timed() as opening:
            page.goto(site + "/wasilisha", wait_until="load")
        for label, chosen, subject in attempts:
            if label.startswith("first"):
                fill(page, chosen, subject)
            else:  # the form came back with what was typed and the photo kept: only the mistake is corrected
                page.locator("#subject").fill(subject)
            _sent, seen = posted_bytes(access_log, 0)
            with timed() as sending:
                page.locator("#send").click()
                if subject == "abc":
                    page.locator("#error-summary").wait_for()
                else:
                    page.locator("#tracking-code").wait_for()
            opened = f"{opening[0]:.1f}" if label.startswith("first") else ""
            sent, _seen = posted_bytes(access_log, seen)
            print(f"{'on' if scripts else 'off':<10}{label:<34}{opened:>13}{sending[0]:>11.1f}{sent:>13,}")
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo-kb", type=int, default=1100, help="the phone photo's size, in kilobytes")
    parser.add_argument("--skip-2g", action="store_true", help="measure the page weights only")
    args = parser.parse_args(argv)
    executable = shutil.which("chromium")
    if executable is None:
        print("Debian's chromium is needed: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="wananchi-weight-") as folder, contextlib.ExitStack() as stack:
        env = prepared_database(Path(folder))
        access_log = Path(folder) / "access.log"
        site = start_server(env, Path(folder) / "gunicorn.log", access_log, stack)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page_weights(browser, site)
            if not args.skip_2g:
                two_g_submissions(browser, site, photo_of_about(args.photo_kb, Path(folder)), access_log)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
