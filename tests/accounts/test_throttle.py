"""Refused logins: one answer and one password check whatever went wrong, attempts counted before they are checked
(also when they come at the same moment), and a growing delay per account and per client address instead of a
lock that anyone could set."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, Staff, build_staff, build_world
from wananchi.accounts.logins import ACCOUNT_DELAY, ADDRESS_DELAY
from wananchi.accounts.models import LoginThrottle, User
from wananchi.core.audit import AuditEntry

START = dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC)
WRONG = "si-nenosiri-lake-hili"


@pytest.fixture(autouse=True)
def _many_logins_a_minute(app) -> Iterator[None]:
    """The per-address rate limit (Flask-Limiter) high enough to reach the delays these tests are about."""
    saved = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    yield
    app.config["LOGIN_RATE_LIMIT"] = saved


@pytest.fixture
def staff(db) -> Staff:
    built = build_staff(build_world())
    db.session.commit()
    return built


@dataclass
class Checks:
    """The argon2 verifications made, by the hash they were made against (thread-safe)."""

    hashes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def against(self, stored_hash: str) -> int:
        return sum(1 for checked in self.hashes if checked == stored_hash)


@pytest.fixture
def checks(monkeypatch) -> Checks:
    """Count every password check (argon2's verify), the real work a login does."""
    seen = Checks()
    original = PasswordHasher.verify

    def counting(self, hash, password):  # type: ignore[no-untyped-def]  # noqa: A002 - argon2's own name
        with seen.lock:
            seen.hashes.append(hash if isinstance(hash, str) else hash.decode())
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


def page_without_values(response) -> str:  # type: ignore[no-untyped-def]
    """The page without the values of its fields (the form token, the address typed)."""
    return re.sub(r' value="[^"]*"', "", response.get_data(as_text=True))


def stored(db, user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def events(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_every_refusal_is_the_same_answer_after_the_same_work(app, staff, db, checks):
    """Unknown address, wrong password, deactivated account, delayed account: one page, one password check."""
    staff.officer_b.active = False
    db.session.commit()
    with time_machine.travel(START, tick=False):
        for _attempt in range(ACCOUNT_DELAY.free):
            log_in(app.test_client(), staff.officer_a2.email, WRONG)
        answers = {
            "unknown": log_in(app.test_client(), "hayupo@dawasa.go.tz", PASSWORD),
            "wrong": log_in(app.test_client(), staff.officer_a.email, WRONG),
            "deactivated": log_in(app.test_client(), staff.officer_b.email, PASSWORD),
            "delayed, right password": log_in(app.test_client(), staff.officer_a2.email, PASSWORD),
        }
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 422)
    pages = {page_without_values(answer) for answer in answers.values()}
    assert len(pages) == 1 and "imefungwa" not in pages.pop()
    assert len(checks.hashes) == ACCOUNT_DELAY.free + len(answers)  # one check each, and no more
    # The delayed account's right password was never checked: a stand-in hash was.
    assert checks.against(stored(db, staff.officer_a2).password_hash) == ACCOUNT_DELAY.free


def test_a_growing_delay_instead_of_a_lock_that_anyone_can_set(app, staff, db, checks):
    user = staff.officer_a
    with time_machine.travel(START, tick=False):
        for _attempt in range(ACCOUNT_DELAY.free):
            assert log_in(app.test_client(), user.email, WRONG).status_code == 422
        assert stored(db, user).locked_until == START + ACCOUNT_DELAY.first
        # Within the wait even the right password is refused, unchecked, and the wait does not grow.
        assert log_in(app.test_client(), user.email, PASSWORD).status_code == 422
        assert stored(db, user).locked_until == START + ACCOUNT_DELAY.first
    assert checks.against(stored(db, user).password_hash) == ACCOUNT_DELAY.free
    # Thirty seconds later the account is checked again; one more failure doubles the wait.
    later = START + ACCOUNT_DELAY.first
    with time_machine.travel(later, tick=False):
        assert log_in(app.test_client(), user.email, WRONG).status_code == 422
        assert stored(db, user).locked_until == later + 2 * ACCOUNT_DELAY.first
    with time_machine.travel(later + 2 * ACCOUNT_DELAY.first, tick=False):
        assert log_in(app.test_client(), user.email, PASSWORD).status_code == 303
    refreshed = stored(db, user)
    assert refreshed.failed_logins == 0 and refreshed.locked_until is None
    # Five requests used to lock the account for 15 minutes; the wait only reaches that after many more.
    assert ACCOUNT_DELAY.after(ACCOUNT_DELAY.free) == dt.timedelta(seconds=30)
    assert ACCOUNT_DELAY.after(ACCOUNT_DELAY.free + 4) == dt.timedelta(minutes=8)
    assert ACCOUNT_DELAY.after(ACCOUNT_DELAY.free + 50) == ACCOUNT_DELAY.longest == dt.timedelta(minutes=15)


def test_a_refused_login_answers_422_and_what_it_recorded_stands(app, staff, db):
    """The refusal's page is a 4xx, yet its count towards the account's delay, its client address's failure and its
    audit entry are kept: the boundary commits whatever a view answers unless an exception escaped it."""
    with time_machine.travel(START, tick=False):
        answers = [log_in(app.test_client(), staff.officer_a.email, WRONG) for _attempt in range(ACCOUNT_DELAY.free)]
    assert {answer.status_code for answer in answers} == {422}
    user = stored(db, staff.officer_a)
    assert user.failed_logins == ACCOUNT_DELAY.free and user.locked_until == START + ACCOUNT_DELAY.first
    assert db.session.get(LoginThrottle, "127.0.0.1").failures == ACCOUNT_DELAY.free
    assert [entry.changes["reason"] for entry in events(db, "login_failed")] == ["wrong_password"] * ACCOUNT_DELAY.free


def test_failures_and_delays_are_in_the_audit_log_and_the_application_log(app, staff, db, caplog):
    with time_machine.travel(START, tick=False):
        log_in(app.test_client(), "HAYUPO@dawasa.go.tz ", WRONG)
        for _attempt in range(ACCOUNT_DELAY.free + 1):
            log_in(app.test_client(), staff.officer_a.email, WRONG)
    failed = events(db, "login_failed")
    assert [entry.changes["reason"] for entry in failed] == [
        "unknown_account",
        *["wrong_password"] * ACCOUNT_DELAY.free,
        "account_delayed",
    ]
    unknown = failed[0]
    assert unknown.object_type == "LoginAddress" and "hayupo" not in unknown.object_id  # a keyed hash, not the text
    assert unknown.actor_id is None and unknown.client_address == "127.0.0.1"
    assert {entry.object_id for entry in failed[1:]} == {str(staff.officer_a.id)}
    [delayed] = events(db, "login_delayed")
    assert delayed.object_type == "User" and delayed.changes == {"until": "2026-11-23T08:00:30+00:00"}
    lines = [record.getMessage() for record in caplog.records if record.name == "wananchi.security"]
    assert len(lines) == len(failed) + 1 and all("\n" not in line for line in lines)
    assert f"event=login_failed actor=- object=User:{staff.officer_a.id} address=127.0.0.1" in lines[1]
    assert "hayupo" not in " ".join(lines)


def test_a_client_address_that_tries_many_accounts_waits_too(app, staff, db):
    with time_machine.travel(START, tick=False):
        for number in range(ADDRESS_DELAY.free):
            log_in(app.test_client(), f"mtu{number}@dawasa.go.tz", WRONG)
        assert db.session.get(LoginThrottle, "127.0.0.1").blocked_until == START + ADDRESS_DELAY.first
        assert log_in(app.test_client(), staff.officer_a.email, PASSWORD).status_code == 422
        [delayed] = events(db, "login_delayed")
        assert (delayed.object_type, delayed.object_id) == ("ClientAddress", "127.0.0.1")
    db.session.expire_all()
    assert stored(db, staff.officer_a).failed_logins == 0  # the account itself was not touched
    with time_machine.travel(START + ADDRESS_DELAY.first, tick=False):
        assert log_in(app.test_client(), staff.officer_a.email, PASSWORD).status_code == 303


def test_an_address_forgets_its_failures_after_an_hour(app, staff, db):
    with time_machine.travel(START, tick=False):
        for number in range(ADDRESS_DELAY.free - 1):
            log_in(app.test_client(), f"mtu{number}@dawasa.go.tz", WRONG)
    with time_machine.travel(START + dt.timedelta(hours=1, seconds=1), tick=False):
        log_in(app.test_client(), "mwingine@dawasa.go.tz", WRONG)
    db.session.expire_all()
    row = db.session.get(LoginThrottle, "127.0.0.1")
    assert row.failures == 1 and row.blocked_until is None


def test_concurrent_guesses_are_counted_before_they_are_checked(live_server, staff, db, checks):
    """Nine guesses sent at once, through a real server and real threads: only the free ones are checked."""
    guesses, email = 9, staff.officer_a.email
    browsers = [requests.Session() for _ in range(guesses)]
    tokens = [hidden_fields(b.get(f"{live_server}/ingia", timeout=30).text)["csrf_token"] for b in browsers]
    start = threading.Barrier(guesses)
    statuses: list[int] = []

    def guess(browser: requests.Session, token: str) -> None:
        start.wait(timeout=30)
        response = browser.post(
            f"{live_server}/ingia",
            data={"csrf_token": token, "email": email, "password": WRONG},
            allow_redirects=False,
            timeout=60,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert statuses == [422] * guesses
    user = stored(db, staff.officer_a)
    assert checks.against(user.password_hash) == ACCOUNT_DELAY.free
    assert len(checks.hashes) == guesses  # the others checked a stand-in: the same work
    assert user.failed_logins == ACCOUNT_DELAY.free and user.locked_until is not None
    assert len(events(db, "login_failed")) == guesses


def test_a_long_client_address_is_kept_to_its_column(app, staff, db):
    """An IPv6 address with a zone (or whatever a misconfigured proxy passes on) must not make a refusal a 500."""
    browser = app.test_client()
    address = "fe80::1234:5678:9abc:def0:1234:5678:9abc%kiolesura-cha-mtandao-0"
    browser.environ_base["REMOTE_ADDR"] = address
    assert log_in(browser, staff.officer_a.email, WRONG).status_code == 422
    [entry] = events(db, "login_failed")
    assert entry.client_address == address[:45]
    assert db.session.get(LoginThrottle, address[:45]).failures == 1
