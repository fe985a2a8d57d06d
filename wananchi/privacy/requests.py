"""Citizens' requests about their ticket's personal data (correction, early erasure), and the supervisor's decision
within DATA_REQUEST_DAYS; both are kept, in the ticket's history and the audit log."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus
from wananchi.privacy.retention import erase_personal_data
from wananchi.privacy.services import CITIZEN, NotPermitted
from wananchi.tickets.models import EventKind, Identity, Ticket, TicketEvent
from wananchi.tickets.permissions import Permission, can


def pending_requests(ticket: Ticket) -> list[DataRequest]:
    """The ticket's requests still waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            select(DataRequest)
            .where(DataRequest.ticket_id == ticket.id, DataRequest.status == RequestStatus.PENDING)
            .order_by(DataRequest.id)
        )
    )


def ticket_requests(ticket: Ticket) -> list[DataRequest]:
    """Every request about the ticket, newest first."""
    return list(
        db.session.scalars(
            select(DataRequest).where(DataRequest.ticket_id == ticket.id).order_by(DataRequest.id.desc())
        )
    )


def _new_request(
    ticket: Ticket, kind: RequestKind, reason: str, details: dict[str, str], now: dt.datetime
) -> DataRequest:
    if ticket.personal_data_erased_at is not None:
        raise DomainError(_("This ticket's personal data has already been erased."))
    if any(request.kind == kind for request in pending_requests(ticket)):
        raise DomainError(_("A request of this kind is already waiting for a decision."))
    request = DataRequest(
        ticket_id=ticket.id,
        kind=kind,
        details=details,
        reason=reason.strip(),
        created_at=now,
        due_at=now + dt.timedelta(days=current_app.config["DATA_REQUEST_DAYS"]),
    )
    db.session.add(request)
    ticket.events.append(
        TicketEvent(kind=EventKind.DATA_REQUESTED, actor=CITIZEN, created_at=now, data={"request": str(kind)})
    )
    db.session.flush()
    return request


def request_correction(
    ticket: Ticket, details: dict[str, str], reason: str, now: dt.datetime | None = None
) -> DataRequest:
    """The citizen asks for their name, e-mail address or phone number to be corrected (`details`: the new values,
    already checked and normalised)."""
    if ticket.identity == Identity.ANONYMOUS:
        raise DomainError(_("This ticket was sent anonymously: no personal details are kept to correct."))
    details = {name: value for name, value in details.items() if value}
    if not details:
        raise DomainError(_("Write at least one detail to correct."), field="name")
    return _new_request(ticket, RequestKind.CORRECTION, reason, details, now or utcnow())


def request_erasure(ticket: Ticket, reason: str, now: dt.datetime | None = None) -> DataRequest:
    """The citizen asks for their contact details and files to be erased before the retention period ends."""
    return _new_request(ticket, RequestKind.ERASURE, reason, {}, now or utcnow())


def decide_request(
    request: DataRequest, grant: bool, reason: str, *, actor: User, now: dt.datetime | None = None
) -> None:
    """A supervisor grants or refuses a request, with the reason; a granted correction changes the contact details,
    a granted erasure erases them and the files at once. Recorded on the ticket and in the audit log."""
    ticket = request.ticket
    if not can(actor, Permission.DECIDE_DATA_REQUEST, ticket):
        raise NotPermitted()
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Give the reason."), field="reason")
    if request.status != RequestStatus.PENDING:
        raise DomainError(_("This request has already been decided."))
    now = now or utcnow()
    if grant and request.kind == RequestKind.ERASURE:
        if ticket.legal_hold:
            raise DomainError(_("This ticket is under a legal hold: its personal data cannot be erased now."))
        erase_personal_data(ticket, now)
    elif grant:
        for name, value in request.details.items():
            setattr(ticket, f"citizen_{name}", value)
    request.status = RequestStatus.GRANTED if grant else RequestStatus.REFUSED
    request.decided_at, request.decided_by_id, request.decision_reason = now, actor.id, reason
    ticket.events.append(
        TicketEvent(
            kind=EventKind.DATA_REQUEST_DECIDED,
            actor=actor.name,
            actor_id=actor.id,
            created_at=now,
            data={"request": str(request.kind), "decision": str(request.status), "reason": reason},
        )
    )
    changes = {"kind": str(request.kind), "decision": str(request.status), "fields": sorted(request.details)}
    record(actor.id, "decide_data_request", ticket, changes)
    db.session.flush()
