"""The escalation inbox: overdue tickets on a supervisor's list, escalations on an oversight node's list."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from wananchi.accounts.models import User
from wananchi.core.permissions import Permission, can
from wananchi.extensions import db
from wananchi.sla.models import Escalation, EscalationLevel
from wananchi.tickets.models import OPEN_STATUSES, Ticket, TicketType
from wananchi.tickets.staff import bp

INBOX_LEVELS = (EscalationLevel.OVERDUE, EscalationLevel.PARENT, EscalationLevel.NATIONAL)
PAGE_SIZE = 100


def inbox_query(user: User, *, open_only: bool = True):  # type: ignore[no-untyped-def]
    """The escalations that landed on the user's node, newest first; never a commendation (it is not chased)."""
    query = (
        select(Escalation)
        .join(Escalation.ticket)
        .where(
            Escalation.node_id == user.institution_id,
            Escalation.level.in_(INBOX_LEVELS),
            Ticket.type != TicketType.COMMENDATION,
        )
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
        .options(joinedload(Escalation.ticket).joinedload(Ticket.institution), joinedload(Escalation.institution))
    )
    if open_only:
        query = query.where(Ticket.status.in_(OPEN_STATUSES))
    return query


@bp.get("/upandishaji")
def escalations():
    """Supervisors and oversight users: the escalations on their list, each a link to write a directive."""
    user: User = current_user  # type: ignore[assignment]
    if not can(user, Permission.VIEW_ESCALATIONS):
        abort(404)
    open_only = request.args.get("zote") is None
    rows = list(db.session.scalars(inbox_query(user, open_only=open_only).limit(PAGE_SIZE)))
    return render_template("staff/escalations.html", escalations=rows, open_only=open_only)
