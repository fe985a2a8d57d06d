"""Citizens' requests about their ticket's personal data (correction, early erasure, a copy), and the supervisor's
decision; both are kept, in the ticket's history and the audit log.

Each request is also a ticket of its own kind (type "data_request", ombi kuhusu taarifa binafsi) in the ticket's
institution's queue: the response-time targets of that type are the time the supervisor has (working days of the
institution's calendar), the escalation scan chases it when late, the reports count it by type, and the decision
resolves it (the decision is the answer the citizen receives, by the message of wananchi/privacy/handlers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.notifications.handlers import citizen_contacts
from wananchi.privacy import signals
from wananchi.privacy.labels import REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS
from wananchi.privacy.models import IDENTITY_CHECKS, DataRequest, RequestKind, RequestStatus
from wananchi.privacy.retention import erase_personal_data
from wananchi.privacy.services import CITIZEN, NotPermitted
from wananchi.sla import clock
from wananchi.sla.targets import targets_of
from wananchi.tickets.models import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Identity,
    MessageKind,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.services import open_data_request_ticket


def pending_requests(ticket: Ticket) -> list[DataRequest]:
    """The ticket's requests still waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            select(DataRequest)
            .where(DataRequest.ticket_id == ticket.id, DataRequest.status == RequestStatus.PENDING)
            .order_by(DataRequest.id)
        )
    )


@dataclass(frozen=True)
class Waiting:
    """An institution's requests waiting for a decision, and how many of them are past their time."""

    pending: int
    overdue: int


def waiting_requests(user: User, now: dt.datetime | None = None) -> Waiting | None:
    """The requests waiting for the user's decision (None for a user who decides none): the supervisors'
    dashboard shows them beside the queue's tabs."""
    institution = db.session.get(Institution, user.institution_id) if user.institution_id else None
    if institution is None or not can(user, Permission.DECIDE_DATA_REQUEST, institution):
        return None
    now = now or utcnow()
    own = aliased(Ticket)
    late = case((own.resolution_due_at < now, 1), else_=0)
    pending, overdue = db.session.execute(
        select(func.count(), func.coalesce(func.sum(late), 0))
        .select_from(DataRequest)
        .join(Ticket, Ticket.id == DataRequest.ticket_id)
        .outerjoin(own, own.id == DataRequest.request_ticket_id)
        .where(Ticket.institution_id == institution.id, DataRequest.status == RequestStatus.PENDING)
    ).one()
    return Waiting(pending=int(pending), overdue=int(overdue))


def decision_days(ticket: Ticket) -> int:
    """The working days a supervisor has to decide a request about `ticket`: the resolution target of a request
    about personal data at its institution (and service), as the targets' administrator set it."""
    return targets_of(TicketType.DATA_REQUEST, ticket.institution_id, ticket.category_id).resolution_days


def request_of(ticket: Ticket) -> DataRequest | None:
    """The request whose own ticket `ticket` is (None for any other ticket): its page links to the decision."""
    if ticket.type != TicketType.DATA_REQUEST:
        return None
    return db.session.scalar(select(DataRequest).where(DataRequest.request_ticket_id == ticket.id))


def request_subject(kind: RequestKind, reference: str) -> str:
    """The subject of a request's own ticket: what is asked, about which ticket (in the current language)."""
    return f"{REQUEST_KIND_LABELS[kind]}: {reference}"


def shown_request_subject(ticket: Ticket) -> str | None:
    """A request's own ticket's subject in the page's language (its stored one is in the language of the ticket it
    is about), read in one query; None for a ticket of no request."""
    asked = db.session.execute(
        select(DataRequest.kind, Ticket.reference)
        .join(Ticket, Ticket.id == DataRequest.ticket_id)
        .where(DataRequest.request_ticket_id == ticket.id)
    ).first()
    return request_subject(asked.kind, asked.reference) if asked is not None else None


def ticket_requests(ticket: Ticket) -> list[DataRequest]:
    """Every request about the ticket, newest first."""
    return list(
        db.session.scalars(
            select(DataRequest).where(DataRequest.ticket_id == ticket.id).order_by(DataRequest.id.desc())
        )
    )


@dataclass(frozen=True)
class IdentityCheck:
    """How an officer checked that the person asking is the ticket's citizen: a method (IDENTITY_CHECKS) and a note
    (which document, its last digits, the call-back made; never a whole identity number)."""

    method: str
    note: str


def _new_request(
    ticket: Ticket,
    kind: RequestKind,
    reason: str,
    details: dict[str, str],
    now: dt.datetime,
    *,
    actor: User | None = None,
    check: IdentityCheck | None = None,
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
        recorded_by_id=actor.id if actor is not None else None,
        identity_check=check.method if check is not None else None,
        identity_note=check.note if check is not None else None,
    )
    db.session.add(request)
    db.session.flush()
    request.request_ticket = _open_ticket(ticket, request, check, now)
    data: dict[str, str] = {"request": str(kind)}
    if check is not None:
        data["identity_check"] = check.method
    ticket.events.append(
        TicketEvent(
            kind=EventKind.DATA_REQUESTED,
            actor=actor.name if actor is not None else CITIZEN,
            actor_id=actor.id if actor is not None else None,
            created_at=now,
            data=data,
        )
    )
    db.session.flush()
    if kind != RequestKind.ACCESS:  # a copy is handed over at once; the others wait for the supervisor's decision
        signals.data_request_received.send(request, now=now)
    return request


# How a request recorded by staff reached them, from how they checked the citizen's identity: a document is shown
# at the desk; a call back, the tracking code or another check is made by telephone.
DOCUMENT_CHECKS = ("national_id", "voter_card", "passport", "driving_licence")


def _open_ticket(about: Ticket, request: DataRequest, check: IdentityCheck | None, now: dt.datetime) -> Ticket:
    """The request's own ticket, in `about`'s language: what is asked, about which ticket, and the citizen's reason
    (never a correction's new details: those stay on the request, and are erased with `about`'s personal data)."""
    if check is None:
        channel = Channel.WEB
    else:
        channel = Channel.WALK_IN if check.method in DOCUMENT_CHECKS else Channel.TELEPHONE
    with force_locale(about.language):
        subject = request_subject(request.kind, about.reference)
        description = request.reason or _("No reason was given.")
    return open_data_request_ticket(about, subject, description, channel, f"data-request:{request.id}", now=now)


def _answer(request: DataRequest, actor: User, now: dt.datetime) -> None:
    """The decision answers and resolves the request's ticket, as a reply that resolves a question does: its first
    response and its resolution, the decision and its reason as the reply and the resolution (the citizen receives
    them by the decision's message, wananchi/privacy/handlers.py, at the contact of the ticket the request is about)."""
    own = request.request_ticket
    if own is None or own.status not in OPEN_STATUSES:
        return
    with force_locale(own.language):
        answer = f"{REQUEST_STATUS_LABELS[request.status]}: {request.decision_reason}"
    decided = {"request": str(request.kind), "decision": str(request.status)}
    moved = {"from": str(own.status), "to": str(TicketStatus.RESOLVED)}
    with db.session.no_autoflush:
        own.messages.append(
            TicketMessage(
                kind=MessageKind.REPLY, body=answer, author_name=actor.name, author_id=actor.id, created_at=now
            )
        )
        own.first_response_at = own.first_response_at or now
        own.assignee_id = own.assignee_id or actor.id
        own.resolution_summary = answer
        own.resolved_at = own.updated_at = now
        for kind, data in ((EventKind.REPLIED, {}), (EventKind.RESOLVED, decided), (EventKind.STATUS_CHANGED, moved)):
            own.events.append(TicketEvent(kind=kind, actor=actor.name, actor_id=actor.id, created_at=now, data=data))
        own.status = TicketStatus.RESOLVED
        clock.responded(own, now)
        clock.resolved(own, now)


def record_request_for_citizen(
    ticket: Ticket,
    kind: RequestKind,
    details: dict[str, str],
    reason: str,
    check: IdentityCheck,
    *,
    actor: User,
    now: dt.datetime | None = None,
) -> DataRequest:
    """An officer records a citizen's request (by telephone, at the desk, by letter) after checking who they are,
    noting how. A correction or an erasure then waits for the supervisor's decision like one made from the tracking
    page; an access request is granted at once (the officer hands over the copy). In the history and the audit log
    (the method of the check, never its note)."""
    if not can(actor, Permission.RECORD_DATA_REQUEST, ticket):
        raise NotPermitted()
    if check.method not in IDENTITY_CHECKS:
        raise DomainError(_("Choose how you checked who the citizen is."), field="identity_check")
    if not check.note.strip():
        raise DomainError(_("Write what you checked."), field="identity_note")
    now = now or utcnow()
    if kind == RequestKind.CORRECTION:
        if ticket.identity == Identity.ANONYMOUS:
            raise DomainError(_("This ticket was sent anonymously: no personal details are kept to correct."))
        details = {name: value for name, value in details.items() if value}
        if not details:
            raise DomainError(_("Write at least one detail to correct."), field="name")
    else:
        details = {}
    if kind == RequestKind.ACCESS and ticket.identity == Identity.ANONYMOUS:
        raise DomainError(_("This ticket was sent anonymously: nobody can show it is theirs."))
    request = _new_request(
        ticket, kind, reason, details, now, actor=actor, check=IdentityCheck(check.method, check.note.strip())
    )
    if kind == RequestKind.ACCESS:
        request.status = RequestStatus.GRANTED
        request.decided_at, request.decided_by_id = now, actor.id
        request.decision_reason = _("The identity was checked; a copy of the data was handed over.")
        _answer(request, actor, now)
    record(actor.id, "record_data_request", ticket, {"kind": str(kind), "identity_check": check.method})
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
    recipients = citizen_contacts(ticket)  # before a granted erasure clears them: the citizen is told either way
    if grant and request.kind == RequestKind.ERASURE:
        if ticket.legal_hold:
            raise DomainError(_("This ticket is under a legal hold: its personal data cannot be erased now."))
        erase_personal_data(ticket, now, on_request=True)
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
    _answer(request, actor, now)
    changes = {"kind": str(request.kind), "decision": str(request.status), "fields": sorted(request.details)}
    record(actor.id, "decide_data_request", ticket, changes)
    db.session.flush()
    signals.data_request_decided.send(request, now=now, recipients=recipients)
