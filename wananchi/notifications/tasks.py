"""The notifications domain's background work: delivering the outbox, its sweep and the daily digests."""

from __future__ import annotations

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from wananchi.core.tasks import (
    QUEUE_ERRORS,
    QueueBackingOff,
    current_request_id,
    huey,
    in_app_context,
    queue_backoff,
    task_queue,
)
from wananchi.extensions import db
from wananchi.notifications.digest import send_digests
from wananchi.notifications.models import Channel
from wananchi.notifications.outbox import (
    deliver,
    release_expired_leases,
    reserve_due_messages,
    take_new_messages,
    unreserve,
)


def _deliver(message_id: int) -> str | None:
    status = deliver(message_id)
    current_app.logger.info("outbox message %s: %s", message_id, status or "not this worker's to send")
    return str(status) if status else None


# Each channel's deliveries wait in a queue of their own, sent by threads of their own: a provider that hangs holds
# up only its own channel (an SMS gateway that does not answer never delays an e-mail receipt).
@task_queue("email").task()
@in_app_context
def deliver_email(message_id: int) -> str | None:
    """Deliver one e-mail of the outbox (enqueued after the commit that wrote it)."""
    return _deliver(message_id)


@task_queue("sms").task()
@in_app_context
def deliver_sms(message_id: int) -> str | None:
    """Deliver one SMS of the outbox (enqueued after the commit that wrote it)."""
    return _deliver(message_id)


DELIVERY_TASKS = {Channel.EMAIL: deliver_email, Channel.SMS: deliver_sms}


def queue_delivery(message_id: int, channel: Channel, request_id: str | None = None) -> None:
    """Queue the delivery of one outbox message on its channel's queue (raises QUEUE_ERRORS if it cannot)."""
    DELIVERY_TASKS[channel](message_id, request_id=request_id)


def _sweep() -> int:
    release_expired_leases()
    queued = 0
    for channel in Channel:
        while message_ids := reserve_due_messages(limit=current_app.config["OUTBOX_SWEEP_BATCH"], channel=channel):
            for position, message_id in enumerate(message_ids):
                try:
                    queue_delivery(message_id, channel)
                except QUEUE_ERRORS as error:
                    unreserve(message_ids[position:])
                    current_app.logger.error(
                        "task queue unreachable: the sweep queued %d message(s): %s", queued, error
                    )
                    return queued
                queued += 1
    return queued


@huey.task()
@in_app_context
def sweep_outbox() -> int:
    """One of the sweeps the minute's sweep schedules within its minute (every OUTBOX_SWEEP_SECONDS)."""
    return _sweep()


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def sweep_outbox_every_minute() -> int:
    """Queue the delivery of anything left pending (a lost enqueue, a retry whose time has come, a dead worker's
    lease, the messages that waited out a provider's outage), every due message in batches on its channel's queue,
    so that after an outage every worker sends; how many were queued. Then schedule the sweeps of the rest of the
    minute, every OUTBOX_SWEEP_SECONDS (huey's periodic tasks run at most once a minute): a backlog starts to drain
    within that many seconds of its provider's return."""
    queued = _sweep()
    step = current_app.config["OUTBOX_SWEEP_SECONDS"]
    try:
        for delay in range(step, 60, step) if 0 < step < 60 else ():
            sweep_outbox.schedule(delay=delay)
    except QUEUE_ERRORS as error:
        current_app.logger.error("task queue unreachable: the sweeps within this minute are not scheduled: %s", error)
    return queued


@huey.periodic_task(crontab(minute="30", hour="3"))  # 06:30 in Dar es Salaam (UTC+3 all year); huey runs on UTC
@in_app_context
def send_warning_digests_daily() -> int:
    """Each morning, the warnings held for their recipients' daily digest go out as one message per channel."""
    written = send_digests()
    db.session.commit()
    return written


def _enqueue_new_messages(session: Session) -> None:
    messages = take_new_messages(session)
    if not messages or not has_app_context() or not current_app.config.get("OUTBOX_ENQUEUE_AFTER_COMMIT", True):
        return
    queued = 0
    try:
        with queue_backoff():
            for message_id, channel in messages:
                queue_delivery(message_id, channel, request_id=current_request_id())
                queued += 1
    except QUEUE_ERRORS as error:
        # The change is committed: it must not turn into an error page. Its messages wait in the outbox, and the
        # periodic sweep sends them once the queue answers again.
        current_app.logger.warning(
            "task queue unreachable: %d committed outbox message(s) left for the sweep: %s",
            len(messages) - queued,
            error,
            exc_info=not isinstance(error, QueueBackingOff),  # backing off, the queue was not even tried
        )


def enqueue_after_commit() -> None:
    """Enqueue the delivery of the messages a transaction wrote once it commits, and forget them if it rolls back
    (listeners on every session, connected once)."""
    if not event.contains(Session, "after_commit", _enqueue_new_messages):
        event.listen(Session, "after_commit", _enqueue_new_messages)
        event.listen(Session, "after_rollback", take_new_messages)
