"""The tickets domain's background work: new tracking codes, the files kept for forms never sent, and the routing
model retrained each night."""

from __future__ import annotations

from huey import crontab

from wananchi.core.tasks import huey, in_app_context
from wananchi.extensions import db
from wananchi.tickets.routing_model import train_routing_model
from wananchi.tickets.services import reissue_tracking_code
from wananchi.tickets.uploads import remove_expired_uploads


@huey.task(retries=5, retry_delay=60)
@in_app_context
def send_new_tracking_code(reference: str, contact: str) -> None:
    """Give a ticket a new tracking code, sent to its citizen, if `contact` is the ticket's (queued by the
    "lost your code?" page)."""
    reissue_tracking_code(reference, contact)
    db.session.commit()


@huey.periodic_task(crontab(minute="17"))
@in_app_context
def remove_expired_uploads_hourly() -> int:
    """Every hour, delete the files kept for forms that came back and were never sent (KEPT_UPLOAD_MAX_AGE)."""
    return remove_expired_uploads(db.session.commit)


@huey.periodic_task(crontab(minute="30", hour="1"))  # 04:30 in Dar es Salaam, after the night's erasures
@in_app_context
def train_routing_model_nightly() -> int | None:
    """Each night, train a new version of the routing model from the tickets answered so far; the next suggestion
    uses it. Returns the version's id (None when there are still too few tickets)."""
    version = train_routing_model()
    db.session.commit()
    return version.id if version is not None else None
