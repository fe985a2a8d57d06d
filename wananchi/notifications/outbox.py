"""Writing messages to the outbox, and delivering them: claim, send, record; retry with back-off; never lose one.

Rows are written in the transaction of the change that caused them, so a change that rolls back leaves
no message and a committed change always has its messages. Delivery tasks are enqueued only after the
commit; a periodic sweep picks up anything left pending (a lost enqueue, a crashed worker), so a message
can be delayed but not lost. A worker claims a row with one atomic UPDATE (PostgreSQL also skips rows
locked by other workers), so two workers never send the same row in normal operation.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Select, Table, insert, or_, select, update
from sqlalchemy.orm import Session

from wananchi.core.db import is_postgresql, utcnow
from wananchi.extensions import db
from wananchi.notifications.channels import Content, Delivered, DeliveryError, send_email, send_sms
from wananchi.notifications.deferred import is_unrendered, render_when_sent
from wananchi.notifications.models import ERASED, Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.segments import sms_segments

_NEW_IDS = "wananchi.outbox.new"


def add_messages(messages: list[dict[str, Any]], now: dt.datetime | None = None) -> list[int]:
    """Write messages to the outbox in the current transaction, in one INSERT; their ids, in order.

    Each message gives `event`, `channel`, `recipient`, `language` and `body_text`, and may give
    `subject`, `body_html`, `ticket_id`, `recipient_user_id` and `status` (pending, or held for a
    digest), the same keys in every message of one call; what is left out gets the column's default.
    The rows are written at once, not at the next flush: the change that caused them (its
    ticket, its user) is written already, and no object of the session needs to know about them.
    Pending ones are enqueued for delivery after the commit.
    """
    if not messages:
        return []
    now = now or utcnow()
    rows = [{"next_attempt_at": now, "created_at": now, **message} for message in messages]
    table = cast(Table, OutboxMessage.__table__)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    ids = list(db.session.execute(statement, rows).scalars())
    db.session.info.setdefault(_NEW_IDS, []).extend(
        (message_id, Channel(row["channel"]))
        for message_id, row in zip(ids, rows, strict=True)
        if row.get("status", OutboxStatus.PENDING) == OutboxStatus.PENDING
    )
    return ids


def take_new_messages(session: Session) -> list[tuple[int, Channel]]:
    """The id and channel of each pending message this session wrote since its last commit or rollback, forgotten
    as they are read (the notifications domain enqueues them after a commit, and drops them after a rollback)."""
    return session.info.pop(_NEW_IDS, [])


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4, 8 … minutes, capped at 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), dt.timedelta(hours=6))


def claim(message_id: int, now: dt.datetime | None = None) -> bool:
    """Take a pending, due message for this worker (atomically); False if another worker has it or it is done."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            status=OutboxStatus.SENDING,
            attempts=OutboxMessage.attempts + 1,
            lease_until=now + dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"]),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(cast(CursorResult[Any], result).rowcount)


SENDERS: dict[Channel, Callable[[OutboxMessage, Content], Delivered]] = {
    Channel.EMAIL: send_email,
    Channel.SMS: send_sms,
}


# Per worker process: until when (time.monotonic()) a channel whose provider could not be reached is left alone.
_channel_down_until: dict[Channel, float] = {}


def _put_back(message: OutboxMessage, seconds: float, now: dt.datetime | None) -> OutboxStatus:
    """A message of a channel being backed off: pending again, not counted as an attempt, due when the back-off ends."""
    message.status = OutboxStatus.PENDING
    message.attempts -= 1
    message.lease_until = None
    message.next_attempt_at = (now or utcnow()) + dt.timedelta(seconds=seconds)
    db.session.commit()
    return message.status


def deliver(message_id: int, now: dt.datetime | None = None) -> OutboxStatus | None:
    """Claim, send and record one message; None if it was not this worker's to send. While a channel's provider
    is backed off (it could not be reached, OUTBOX_CHANNEL_BACKOFF_SECONDS ago at most), its messages are put back
    without an attempt, so they hold no worker for a timeout and the other channel's messages go out."""
    if not claim(message_id, now):
        return None
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    backed_off = _channel_down_until.get(message.channel, 0.0) - time.monotonic()
    if backed_off > 0:
        return _put_back(message, backed_off, now)
    try:
        content = render_when_sent(message) if is_unrendered(message) else Content.stored(message)
        delivered = SENDERS[message.channel](message, content)
    except Exception as error:  # noqa: BLE001 - any failure is recorded and retried, never left "sending"
        if not isinstance(error, DeliveryError):
            current_app.logger.exception("outbox message %s: unexpected error while sending", message_id)
        elif error.provider_down and current_app.config["OUTBOX_CHANNEL_BACKOFF_SECONDS"]:
            seconds = current_app.config["OUTBOX_CHANNEL_BACKOFF_SECONDS"]
            _channel_down_until[message.channel] = time.monotonic() + seconds
            current_app.logger.warning(
                "%s provider unreachable: its messages wait %d s: %s", message.channel, seconds, error
            )
            # Not the message's fault: it waits with the others, without using up an attempt, and goes out within
            # the back-off (and the next sweep) of the provider's return, however long the outage.
            message.last_error = str(error)[:2000]
            return _put_back(message, seconds, now)
        failed_at = now or utcnow()
        message.last_error = str(error)[:2000]
        message.lease_until = None
        if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            message.status = OutboxStatus.FAILED
        else:
            message.status = OutboxStatus.PENDING
            message.next_attempt_at = failed_at + backoff(message.attempts)
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.lease_until = None
        message.provider_response = delivered.provider_response
        if message.channel == Channel.SMS:
            message.sms_segments = sms_segments(content.text)
    if message.forget_recipient and message.status in (OutboxStatus.SENT, OutboxStatus.FAILED):
        forget_recipient(message)
    db.session.commit()
    return message.status


def forget_recipient(message: OutboxMessage) -> None:
    """Erase the message's address from its row, and from what the provider answered or the error said (a gateway
    repeats the number it sent to): for the last message to a citizen whose personal data was erased."""
    address = message.recipient
    for name in ("provider_response", "last_error"):
        text = getattr(message, name)
        if text:
            setattr(message, name, text.replace(address, ERASED).replace(address.lstrip("+"), ERASED))
    message.recipient = ERASED


def release_expired_leases(now: dt.datetime | None = None) -> int:
    """Messages whose worker died while sending go back to pending (they may have been sent: at least once)."""
    now = now or utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now)
        .values(status=OutboxStatus.PENDING, lease_until=None, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _due_query(now: dt.datetime, limit: int, channel: Channel | None = None) -> Select[Any]:
    """Pending messages (of one channel, if given) whose time has come and that no sweep has queued within their
    lease, oldest first (PostgreSQL skips rows other workers hold)."""
    query = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    return query.with_for_update(skip_locked=True) if is_postgresql() else query


def due_message_ids(now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Pending messages whose time has come, oldest first."""
    ids = list(db.session.scalars(_due_query(now or utcnow(), limit)))
    db.session.commit()
    return ids


def reserve_due_messages(now: dt.datetime | None = None, limit: int = 500, channel: Channel | None = None) -> list[int]:
    """The next `limit` due messages (of one channel, if given), marked as queued (on a pending message,
    `lease_until` is the time until which the sweep leaves it to the task it queued): a later sweep does not queue
    them again, unless the task was lost and the lease has passed. Empty once every due message is queued."""
    now = now or utcnow()
    ids = list(db.session.scalars(_due_query(now, limit, channel)))
    if ids:
        lease = dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return ids


def unreserve(message_ids: list[int]) -> None:
    """Messages the sweep reserved and could not queue: the next sweep takes them again."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(lease_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def sweep(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Release dead leases, then deliver every due message (up to `limit`) in this process; returns how many were
    sent. (The worker's periodic sweep queues them instead, for every worker to deliver.)"""
    release_expired_leases(now)
    sent = 0
    for message_id in due_message_ids(now, limit):
        if deliver(message_id, now) == OutboxStatus.SENT:
            sent += 1
    return sent


def resend(message: OutboxMessage) -> None:
    """An administrator sends a failed message again: a fresh set of attempts, from now."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = None
    db.session.flush()
    db.session.info.setdefault(_NEW_IDS, []).append((message.id, message.channel))
