"""Officers choose e-mail, SMS or both per kind of event (and a daily digest for warnings) on /akaunti/arifa."""

from __future__ import annotations

import re

import pytest

from tests.helpers import hidden_fields, log_in
from tests.notifications.setting import PHONES, build_setting, recipients, rows, submit
from tests.world import PASSWORD
from wananchi.extensions import db as _db
from wananchi.notifications.models import Channel, NotificationPreference, OutboxStatus
from wananchi.notifications.outbox import sweep
from wananchi.notifications.preferences import STAFF_EVENTS, channels_for, wants_digest
from wananchi.tickets import actions
from wananchi.tickets.services import add_citizen_message


@pytest.fixture
def setting(db):
    return build_setting()


def choose(user, event, *, email, sms, digest=False):
    _db.session.add(NotificationPreference(user_id=user.id, event=event, email=email, sms=sms, digest=digest))
    _db.session.commit()


def test_e_mail_only_until_the_user_chooses(setting, db):
    officer = setting.staff.officer_a
    assert all(channels_for(officer, event) == {Channel.EMAIL} for event in STAFF_EVENTS)
    assert not wants_digest(officer, "sla_warning")
    choose(officer, "assignment", email=True, sms=True)
    assert channels_for(officer, "assignment") == {Channel.EMAIL, Channel.SMS}
    officer.phone = None
    assert channels_for(officer, "assignment") == {Channel.EMAIL}, "SMS only with a phone number"


def test_a_digest_applies_to_warnings_only(setting, db):
    officer = setting.staff.officer_a
    choose(officer, "sla_warning", email=True, sms=False, digest=True)
    choose(officer, "assignment", email=True, sms=False, digest=True)
    assert wants_digest(officer, "sla_warning") and not wants_digest(officer, "assignment")


@pytest.mark.parametrize(("email", "sms"), [(False, True), (True, True), (False, False)])
def test_assignment_follows_the_officers_choice(setting, db, smtp_server, sms_gateway, email, sms):
    staff = setting.staff
    choose(staff.officer_a, "assignment", email=email, sms=sms)
    ticket = submit(setting.world)
    actions.assign_ticket(ticket, staff.officer_a, actor=staff.supervisor_a)
    _db.session.commit()
    expected = {(staff.officer_a.email, Channel.EMAIL)} if email else set()
    expected |= {(PHONES["officer_a"], Channel.SMS)} if sms else set()
    assert recipients("assignment") == expected
    sweep()
    assert len(smtp_server.mailbox.to(staff.officer_a.email)) == int(email)
    texts = [s["message"] for s in sms_gateway.received if s["to"] == PHONES["officer_a"]]
    assert len(texts) == int(sms) and all(ticket.reference in text for text in texts)


def test_choices_of_one_event_leave_the_others_alone(setting, db):
    staff = setting.staff
    choose(staff.supervisor_a, "citizen_message", email=False, sms=False)
    ticket = submit(setting.world)
    add_citizen_message(ticket, "Nimeongeza maelezo.", [])
    actions.assign_ticket(ticket, staff.officer_a, actor=staff.supervisor_a)
    _db.session.commit()
    assert staff.supervisor_a.email not in {row.recipient for row in rows("citizen_message")}
    assert {row.recipient for row in rows("assignment")} == {staff.officer_a.email}
    assert {row.status for row in rows()} == {OutboxStatus.PENDING}


def checked(html: str) -> set[str]:
    """The names of the ticked check boxes of a page."""
    return {
        re.search(r'name="([^"]+)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", html)
        if 'type="checkbox"' in tag and re.search(r"\bchecked\b", tag)
    }


def page(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 303
    return client


def post(client, **data):
    token = hidden_fields(client.get("/akaunti/arifa").data)["csrf_token"]
    return client.post("/akaunti/arifa", data={"csrf_token": token, **data})


def test_the_page_shows_the_grid_and_saves_the_choices(app, setting, db):
    officer = setting.staff.officer_a
    client = page(app, officer)
    html = client.get("/akaunti/arifa").get_data(as_text=True)
    assert checked(html) == {f"{event}_email" for event in STAFF_EVENTS}
    assert 'name="sla_warning_digest"' in html and 'name="assignment_digest"' not in html
    assert PHONES["officer_a"] in html
    assert 'href="/akaunti/arifa"' in client.get("/akaunti").get_data(as_text=True)
    response = post(
        client,
        phone="0754 111 222",
        assignment_sms="y",
        sla_warning_email="y",
        sla_warning_digest="y",
        escalation_email="y",
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/akaunti/arifa")
    db.session.expire_all()
    assert officer.phone == "+255754111222"
    assert channels_for(officer, "assignment") == {Channel.SMS}
    assert channels_for(officer, "citizen_message") == set()
    assert channels_for(officer, "sla_warning") == {Channel.EMAIL} and wants_digest(officer, "sla_warning")
    html = client.get("/akaunti/arifa").get_data(as_text=True)
    assert checked(html) == {"assignment_sms", "sla_warning_email", "sla_warning_digest", "escalation_email"}


@pytest.mark.parametrize("phone", ["", "12345"])
def test_sms_needs_a_valid_phone_number(app, setting, db, phone):
    officer = setting.staff.officer_a
    client = page(app, officer)
    response = post(client, phone=phone, assignment_sms="y")
    assert response.status_code == 422 and 'id="phone-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert (
        officer.phone == PHONES["officer_a"]
        and db.session.get(NotificationPreference, (officer.id, "assignment")) is None
    )


def test_removing_the_phone_number_without_sms(app, setting, db):
    officer = setting.staff.officer_a
    response = post(page(app, officer), phone="", assignment_email="y")
    assert response.status_code == 303
    db.session.expire_all()
    assert officer.phone is None
