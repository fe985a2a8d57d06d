"""Account services: creating users, changing a password, resetting a forgotten one by an e-mailed link."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from wananchi.accounts import signals
from wananchi.accounts.models import Role, User, new_session_token
from wananchi.accounts.passwords import check_password_strength, hash_password, verify_password
from wananchi.core.audit import record_security_event
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.notifications.models import Channel
from wananchi.notifications.outbox import add_messages
from wananchi.notifications.render import UNRENDERED, public_url

RESET_SALT = "wananchi.accounts.password-reset"
RESET_LINK_LIFETIME = dt.timedelta(hours=1)


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, compared without regard to case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends, and their API
    tokens are revoked (password_changed). Audited, and so is a wrong current password (which the caller keeps
    although it refuses the change)."""
    if not verify_password(user.password_hash, current):
        record_security_event("password_change_failed", user, actor_id=user.id, details={"reason": "wrong_password"})
        raise DomainError(_("The current password is wrong."), field="current_password")
    check_password_strength(new, name=user.name, email=user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    record_security_event("password_changed", user, actor_id=user.id)
    signals.password_changed.send(user, reason="changed")


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
    """Write a password-reset message to the outbox for the active user with this address; others get nothing.

    The message is written without its text: the link in it is a credential, so it is made and rendered only
    when the message is sent, and never stored (wananchi/notifications/deferred.py, password_reset_context).
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    now = now or utcnow()
    record_security_event("password_reset_sent", user)
    add_messages(
        [
            {
                "event": "password_reset",
                "channel": Channel.EMAIL,
                "recipient": user.email,
                "recipient_user_id": user.id,
                "language": user.language,
                **UNRENDERED.for_channel(Channel.EMAIL),
            }
        ],
        now,
    )


def password_reset_context(user: User) -> dict[str, Any]:
    """What the password-reset message says, with a new one-hour link (made now, as the message is sent)."""
    return {
        "recipient_name": user.name,
        "email": user.email,
        "reset_url": public_url("auth.reset_password", token=password_reset_token(user)),
        "minutes": int(RESET_LINK_LIFETIME.total_seconds() // 60),
    }


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
    """Set a new password through a reset link: the link, every session and every API token end (password_changed),
    and a delay on logging in is lifted."""
    user = user_for_reset_token(token)
    check_password_strength(new, name=user.name, email=user.email)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    user.failed_logins = 0
    user.locked_until = None
    record_security_event("password_reset", user, actor_id=user.id)
    signals.password_changed.send(user, reason="reset")
    db.session.flush()
    return user
