"""Logging in: attempts counted before they are checked, a growing delay per account and per client address,
two-step codes accepted once, and every attempt in the audit log.

A refused login gets one answer and costs one password check (argon2id), whatever went wrong: an unknown
address, a wrong password, a deactivated account, or a delay in force (then a stand-in hash is checked).
So neither the page nor its timing tells whether an address has an account or is being delayed.

There is no lock that anyone could set on an account with a few requests: after FREE failures in a row an
account (or a client address) waits a short while before its next password is checked, twice as long after
each further failure, up to a quarter of an hour. An attempt made during the wait is refused without a check
and does not lengthen it. A complete login (with its two-step code, where there is one) ends the account's
wait; an address's failures are forgotten an hour after its last one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any, cast

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, case, or_, update

from wananchi.accounts.models import LoginThrottle, RolePolicy, User, new_session_token
from wananchi.accounts.passwords import hash_password, needs_rehash, verify_no_password, verify_password
from wananchi.accounts.services import find_user_by_email
from wananchi.core.audit import Subject, record_security_event
from wananchi.core.db import upsert_insert, utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db


@dataclass(frozen=True)
class Delay:
    """How long no password is checked after failures in a row: not at all for the first `free` ones, then
    `first`, doubling with each further failure up to `longest`."""

    free: int
    first: dt.timedelta
    longest: dt.timedelta

    def after(self, failures: int) -> dt.timedelta | None:
        """The wait earned by `failures` failures in a row (None: none yet)."""
        if failures < self.free:
            return None
        return min(self.first * 2 ** min(failures - self.free, 16), self.longest)


ACCOUNT_DELAY = Delay(free=5, first=dt.timedelta(seconds=30), longest=dt.timedelta(minutes=15))
# Many people share a mobile carrier's or an office's address: more failures pass before it waits.
ADDRESS_DELAY = Delay(free=20, first=dt.timedelta(seconds=30), longest=dt.timedelta(minutes=15))
ADDRESS_MEMORY = dt.timedelta(hours=1)
UNKNOWN_ADDRESS = "unknown"


def login_refused_message() -> str:
    """The one answer to every refused login."""
    return _(
        "The e-mail address or the password is wrong. After several wrong attempts, wait a little before "
        "trying again; the wait grows with each wrong attempt."
    )


def two_step_refused_message() -> str:
    """The one answer to every refused two-step code."""
    return _("This code is wrong, has expired or was used already. Wait for the next code and try again.")


@dataclass(frozen=True)
class LoginAttempt:
    """A login attempt, counted before its password (or code) is checked."""

    user: User | None
    address: str | None  # the client's, for a password attempt (a two-step code counts on the account only)
    refusal: str | None  # why it may not be checked: "address_delayed", "account_delayed" or "unknown_account"
    delayed_until: dt.datetime | None  # the wait this attempt earns the account if it fails


def _email_subject(email: str) -> Subject:
    """An e-mail address nobody has, as the audit log keeps it: a keyed hash, never the typed text.

    What is typed into the address field of a failed login can be anything: a real person's address with a
    typo, or a password typed into the wrong field. The audit log must not collect those; a keyed hash (HMAC
    with the secret key) still shows repeated attempts on the same address, and an administrator who knows an
    address can compute its hash to look for it.
    """
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else key.encode()
    message = b"wananchi.audit.login-address\n" + email.strip().lower().encode()
    return Subject("LoginAddress", hmac.new(key, message, hashlib.sha256).hexdigest()[:16])


def _address_delayed(address: str, now: dt.datetime) -> bool:
    row = db.session.get(LoginThrottle, address)
    return row is not None and row.blocked_until is not None and row.blocked_until > now


def _count_account_attempt(user: User | None, now: dt.datetime) -> tuple[bool, dt.datetime | None]:
    """Add an attempt to the account's count unless a wait holds it: whether it was counted, and the wait it
    earns the account (set now, before the check, so that concurrent attempts see it; a success lifts it).

    One UPDATE adds the attempt and returns the new count, atomically: concurrent attempts each get their own
    number. It runs (and matches no row) for an address without an account too, so the work is the same.
    """
    failures = db.session.execute(
        update(User)
        .where(User.id == (user.id if user else 0), or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if failures is None or user is None:
        return False, None
    delay = ACCOUNT_DELAY.after(failures)
    until = now + delay if delay is not None else None
    if until is not None:
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )
    db.session.expire(user, ["failed_logins", "locked_until"])
    return True, until


def _count_address_failure(address: str, now: dt.datetime) -> None:
    """Add a failure to the client address's count (one atomic upsert) and start its wait when it is due."""
    table = LoginThrottle.__table__
    statement = upsert_insert(table).values(address=address, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.address],
        set_={
            "failures": case((table.c.last_failure_at < now - ADDRESS_MEMORY, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    failures = db.session.execute(statement).scalar_one()
    delay = ADDRESS_DELAY.after(failures)
    if delay is not None:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.address == address)
            .values(blocked_until=now + delay)
            .execution_options(synchronize_session=False)
        )
        record_security_event(
            "login_delayed",
            Subject("ClientAddress", address),
            details={"failures": failures, "until": (now + delay).isoformat(timespec="seconds")},
        )


def count_login_attempt(email: str, address: str | None, *, now: dt.datetime | None = None) -> LoginAttempt:
    """Count a login attempt before its password is checked, and say whether it may be checked.

    The caller commits at once (wananchi.core.db.commit_now), before the check: the count stands whatever the
    answer, and an attempt made at the same moment sees it.
    """
    now = now or utcnow()
    address = address or UNKNOWN_ADDRESS
    user = find_user_by_email(email)
    if _address_delayed(address, now):
        return LoginAttempt(user, address, "address_delayed", None)
    counted, until = _count_account_attempt(user, now)
    if user is None:
        return LoginAttempt(None, address, "unknown_account", None)
    return LoginAttempt(user, address, None if counted else "account_delayed", until)


def check_login_attempt(attempt: LoginAttempt, email: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The user of a counted attempt whose password is right; DomainError (the one answer) otherwise.

    A refusal is written to the audit log (the caller keeps it although the page answers with a refusal).
    The account's count is not reset here: that is for complete_login, once a two-step code (if any) is right.
    """
    now = now or utcnow()
    user = attempt.user
    right = False
    if attempt.refusal is None and user is not None:
        right = verify_password(user.password_hash, password)
    else:
        verify_no_password(password)
    if right and user is not None and user.active:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user
    reason = attempt.refusal or ("wrong_password" if not right else "deactivated")
    details: dict[str, Any] = {"reason": reason}
    if attempt.address is not None and attempt.refusal in (None, "unknown_account"):  # a password was checked
        _count_address_failure(attempt.address, now)
    if user is not None and attempt.refusal is None and attempt.delayed_until is not None:
        details["delayed_until"] = attempt.delayed_until.isoformat(timespec="seconds")
        record_security_event("login_delayed", user, details={"until": details["delayed_until"]})
    record_security_event("login_failed", user if user is not None else _email_subject(email), details=details)
    raise DomainError(login_refused_message())


def complete_login(user: User, *, two_step: bool, now: dt.datetime | None = None) -> None:
    """A login is complete (password, and two-step code where needed): the account's count and wait end."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now or utcnow()
    record_security_event("login_succeeded", user, actor_id=user.id, details={"two_step": two_step})


def end_sessions(user: User) -> None:
    """Log `user` out: a new session token ends every session and cookie issued with the old one."""
    user.session_token = new_session_token()
    record_security_event("logout", user, actor_id=user.id)


# Two-step codes


def totp_required(user: User) -> bool:
    """Whether this user must give a two-factor code: they set one up, or their role requires it."""
    if user.totp_secret:
        return True
    policy = db.session.get(RolePolicy, user.role)
    return bool(policy and policy.require_totp)


def new_totp_secret() -> str:
    """A new random secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Wananchi")


def matching_time_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step of the current (or an adjacent) six-digit code for `secret` that `code` is, if any."""
    totp = pyotp.TOTP(secret)
    cleaned = "".join(ch for ch in code if ch.isdigit())
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            return step
    return None


def _use_time_step(user: User, step: int) -> bool:
    """Record `step` as the user's last accepted code, unless it (or a later one) was accepted already."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_counter.is_(None), User.totp_last_counter < step))
        .values(totp_last_counter=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["totp_last_counter"])
    return bool(cast(CursorResult[Any], result).rowcount)


def count_two_step_attempt(user: User, *, now: dt.datetime | None = None) -> LoginAttempt:
    """Count a two-step code attempt on the account like a password attempt (the caller commits at once)."""
    counted, until = _count_account_attempt(user, now or utcnow())
    return LoginAttempt(user, None, None if counted else "account_delayed", until)


def check_two_step_code(attempt: LoginAttempt, secret: str, code: str, *, now: dt.datetime | None = None) -> None:
    """Accept a counted code once: DomainError (the one answer) when it is wrong, reused or may not be checked."""
    now = now or utcnow()
    user = cast(User, attempt.user)
    if attempt.refusal is not None:
        reason = attempt.refusal
    else:
        step = matching_time_step(secret, code, now)
        if step is not None and _use_time_step(user, step):
            return
        reason = "wrong_code" if step is None else "reused_code"
    details: dict[str, Any] = {"reason": reason}
    if attempt.refusal is None and attempt.delayed_until is not None:
        details["delayed_until"] = attempt.delayed_until.isoformat(timespec="seconds")
    record_security_event("two_step_failed", user, details=details)
    raise DomainError(two_step_refused_message(), field="code")
