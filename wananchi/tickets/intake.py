"""Tickets staff record on a citizen's behalf: a call to the call centre, a visit to the front desk, a letter, an
e-mail, a message on social media. The same submission as the citizen's own (routing, targets, notifications: the
citizen gets the reference and tracking code by SMS or e-mail), with the officer who recorded it in its history."""

from __future__ import annotations

import datetime as dt

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.tickets.actions import NotPermitted
from wananchi.tickets.models import STAFF_CHANNELS, EventKind, TicketEvent
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.services import Receipt, Submission, submit_ticket


def record_ticket(submission: Submission, *, actor: User, now: dt.datetime | None = None) -> Receipt:
    """Submit a ticket the citizen gave `actor` by telephone, in person, by letter, e-mail or social media; the
    citizen agreed to the identity chosen. A resent form raises AlreadySubmitted, with the first receipt."""
    if not can(actor, Permission.RECORD_TICKET, actor.institution) or submission.channel not in STAFF_CHANNELS:
        raise NotPermitted()
    now = now or utcnow()
    receipt = submit_ticket(submission, now=now)  # a resent form raises AlreadySubmitted, with the first receipt
    db.session.add(
        TicketEvent(
            ticket_id=receipt.ticket.id,
            kind=EventKind.RECORDED_BY_STAFF,
            actor=actor.name,
            actor_id=actor.id,
            created_at=now,
            data={"channel": str(submission.channel), "identity_consent": True},
        )
    )
    db.session.flush()
    return receipt
