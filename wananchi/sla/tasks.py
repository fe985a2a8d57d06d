"""The response-time domain's background work: the escalation scan."""

from __future__ import annotations

from huey import crontab

from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db
from wananchi.sla.escalation import run_scan


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def sla_scan_every_minute() -> int:
    """The escalation scan, every minute."""
    return len(run_scan(db.session.commit).steps)
