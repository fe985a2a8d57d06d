"""Files stored before documents were rewritten and hidden senders' files renamed: cleaned once, in place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from wananchi.core.errors import DomainError
from wananchi.core.storage import FileStore, StorageError
from wananchi.extensions import db
from wananchi.tickets.attachments import clean_pdf, neutral_filename
from wananchi.tickets.models import Attachment, Identity, Ticket

BATCH = 200  # tickets per transaction


@dataclass
class CleanupResult:
    """What `clean_stored_attachments` changed, and the documents it had to leave as they were."""

    renamed: int = 0
    rewritten: int = 0
    unreadable: list[int] = field(default_factory=list)  # attachment ids


def clean_stored_attachments(store: FileStore, commit: Callable[[], None]) -> CleanupResult:
    """Give every file of an anonymous or contact-hidden ticket its neutral name, and rewrite every stored PDF as a
    new one is (`attachments.clean_pdf`), ticket by ticket in id order, committing after each batch. A document
    that cannot be rewritten (damaged, or locked by a password) is kept as it was and listed. Running it again
    changes nothing more."""
    result = CleanupResult()
    last = 0
    while True:
        batch = select(Attachment.ticket_id).where(Attachment.ticket_id > last).distinct()
        ticket_ids = db.session.scalars(batch.order_by(Attachment.ticket_id).limit(BATCH)).all()
        if not ticket_ids:
            return result
        identities = dict(db.session.execute(select(Ticket.id, Ticket.identity).where(Ticket.id.in_(ticket_ids))).all())
        attachments = db.session.scalars(
            select(Attachment).where(Attachment.ticket_id.in_(ticket_ids)).order_by(Attachment.ticket_id, Attachment.id)
        )
        number, ticket_id = 0, None
        for attachment in attachments:
            number = number + 1 if attachment.ticket_id == ticket_id else 1
            ticket_id = attachment.ticket_id
            if identities[ticket_id] != Identity.NAMED:
                neutral = neutral_filename(attachment.content_type, number)
                if attachment.filename != neutral:
                    attachment.filename = neutral
                    result.renamed += 1
            if attachment.content_type == "application/pdf":
                _rewrite(store, attachment, result)
        commit()
        last = ticket_ids[-1]


def _rewrite(store: FileStore, attachment: Attachment, result: CleanupResult) -> None:
    """Replace the stored document with its rewritten copy (written whole over the old one, never half written)."""
    try:
        content = store.read(attachment.stored_name)
        cleaned = clean_pdf(content, attachment.filename)
    except (OSError, StorageError, DomainError):
        result.unreadable.append(attachment.id)
        return
    if cleaned == content:
        return
    store.write(attachment.stored_name, cleaned)
    attachment.size = len(cleaned)
    result.rewritten += 1
