"""The response-time clock of a ticket: due instants, pauses, transfers, and the state shown to people.

Called by each change to a ticket (wananchi/tickets/services.py and actions.py) before the change is
written, so that the due dates are written with it. Targets are working days of the responsible
institution's calendar.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.sla.calendars import calendar_for
from wananchi.sla.days import working_day_number
from wananchi.sla.models import Escalation, EscalationLevel, SlaTarget
from wananchi.sla.policies import WorkingCalendar, add_working_minutes, working_minutes_between
from wananchi.sla.targets import targets_for
from wananchi.tickets.models import OPEN_STATUSES, Ticket, TicketStatus, TicketType

WARN_SHARE = 0.75
PARENT_AFTER_DAYS = 3
NATIONAL_AFTER_DAYS = 10


class SlaState(enum.StrEnum):
    ON_TIME = "on_time"  # kwa wakati
    AT_RISK = "at_risk"  # karibu kuchelewa
    OVERDUE = "overdue"  # imechelewa
    PAUSED = "paused"  # the clock waits for the citizen


@dataclass(frozen=True)
class Pending:
    """A target the institution still has to meet."""

    target: SlaTarget
    round: int
    warn_at: dt.datetime
    due_at: dt.datetime


def _deadlines(calendar: WorkingCalendar, start: dt.datetime, days: int) -> tuple[dt.datetime, dt.datetime]:
    minutes = days * calendar.minutes_per_working_day
    return (
        add_working_minutes(calendar, start, round(minutes * WARN_SHARE)),
        add_working_minutes(calendar, start, minutes),
    )


def pending_targets(ticket: Ticket) -> Iterator[Pending]:
    """The targets still running: the holder's first response until it responds, the resolution until resolved.

    A commendation is passed on, not chased: it has no running target, so it is never overdue and never escalates.
    """
    if ticket.status not in OPEN_STATUSES or ticket.type == TicketType.COMMENDATION:
        return
    if ticket.holder_responded_at is None and ticket.first_response_due_at and ticket.first_response_warn_at:
        yield Pending(
            SlaTarget.FIRST_RESPONSE, ticket.sla_round, ticket.first_response_warn_at, ticket.first_response_due_at
        )
    if ticket.resolution_due_at and ticket.resolution_warn_at:
        yield Pending(
            SlaTarget.RESOLUTION, ticket.resolution_round, ticket.resolution_warn_at, ticket.resolution_due_at
        )


def ladder(calendar: WorkingCalendar, pending: Pending) -> Iterator[tuple[EscalationLevel, dt.datetime]]:
    """The escalation steps of one target, in order: their instants only grow, and each is computed when reached."""
    day = calendar.minutes_per_working_day
    yield EscalationLevel.WARNING, pending.warn_at
    yield EscalationLevel.OVERDUE, pending.due_at
    yield EscalationLevel.PARENT, add_working_minutes(calendar, pending.due_at, PARENT_AFTER_DAYS * day)
    yield EscalationLevel.NATIONAL, add_working_minutes(calendar, pending.due_at, NATIONAL_AFTER_DAYS * day)


def taken_steps(ticket: Ticket) -> set[tuple[SlaTarget, int, EscalationLevel]]:
    """The escalation steps already recorded for the ticket."""
    rows = db.session.execute(
        select(Escalation.target, Escalation.round, Escalation.level).where(Escalation.ticket_id == ticket.id)
    ).all()
    return {(target, round_, level) for target, round_, level in rows}


def reschedule(ticket: Ticket, taken: set[tuple[SlaTarget, int, EscalationLevel]] | None = None) -> None:
    """Set the nearest due instant (for sorting) and when the scan must next look at the ticket."""
    pending = list(pending_targets(ticket))
    ticket.next_due_at = min((p.due_at for p in pending), default=None)
    if ticket.sla_paused_at is not None or not pending:
        ticket.next_sla_check_at = None
        return
    calendar = calendar_for(ticket.institution)
    taken = taken_steps(ticket) if taken is None else taken
    # Each target's next step is its first one not yet taken: the steps after it come later.
    upcoming = [
        next((instant for level, instant in ladder(calendar, p) if (p.target, p.round, level) not in taken), None)
        for p in pending
    ]
    ticket.next_sla_check_at = min((instant for instant in upcoming if instant is not None), default=None)


def start(ticket: Ticket, now: dt.datetime) -> None:
    """A new ticket: the holder's first-response target and the citizen's promised resolution date."""
    calendar = calendar_for(ticket.institution)
    targets = targets_for(ticket)
    ticket.holder_since = now
    ticket.submitted_day = working_day_number(now)
    ticket.first_response_warn_at, ticket.first_response_due_at = _deadlines(calendar, now, targets.first_response_days)
    ticket.resolution_warn_at, ticket.resolution_due_at = _deadlines(calendar, now, targets.resolution_days)
    reschedule(ticket, taken=set())


def responded(ticket: Ticket, now: dt.datetime) -> None:
    """A person answered (a public reply or a request for information): the first-response target is met."""
    if ticket.holder_responded_at is None:
        ticket.holder_responded_at = now
    if ticket.first_response_minutes is None:
        calendar = calendar_for(ticket.institution)
        ticket.first_response_minutes = max(
            0, working_minutes_between(calendar, ticket.created_at, now) - ticket.paused_minutes
        )
    reschedule(ticket)


def follow_status(ticket: Ticket, now: dt.datetime) -> None:
    """Pause while the ticket awaits the citizen; on resuming, move every running deadline by the pause."""
    awaiting = ticket.status == TicketStatus.AWAITING_CITIZEN
    if awaiting and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    elif not awaiting and ticket.sla_paused_at is not None:
        calendar = calendar_for(ticket.institution)
        paused = working_minutes_between(calendar, ticket.sla_paused_at, now)
        ticket.sla_paused_at = None
        ticket.paused_minutes += paused
        # A pause outside working hours costs nothing and moves nothing (moving a deadline at the end of a working day
        # by 0 minutes would give the start of the next one: the same working time, but a later date for the citizen).
        if paused:
            for name in ("first_response_warn_at", "first_response_due_at", "resolution_warn_at", "resolution_due_at"):
                instant = getattr(ticket, name)
                if instant is not None:
                    setattr(ticket, name, add_working_minutes(calendar, instant, paused))
    reschedule(ticket)


def resolved(ticket: Ticket, now: dt.datetime) -> None:
    """The ticket is resolved: record its working time to resolution; nothing more to escalate."""
    calendar = calendar_for(ticket.institution)
    ticket.resolution_minutes = max(
        0, working_minutes_between(calendar, ticket.created_at, now) - ticket.paused_minutes
    )
    reschedule(ticket)


def transferred(ticket: Ticket, now: dt.datetime) -> None:
    """The receiving institution's own first-response target starts now; the promised resolution date stays.

    The transfer records how many working minutes (of the sender's calendar) the sender held the ticket.
    """
    transfer = ticket.transfers[-1] if ticket.transfers else None
    if transfer is not None and transfer.held_minutes is None and ticket.holder_since is not None:
        sender = db.session.get(Institution, transfer.from_institution_id)
        if sender is not None:
            transfer.held_minutes = working_minutes_between(calendar_for(sender), ticket.holder_since, now)
    calendar = calendar_for(ticket.institution)
    ticket.holder_since = now
    ticket.holder_responded_at = None
    ticket.sla_round += 1
    ticket.first_response_warn_at, ticket.first_response_due_at = _deadlines(
        calendar, now, targets_for(ticket).first_response_days
    )
    reschedule(ticket)


def reopened(ticket: Ticket, now: dt.datetime) -> None:
    """A reopened ticket (or an appeal) is new work: a fresh resolution target from now."""
    calendar = calendar_for(ticket.institution)
    ticket.resolution_minutes = None
    ticket.resolution_round += 1
    ticket.resolution_warn_at, ticket.resolution_due_at = _deadlines(calendar, now, targets_for(ticket).resolution_days)
    reschedule(ticket)


def state(ticket: Ticket, now: dt.datetime) -> SlaState | None:
    """On time, at risk (75 % of a target used), overdue, or paused; None once the ticket is done, or for a
    commendation (it has no target to be late for)."""
    if ticket.status not in OPEN_STATUSES or ticket.type == TicketType.COMMENDATION:
        return None
    if ticket.sla_paused_at is not None:
        return SlaState.PAUSED
    pending = list(pending_targets(ticket))
    if any(p.due_at <= now for p in pending):
        return SlaState.OVERDUE
    if any(p.warn_at <= now for p in pending):
        return SlaState.AT_RISK
    return SlaState.ON_TIME


def working_time_left(ticket: Ticket, now: dt.datetime) -> int | None:
    """Working minutes until the nearest running target (negative once it is missed); None while paused or done."""
    if ticket.sla_paused_at is not None:
        return None
    due = min((p.due_at for p in pending_targets(ticket)), default=None)
    if due is None:
        return None
    calendar = calendar_for(ticket.institution)
    if due > now:
        return working_minutes_between(calendar, now, due)
    return -max(1, working_minutes_between(calendar, due, now))


def escalation_node(institution: Institution, level: EscalationLevel) -> Institution:
    """Whose list a step lands on: the institution itself, its parent node, or the national level."""
    if level in (EscalationLevel.WARNING, EscalationLevel.OVERDUE):
        return institution
    if level == EscalationLevel.PARENT:
        return institution.parent or institution
    node = institution
    while node.parent is not None:
        node = node.parent
    return node
