"""An SMTP outage delays receipts but loses none and doubles none: the sweep sends each once after the back-off."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from tests.helpers import post_submission
from tests.world import build_world
from wananchi.core.db import utcnow
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import backoff, sweep
from wananchi.tickets.models import Ticket

TICKETS = 20


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def test_receipts_submitted_while_smtp_is_down_all_arrive_once_it_is_back(client, world, db, smtp_server):
    smtp_server.stop()
    for n in range(TICKETS):
        assert post_submission(client, email=f"raia{n}@example.co.tz", phone="").status_code == 303
    assert sweep() == 0
    rows = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert len(rows) == TICKETS
    assert all(r.status == OutboxStatus.PENDING and r.attempts == 1 and "Connection" in r.last_error for r in rows)

    smtp_server.start()
    assert sweep() == 0, "nothing is due before the back-off has passed"
    assert smtp_server.mailbox.messages == []
    assert sweep(utcnow() + backoff(1) + dt.timedelta(seconds=1)) == TICKETS
    assert sweep(utcnow() + dt.timedelta(days=1)) == 0, "a later sweep sends nothing again"

    messages = smtp_server.mailbox.messages
    assert Counter(int(m["X-Wananchi-Outbox-Id"]) for m in messages) == Counter(r.id for r in rows)
    references = {email: ref for email, ref in db.session.execute(select(Ticket.citizen_email, Ticket.reference))}
    assert sorted(str(m["To"]) for m in messages) == sorted(references)
    assert all(references[str(m["To"])] in m["Subject"] for m in messages), "each citizen gets their own receipt"
    db.session.expire_all()
    assert {(r.status, r.attempts) for r in db.session.scalars(select(OutboxMessage))} == {(OutboxStatus.SENT, 2)}
