"""The phone channels' background work: forgetting USSD state whose time has passed."""

from __future__ import annotations

from huey import crontab

from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db
from wananchi.phone.state import delete_expired


@huey.periodic_task(crontab(minute="*/10"))
@in_app_context
def delete_expired_phone_state() -> int:
    """Every ten minutes, delete the USSD sessions and confirmed entries whose time has passed (database store)."""
    deleted = delete_expired()
    db.session.commit()
    return deleted
