"""Attachments: recognised by their content, limited in number and size, stored under random names."""

from __future__ import annotations

import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask_babel import gettext as _

from wananchi.core.errors import DomainError

# What citizens may send, by the type their content shows, with the endings that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "image/png": (".png",),
    "application/pdf": (".pdf",),
}
SNIFF_BYTES = 8192


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


MAX_NAME = 200


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


def check_files(files: list[IncomingFile], *, max_files: int, max_bytes: int) -> list[CheckedFile]:
    """Read and check the files; DomainError naming the first problem, in the user's language."""
    files = [f for f in files if f.filename]
    if len(files) > max_files:
        raise DomainError(_("You may attach at most %(count)d files.", count=max_files), field="attachments")
    checked = []
    for incoming in files:
        name = clean_filename(incoming.filename)
        content = incoming.stream.read(max_bytes + 1)
        if len(content) > max_bytes:
            raise DomainError(
                _("The file %(name)s is larger than %(size)d MB.", name=name, size=max_bytes // (1024 * 1024)),
                field="attachments",
            )
        if not content:
            raise DomainError(_("The file %(name)s is empty.", name=name), field="attachments")
        kind = filetype.guess(content[:SNIFF_BYTES])
        mime = kind.mime if kind else None
        extension = Path(name).suffix.lower()
        if mime not in ALLOWED_TYPES or extension not in ALLOWED_TYPES[mime]:
            raise DomainError(
                _("The file %(name)s is not a photo (JPEG, PNG) or a PDF document.", name=name),
                field="attachments",
            )
        checked.append(CheckedFile(filename=name, content_type=mime, content=content))
    return checked


def store_file(folder: str, checked: CheckedFile) -> str:
    """Write a checked file under a new random name in `folder`; return that name."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + ALLOWED_TYPES[checked.content_type][0]
    path = Path(folder) / stored_name
    with open(path, "xb") as handle:
        handle.write(checked.content)
    return stored_name


def remove_files(folder: str, stored_names: list[str]) -> None:
    """Delete stored files whose database rows were rolled back."""
    for stored_name in stored_names:
        (Path(folder) / stored_name).unlink(missing_ok=True)
