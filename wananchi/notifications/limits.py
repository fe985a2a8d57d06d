"""How many receipts one e-mail address or phone number is sent: anyone can type someone else's into the form.

A receipt is the one message anybody can make the service send, to any contact, by submitting a ticket. Past
RECEIPTS_PER_CONTACT_LIMIT ("5 per hour;20 per day": the syntax of the other rate limits) the ticket is stored
as usual and its receipt to that contact is dropped, not delayed: held back, a flood would still all arrive,
only later. The citizen has the reference number and tracking code on the receipt page anyway, and is told
there that no receipt was sent; the ticket's history and the log say so too.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from limits import parse_many
from sqlalchemy import select

from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage

RECEIPT = "receipt"


def receipt_allowed(recipient: str, now: dt.datetime) -> bool:
    """Whether `recipient` may be sent another receipt at `now`: fewer than each configured number went to it
    within that limit's period (two receipts written at the very same moment may both pass)."""
    limits = parse_many(current_app.config["RECEIPTS_PER_CONTACT_LIMIT"])
    longest = max(limit.get_expiry() for limit in limits)
    sent_at = list(
        db.session.scalars(
            select(OutboxMessage.created_at)
            .where(
                OutboxMessage.recipient == recipient,
                OutboxMessage.event == RECEIPT,
                OutboxMessage.created_at > now - dt.timedelta(seconds=longest),
            )
            .order_by(OutboxMessage.created_at.desc())
            .limit(max(limit.amount for limit in limits))
        )
    )
    return all(
        sum(1 for at in sent_at if at > now - dt.timedelta(seconds=limit.get_expiry())) < limit.amount
        for limit in limits
    )
