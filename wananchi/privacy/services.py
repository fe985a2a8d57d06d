"""What citizens and supervisors do with a ticket's personal data: legal holds, consent withdrawal, the download."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.tickets.labels import CHANNEL_LABELS, CITIZEN_STATUS_LABELS, EVENT_LABELS, IDENTITY_LABELS, TYPE_LABELS
from wananchi.tickets.models import EventKind, Ticket, TicketEvent
from wananchi.tickets.permissions import Permission, can

CITIZEN = "mwananchi"


class NotPermitted(Exception):
    """The user may not do this to this ticket."""


def set_legal_hold(ticket: Ticket, hold: bool, reason: str, *, actor: User, now: dt.datetime | None = None) -> None:
    """Set or lift a ticket's legal hold, with the reason, in its history and the audit log."""
    if not can(actor, Permission.HOLD_PERSONAL_DATA, ticket):
        raise NotPermitted()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason."), field="reason")
    if ticket.legal_hold == hold:
        return
    if hold and ticket.personal_data_erased_at is not None:
        raise DomainError(_("This ticket's personal data has already been erased: there is nothing left to keep."))
    now = now or utcnow()
    ticket.legal_hold = hold
    kind = EventKind.LEGAL_HOLD_SET if hold else EventKind.LEGAL_HOLD_LIFTED
    ticket.events.append(
        TicketEvent(kind=kind, actor=actor.name, actor_id=actor.id, created_at=now, data={"reason": reason})
    )
    record(actor.id, "set_legal_hold" if hold else "lift_legal_hold", ticket, {"reason": reason})
    db.session.flush()


def withdraw_consent(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    """The citizen withdraws their consent to publication: the text and the answer are no longer published.
    Whether anything changed (withdrawing twice is harmless)."""
    if not ticket.publication_consent:
        return False
    ticket.publication_consent = False
    ticket.events.append(TicketEvent(kind=EventKind.CONSENT_WITHDRAWN, actor=CITIZEN, created_at=now or utcnow()))
    db.session.flush()
    return True


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    """Everything held about the ticket that is its citizen's: its fields, contact, consent, the thread as the citizen
    sees it, the files (names and sizes) and the history of what happened to it (without officers' names)."""
    return {
        "reference": ticket.reference,
        "type": str(ticket.type),
        "status": str(ticket.status),
        "channel": str(ticket.channel),
        "language": ticket.language,
        "institution": localized_name(ticket.institution),
        "service": localized_name(ticket.category) if ticket.category else None,
        "region": ticket.region.name if ticket.region else None,
        "district": ticket.district.name if ticket.district else None,
        "place": ticket.place,
        "latitude": ticket.latitude,
        "longitude": ticket.longitude,
        "subject": ticket.subject,
        "description": ticket.description,
        "identity": str(ticket.identity),
        "name": ticket.citizen_name,
        "email": ticket.citizen_email,
        "phone": ticket.citizen_phone,
        "publication_consent": ticket.publication_consent,
        "legal_hold": ticket.legal_hold,
        "personal_data_erased_at": _when(ticket.personal_data_erased_at),
        "resolution_summary": ticket.resolution_summary,
        "satisfaction_rating": ticket.satisfaction_rating,
        "satisfaction_comment": ticket.satisfaction_comment,
        "created_at": _when(ticket.created_at),
        "first_response_at": _when(ticket.first_response_at),
        "resolved_at": _when(ticket.resolved_at),
        "closed_at": _when(ticket.closed_at),
        "messages": [
            {"kind": str(m.kind), "body": m.body, "created_at": _when(m.created_at)} for m in ticket.public_messages
        ],
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size, "created_at": _when(a.created_at)}
            for a in ticket.attachments
        ],
        "history": [{"kind": str(e.kind), "created_at": _when(e.created_at)} for e in ticket.events],
    }


def labels_in_both_languages(ticket: Ticket) -> dict[str, dict[str, Any]]:
    """The words of the download's codes (type, status, identity, channel, institution, service, each history step)
    in Swahili and in English, so the file reads in either language."""
    labels = {}
    for language in ("sw", "en"):
        with force_locale(language):
            labels[language] = {
                "type": str(TYPE_LABELS[ticket.type]),
                "status": str(CITIZEN_STATUS_LABELS[ticket.status]),
                "identity": str(IDENTITY_LABELS[ticket.identity]),
                "channel": str(CHANNEL_LABELS.get(ticket.channel, ticket.channel)),
                "institution": localized_name(ticket.institution, language),
                "service": localized_name(ticket.category, language) if ticket.category else None,
                "history": {str(event.kind): str(EVENT_LABELS.get(event.kind, event.kind)) for event in ticket.events},
            }
    return labels


def record_download(ticket: Ticket, form: str, now: dt.datetime | None = None) -> None:
    """Note in the ticket's history that its citizen downloaded its data (as JSON or the printable page)."""
    ticket.events.append(
        TicketEvent(kind=EventKind.DATA_DOWNLOADED, actor=CITIZEN, created_at=now or utcnow(), data={"form": form})
    )
    db.session.flush()
