"""Attachments: recognised by their content, limited in number and size, photos and documents stripped of what
their metadata tells about the sender, phones' HEIC and WebP photos drawn again as JPEG, stored under random
names."""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
import pillow_heif
from flask_babel import gettext as _
from PIL import Image, ImageOps

from wananchi.core.errors import DomainError
from wananchi.core.numbers import megabytes
from wananchi.core.storage import FileStore
from wananchi.tickets import pdf_rewrite

# What citizens may send, by the type their content shows, with the endings that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
    "image/heic": (".heic", ".heif"),  # iPhones' photos
    "image/heif": (".heif", ".heic"),
    "image/webp": (".webp",),  # some Android cameras and messaging apps
}
# Phones' photo formats that few computers open: drawn again as JPEG (and named .jpg), as the type stored.
CONVERTED_TO_JPEG = {"image/heic", "image/heif", "image/webp"}
# The Pillow decoder of each type of photo (pillow-heif registers "HEIF" when a photo needs it).
PHOTO_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
    "image/webp": "WEBP",
}
# The neutral name a file of each type is stored under when its own name could tell who sent it.
NEUTRAL_NAMES = {"image/jpeg": "picha-{}.jpg", "image/png": "picha-{}.png", "application/pdf": "kiambatisho-{}.pdf"}
SNIFF_BYTES = 8192
MAX_NAME = 200  # characters of a file's name that are kept

# Photos: what is refused before it is decoded. A JPEG is decoded at a reduced scale (1/2, 1/4 or 1/8) close to
# the size it is stored at, so a phone camera's 50 megapixels cost what 12 do. A PNG (a screenshot, a scan) is
# decoded whole, so it gets a lower limit, and above a phone screenshot's size it must not hold far more pixels
# than its bytes can honestly carry: screenshots and scans measure 25 to 220 samples (pixels times colour
# channels) per byte of file, a "bomb" of one colour about 1,000 (7000x7000 pixels in 143 KB).
MAX_PHOTO_PIXELS = 50_000_000
MAX_PNG_PIXELS = 24_000_000  # more than a 5K screen, or an A3 page scanned at 300 dpi
# HEIC and WebP photos are decoded whole too: the same limit (an iPhone's photos have 12 or 24 megapixels).
MAX_WHOLE_DECODE_PIXELS = MAX_PNG_PIXELS
PNG_RATIO_FROM_PIXELS = 4_000_000  # fewer decode in a few milliseconds whatever their ratio
MAX_PNG_SAMPLES_PER_BYTE = 300
MAX_PHOTO_SIDE = 2560  # longer photos are scaled down: enough to read a meter or a receipt, light to download
JPEG_QUALITY = 85

# Documents are rewritten in a process of its own (pdf_rewrite.py), within these limits.
PDF_REWRITE = Path(pdf_rewrite.__file__)
PDF_MEMORY = 256 * 1024 * 1024  # address space of that process (it starts at about 40 MB)
PDF_STREAM_MEMORY = 64 * 1024 * 1024  # what one compressed stream qpdf reads may inflate to
PDF_CPU_SECONDS = 2  # a 5 MB document takes about 0.1 s, start-up included
PDF_TIMEOUT_SECONDS = 20  # on a busy machine the process gets less than a core


@dataclass(frozen=True)
class IncomingFile:
    """A file as it arrived: the name the citizen's device gave it and its content."""

    filename: str
    stream: IO[bytes]


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks, with its content read."""

    filename: str
    content_type: str
    content: bytes


def clean_filename(filename: str) -> str:
    """The name a device gave a file, fit to store and show: its last path part, without control or
    formatting characters (a NUL, a right-to-left override that would disguise its ending), at most 200
    characters with its ending kept."""
    name = os.path.basename(filename.replace("\\", "/"))
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    stem, suffix = os.path.splitext(name)
    if len(name) > MAX_NAME:
        suffix = suffix[:16]
        name = stem[: MAX_NAME - len(suffix)] + suffix
    return name or "file"


def _declared_size(stream: IO[bytes], read: int) -> int:
    """The whole size of a file whose first `read` bytes were read: from its end when it can be found, else what
    was read (a stream that cannot seek)."""
    try:
        return max(stream.seek(0, os.SEEK_END), read)
    except (OSError, ValueError):
        return read


def check_files(
    files: list[IncomingFile], *, max_files: int, max_bytes: int, max_photo_bytes: int | None = None
) -> list[CheckedFile]:
    """Read and check the files; DomainError naming the first problem, in the user's language. A document may
    have `max_bytes`, a photo `max_photo_bytes` (as much as a document unless given): photos are drawn again
    smaller, so a phone's full-size photo is welcome."""
    max_photo_bytes = max(max_photo_bytes or max_bytes, max_bytes)
    files = [f for f in files if f.filename]
    if len(files) > max_files:
        raise DomainError(_("You may attach at most %(count)d files.", count=max_files), field="attachments")
    checked = []
    for incoming in files:
        name = clean_filename(incoming.filename)
        content = incoming.stream.read(max_photo_bytes + 1)
        if not content:
            raise DomainError(_("The file %(name)s is empty. Choose another file.", name=name), field="attachments")
        kind = filetype.guess(content[:SNIFF_BYTES])
        mime = kind.mime if kind else None
        extension = Path(name).suffix.lower()
        if mime not in ALLOWED_TYPES or extension not in ALLOWED_TYPES[mime]:
            raise DomainError(
                _(
                    "The file %(name)s is not a photo (JPEG, PNG, HEIC, WebP) or a PDF document. Choose another file.",
                    name=name,
                ),
                field="attachments",
            )
        _check_size(incoming, content, name, mime, max_bytes if mime == "application/pdf" else max_photo_bytes)
        if mime == "application/pdf":
            content = clean_pdf(content, name)
        else:
            content = _clean_photo(content, mime, name)
            if mime in CONVERTED_TO_JPEG:
                mime, name = "image/jpeg", str(Path(name).with_suffix(".jpg"))
        checked.append(CheckedFile(filename=name, content_type=mime, content=content))
    return checked


def _check_size(incoming: IncomingFile, content: bytes, name: str, mime: str, limit: int) -> None:
    """Refuse a file larger than `limit`, saying how large it is and what to do instead."""
    if len(content) <= limit:
        return
    size, most = megabytes(_declared_size(incoming.stream, len(content))), limit // (1024 * 1024)
    if mime == "application/pdf":
        message = _(
            "The document %(name)s is %(size)s MB, and a document may be at most %(most)d MB. Send fewer pages, "
            "a copy scanned in lower quality, or photos of its pages instead.",
            name=name,
            size=size,
            most=most,
        )
    else:
        message = _(
            "The photo %(name)s is %(size)s MB, and a photo may be at most %(most)d MB. Choose a smaller size when "
            "you share it, or set the camera to take smaller photos.",
            name=name,
            size=size,
            most=most,
        )
    raise DomainError(message, field="attachments")


def neutral_filename(content_type: str, number: int) -> str:
    """The name a ticket's `number`th file is stored under when the name it came with could identify its sender
    (`Juma_Mwakyusa_CV.pdf`): "picha-1.jpg", "kiambatisho-2.pdf", with the ending its content showed."""
    return NEUTRAL_NAMES[content_type].format(number)


def _too_costly(image: Image.Image, mime: str, size: int) -> bool:
    """Whether decoding the photo whose header was read would cost more than any honest photo (see the limits)."""
    pixels = image.width * image.height
    if mime == "image/jpeg":
        return pixels > MAX_PHOTO_PIXELS
    if mime != "image/png":
        return pixels > MAX_WHOLE_DECODE_PIXELS
    samples = pixels * len(image.getbands())
    return pixels > MAX_PNG_PIXELS or (pixels > PNG_RATIO_FROM_PIXELS and samples > MAX_PNG_SAMPLES_PER_BYTE * size)


def _clean_photo(content: bytes, mime: str, name: str) -> bytes:
    """The photo drawn again from its pixels alone: turned as the camera meant, at most MAX_PHOTO_SIDE pixels
    long, without the metadata a phone writes (the place it was taken, the device, an owner's name) that would
    tell an officer more than an anonymous citizen chose to, and without anything hidden after the image.
    Its size is read from the header first, and a photo that would cost too much to decode is refused.
    A HEIC or WebP photo comes out as a JPEG (on white where it was transparent)."""
    if mime in ("image/heic", "image/heif"):
        pillow_heif.register_heif_opener()  # Pillow reads HEIC through pillow-heif (registering twice is harmless)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[PHOTO_FORMATS[mime]]) as image:
                if _too_costly(image, mime, len(content)):
                    raise DomainError(
                        _("The photo %(name)s has too many pixels. Send a smaller one.", name=name),
                        field="attachments",
                    )
                if mime == "image/jpeg":
                    image.draft("RGB", (MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))  # decode big photos at a reduced scale
                icc_profile = image.info.get("icc_profile")
                # Scaled down and turned in place: no copy of the pixels is made, and none at full size (the box
                # is square, so turning first would give the same size).
                image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
                ImageOps.exif_transpose(image, in_place=True)
                output = io.BytesIO()
                if mime in CONVERTED_TO_JPEG:
                    _flattened(image).save(output, "JPEG", quality=JPEG_QUALITY, exif=b"", icc_profile=icc_profile)
                elif mime == "image/jpeg":
                    image.save(output, "JPEG", quality=JPEG_QUALITY, exif=b"", icc_profile=icc_profile)
                else:
                    transparency = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
                    image.save(output, "PNG", exif=b"", icc_profile=icc_profile, **transparency)
    except DomainError:
        raise
    except Exception:  # a decoder meeting a damaged or hostile file can fail in many ways: each means unreadable
        raise DomainError(
            _("The photo %(name)s could not be read. Choose it again, or send another.", name=name),
            field="attachments",
        ) from None
    return output.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """The photo's pixels as JPEG stores them: RGB, any transparent part on white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode in ("RGB", "L") else image.convert("RGB")


def pdf_rewrite_command() -> list[str]:
    """The command that rewrites a PDF given on its standard input, within the limits above."""
    return [
        sys.executable,
        "-I",  # nothing from the environment or the working folder
        str(PDF_REWRITE),
        f"--memory={PDF_MEMORY}",
        f"--cpu-seconds={PDF_CPU_SECONDS}",
        f"--stream-memory={PDF_STREAM_MEMORY}",
    ]


def clean_pdf(content: bytes, name: str) -> bytes:
    """The document written anew without its metadata, attachments, scripts and actions (pdf_rewrite.rewrite),
    by a process whose memory and processor time are capped; refused when it cannot be rewritten."""
    command = pdf_rewrite_command()  # this interpreter and a script of the package: the citizen sends only bytes
    try:
        done = subprocess.run(  # noqa: S603
            command, input=content, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        done = None
    if done is not None and done.returncode == pdf_rewrite.EXIT_ENCRYPTED:
        raise DomainError(
            _("The document %(name)s is protected by a password. Send it without the password.", name=name),
            field="attachments",
        )
    if done is None or done.returncode != 0 or not done.stdout:
        raise DomainError(
            _("The document %(name)s could not be read. Choose it again, or send another.", name=name),
            field="attachments",
        )
    return done.stdout


def store_file(store: FileStore, checked: CheckedFile) -> str:
    """Write a checked file under a new random name in `store`; return that name."""
    stored_name = secrets.token_hex(16) + ALLOWED_TYPES[checked.content_type][0]
    store.write(stored_name, checked.content)
    return stored_name


def remove_files(store: FileStore, stored_names: list[str]) -> None:
    """Delete stored files whose database rows were rolled back or deleted."""
    store.delete(stored_names)


THUMBNAIL_SIDE = 160  # pixels: the longest side of a photo's thumbnail on the officer's ticket page
THUMBNAIL_QUALITY = 75


def thumbnail(content: bytes) -> bytes:
    """A small JPEG of a stored photo (already checked and drawn again when it was received, so at most
    MAX_PHOTO_SIDE pixels long), decoded at a reduced scale where the format allows it."""
    with Image.open(io.BytesIO(content), formats=["JPEG", "PNG"]) as image:
        if image.format == "JPEG":
            image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # at 1/2 to 1/8 scale, never below the thumbnail
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        output = io.BytesIO()
        _flattened(image).save(output, "JPEG", quality=THUMBNAIL_QUALITY)
    return output.getvalue()
