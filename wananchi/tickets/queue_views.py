"""The staff dashboard and the institution's queue."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from wananchi.core.permissions import visible_institution_ids
from wananchi.extensions import db
from wananchi.tickets.models import OPEN_STATUSES, Ticket
from wananchi.tickets.staff import bp


@bp.get("/")
def dashboard():
    """The staff landing page."""
    return render_template("staff/dashboard.html")


@bp.get("/foleni")
def queue():
    """The open tickets of the institutions in the user's reach, newest first."""
    tickets = db.session.scalars(
        select(Ticket)
        .where(Ticket.institution_id.in_(visible_institution_ids(current_user)), Ticket.status.in_(OPEN_STATUSES))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(50)
    )
    return render_template("staff/queue.html", tickets=list(tickets))
