"""Response-time targets: working-time arithmetic over institution calendars, targets and the escalation scan."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The escalation scan's task and the response-time helpers of the templates."""
    from wananchi.core.db import utcnow
    from wananchi.sla import tasks  # noqa: F401  (huey knows the domain's tasks once they are imported)
    from wananchi.sla.clock import state
    from wananchi.sla.labels import ESCALATION_LEVEL_LABELS, SLA_STATE_LABELS, SLA_TARGET_LABELS, time_left_label

    app.jinja_env.globals.update(
        sla_state=lambda ticket: state(ticket, utcnow()),
        sla_state_labels=SLA_STATE_LABELS,
        sla_time_left=lambda ticket: time_left_label(ticket, utcnow()),
        escalation_level_labels=ESCALATION_LEVEL_LABELS,
        sla_target_labels=SLA_TARGET_LABELS,
    )
