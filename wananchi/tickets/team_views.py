"""The supervisor's team view (/afisa/timu)."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.staff import bp
from wananchi.tickets.team import MIN_SAMPLE, RESPONSE_PERIOD, team_figures, week_start


@bp.get("/timu")
def team():
    """A supervisor's institution, officer by officer: open, overdue, answered this week, median first response."""
    user: User = current_user  # type: ignore[assignment]
    institution = user.institution
    if institution is None or not can(user, Permission.VIEW_TEAM, institution):
        abort(404)
    now = utcnow()
    rows = team_figures(institution, now=now)
    return render_template(
        "staff/team.html",
        institution=institution,
        rows=rows,
        week_start=week_start(now),
        response_days=RESPONSE_PERIOD.days,
        min_sample=MIN_SAMPLE,
        totals={
            "open": sum(row.open for row in rows),
            "overdue": sum(row.overdue for row in rows),
            "answered_this_week": sum(row.answered_this_week for row in rows),
        },
    )
