"""The escalation scan: warn at 75 %, list as overdue at 100 %, escalate up the tree 3 and 10 working days later.

One idempotent function, run by `flask --app wsgi wananchi sla-scan` and by a periodic task. It reads only
tickets whose next check has come (an index on `next_sla_check_at`), so its cost follows the tickets that
changed state, not the tickets stored. Each step is recorded once per target and round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wananchi.core.db import is_postgresql, utcnow
from wananchi.extensions import db
from wananchi.sla import clock, signals
from wananchi.sla.calendars import calendar_for
from wananchi.sla.models import Escalation, EscalationLevel, SlaTarget
from wananchi.tickets.models import EventKind, Ticket, TicketEvent

SYSTEM = "mfumo"
Step = tuple[SlaTarget, int, EscalationLevel]
BATCH_SIZE = 500

EVENT_FOR_LEVEL = {
    EscalationLevel.WARNING: EventKind.SLA_WARNING,
    EscalationLevel.OVERDUE: EventKind.SLA_OVERDUE,
    EscalationLevel.PARENT: EventKind.ESCALATED,
    EscalationLevel.NATIONAL: EventKind.ESCALATED,
}


@dataclass
class ScanResult:
    """What one scan did."""

    tickets: int = 0
    steps: list[Escalation] = field(default_factory=list)


def _climb(ticket: Ticket, now: dt.datetime, result: ScanResult, taken: set[Step]) -> None:
    calendar = calendar_for(ticket.institution)
    for pending in clock.pending_targets(ticket):
        for level, instant in clock.ladder(calendar, pending):
            if instant > now:
                break  # the later steps are later still
            if (pending.target, pending.round, level) in taken:
                continue
            node = clock.escalation_node(ticket.institution, level)
            step = Escalation(
                ticket=ticket,
                target=pending.target,
                round=pending.round,
                level=level,
                institution_id=ticket.institution_id,
                node_id=node.id,
                due_at=instant,
                created_at=now,
            )
            db.session.add(step)
            taken.add((pending.target, pending.round, level))
            if level == EscalationLevel.WARNING and pending.due_at <= now:
                # The scan came after the target's end (it was stopped, or the ticket was loaded late): a warning
                # that the time is nearly used would reach the officers with the notice that it is used up. It is
                # taken, never to be taken again, but neither written in the history nor sent.
                continue
            # Added directly: appending to ticket.events would first load the ticket's whole history.
            db.session.add(
                TicketEvent(
                    ticket_id=ticket.id,
                    kind=EVENT_FOR_LEVEL[level],
                    actor=SYSTEM,
                    created_at=now,
                    data={"target": str(pending.target), "level": str(level), "node": node.slug},
                )
            )
            result.steps.append(step)
    clock.reschedule(ticket, taken)


def scan_batch(now: dt.datetime | None = None, *, batch_size: int = BATCH_SIZE) -> ScanResult:
    """Take every due step of up to `batch_size` tickets whose next check has come; flushes, never commits."""
    now = now or utcnow()
    query = (
        select(Ticket)
        .where(Ticket.next_sla_check_at <= now)
        .order_by(Ticket.next_sla_check_at)
        .limit(batch_size)
        .options(selectinload(Ticket.institution))
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True, of=Ticket)  # several workers never take one ticket twice
    result = ScanResult()
    tickets = list(db.session.scalars(query))
    taken: dict[int, set[Step]] = {ticket.id: set() for ticket in tickets}
    if tickets:
        rows = db.session.execute(
            select(Escalation.ticket_id, Escalation.target, Escalation.round, Escalation.level).where(
                Escalation.ticket_id.in_(list(taken))
            )
        )
        for ticket_id, target, round_, level in rows:
            taken[ticket_id].add((target, round_, level))
    with db.session.no_autoflush:  # one flush for the batch, not one per ticket
        for ticket in tickets:
            _climb(ticket, now, result, taken[ticket.id])
            result.tickets += 1
    db.session.flush()
    for step in result.steps:
        signals.escalation_step_taken.send(step.ticket, escalation=step)
    return result


def run_scan(commit: Callable[[], None], now: dt.datetime | None = None) -> ScanResult:
    """Scan batch after batch, committing each, until no ticket is due; returns the totals."""
    total = ScanResult()
    while True:
        result = scan_batch(now)
        commit()
        total.tickets += result.tickets
        total.steps += result.steps
        if result.tickets < BATCH_SIZE:
            return total
