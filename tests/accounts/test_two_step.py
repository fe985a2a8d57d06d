"""Two-step codes: each is accepted once, and wrong ones count towards the account's delay like wrong passwords."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, Staff, build_staff, build_world
from wananchi.accounts.logins import ACCOUNT_DELAY
from wananchi.accounts.models import User
from wananchi.core.audit import AuditEntry

START = dt.datetime(2026, 11, 23, 7, 30, 5, tzinfo=dt.UTC)


@pytest.fixture
def staff(db) -> Staff:
    built = build_staff(build_world())
    built.officer_a.totp_secret = pyotp.random_base32()
    db.session.commit()
    return built


def send_code(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/ingia/msimbo")
    return client.post("/ingia/msimbo", data={**hidden_fields(page.data), "code": code})


def failures(db, user: User) -> list[str]:
    query = select(AuditEntry).where(AuditEntry.action == "two_step_failed", AuditEntry.object_id == str(user.id))
    return [entry.changes["reason"] for entry in db.session.scalars(query.order_by(AuditEntry.id))]


def test_a_code_is_accepted_once(app, staff, db):
    user = staff.officer_a
    code = pyotp.TOTP(user.totp_secret).at(START)
    with time_machine.travel(START, tick=False):
        first = app.test_client()
        assert log_in(first, user.email, PASSWORD).headers["Location"] == "/ingia/msimbo"
        assert send_code(first, code).status_code == 303
        # Someone who saw the code (over a shoulder, on a phone) and knows the password, in the same 30 seconds.
        second = app.test_client()
        log_in(second, user.email, PASSWORD)
        reused = send_code(second, code)
        assert reused.status_code == 422 and "umeshatumika" in reused.get_data(as_text=True)
        assert second.get("/afisa/").status_code == 302
    assert failures(db, user) == ["reused_code"]
    # The next code, half a minute later, is accepted; an earlier one never is again.
    later = START + dt.timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        assert send_code(second, pyotp.TOTP(user.totp_secret).at(later)).status_code == 303


def test_wrong_codes_count_towards_the_accounts_delay(app, staff, db):
    user = staff.officer_a
    browser = app.test_client()
    with time_machine.travel(START, tick=False):
        log_in(browser, user.email, PASSWORD)  # the password counts as one attempt until the login completes
        for _attempt in range(ACCOUNT_DELAY.free - 1):
            assert send_code(browser, "000000").status_code == 422
        db.session.expire_all()
        assert db.session.get(User, user.id).locked_until == START + ACCOUNT_DELAY.first
        # Within the wait the right code is refused too, unchecked.
        right = send_code(browser, pyotp.TOTP(user.totp_secret).at(START))
        assert right.status_code == 422 and browser.get("/afisa/").status_code == 302
        # Logging in again with the password does not start the count afresh.
        assert log_in(app.test_client(), user.email, PASSWORD).status_code == 422
    assert failures(db, user) == ["wrong_code"] * (ACCOUNT_DELAY.free - 1) + ["account_delayed"]
    later = START + ACCOUNT_DELAY.first
    with time_machine.travel(later, tick=False):
        assert send_code(browser, pyotp.TOTP(user.totp_secret).at(later)).status_code == 303
        assert browser.get("/afisa/").status_code == 200
    db.session.expire_all()
    completed = db.session.get(User, user.id)
    assert completed.failed_logins == 0 and completed.locked_until is None


def test_setting_up_two_step_login_is_audited(app, staff, db):
    from wananchi.accounts.models import Role, RolePolicy

    db.session.add(RolePolicy(role=Role.SUPERVISOR, require_totp=True))
    db.session.commit()
    browser = app.test_client()
    with time_machine.travel(START, tick=False):
        log_in(browser, staff.supervisor_a.email, PASSWORD)
        html = browser.get("/ingia/msimbo").get_data(as_text=True)
        secret = html.split('<code class="code">')[1].split("<")[0]
        assert send_code(browser, pyotp.TOTP(secret).at(START)).status_code == 303
    actions = [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["two_step_enabled", "login_succeeded"]
