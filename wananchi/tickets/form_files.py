"""The files of a posted form that carries attachments (the citizen's submit and add-information forms, the officer's
reply and request for information): those kept from an earlier post of it and those it brought, each checked and
kept for the browser session that sent it, so that a form coming back with a mistake keeps its files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request, session

from wananchi.core.db import commit_now
from wananchi.core.storage import file_store
from wananchi.tickets.attachments import IncomingFile, remove_files
from wananchi.tickets.models import KeptUpload
from wananchi.tickets.uploads import discard_kept_uploads, keep_files, kept_uploads, new_upload_owner

UPLOAD_OWNER = "upload_owner"  # the session's random id that its kept uploads carry


@dataclass
class FormFiles:
    """The files of a posted form: those kept from before and those it brought, checked and kept."""

    kept: list[KeptUpload] = field(default_factory=list)  # listed on the form again, and sent with it
    new: list[KeptUpload] = field(default_factory=list)  # of these, the ones this post brought
    refused: list[str] = field(default_factory=list)  # why files it brought were not kept
    lost: bool = False  # it named kept files that are gone (sent, removed, expired, or another session's)


def incoming_files(files_field: Any) -> list[IncomingFile]:
    """The files a form's file field brought."""
    return [
        IncomingFile(filename=f.filename or "", stream=f.stream) for f in (files_field.data or []) if f and f.filename
    ]


def kept_on_form() -> tuple[list[KeptUpload], bool]:
    """The uploads the posted form lists that this session still keeps, and whether it listed others."""
    tokens = request.form.getlist("kept")
    kept = kept_uploads(session.get(UPLOAD_OWNER), tokens)
    return kept, len(kept) < len(set(tokens))


def form_files(form: Any) -> FormFiles:
    """The form's files: those kept before (less the one whose Remove button was pressed) and the ones it brought
    (`form.attachments`), checked and kept for this browser session, committed whatever the answer, so that they are
    uploaded once."""
    kept, lost = kept_on_form()
    removed = [upload for upload in kept if upload.token == request.form.get("remove_upload")]
    incoming = incoming_files(form.attachments)
    if not removed and not incoming:
        return FormFiles(kept=kept, lost=lost)
    owner = session.get(UPLOAD_OWNER) or new_upload_owner()
    session[UPLOAD_OWNER] = owner
    kept = [upload for upload in kept if upload not in removed]
    gone = discard_kept_uploads(removed)
    new, refused = keep_files(owner, incoming, room=current_app.config["MAX_ATTACHMENTS"] - len(kept))
    commit_now()
    remove_files(file_store(), gone)
    return FormFiles(kept=kept + new, new=new, refused=refused, lost=lost)
