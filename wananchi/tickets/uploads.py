"""Kept uploads: a file that passed the checks on a form that came back to its citizen (an error elsewhere on it) is
stored and listed on the form again, so that on a slow network it is uploaded once.

Only the browser session that sent a file can use it: the form carries the upload's random token, and the session
a random owner id (`upload_owner` in the views); both must match, within KEPT_UPLOAD_MAX_AGE. Sending the form
turns the kept files into the ticket's attachments (`submit_ticket`); the worker deletes what was never sent.
Files are written and deleted only through `store_file` and `remove_files` (attachments.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from wananchi.core.db import on_rollback, utcnow
from wananchi.core.errors import DomainError
from wananchi.core.storage import FileStore, file_store
from wananchi.extensions import db
from wananchi.tickets.attachments import IncomingFile, check_files, remove_files, store_file
from wananchi.tickets.models import KeptUpload

MAX_TOKENS = 10  # a form lists at most MAX_ATTACHMENTS kept files: more tokens than this are not looked up


def new_upload_owner() -> str:
    """A random id for a browser session's kept uploads."""
    return secrets.token_urlsafe(24)


def _oldest_kept(now: dt.datetime) -> dt.datetime:
    return now - current_app.config["KEPT_UPLOAD_MAX_AGE"]


def keep_files(owner: str, files: list[IncomingFile], *, room: int) -> tuple[list[KeptUpload], list[str]]:
    """Check each file and keep those that pass for `owner` (at most `room` of them); return the kept uploads and
    the messages that say why the others were refused. Nothing is committed."""
    files = [f for f in files if f.filename]
    if len(files) > room:
        most = current_app.config["MAX_ATTACHMENTS"]
        return [], [
            _(
                "You may attach at most %(count)d files, and %(kept)d are already attached: remove one to send "
                "another.",
                count=most,
                kept=most - room,
            )
            if room < most
            else _("You may attach at most %(count)d files.", count=most)
        ]
    config, store, now = current_app.config, file_store(), utcnow()
    kept: list[KeptUpload] = []
    refused: list[str] = []
    for incoming in files:
        try:
            [checked] = check_files(
                [incoming],
                max_files=1,
                max_bytes=config["MAX_ATTACHMENT_BYTES"],
                max_photo_bytes=config["MAX_PHOTO_BYTES"],
            )
        except DomainError as error:
            refused.append(error.message)
            continue
        stored_name = store_file(store, checked)
        on_rollback(_remover(store, stored_name))
        upload = KeptUpload(
            token=secrets.token_urlsafe(32),
            owner=owner,
            filename=checked.filename,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=len(checked.content),
            created_at=now,
        )
        db.session.add(upload)
        kept.append(upload)
    db.session.flush()
    return kept, refused


def _remover(store: FileStore, stored_name: str) -> Callable[[], None]:
    return lambda: remove_files(store, [stored_name])


def kept_uploads(owner: str | None, tokens: list[str]) -> list[KeptUpload]:
    """The uploads still kept for `owner` among `tokens`, in the order given; a token of another session, of an
    upload already sent or removed, or too old, finds nothing."""
    wanted = list(dict.fromkeys(token for token in tokens if token and len(token) <= 64))[:MAX_TOKENS]
    if not owner or not wanted:
        return []
    rows = db.session.scalars(
        select(KeptUpload).where(
            KeptUpload.token.in_(wanted),
            KeptUpload.owner == owner,
            KeptUpload.created_at > _oldest_kept(utcnow()),
        )
    )
    found = {row.token: row for row in rows}
    return [found[token] for token in wanted if token in found]


def use_kept_uploads(uploads: list[KeptUpload]) -> None:
    """Take the uploads off the kept list, as their files become a ticket's attachments (in this transaction);
    DomainError if another request took one first (the same form sent twice at once)."""
    if not uploads:
        return
    taken = db.session.execute(
        delete(KeptUpload)
        .where(KeptUpload.id.in_([upload.id for upload in uploads]))
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != len(uploads):  # type: ignore[attr-defined]
        raise DomainError(
            _("The files of this form were already sent with another ticket. Choose them again."), field="attachments"
        )


def discard_kept_uploads(uploads: list[KeptUpload]) -> list[str]:
    """Delete the uploads' rows; return their stored names, to remove once the deletion is committed (a file is
    never missing under a row that still names it)."""
    for upload in uploads:
        db.session.delete(upload)
    db.session.flush()
    return [upload.stored_name for upload in uploads]


def remove_expired_uploads(commit: Callable[[], None], *, now: dt.datetime | None = None) -> int:
    """Delete the kept uploads older than KEPT_UPLOAD_MAX_AGE and, once that is committed, their files; return how
    many (the worker runs this every hour)."""
    expired = list(db.session.scalars(select(KeptUpload).where(KeptUpload.created_at <= _oldest_kept(now or utcnow()))))
    stored_names = discard_kept_uploads(expired)
    commit()
    remove_files(file_store(), stored_names)
    return len(stored_names)
