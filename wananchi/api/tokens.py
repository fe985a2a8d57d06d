"""Issuing, finding and revoking API tokens and integration keys (audited); only SHA-256 hashes are stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from wananchi.accounts import signals
from wananchi.accounts.models import User
from wananchi.api.models import SCOPES, ApiToken, IntegrationKey
from wananchi.core.audit import record_security_event
from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.institutions.models import Institution

TOKEN_PREFIX = "wnt_"  # noqa: S105  (personal tokens: a public marker, not a secret)
KEY_PREFIX = "wnk_"  # integration keys
MAX_RAW_LENGTH = 200


def hash_secret(raw: str) -> str:
    """The SHA-256 hex digest under which a token or key is stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def _clean_scopes(scopes: Iterable[str]) -> str:
    chosen = [scope for scope in SCOPES if scope in set(scopes)]
    if not chosen:
        raise ValueError("at least one scope is required")
    return " ".join(chosen)


def create_api_token(user: User, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """Create a personal token for `user`; returns the row and the raw token (shown once, never stored)."""
    raw = _new_secret(TOKEN_PREFIX)
    token = ApiToken(
        user=user, name=name.strip()[:80], prefix=raw[:10], token_hash=hash_secret(raw), scopes=_clean_scopes(scopes)
    )
    db.session.add(token)
    record_security_event(
        "api_token_created", token, actor_id=user.id, details={"name": token.name, "scopes": token.scopes}
    )
    return token, raw


def create_integration_key(
    institution: Institution, name: str, scopes: Iterable[str], *, actor: User | None
) -> tuple[IntegrationKey, str]:
    """Issue an integration key to `institution`; returns the row and the raw key (shown once)."""
    raw = _new_secret(KEY_PREFIX)
    key = IntegrationKey(
        institution=institution,
        name=name.strip()[:80],
        prefix=raw[:10],
        key_hash=hash_secret(raw),
        scopes=_clean_scopes(scopes),
        created_by=actor,
    )
    db.session.add(key)
    record_security_event(
        "integration_key_issued",
        key,
        actor_id=actor.id if actor else None,
        details={"institution": institution.slug, "name": key.name, "scopes": key.scopes},
    )
    return key, raw


def revoke_api_token(token: ApiToken, *, actor: User | None = None, reason: str = "revoked") -> None:
    """Revoke a personal token; it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_security_event(
            "api_token_revoked",
            token,
            actor_id=actor.id if actor else None,
            details={"name": token.name, "user": token.user_id, "reason": reason},
        )
        db.session.flush()


def revoke_integration_key(key: IntegrationKey, *, actor: User | None = None) -> None:
    """Revoke an integration key; it stops working at once."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record_security_event(
            "integration_key_revoked",
            key,
            actor_id=actor.id if actor else None,
            details={"institution": key.institution.slug, "name": key.name},
        )
        db.session.flush()


def _revoke_tokens_of(user: User, *, reason: str, **_: Any) -> None:
    """A new password revokes every personal token of its user: a token made by whoever knew the old password
    must not outlive it."""
    active = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    for token in db.session.scalars(active):
        revoke_api_token(token, actor=user, reason=f"password_{reason}")


def connect_handlers() -> None:
    """Subscribe the tokens to the accounts domain's signals (idempotent: blinker keeps one connection each)."""
    signals.password_changed.connect(_revoke_tokens_of, weak=False)


def find_api_token(raw: str) -> ApiToken | None:
    """The active personal token with this raw value whose user is still active, if any."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_RAW_LENGTH:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw)))
    if token is None or not token.is_active or not token.user.active:
        return None
    return token


def find_integration_key(raw: str) -> IntegrationKey | None:
    """The active, unrevoked integration key with this raw value, if any (its institution is `key.institution`)."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > MAX_RAW_LENGTH:
        return None
    key = db.session.scalar(select(IntegrationKey).where(IntegrationKey.key_hash == hash_secret(raw)))
    if key is None or not key.is_active:
        return None
    return key


def mark_used(credential: ApiToken | IntegrationKey) -> None:
    """Record that a token or key was just used (at most once a minute, to spare writes)."""
    now = utcnow()
    if credential.last_used_at is None or (now - credential.last_used_at).total_seconds() > 60:
        credential.last_used_at = now
        db.session.flush()
