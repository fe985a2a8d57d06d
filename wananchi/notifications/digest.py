"""The daily digest: the warnings a member of staff chose to receive together, in one message per channel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from flask_babel import force_locale
from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.core.db import is_postgresql, utcnow
from wananchi.extensions import db
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import add_messages
from wananchi.notifications.render import public_url, render_notification
from wananchi.tickets.models import Ticket
from wananchi.tickets.subjects import shown_subject


@dataclass(frozen=True)
class DigestItem:
    """One ticket in a digest."""

    reference: str
    subject: str
    due_at: dt.datetime | None
    url: str


def _items(rows: list[OutboxMessage], language: str) -> list[DigestItem]:
    """The tickets of `rows`, once each; a subject the service wrote is given in `language` (`shown_subject`)."""
    ticket_ids = list(dict.fromkeys(row.ticket_id for row in rows if row.ticket_id is not None))
    tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids)))}
    with force_locale(language):
        return [
            DigestItem(
                reference=ticket.reference,
                subject=shown_subject(ticket),
                due_at=ticket.next_due_at,
                url=public_url("staff.ticket", reference=ticket.reference),
            )
            for ticket in (tickets[ticket_id] for ticket_id in ticket_ids if ticket_id in tickets)
        ]


def _address(user: User, channel: Channel) -> str | None:
    return user.email if channel == Channel.EMAIL else user.phone


def send_digests(now: dt.datetime | None = None) -> int:
    """Turn each user's held messages into one digest per channel and mark them digested; flushes, never commits.

    Returns how many digests were written to the outbox. Messages held for a user who has since been
    deactivated (or lost the address) are marked digested without a digest.
    """
    now = now or utcnow()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.HELD)
        .order_by(OutboxMessage.recipient_user_id, OutboxMessage.channel, OutboxMessage.id)
    )
    if is_postgresql():
        query = query.with_for_update(skip_locked=True)  # two workers never digest the same message
    held = list(db.session.scalars(query))
    written = 0
    for (user_id, channel), group in groupby(held, key=lambda row: (row.recipient_user_id, row.channel)):
        rows = list(group)
        user = db.session.get(User, user_id) if user_id is not None else None
        address = _address(user, channel) if user is not None and user.active else None
        items = _items(rows, user.language if user is not None else "sw")
        digest_id = None
        if user is not None and address and items:
            rendered = render_notification(
                "digest", user.language, items=items, recipient_name=user.name, queue_url=public_url("staff.queue")
            )
            [digest_id] = add_messages(
                [
                    {
                        "event": "digest",
                        "channel": channel,
                        "recipient": address,
                        "language": user.language,
                        "recipient_user_id": user.id,
                        **rendered.for_channel(channel),
                    }
                ],
                now,
            )
            written += 1
        for row in rows:
            row.status = OutboxStatus.DIGESTED
            row.provider_response = f"digest: outbox {digest_id}" if digest_id else "digest: recipient unavailable"
    db.session.flush()
    return written
