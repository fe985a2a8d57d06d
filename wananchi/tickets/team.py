"""The supervisor's team view: for each officer of an institution, the tickets they hold open and overdue, the
tickets they answered this week, and their median time to first response in working hours."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from sqlalchemy import and_, distinct, func, select

from wananchi.accounts.models import STAFF_ROLES, User
from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets.models import OPEN_STATUSES, EventKind, Ticket, TicketEvent, TicketType
from wananchi.tickets.queue import LOCAL_ZONE

RESPONSE_PERIOD = dt.timedelta(days=28)  # first responses the median is drawn from
MIN_SAMPLE = 5  # a median from fewer tickets is shown greyed, with its number, as in the reports
ANSWERS = (EventKind.REPLIED, EventKind.INFO_REQUESTED)  # what counts as a first response (clock.responded)


@dataclass
class OfficerFigures:
    """One officer's row (or the unassigned tickets' row, `officer` None)."""

    officer: User | None
    open: int = 0
    overdue: int = 0
    answered_this_week: int = 0
    first_response_minutes: list[int] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        """The median first response in working hours, to one decimal; None without any."""
        if not self.first_response_minutes:
            return None
        return round(statistics.median(self.first_response_minutes) / 60, 1)

    @property
    def responses(self) -> int:
        return len(self.first_response_minutes)


def week_start(now: dt.datetime) -> dt.datetime:
    """Monday 00:00 in Dar es Salaam of the week holding `now`, as UTC."""
    local = now.astimezone(LOCAL_ZONE)
    monday = local.date() - dt.timedelta(days=local.weekday())
    return dt.datetime.combine(monday, dt.time(0, 0), LOCAL_ZONE).astimezone(dt.UTC)


def team_figures(institution: Institution, *, now: dt.datetime | None = None) -> list[OfficerFigures]:
    """A row per active officer and supervisor of the institution (by name), then one for the open tickets nobody
    holds; four grouped queries whatever the size of the team."""
    now = now or utcnow()
    officers = list(
        db.session.scalars(
            select(User)
            .where(User.institution_id == institution.id, User.role.in_(STAFF_ROLES), User.active.is_(True))
            .order_by(User.name)
        )
    )
    rows: dict[int | None, OfficerFigures] = {officer.id: OfficerFigures(officer) for officer in officers}
    rows[None] = OfficerFigures(None)
    own_open = and_(
        Ticket.institution_id == institution.id,
        Ticket.status.in_(OPEN_STATUSES),
        Ticket.type != TicketType.COMMENDATION,  # passed on, never chased
    )
    overdue = and_(Ticket.sla_paused_at.is_(None), Ticket.next_due_at <= now)
    held = db.session.execute(
        select(Ticket.assignee_id, func.count(), func.count().filter(overdue))
        .where(own_open)
        .group_by(Ticket.assignee_id)
    )
    for assignee_id, open_count, overdue_count in held:
        row = rows.get(assignee_id)
        if row is not None:  # a ticket held by someone who left the institution is not on the team's rows
            row.open, row.overdue = open_count, overdue_count
    answered = db.session.execute(
        select(TicketEvent.actor_id, func.count(distinct(TicketEvent.ticket_id)))
        .where(
            TicketEvent.kind == EventKind.REPLIED,
            TicketEvent.created_at >= week_start(now),
            TicketEvent.actor_id.in_([officer.id for officer in officers]),
        )
        .group_by(TicketEvent.actor_id)
    )
    for actor_id, count in answered:
        rows[actor_id].answered_this_week = count
    # Whose answer was the ticket's first response: the reply or request written at that very instant.
    first = db.session.execute(
        select(TicketEvent.actor_id, Ticket.first_response_minutes)
        .join(Ticket, and_(Ticket.id == TicketEvent.ticket_id, TicketEvent.created_at == Ticket.first_response_at))
        .where(
            Ticket.institution_id == institution.id,
            Ticket.first_response_at >= now - RESPONSE_PERIOD,
            Ticket.first_response_minutes.is_not(None),
            TicketEvent.kind.in_(ANSWERS),
            TicketEvent.actor_id.in_([officer.id for officer in officers]),
        )
    )
    for actor_id, minutes in first:
        if minutes is not None:
            rows[actor_id].first_response_minutes.append(minutes)
    return [rows[officer.id] for officer in officers] + [rows[None]]
