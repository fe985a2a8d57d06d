"""What staff do to tickets: claim, assign, reply, note, ask, resolve, close, reopen, transfer, merge.

Every action reads top to bottom: it checks the permission and the status machine and refuses a stale
version, then changes the ticket, moves its response-time clock (wananchi/sla/clock.py) and appends its
history, with autoflush off (a query on the way, such as the clock's, would write the ticket's row
part-way), and writes it all with one flush: the ticket's row is updated once. A signal then carries the
side effects whose order does not matter (the outbox). Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from wananchi.accounts.models import STAFF_ROLES, User
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution, InstitutionKind
from wananchi.sla import clock
from wananchi.tickets import access, signals
from wananchi.tickets.access import record_access
from wananchi.tickets.models import (
    CITIZEN_TYPES,
    EventKind,
    KeptUpload,
    MessageKind,
    SuggestionOutcome,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    TicketTransfer,
    TicketType,
)
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.services import attach_staff_files
from wananchi.tickets.uploads import use_kept_uploads
from wananchi.tickets.workflow import Action, allowed_actions, next_status

MAX_TEXT = 10_000


class StaleTicket(DomainError):
    """The ticket changed after the page the user acted on was loaded."""

    def __init__(self) -> None:
        super().__init__(_("This ticket changed while you were working. Check the latest state below, then try again."))


class NotPermitted(DomainError):
    """The user may not do this to this ticket."""

    def __init__(self) -> None:
        super().__init__(_("You may not do this to this ticket."))


# What officers may do to a request about personal data: its answer is the supervisor's decision
# (wananchi/privacy/requests.py), which resolves it; it stays with the institution that decides it.
DATA_REQUEST_ACTIONS = frozenset({Action.CLAIM, Action.ASSIGN, Action.NOTE, Action.CLOSE})


def kind_allows(ticket: Ticket, action: Action) -> bool:
    """Whether the ticket's kind takes `action`: a request about personal data only DATA_REQUEST_ACTIONS (its
    supervisor's decision answers it)."""
    return ticket.type != TicketType.DATA_REQUEST or action in DATA_REQUEST_ACTIONS


def available_actions(ticket: Ticket) -> set[Action]:
    """The actions the ticket's status and kind allow now."""
    return {action for action in allowed_actions(ticket.status) if kind_allows(ticket, action)}


def _start(ticket: Ticket, actor: User, permission: Permission, action: Action, version: int | None) -> TicketStatus:
    if not can(actor, permission, ticket):
        raise NotPermitted()
    if version is not None and version != ticket.version:
        raise StaleTicket()
    if not kind_allows(ticket, action):
        raise DomainError(_("A request about personal data is answered by the supervisor's decision on the request."))
    return next_status(ticket.status, action)


def _text(value: str | None, field: str, message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(message, field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(_("The text may be at most %(count)d characters.", count=MAX_TEXT), field=field)
    return text


def _event(ticket: Ticket, kind: EventKind, actor: User, now: dt.datetime, **data: Any) -> None:
    ticket.events.append(TicketEvent(kind=kind, actor=actor.name, actor_id=actor.id, created_at=now, data=data))


def _set_status(ticket: Ticket, status: TicketStatus, actor: User, now: dt.datetime) -> None:
    if status != ticket.status:
        _event(ticket, EventKind.STATUS_CHANGED, actor, now, **{"from": str(ticket.status), "to": str(status)})
        ticket.status = status
    ticket.updated_at = now


def _message(ticket: Ticket, kind: MessageKind, body: str, actor: User, now: dt.datetime) -> TicketMessage:
    message = TicketMessage(kind=kind, body=body, author_name=actor.name, author_id=actor.id, created_at=now)
    ticket.messages.append(message)
    return message


def claim_ticket(ticket: Ticket, *, actor: User, version: int | None = None, now: dt.datetime | None = None) -> None:
    """The officer takes the ticket: it is assigned to them and moves to in progress."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.CLAIM, version)
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.assignee = actor
        _event(ticket, EventKind.CLAIMED, actor, now, assignee=actor.id)
        _set_status(ticket, status, actor, now)
        clock.follow_status(ticket, now)
    db.session.flush()
    signals.ticket_assigned.send(ticket, assignee=actor, actor=actor, now=now)


def assign_ticket(
    ticket: Ticket, assignee: User, *, actor: User, version: int | None = None, now: dt.datetime | None = None
) -> None:
    """A supervisor gives the ticket to an officer of the same institution."""
    _start(ticket, actor, Permission.ASSIGN_TICKET, Action.ASSIGN, version)
    if assignee.institution_id != ticket.institution_id or assignee.role not in STAFF_ROLES or not assignee.active:
        raise DomainError(_("Choose an officer of this institution."), field="assignee")
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.assignee = assignee
        _event(ticket, EventKind.ASSIGNED, actor, now, assignee=assignee.id, assignee_name=assignee.name)
        if ticket.status in (TicketStatus.RECEIVED, TicketStatus.REOPENED):
            _set_status(ticket, TicketStatus.IN_PROGRESS, actor, now)
        ticket.updated_at = now
        clock.follow_status(ticket, now)
    db.session.flush()
    signals.ticket_assigned.send(ticket, assignee=assignee, actor=actor, now=now)


def reply_to_citizen(
    ticket: Ticket,
    body: str,
    *,
    actor: User,
    resolve: bool = False,
    files: list[KeptUpload] | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> TicketMessage:
    """A public reply, with the officer's checked `files` (kept uploads of the form); a question may be answered and
    resolved in one step (`resolve=True`)."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.REPLY, version)
    text = _text(body, "body", _("Write the reply."))
    if resolve and ticket.type != TicketType.QUESTION:
        raise DomainError(_("Only a question can be answered and resolved in one step."))
    if resolve and ticket.duplicates:  # a reply is written to one citizen; a resolution is read by all of them
        raise DomainError(
            _(
                "Other tickets were merged into this one, and their citizens read its resolution: send the reply, "
                "then resolve the ticket with a summary written for all of them."
            ),
            field="resolve",
        )
    now = now or utcnow()
    with db.session.no_autoflush:
        message = _message(ticket, MessageKind.REPLY, text, actor, now)
        attach_staff_files(ticket, message, files or [], now)
        ticket.first_response_at = ticket.first_response_at or now
        ticket.assignee = ticket.assignee or actor
        _event(ticket, EventKind.REPLIED, actor, now)
        if resolve:
            ticket.resolution_summary = text
            ticket.resolved_at = now
            _event(ticket, EventKind.RESOLVED, actor, now)
            status = TicketStatus.RESOLVED
        _set_status(ticket, status, actor, now)
        clock.responded(ticket, now)
        clock.follow_status(ticket, now)  # a reply to an awaiting ticket ends the pause
        if resolve:
            clock.resolved(ticket, now)
    db.session.flush()
    use_kept_uploads(files or [])
    signals.ticket_replied.send(ticket, message=message, actor=actor, now=now)
    if resolve:
        signals.ticket_resolved.send(ticket, actor=actor, now=now)
    return message


def add_note(
    ticket: Ticket, body: str, *, actor: User, version: int | None = None, now: dt.datetime | None = None
) -> TicketMessage:
    """An internal note (officers of the institution) or a directive (supervisors and oversight)."""
    _start(ticket, actor, Permission.NOTE_TICKET, Action.NOTE, version)
    directive = not can(actor, Permission.WORK_TICKET, ticket)
    text = _text(body, "body", _("Write the note."))
    now = now or utcnow()
    with db.session.no_autoflush:
        message = _message(ticket, MessageKind.NOTE, text, actor, now)
        _event(ticket, EventKind.NOTE_ADDED, actor, now, directive=directive)
        ticket.updated_at = now
    db.session.flush()
    return message


def request_information(
    ticket: Ticket,
    body: str,
    *,
    actor: User,
    files: list[KeptUpload] | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> TicketMessage:
    """Ask the citizen for more information, with the officer's checked `files` (a form to fill in, say); the ticket
    waits for them (and its clock pauses)."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.REQUEST_INFO, version)
    text = _text(body, "body", _("Write what you need from the citizen."))
    now = now or utcnow()
    with db.session.no_autoflush:
        message = _message(ticket, MessageKind.INFO_REQUEST, text, actor, now)
        attach_staff_files(ticket, message, files or [], now)
        ticket.first_response_at = ticket.first_response_at or now
        ticket.assignee = ticket.assignee or actor
        _event(ticket, EventKind.INFO_REQUESTED, actor, now)
        _set_status(ticket, status, actor, now)
        clock.responded(ticket, now)
        clock.follow_status(ticket, now)  # the clock pauses while the ticket awaits the citizen
    db.session.flush()
    use_kept_uploads(files or [])
    signals.information_requested.send(ticket, message=message, actor=actor, now=now)
    return message


def resolve_ticket(
    ticket: Ticket,
    summary: str,
    *,
    actor: User,
    outcome: SuggestionOutcome | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Resolve with a summary the citizen reads; a suggestion also needs its outcome."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.RESOLVE, version)
    text = _text(summary, "summary", _("Write a summary of the resolution: the citizen will read it."))
    if ticket.type == TicketType.SUGGESTION and outcome is None:
        raise DomainError(_("Choose the outcome of the suggestion."), field="outcome")
    if ticket.type != TicketType.SUGGESTION and outcome is not None:
        raise DomainError(_("Only a suggestion has an outcome."), field="outcome")
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.resolution_summary = text
        ticket.outcome = outcome
        ticket.resolved_at = now
        ticket.assignee = ticket.assignee or actor
        _event(ticket, EventKind.RESOLVED, actor, now, outcome=str(outcome) if outcome else None)
        _set_status(ticket, status, actor, now)
        clock.follow_status(ticket, now)  # a resolution straight from "awaiting" ends the pause first
        clock.resolved(ticket, now)
    db.session.flush()
    signals.ticket_resolved.send(ticket, actor=actor, now=now)


def close_ticket(ticket: Ticket, *, actor: User, version: int | None = None, now: dt.datetime | None = None) -> None:
    """Close a resolved ticket for good."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.CLOSE, version)
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.closed_at = now
        _event(ticket, EventKind.CLOSED, actor, now)
        _set_status(ticket, status, actor, now)
        clock.follow_status(ticket, now)
    db.session.flush()
    signals.ticket_closed.send(ticket, actor=actor, now=now)


def reopen_ticket(
    ticket: Ticket, reason: str, *, actor: User, version: int | None = None, now: dt.datetime | None = None
) -> None:
    """Reopen a resolved ticket, saying why."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.REOPEN, version)
    text = _text(reason, "reason", _("Write why the ticket is reopened."))
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.resolved_at = None
        _event(ticket, EventKind.REOPENED, actor, now, reason=text)
        _set_status(ticket, status, actor, now)
        clock.reopened(ticket, now)  # new work: a fresh resolution target
    db.session.flush()
    signals.ticket_reopened.send(ticket, actor=actor, now=now)


def transfer_ticket(
    ticket: Ticket,
    to: Institution,
    reason: str,
    *,
    actor: User,
    version: int | None = None,
    now: dt.datetime | None = None,
    service: Category | None = None,
) -> TicketTransfer:
    """Send the ticket to another institution's queue; the sender keeps a read-only view. With `service` (an
    accepted routing suggestion) the ticket also takes that service, which must be an active one the receiving
    institution answers: its own, or a local service when it is a council. The history records both."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.TRANSFER, version)
    text = _text(reason, "reason", _("Write why the ticket belongs to the other institution."))
    if to.id == ticket.institution_id or not to.is_active:
        raise DomainError(_("Choose another, active institution."), field="institution")
    if service is not None and not (
        service.is_active
        and (service.institution_id == to.id or (service.is_local and to.kind == InstitutionKind.COUNCIL))
    ):
        raise DomainError(_("Choose a service that the receiving institution answers."), field="institution")
    now = now or utcnow()
    moved: dict[str, str | None] = {"from": ticket.institution.slug, "to": to.slug, "reason": text}
    if service is not None and service.id != ticket.category_id:
        moved |= {"from_service": ticket.category.code if ticket.category else None, "service": service.code}
    with db.session.no_autoflush:
        transfer = TicketTransfer(
            from_institution_id=ticket.institution_id,
            to_institution_id=to.id,
            reason=text,
            actor_id=actor.id,
            created_at=now,
        )
        ticket.transfers.append(transfer)
        _event(
            ticket,
            EventKind.TRANSFERRED,
            actor,
            now,
            **moved,
        )
        ticket.institution = to
        ticket.institution_id = to.id  # the clock reads the receiving institution's targets by its id
        if "service" in moved and service is not None:
            ticket.category = service
            ticket.category_id = service.id
        ticket.assignee = None
        _set_status(ticket, status, actor, now)
        clock.follow_status(ticket, now)
        clock.transferred(ticket, now)  # the receiving institution's own first-response target starts now
    db.session.flush()
    signals.ticket_transferred.send(ticket, transfer=transfer, actor=actor, now=now)
    return transfer


def merge_ticket(
    ticket: Ticket, into: Ticket, *, actor: User, version: int | None = None, now: dt.datetime | None = None
) -> None:
    """Close a duplicate into the surviving ticket. Its citizen's tracking page then shows the survivor's status and,
    once written, its resolution summary (which the officer writes for every merged citizen), never its replies:
    those are written to another citizen."""
    status = _start(ticket, actor, Permission.WORK_TICKET, Action.MERGE, version)
    if into.id == ticket.id or not into.is_open or into.merged_into_id is not None or into.type not in CITIZEN_TYPES:
        raise DomainError(_("Choose another ticket that is still open."), field="reference")
    if not can(actor, Permission.WORK_TICKET, into):
        raise DomainError(_("You can merge only into a ticket of your institution."), field="reference")
    if not ticket.merges_with(into):
        raise DomainError(_("A commendation can be merged only with another commendation."), field="reference")
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.merged_into = into
        ticket.closed_at = now
        _event(ticket, EventKind.MERGED, actor, now, into=into.reference)
        _event(into, EventKind.MERGED_INTO_THIS, actor, now, duplicate=ticket.reference)
        _set_status(ticket, status, actor, now)
        into.updated_at = now
        clock.follow_status(ticket, now)
    db.session.flush()
    signals.ticket_merged.send(ticket, into=into, actor=actor, now=now)


def pass_commendation(
    ticket: Ticket,
    *,
    actor: User,
    to_text: str = "",
    to_user: User | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Pass a commendation to the unit or officer it praises, where it is counted for them."""
    _start(ticket, actor, Permission.WORK_TICKET, Action.COMMEND, version)
    if ticket.type != TicketType.COMMENDATION:
        raise DomainError(_("Only a commendation can be passed on."))
    if to_user is not None and to_user.institution_id != ticket.institution_id:
        raise DomainError(_("Choose an officer of this institution."), field="officer")
    if to_user is not None and to_text.strip():
        raise DomainError(
            _("Choose the officer or write the unit the commendation is for, not both: it is passed to one."),
            field="unit",
        )
    name = to_user.name if to_user is not None else to_text.strip()[:200]
    if not name:
        raise DomainError(_("Write the unit, or choose the officer, the commendation is for."), field="unit")
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.commended_to = name
        ticket.commended_user = to_user
        _event(ticket, EventKind.COMMENDATION_PASSED, actor, now, to=name, officer=to_user.id if to_user else None)
        ticket.updated_at = now
    db.session.flush()


def record_contact_view(ticket: Ticket, *, actor: User, via: str = "page", now: dt.datetime | None = None) -> None:
    """Note in the history and the audit log that `actor` saw the citizen's contact details (`via`: the ticket's
    page, a search by phone or e-mail, the API)."""
    if not can(actor, Permission.VIEW_CONTACT, ticket):
        raise NotPermitted()
    _event(ticket, EventKind.CONTACT_VIEWED, actor, now or utcnow())
    record_access(actor, access.VIEW_CONTACT, ticket, via=via)
    db.session.flush()
