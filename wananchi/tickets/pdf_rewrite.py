"""Rewrite one PDF without what tells about its sender or runs on an officer's computer, in a process of its own.

Run as a script by `wananchi.tickets.attachments` (which imports it only for its exit codes): reads the document
on standard input, writes the rewritten one on standard output. It imports nothing but the standard library and
pikepdf, so that it starts in a tenth of a second, and it caps its own memory and processor time first: a PDF's
compressed objects can hold a thousand times their size (a 1 MB file that asks qpdf for a gigabyte), and no
header tells that before they are read, so the operating system bounds the work instead.

Exit status: 0 written; 3 the document needs a password to open; 4 qpdf could not read it without repairing it,
or not at all (a repaired file may have silently lost a page's content); anything else (killed at a limit) is
refused as unreadable by the caller.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys

import pikepdf
from pikepdf import sanitize, settings

EXIT_ENCRYPTED = 3
EXIT_DAMAGED = 4

# Keys dropped wherever they occur: XMP metadata (the document's and each image's: author, tool, file paths),
# private application data, automatic actions (on opening the document, a page, a field), XFA forms (they carry
# their own scripts) and OPI references (file paths of the original images).
DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/AA", "/OpenAction", "/XFA", "/OPI")
# Annotations whose /T is their author's name (a comment, a highlight, a stamp), not a form field's name.
MARKUP_ANNOTATIONS = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Caret",
        "/Stamp",
        "/Ink",
        "/FileAttachment",
        "/Sound",
        "/Redact",
        "/Popup",
    }
)


def rewrite(content: bytes, *, stream_memory: int) -> bytes:
    """The document written anew by qpdf with only its pages, their content and their links within the document.

    Dropped: the document information dictionary (Author, Creator, Producer, dates) and the file identifier, XMP
    metadata, embedded files and attachment annotations' files, JavaScript, actions that open files or addresses
    or submit forms, automatic actions, multimedia, thumbnails, private application data, the authors of
    comments; and whatever else the file holds that its pages do not reach (an earlier version kept by an
    incremental update, bytes after the last %%EOF), since qpdf writes only what is reachable.
    Raises pikepdf.PasswordError, or another exception for a file that qpdf cannot read cleanly.
    """
    # A compressed stream of the file may inflate to at most this many bytes (the rest is refused, with a warning).
    settings.set_qpdf_limits(
        flate_max_memory=stream_memory,
        png_max_memory=stream_memory,
        tiff_max_memory=stream_memory,
        run_length_max_memory=stream_memory,
    )
    with pikepdf.open(io.BytesIO(content)) as pdf:
        (
            sanitize.Sanitizer()
            .remove_javascript()
            .remove_external_access()
            .remove_attachments()
            .remove_multimedia()
            .remove_thumbnails()
            .remove_search_index()
            .remove_web_capture()
            .remove_private_app_data()
            .remove_collection()
            .apply(pdf)
        )
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            for key in DROPPED_KEYS:
                if key in obj:
                    del obj[key]
            subtype = obj.get("/Subtype")
            if isinstance(subtype, pikepdf.Name) and str(subtype) in MARKUP_ANNOTATIONS and "/T" in obj:
                del obj["/T"]
        for key in ("/Info", "/ID"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        output = io.BytesIO()
        # Streams are copied as they are, never inflated: their content is the document's, and decoding them
        # would be work an attacker chooses.
        pdf.save(output, deterministic_id=True, stream_decode_level=pikepdf.StreamDecodeLevel.none)
        if pdf.get_warnings():
            raise ValueError("qpdf had to repair the file")
    return output.getvalue()


def main() -> int:
    """Read a PDF on standard input, under the limits given, and write it rewritten on standard output."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory", type=int, required=True, help="address space the process may use, bytes")
    parser.add_argument("--cpu-seconds", type=int, required=True, help="processor time the process may use")
    parser.add_argument("--stream-memory", type=int, required=True, help="bytes one stream may inflate to")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (args.memory, args.memory))
    resource.setrlimit(resource.RLIMIT_CPU, (args.cpu_seconds, args.cpu_seconds))
    content = sys.stdin.buffer.read()
    try:
        rewritten = rewrite(content, stream_memory=args.stream_memory)
    except pikepdf.PasswordError:
        return EXIT_ENCRYPTED
    except Exception:  # qpdf meeting a damaged or hostile file can fail in many ways: each means unreadable
        return EXIT_DAMAGED
    sys.stdout.buffer.write(rewritten)
    return 0


if __name__ == "__main__":
    sys.exit(main())
