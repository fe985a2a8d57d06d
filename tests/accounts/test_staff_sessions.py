"""Staff sessions end on the server: logging out ends every copy of the cookies, and a session ends after 30
minutes without a request or 12 hours after the login (ASVS 3.3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from flask_login.utils import encode_cookie
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, Staff, build_staff, build_world
from wananchi.accounts.models import User
from wananchi.core.audit import AuditEntry

START = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def staff(db) -> Staff:
    built = build_staff(build_world())
    db.session.commit()
    return built


def log_out(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/toka", data=hidden_fields(client.get("/afisa/").data))
    assert response.status_code == 303


def test_a_copied_session_or_remember_me_cookie_is_refused_after_logout(app, staff, db):
    user = staff.officer_a
    browser = app.test_client()
    login = log_in(browser, user.email, PASSWORD, remember="y")
    assert login.status_code == 303 and browser.get("/afisa/").status_code == 200
    copied_session = browser.get_cookie("session").value
    # The remember-me cookie Flask-Login gives for this login (what the login page used to set when asked to).
    given = browser.get_cookie("remember_token")
    with app.test_request_context():
        copied_remember = given.value if given else encode_cookie(db.session.get(User, user.id).get_id())

    log_out(browser)
    assert browser.get("/afisa/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", copied_session)
    assert thief.get("/afisa/").status_code == 302
    other_thief = app.test_client()
    other_thief.set_cookie("remember_token", copied_remember)
    assert other_thief.get("/afisa/").status_code == 302
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "logout"))
    assert entry.actor_id == user.id and entry.client_address == "127.0.0.1"


def test_logging_out_ends_the_other_sessions_of_the_user_too(app, staff):
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, staff.officer_a.email, PASSWORD)
    log_in(laptop, staff.officer_a.email, PASSWORD)
    log_out(laptop)
    assert phone.get("/afisa/").status_code == 302


def test_a_session_ends_after_30_minutes_without_a_request(app, staff):
    browser = app.test_client()
    with time_machine.travel(START, tick=False):
        log_in(browser, staff.officer_a.email, PASSWORD)
    with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
        assert browser.get("/afisa/").status_code == 200  # a request keeps the session going
    with time_machine.travel(START + dt.timedelta(minutes=58), tick=False):
        assert browser.get("/afisa/").status_code == 200
    with time_machine.travel(START + dt.timedelta(minutes=88, seconds=1), tick=False):
        expired = browser.get("/afisa/")
        assert expired.status_code == 302 and expired.headers["Location"].startswith("/ingia")
        assert "Muda wa kuingia kwako umeisha" in browser.get("/ingia").get_data(as_text=True)
        assert browser.get("/afisa/").status_code == 302  # ended, not just refused once


def test_a_session_ends_12_hours_after_the_login_however_busy(app, staff):
    browser = app.test_client()
    with time_machine.travel(START, tick=False):
        log_in(browser, staff.officer_a.email, PASSWORD)
    for step in range(1, 36):  # a request every 20 minutes, the last at 11:40 after the login
        with time_machine.travel(START + step * dt.timedelta(minutes=20), tick=False):
            assert browser.get("/afisa/").status_code == 200
    with time_machine.travel(START + dt.timedelta(hours=12, seconds=1), tick=False):
        assert browser.get("/afisa/").status_code == 302
        assert log_in(browser, staff.officer_a.email, PASSWORD).status_code == 303  # a new login starts afresh
        assert browser.get("/afisa/").status_code == 200


def test_a_session_from_before_these_clocks_is_ended(app, staff, db):
    """A session cookie that a login made before sessions expired (no clocks in it) is not honoured."""
    browser = app.test_client()
    log_in(browser, staff.officer_a.email, PASSWORD)
    with browser.session_transaction() as session:
        del session["login_started"], session["login_seen"]
    assert browser.get("/afisa/").status_code == 302
