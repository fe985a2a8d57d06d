"""The escalation inbox: overdue tickets on a supervisor's list, escalations on an oversight node's list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import joinedload

from wananchi.accounts.models import STAFF_ROLES, User
from wananchi.extensions import db
from wananchi.sla.models import Escalation, EscalationLevel
from wananchi.tickets.models import OPEN_STATUSES, Ticket, TicketType
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.staff import bp
from wananchi.tickets.workflow import Action, is_allowed

INBOX_LEVELS = (EscalationLevel.OVERDUE, EscalationLevel.PARENT, EscalationLevel.NATIONAL)
PAGE_SIZE = 100


@dataclass(frozen=True)
class InboxRow:
    """One ticket on the list, with every missed target that landed on the user's node (earliest due first)."""

    ticket: Ticket
    missed: list[Escalation]


def _on_node(user: User) -> list[ColumnElement[bool]]:
    return [Escalation.node_id == user.institution_id, Escalation.level.in_(INBOX_LEVELS)]


def inbox_query(user: User, *, open_only: bool = True) -> Select[Ticket]:
    """The tickets with an escalation on the user's node, the longest late first; never a commendation (it is not
    chased)."""
    late_since = (
        select(Escalation.ticket_id, func.min(Escalation.due_at).label("late_since"))
        .where(*_on_node(user))
        .group_by(Escalation.ticket_id)
        .subquery()
    )
    query = (
        select(Ticket)
        .join(late_since, late_since.c.ticket_id == Ticket.id)
        .where(Ticket.type != TicketType.COMMENDATION)
        .order_by(late_since.c.late_since.asc(), Ticket.id.asc())
        .options(joinedload(Ticket.institution), joinedload(Ticket.assignee))
    )
    if open_only:
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    return query


def inbox_rows(user: User, *, open_only: bool = True) -> list[InboxRow]:
    """One row per ticket (the first PAGE_SIZE), each with all its missed targets; two queries."""
    tickets = list(db.session.scalars(inbox_query(user, open_only=open_only).limit(PAGE_SIZE)).unique())
    missed: dict[int, list[Escalation]] = {ticket.id: [] for ticket in tickets}
    if tickets:
        steps = db.session.scalars(
            select(Escalation)
            .where(Escalation.ticket_id.in_(list(missed)), *_on_node(user))
            .order_by(Escalation.due_at, Escalation.id)
        )
        for step in steps:
            missed[step.ticket_id].append(step)
    return [InboxRow(ticket, missed[ticket.id]) for ticket in tickets]


@bp.get("/upandishaji")
def escalations():
    """Supervisors and oversight users: the tickets raised to them, each with what it missed and what to do."""
    user: User = current_user  # type: ignore[assignment]
    if not can(user, Permission.VIEW_ESCALATIONS):
        abort(404)
    open_only = request.args.get("zote") is None
    rows = inbox_rows(user, open_only=open_only)
    # A supervisor assigns a late ticket from its row, to an officer of the institution.
    assignable = {
        row.ticket.id
        for row in rows
        if can(user, Permission.ASSIGN_TICKET, row.ticket) and is_allowed(row.ticket.status, Action.ASSIGN)
    }
    officers = (
        list(
            db.session.scalars(
                select(User)
                .where(User.institution_id == user.institution_id, User.role.in_(STAFF_ROLES), User.active.is_(True))
                .order_by(User.name)
            )
        )
        if assignable
        else []
    )
    return render_template(
        "staff/escalations.html", rows=rows, open_only=open_only, assignable=assignable, officers=officers
    )
