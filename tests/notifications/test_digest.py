"""The daily digest: warnings held for an officer who chose it go out as one message per channel each morning."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.notifications.setting import GSM_7, PHONES, build_setting, eat, rows, submit
from wananchi.extensions import db as _db
from wananchi.notifications.digest import send_digests
from wananchi.notifications.models import Channel, NotificationPreference, OutboxStatus
from wananchi.notifications.outbox import sweep
from wananchi.notifications.render import public_url
from wananchi.notifications.tasks import send_warning_digests_daily
from wananchi.sla.escalation import scan_batch
from wananchi.tickets import actions

MONDAY = eat(2026, 11, 23, 8, 0)
WARNED_AT = eat(2026, 11, 24, 12, 0)  # 75 % of the first-response target of tickets submitted on MONDAY
NEXT_MORNING = eat(2026, 11, 25, 6, 30)


@pytest.fixture
def setting(db):
    setting = build_setting()
    officer = setting.staff.officer_a
    _db.session.add(NotificationPreference(user_id=officer.id, event="sla_warning", email=True, sms=True, digest=True))
    tickets = [submit(setting.world, now=MONDAY) for _ in range(4)]
    for ticket in tickets:
        actions.assign_ticket(ticket, officer, actor=setting.staff.supervisor_a, now=MONDAY)
    _db.session.commit()
    scan_batch(WARNED_AT)
    _db.session.commit()
    setting.tickets = tickets
    return setting


def test_warnings_are_held_for_the_digest_and_not_sent(setting, db, smtp_server, sms_gateway):
    warnings = rows("sla_warning")
    assert len(warnings) == 8  # 4 tickets × e-mail and SMS
    assert {row.status for row in warnings} == {OutboxStatus.HELD}
    sweep(WARNED_AT)
    assert {row.status for row in rows("sla_warning")} == {OutboxStatus.HELD}
    sent_ids = {int(mail["X-Wananchi-Outbox-Id"]) for mail in smtp_server.mailbox.messages}
    assert sent_ids and not sent_ids & {row.id for row in warnings}
    assert not [sms for sms in sms_gateway.received if sms["to"] == PHONES["officer_a"]]


def test_held_warnings_become_one_digest_per_channel(setting, db, smtp_server, sms_gateway):
    officer = setting.staff.officer_a
    assert send_digests(NEXT_MORNING) == 2
    _db.session.commit()
    digests = rows("digest")
    assert {(row.channel, row.recipient, row.language) for row in digests} == {
        (Channel.EMAIL, officer.email, "sw"),
        (Channel.SMS, PHONES["officer_a"], "sw"),
    }
    assert all(row.recipient_user_id == officer.id and row.status == OutboxStatus.PENDING for row in digests)
    held = rows("sla_warning")
    assert {row.status for row in held} == {OutboxStatus.DIGESTED}
    digest_of = {row.channel: row.id for row in digests}
    assert all(row.provider_response == f"digest: outbox {digest_of[row.channel]}" for row in held)
    assert send_digests(NEXT_MORNING) == 0, "a second run finds nothing held"
    sweep(NEXT_MORNING)
    [mail] = [m for m in smtp_server.mailbox.to(officer.email) if int(m["X-Wananchi-Outbox-Id"]) in digest_of.values()]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "4" in mail["Subject"]
    for ticket in setting.tickets:
        url = public_url("staff.ticket", reference=ticket.reference)
        assert ticket.reference in text and url in text and f'href="{url}"' in html
    [sms] = [sms for sms in sms_gateway.received if sms["to"] == PHONES["officer_a"]]
    assert len(sms["message"]) <= 160 and set(sms["message"]) <= GSM_7
    assert setting.tickets[0].reference in sms["message"] and public_url("staff.queue") in sms["message"]


def test_other_events_and_other_users_are_not_held(setting, db):
    staff = setting.staff
    ticket = submit(setting.world, now=MONDAY)  # unassigned: its warning goes to every officer of the agency
    _db.session.commit()
    scan_batch(WARNED_AT)
    _db.session.commit()
    statuses = {row.recipient: row.status for row in rows("sla_warning") if row.ticket_id == ticket.id}
    assert statuses[staff.officer_a.email] == OutboxStatus.HELD
    assert statuses[staff.officer_a2.email] == statuses[staff.supervisor_a.email] == OutboxStatus.PENDING
    assert {row.status for row in rows("assignment")} == {OutboxStatus.PENDING}


def test_warnings_held_for_a_deactivated_officer_are_dropped(setting, db, smtp_server):
    setting.staff.officer_a.active = False
    _db.session.commit()
    assert send_digests(NEXT_MORNING) == 0
    _db.session.commit()
    assert rows("digest") == [] and {row.status for row in rows("sla_warning")} == {OutboxStatus.DIGESTED}


def test_a_periodic_task_sends_the_digests_at_half_past_six_in_dar_es_salaam(setting, db):
    huey_clock = NEXT_MORNING.astimezone(dt.UTC).replace(tzinfo=None)  # huey keeps its schedule in naive UTC
    assert send_warning_digests_daily.s().validate_datetime(huey_clock)
    assert not send_warning_digests_daily.s().validate_datetime(huey_clock + dt.timedelta(hours=3))
    send_warning_digests_daily()  # the test suite runs tasks at once, in process
    assert len(rows("digest")) == 2 and {row.status for row in rows("sla_warning")} == {OutboxStatus.DIGESTED}
