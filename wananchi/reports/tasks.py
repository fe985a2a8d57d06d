"""The reports domain's background work: keeping the slow reports' snapshots fresh."""

from __future__ import annotations

from huey import crontab

from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db
from wananchi.reports.snapshots import refresh_snapshots


@huey.periodic_task(crontab(minute="*/5"))
@in_app_context
def refresh_report_snapshots() -> int:
    """Every five minutes, recompute the slow reports being read before their snapshots expire."""
    return refresh_snapshots(db.session.commit)
