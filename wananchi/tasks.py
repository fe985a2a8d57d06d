"""Background work on huey: the queue is chosen from the configuration, tasks run in an application context.

Production (several machines) uses Redis; development uses a SQLite file beside the database, so no
broker is needed; the test suite runs tasks immediately, in process. Start a worker with
`flask --app wsgi wananchi worker`; it also runs the periodic tasks (never run them inside gunicorn).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask
from huey import MemoryHuey, crontab
from huey.storage import RedisStorage, SqliteStorage
from redis.exceptions import RedisError

# Created without storage side effects; init_tasks() gives it the configured queue.
huey = MemoryHuey("wananchi", results=False)  # nothing reads task results: do not pile them up in Redis
_app: Flask | None = None
# What enqueueing raises when the queue's store (Redis, or SQLite in development) cannot be reached.
QUEUE_ERRORS = (RedisError, sqlite3.Error, OSError)


def init_tasks(app: Flask) -> None:
    """Give the queue its storage from the configuration, and remember the application tasks run in."""
    global _app
    _app = app
    if app.config.get("TESTING"):
        huey.immediate = True
    elif app.config.get("REDIS_URL"):
        huey.storage = RedisStorage("wananchi", url=app.config["REDIS_URL"])
    else:
        huey.storage = SqliteStorage("wananchi", filename=str(Path(app.instance_path) / "huey.sqlite3"))


def in_app_context(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task inside the application context, with its own database session."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _app is None:
            raise RuntimeError("init_tasks(app) was not called: start workers with `flask --app wsgi wananchi worker`")
        with _app.app_context():
            return function(*args, **kwargs)

    return wrapper


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def sla_scan_every_minute() -> int:
    """The escalation scan, every minute."""
    from wananchi.extensions import db
    from wananchi.sla.escalation import run_scan

    return len(run_scan(db.session.commit).steps)


@huey.task()
@in_app_context
def deliver_outbox_message(message_id: int) -> str | None:
    """Deliver one outbox message (enqueued after the commit that wrote it)."""
    from wananchi.notifications.outbox import deliver

    status = deliver(message_id)
    return str(status) if status else None


@huey.task(retries=5, retry_delay=60)
@in_app_context
def send_password_reset(email: str) -> None:
    """E-mail a password-reset link if an active account has this address (queued by the forgotten-password page)."""
    from wananchi.accounts.services import send_password_reset_link
    from wananchi.extensions import db

    send_password_reset_link(email)
    db.session.commit()


@huey.task(retries=5, retry_delay=60)
@in_app_context
def send_new_tracking_code(reference: str, contact: str) -> None:
    """Give a ticket a new tracking code, sent to its citizen, if `contact` is the ticket's (queued by the
    "lost your code?" page)."""
    from wananchi.extensions import db
    from wananchi.tickets.services import reissue_tracking_code

    reissue_tracking_code(reference, contact)
    db.session.commit()


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def sweep_outbox_every_minute() -> int:
    """Deliver anything left pending: a lost enqueue, a retry whose time has come, a dead worker's lease."""
    from wananchi.notifications.outbox import sweep

    return sweep()


@huey.periodic_task(crontab(minute="30", hour="3"))  # 06:30 in Dar es Salaam (UTC+3 all year); huey runs on UTC
@in_app_context
def send_warning_digests_daily() -> int:
    """Each morning, the warnings held for their recipients' daily digest go out as one message per channel."""
    from wananchi.extensions import db
    from wananchi.notifications.digest import send_digests

    written = send_digests()
    db.session.commit()
    return written


@huey.periodic_task(crontab(minute="*/5"))
@in_app_context
def refresh_report_snapshots() -> int:
    """Every five minutes, recompute the slow reports being read before their snapshots expire."""
    from wananchi.extensions import db
    from wananchi.reports.snapshots import refresh_snapshots

    return refresh_snapshots(db.session.commit)


@huey.periodic_task(crontab(minute="*/10"))
@in_app_context
def delete_expired_phone_state() -> int:
    """Every ten minutes, delete the USSD sessions and confirmed entries whose time has passed (database store)."""
    from wananchi.extensions import db
    from wananchi.phone.state import delete_expired

    deleted = delete_expired()
    db.session.commit()
    return deleted


@huey.periodic_task(crontab(minute="0", hour="0"))  # 03:00 in Dar es Salaam, when few people use the service
@in_app_context
def erase_expired_personal_data_daily() -> int:
    """Each night, erase the contact details and files of closed tickets past their retention period."""
    from wananchi.core.db import utcnow
    from wananchi.extensions import db
    from wananchi.privacy.retention import erase_expired

    return erase_expired(db.session.commit, utcnow()).tickets


@huey.periodic_task(crontab(minute="17"))
@in_app_context
def remove_expired_uploads_hourly() -> int:
    """Every hour, delete the files kept for forms that came back and were never sent (KEPT_UPLOAD_MAX_AGE)."""
    from wananchi.extensions import db
    from wananchi.tickets.uploads import remove_expired_uploads

    return remove_expired_uploads(db.session.commit)
