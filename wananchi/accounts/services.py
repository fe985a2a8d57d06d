"""Account services: creating users, changing a password, resetting a forgotten one by an e-mailed link."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from wananchi.accounts import signals
from wananchi.accounts.models import WITHOUT_INSTITUTION, Role, RolePolicy, User, new_session_token
from wananchi.accounts.passwords import check_password_strength, hash_password, verify_password
from wananchi.core.audit import record_security_event
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.changes import apply_values, plain, save_change, values_of
from wananchi.institutions.models import Institution

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


def _check_role(role: Role, institution: Institution | None, is_admin: bool) -> None:
    """Officers, supervisors and oversight users belong to an institution; an auditor to none, and never
    administers (the audit is read by someone who changes nothing)."""
    if role not in WITHOUT_INSTITUTION and institution is None:
        raise DomainError(_("Officers, supervisors and oversight users belong to an institution."), field="institution")
    if role == Role.AUDITOR and institution is not None:
        raise DomainError(_("An auditor belongs to no institution."), field="institution")
    if role == Role.AUDITOR and is_admin:
        raise DomainError(_("An auditor cannot also be an administrator."), field="is_admin")


def create_user(
    *, email: str, name: str, role: Role, password: str, institution: Institution | None, is_admin: bool = False
) -> User:
    """A new staff account; officers, supervisors and oversight users belong to an institution."""
    check_password_strength(password, name=name, email=email)
    _check_role(role, institution, is_admin)
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
    """Ask for a password-reset message to the active user with this address; others get nothing.

    The notifications domain writes the message without its text: the link in it is a credential, so it is made
    and rendered only when the message is sent, and never stored (wananchi/notifications/deferred.py).
    """
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    record_security_event("password_reset_sent", user)
    signals.password_reset_requested.send(user, now=now or utcnow())


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


# Administering staff accounts and role policies (audited)

TEMPORARY_PASSWORD_BYTES = 12  # 16 URL-safe characters


@dataclass
class UserValues:
    """What an administrator sets on a staff account."""

    email: str
    name: str
    role: Role
    institution: Institution | None
    is_admin: bool
    language: str


def _check_user_values(user: User | None, values: UserValues, *, actor: User) -> None:
    """The rules for an account: a unique e-mail, an institution for staff, administrators keep their rights."""
    existing = find_user_by_email(values.email)
    if existing is not None and existing is not user:
        raise DomainError(_("A user with this e-mail address already exists."), field="email")
    _check_role(values.role, values.institution, values.is_admin)
    changing_institution = user is None or user.institution_id != (values.institution and values.institution.id)
    if values.institution is not None and changing_institution and not values.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")
    if user is not None and user.id == actor.id and values.role != Role.ADMIN and not values.is_admin:
        raise DomainError(_("You cannot take away your own administrator rights."), field="role")


def create_user_account(values: UserValues, password: str | None, *, actor: User) -> tuple[User, str | None]:
    """A new staff account with the given password, or a temporary one that is returned to be shown once."""
    _check_user_values(None, values, actor=actor)
    temporary = None if password else secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    user = create_user(
        email=values.email,
        name=values.name,
        role=values.role,
        password=password or temporary or "",
        institution=values.institution,
        is_admin=values.is_admin,
    )
    user.language = values.language
    changes = {
        "email": [None, user.email],
        "name": [None, user.name],
        "role": [None, plain(user.role)],
        "institution": [None, plain(user.institution)],
        "is_admin": [None, user.is_admin],
        "language": [None, user.language],
        "password": [None, "temporary" if temporary else "set by administrator"],
    }
    save_change(actor, "create_user", user, changes)
    return user, temporary


def update_user(user: User, values: UserValues, *, actor: User) -> User:
    """Change a user's e-mail, name, role, institution or language."""
    _check_user_values(user, values, actor=actor)
    wanted = values_of(values)
    wanted["email"] = values.email.strip().lower()
    wanted["name"] = values.name.strip()
    wanted["is_admin"] = values.is_admin or values.role == Role.ADMIN
    changes = apply_values(user, wanted)
    save_change(actor, "update_user", user, changes)
    return user


def set_user_active(user: User, active: bool, *, actor: User) -> User:
    """Deactivate an account (ending all its sessions at once) or let it log in again."""
    if user.id == actor.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    changes = apply_values(user, {"active": active})
    if changes and not active:
        user.session_token = new_session_token()
        changes["sessions_ended"] = [False, True]
    save_change(actor, "reactivate_user" if active else "deactivate_user", user, changes)
    return user


def unlock_user(user: User, *, actor: User) -> User:
    """Lift the lock that too many failed logins put on an account."""
    if user.locked_until is None and not user.failed_logins:
        raise DomainError(_("This account is not locked."))
    changes = apply_values(user, {"locked_until": None, "failed_logins": 0})
    save_change(actor, "unlock_user", user, changes)
    return user


def reset_two_factor(user: User, *, actor: User) -> User:
    """Forget a user's authenticator app (e.g. a lost phone); their sessions end and they set it up again."""
    if not user.totp_secret:
        raise DomainError(_("This user has no two-step login to reset."))
    user.totp_secret = None
    user.session_token = new_session_token()
    save_change(actor, "reset_two_factor", user, {"two_step_login": [True, False], "sessions_ended": [False, True]})
    return user


# Role policies


def set_role_policy(role: Role, require_totp: bool, *, actor: User) -> RolePolicy:
    """Require (or stop requiring) two-step login for every user of a role."""
    policy = db.session.get(RolePolicy, role)
    if policy is None:
        policy = RolePolicy(role=role, require_totp=False)
        db.session.add(policy)
    changes = apply_values(policy, {"require_totp": require_totp})
    save_change(actor, "set_role_policy", policy, changes)
    return policy
