"""Account services: passwords (argon2id), logins with lock-out, two-factor codes, creating users."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import lru_cache
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from wananchi.accounts.models import Role, RolePolicy, User, new_session_token
from wananchi.accounts.passwords import check_password_strength
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.notifications.models import Channel
from wananchi.notifications.outbox import add_messages
from wananchi.notifications.render import public_url, render_notification

MAX_FAILED_LOGINS = 5
LOCK_DURATION = dt.timedelta(minutes=15)
RESET_SALT = "wananchi.accounts.password-reset"
RESET_LINK_LIFETIME = dt.timedelta(hours=1)


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    # Verified when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
    return hasher, hasher.hash("not-a-real-password")


def _hasher() -> tuple[PasswordHasher, str]:
    """The argon2id hasher with the configured cost (the library's recommended one unless overridden)."""
    config = current_app.config
    return _hasher_for(
        config["PASSWORD_HASH_TIME_COST"], config["PASSWORD_HASH_MEMORY_COST"], config["PASSWORD_HASH_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher()[0].hash(password)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher()[0].verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, compared without regard to case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The user whose e-mail and password these are; DomainError otherwise.

    Five failures in a row lock the account for 15 minutes; the failure count is part of the
    caller's transaction, so the caller must commit it even though the login failed.
    """
    now = now or utcnow()
    user = find_user_by_email(email)
    if user is None:
        _verify(_hasher()[1], password)
        raise DomainError(_("The e-mail address or the password is wrong."))
    if user.is_locked(now):
        raise DomainError(_("Too many failed attempts: this account is locked for 15 minutes."))
    if not _verify(user.password_hash, password) or not user.active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.failed_logins = 0
            user.locked_until = now + LOCK_DURATION
            raise DomainError(_("Too many failed attempts: this account is locked for 15 minutes."))
        raise DomainError(_("The e-mail address or the password is wrong."))
    if _hasher()[0].check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    return user


def totp_required(user: User) -> bool:
    """Whether this user must give a two-factor code: they set one up, or their role requires it."""
    if user.totp_secret:
        return True
    policy = db.session.get(RolePolicy, user.role)
    return bool(policy and policy.require_totp)


def verify_totp(secret: str, code: str, *, now: dt.datetime | None = None) -> bool:
    """Whether `code` is the current (or an adjacent) six-digit code for `secret`."""
    cleaned = "".join(ch for ch in code if ch.isdigit())
    return pyotp.TOTP(secret).verify(cleaned, for_time=now or utcnow(), valid_window=1)


def new_totp_secret() -> str:
    """A new random secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Wananchi")


def record_login(user: User, *, now: dt.datetime | None = None) -> None:
    """Note a successful login."""
    user.last_login_at = now or utcnow()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends."""
    if not _verify(user.password_hash, current):
        raise DomainError(_("The current password is wrong."), field="current_password")
    check_password_strength(new, name=user.name, email=user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()


def create_user(
    *, email: str, name: str, role: Role, password: str, institution: Institution | None, is_admin: bool = False
) -> User:
    """A new staff account; officers, supervisors and oversight users belong to an institution."""
    check_password_strength(password, name=name, email=email)
    if role != Role.ADMIN and institution is None:
        raise DomainError(_("Officers, supervisors and oversight users belong to an institution."), field="institution")
    if find_user_by_email(email) is not None:
        raise DomainError(_("A user with this e-mail address already exists."), field="email")
    user = User(
        email=email.strip().lower(),
        name=name.strip(),
        role=role,
        is_admin=is_admin or role == Role.ADMIN,
        institution=institution,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    """Signs password-reset tokens with the application's secret and a salt of their own."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _reset_fingerprint(user: User) -> str:
    """A keyed digest of the password hash and session token: a new password or a new token voids old links."""
    key = current_app.config["SECRET_KEY"].encode()
    state = f"{user.password_hash}\n{user.session_token}".encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    """A signed, timestamped token for `user` that stops working once the password or session token changes."""
    return _reset_serializer().dumps({"user": user.id, "state": _reset_fingerprint(user)})


def send_password_reset_link(email: str, *, now: dt.datetime | None = None) -> None:
    """Write a one-hour password-reset link to the outbox for the active user with this address; others get nothing."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    now = now or utcnow()
    rendered = render_notification(
        "password_reset",
        user.language,
        recipient_name=user.name,
        email=user.email,
        reset_url=public_url("auth.reset_password", token=password_reset_token(user)),
        minutes=int(RESET_LINK_LIFETIME.total_seconds() // 60),
    )
    add_messages(
        [
            {
                "event": "password_reset",
                "channel": Channel.EMAIL,
                "recipient": user.email,
                "recipient_user_id": user.id,
                "language": user.language,
                **rendered.for_channel(Channel.EMAIL),
            }
        ],
        now,
    )


def user_for_reset_token(token: str) -> User:
    """The user a valid, unexpired and unused password-reset token belongs to; DomainError otherwise."""
    refused = DomainError(_("This link has expired or has already been used. Ask for a new one."))
    try:
        payload: Any = _reset_serializer().loads(token, max_age=int(RESET_LINK_LIFETIME.total_seconds()))
    except BadSignature:  # a wrong signature, or an expired one (SignatureExpired)
        raise refused from None
    if not isinstance(payload, dict) or not isinstance(payload.get("user"), int):
        raise refused
    user = db.session.get(User, payload["user"])
    if user is None or not user.active:
        raise refused
    if not hmac.compare_digest(str(payload.get("state", "")), _reset_fingerprint(user)):
        raise refused
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password through a reset link: the link and every session end, and a lock-out is lifted."""
    user = user_for_reset_token(token)
    check_password_strength(new, name=user.name, email=user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
    return user
