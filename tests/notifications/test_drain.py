"""After an outage the minute's sweep queues every due message, in batches, for all workers to send; a message it
queued is not queued again while its task waits; an e-mail keeps one Message-ID through every attempt."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from tests.helpers import post_submission
from tests.world import build_world
from wananchi.core.db import utcnow
from wananchi.core.tasks import huey
from wananchi.notifications import outbox, tasks
from wananchi.notifications.channels import smtp_server_down
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import resend, reserve_due_messages, sweep

TICKETS = 12


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


@pytest.fixture
def backlog(client, world, db, app, monkeypatch):
    """Twelve receipts written while nothing delivered them, and a sweep that reserves five per round."""
    monkeypatch.setitem(app.config, "OUTBOX_SWEEP_BATCH", 5)
    for n in range(TICKETS):
        assert post_submission(client, email=f"raia{n}@example.co.tz", phone="").status_code == 303
    return sorted(db.session.scalars(select(OutboxMessage.id)))


def test_one_sweep_sends_the_whole_backlog_in_batches(backlog, db, smtp_server):
    assert tasks.sweep_outbox_every_minute.call_local() == TICKETS  # three rounds of at most five
    assert len(smtp_server.mailbox.messages) == TICKETS
    assert set(db.session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}
    assert tasks.sweep_outbox_every_minute.call_local() == 0


def test_a_queued_message_is_not_queued_again_until_its_lease_has_passed(backlog, app, monkeypatch):
    queued: list[int] = []
    monkeypatch.setattr(tasks, "queue_delivery", lambda message_id, channel: queued.append(message_id))  # they wait
    assert tasks.sweep_outbox_every_minute.call_local() == TICKETS
    assert sorted(queued) == backlog
    assert tasks.sweep_outbox_every_minute.call_local() == 0  # still waiting for a worker: not queued twice
    after_the_lease = utcnow() + dt.timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
    assert sorted(reserve_due_messages(after_the_lease, limit=100)) == backlog  # a lost task: queued again


def test_what_the_sweep_could_not_queue_waits_for_the_next_sweep(backlog, monkeypatch, caplog):
    queued: list[int] = []

    def queue_three(message_id: int, channel: Channel) -> None:
        if len(queued) == 3:
            raise RedisConnectionError("Timeout reading from socket")
        queued.append(message_id)

    monkeypatch.setattr(tasks, "queue_delivery", queue_three)
    assert tasks.sweep_outbox_every_minute.call_local() == 3
    assert "task queue unreachable: the sweep queued 3 message(s)" in caplog.text
    assert sorted(reserve_due_messages(limit=100)) == sorted(set(backlog) - set(queued))


def test_an_email_sent_again_keeps_its_message_id(client, world, db, smtp_server):
    assert post_submission(client, email="asha@example.co.tz", phone="").status_code == 303
    assert sweep() == 1
    message = db.session.scalars(select(OutboxMessage)).one()
    resend(message)
    db.session.commit()
    assert sweep() == 1
    first, second = smtp_server.mailbox.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].startswith(f"<outbox.{message.id}.") and first["Message-ID"].endswith("@wananchi.go.tz>")


def test_while_smtp_is_down_the_sms_go_out_and_the_other_emails_wait_without_an_attempt(
    client, world, db, app, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "OUTBOX_CHANNEL_BACKOFF_SECONDS", 60)
    monkeypatch.setattr(outbox, "_channel_down_until", {})
    smtp_server.stop()
    for n in range(3):
        assert post_submission(client, email=f"raia{n}@example.co.tz", phone=f"071234567{n}").status_code == 303
    assert sweep() == 3  # the three SMS receipts
    emails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == Channel.EMAIL)))
    assert {m.status for m in emails} == {OutboxStatus.PENDING}
    assert [m.attempts for m in emails] == [0, 0, 0]  # an outage uses up no message's attempts
    assert all(m.next_attempt_at > utcnow() + dt.timedelta(seconds=50) for m in emails)
    tried = [m for m in emails if m.last_error]
    assert len(tried) == 1 and "Connection" in tried[0].last_error  # one found SMTP down; no worker waited on two


def test_the_minute_sweep_schedules_the_sweeps_of_the_rest_of_its_minute(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_SWEEP_SECONDS", 15)
    huey.flush()
    tasks.sweep_outbox_every_minute.call_local()
    scheduled = sorted(huey.scheduled(), key=lambda task: task.eta)
    assert [task.name for task in scheduled] == ["sweep_outbox"] * 3
    seconds = [(task.eta - scheduled[0].eta).total_seconds() for task in scheduled]
    assert [round(s) for s in seconds] == [0, 15, 30]  # 15, 30 and 45 s after the minute's sweep
    huey.flush()
    monkeypatch.setitem(app.config, "OUTBOX_SWEEP_SECONDS", 0)
    tasks.sweep_outbox_every_minute.call_local()
    assert huey.scheduled() == []


def test_a_refused_recipient_does_not_back_off_the_channel():
    refused = smtplib.SMTPRecipientsRefused({"x@example.co.tz": (550, b"no such user")})
    for error, down in [(refused, False), (TimeoutError("timed out"), True), (ConnectionRefusedError(), True)]:
        assert smtp_server_down(error) is down
