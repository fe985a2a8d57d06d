"""Tickets (hoja): submission, tracking, and their history."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The citizen pages, the staff workspace (dashboard, queue, ticket page, recorded tickets, escalation inbox, team),
    the domain's tasks, and the ticket helpers and permission check of the templates."""
    from wananchi.tickets import (  # noqa: F401  (huey knows the domain's tasks once they are imported)
        escalation_views,
        export_views,
        queue_actions,
        queue_views,
        record_views,
        staff_views,
        tasks,
        team_views,
    )
    from wananchi.tickets.labels import ACTOR_LABELS, EVENT_LABELS, STAFF_STATUS_LABELS
    from wananchi.tickets.models import OPEN_STATUSES
    from wananchi.tickets.permissions import Permission, can
    from wananchi.tickets.references import format_tracking_code
    from wananchi.tickets.staff import bp as staff_bp
    from wananchi.tickets.subjects import shown_subject
    from wananchi.tickets.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)  # with the routes its modules above added to it
    app.jinja_env.globals.update(
        can=can,
        permissions=Permission,
        format_tracking_code=format_tracking_code,
        open_statuses=OPEN_STATUSES,
        event_labels=EVENT_LABELS,
        actor_labels=ACTOR_LABELS,
        staff_status_labels=STAFF_STATUS_LABELS,
        ticket_subject=shown_subject,
    )
