"""The notifications domain's background work: delivering the outbox, its sweep and the daily digests."""

from __future__ import annotations

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from wananchi.core.tasks import QUEUE_ERRORS, current_request_id, huey, in_app_context
from wananchi.extensions import db
from wananchi.notifications.digest import send_digests
from wananchi.notifications.outbox import (
    deliver,
    release_expired_leases,
    reserve_due_messages,
    take_new_message_ids,
    unreserve,
)


@huey.task()
@in_app_context
def deliver_outbox_message(message_id: int) -> str | None:
    """Deliver one outbox message (enqueued after the commit that wrote it)."""
    status = deliver(message_id)
    current_app.logger.info("outbox message %s: %s", message_id, status or "not this worker's to send")
    return str(status) if status else None


@huey.periodic_task(crontab(minute="*"))
@in_app_context
def sweep_outbox_every_minute() -> int:
    """Queue the delivery of anything left pending (a lost enqueue, a retry whose time has come, a dead worker's
    lease), every due message in batches, so that after an outage every worker sends; how many were queued."""
    release_expired_leases()
    queued = 0
    while message_ids := reserve_due_messages(limit=current_app.config["OUTBOX_SWEEP_BATCH"]):
        for position, message_id in enumerate(message_ids):
            try:
                deliver_outbox_message(message_id)
            except QUEUE_ERRORS as error:
                unreserve(message_ids[position:])
                current_app.logger.error("task queue unreachable: the sweep queued %d message(s): %s", queued, error)
                return queued
            queued += 1
    return queued


@huey.periodic_task(crontab(minute="30", hour="3"))  # 06:30 in Dar es Salaam (UTC+3 all year); huey runs on UTC
@in_app_context
def send_warning_digests_daily() -> int:
    """Each morning, the warnings held for their recipients' daily digest go out as one message per channel."""
    written = send_digests()
    db.session.commit()
    return written


def _enqueue_new_messages(session: Session) -> None:
    message_ids = take_new_message_ids(session)
    if not message_ids or not has_app_context() or not current_app.config.get("OUTBOX_ENQUEUE_AFTER_COMMIT", True):
        return
    for position, message_id in enumerate(message_ids):
        try:
            deliver_outbox_message(message_id, request_id=current_request_id())
        except QUEUE_ERRORS:
            # The change is committed: it must not turn into an error page. Its messages wait in the outbox, and
            # the periodic sweep sends them once the queue answers again.
            current_app.logger.warning(
                "task queue unreachable: %d committed outbox message(s) left for the sweep",
                len(message_ids) - position,
                exc_info=True,
            )
            return


def enqueue_after_commit() -> None:
    """Enqueue the delivery of the messages a transaction wrote once it commits, and forget them if it rolls back
    (listeners on every session, connected once)."""
    if not event.contains(Session, "after_commit", _enqueue_new_messages):
        event.listen(Session, "after_commit", _enqueue_new_messages)
        event.listen(Session, "after_rollback", take_new_message_ids)
