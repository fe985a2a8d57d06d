"""Retention of the phone channels' data by the daily job: an SMS received is deleted INBOUND_SMS_RETENTION_DAYS after
it arrived; an SMS stop is kept while a ticket or an account holds its number (so that it keeps working) and at
least SMS_OPT_OUT_RETENTION_DAYS, then deleted; in batches, idempotent, counted in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import func, select

from tests.world import build_staff, build_world, complaint
from wananchi.core.audit import AuditEntry
from wananchi.core.db import utcnow
from wananchi.notifications.models import SmsOptOut
from wananchi.notifications.optout import stop_sms, stopped_phones
from wananchi.phone import retention as phone_retention
from wananchi.phone.models import InboundSms
from wananchi.privacy.retention import erase_expired, erase_personal_data
from wananchi.tickets.models import Identity
from wananchi.tickets.services import submit_ticket

START = dt.datetime(2024, 1, 8, 7, 0, tzinfo=dt.UTC)
HELD, FREE, STAFF_PHONE = "+255754000001", "+255754000002", "+255754000003"


@pytest.fixture
def world(app, db):
    world = build_world()
    db.session.commit()
    return world


def inbound(db, gateway_id: str, at: dt.datetime, phone: str = HELD) -> None:
    db.session.add(InboundSms(gateway_id=gateway_id, phone=phone, to="15200", text="Maji hayatoki", received_at=at))


def audit_lines(db) -> list[dict]:
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "retention_erased").order_by(AuditEntry.id)
    )
    return [entry.changes for entry in entries]


def test_sms_received_are_deleted_after_their_period_in_batches_once(app, db, world, monkeypatch):
    for number in range(5):
        inbound(db, f"ATXid_old_{number}", START)
    inbound(db, "ATXid_new", START + dt.timedelta(days=80))
    db.session.commit()
    monkeypatch.setattr(phone_retention, "BATCH", 2)
    commits = []

    def commit() -> None:
        commits.append(1)
        db.session.commit()

    with time_machine.travel(START + dt.timedelta(days=90), tick=False):  # INBOUND_SMS_RETENTION_DAYS = 90
        assert phone_retention.erase_old_inbound_sms(commit, utcnow()) == 5
    assert len(commits) == 3  # 2 + 2 + 1
    assert list(db.session.scalars(select(InboundSms.gateway_id))) == ["ATXid_new"]
    with time_machine.travel(START + dt.timedelta(days=91), tick=False):
        erase_expired(db.session.commit, utcnow())  # the daily job: nothing more of the old ones
        assert db.session.scalar(select(func.count()).select_from(InboundSms)) == 1
    with time_machine.travel(START + dt.timedelta(days=171), tick=False):
        erase_expired(db.session.commit, utcnow())
        erase_expired(db.session.commit, utcnow())  # again: nothing more
    assert db.session.scalar(select(func.count()).select_from(InboundSms)) == 0
    assert [line["inbound_sms"] for line in audit_lines(db)] == [0, 1, 0]


def test_an_sms_stop_is_kept_while_its_number_is_held_then_deleted(app, db, world):
    staff = build_staff(world)
    staff.officer_a.phone = STAFF_PHONE
    ticket = submit_ticket(complaint(world, identity=Identity.NAMED, name="Asha Juma", phone=HELD)).ticket
    with time_machine.travel(START, tick=False):
        for phone in (HELD, FREE, STAFF_PHONE):
            stop_sms(phone)
    db.session.commit()

    with time_machine.travel(START + dt.timedelta(days=300), tick=False):  # within SMS_OPT_OUT_RETENTION_DAYS = 365
        assert erase_expired(db.session.commit, utcnow()).sms_opt_outs == 0
    with time_machine.travel(START + dt.timedelta(days=366), tick=False):
        assert erase_expired(db.session.commit, utcnow()).sms_opt_outs == 1  # nothing holds FREE
        assert erase_expired(db.session.commit, utcnow()).sms_opt_outs == 0  # running again changes nothing
    # The stops still needed still work: no SMS goes to a number a ticket or an account holds.
    assert stopped_phones([HELD, FREE, STAFF_PHONE]) == {HELD, STAFF_PHONE}

    with time_machine.travel(START + dt.timedelta(days=400), tick=False):
        erase_personal_data(ticket, utcnow())  # the number's last ticket loses its contact details
        db.session.commit()
        assert erase_expired(db.session.commit, utcnow()).sms_opt_outs == 1
    assert list(db.session.scalars(select(SmsOptOut.phone))) == [STAFF_PHONE]
    assert [line["sms_opt_outs"] for line in audit_lines(db)] == [0, 1, 0, 1]
