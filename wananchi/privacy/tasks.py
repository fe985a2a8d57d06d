"""The personal-data domain's background work: erasing what is past its retention period."""

from __future__ import annotations

from huey import crontab

from wananchi.core.db import utcnow
from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db
from wananchi.privacy.retention import erase_expired


@huey.periodic_task(crontab(minute="0", hour="0"))  # 03:00 in Dar es Salaam, when few people use the service
@in_app_context
def erase_expired_personal_data_daily() -> int:
    """Each night, erase the contact details and files of closed tickets past their retention period."""
    return erase_expired(db.session.commit, utcnow()).tickets
