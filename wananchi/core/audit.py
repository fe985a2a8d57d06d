"""The audit log: every administrative change and every security event, who made it, from where and when."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_request_context, request
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, utcnow
from wananchi.extensions import Model, db


class AuditEntry(Model):
    """One administrative change or security event: actor, action, the object concerned and what changed."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(60))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    client_address: Mapped[str | None] = mapped_column(String(45))  # the request's, when a request made the change
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class Subject:
    """What a security event concerns when it is not a row: a client address, an e-mail address nobody has."""

    type: str
    id: str


MAX_ADDRESS_LENGTH = 45  # the longest IPv6 address written out (an IPv4-mapped one)


def client_address() -> str | None:
    """The address of the client making the current request (the proxy's client, when PROXY_FIX_X_FOR is set)."""
    if not has_request_context() or not request.remote_addr:
        return None
    return request.remote_addr[:MAX_ADDRESS_LENGTH]


def _object_key(obj: Any) -> tuple[str, str]:
    if isinstance(obj, Subject):
        return obj.type, obj.id
    return type(obj).__name__, str(getattr(obj, "id", getattr(obj, "role", "")))


def record(actor_id: int | None, action: str, obj: Any, changes: dict[str, Any] | None = None) -> AuditEntry:
    """Append an audit entry for `obj` (flushed, so it has an id) and return it."""
    db.session.flush()
    object_type, object_id = _object_key(obj)
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        changes=changes or {},
        client_address=client_address(),
    )
    db.session.add(entry)
    return entry


def record_security_event(
    action: str, obj: Any, *, actor_id: int | None = None, details: dict[str, Any] | None = None
) -> AuditEntry:
    """Append a security event (a login, a refused one, a delay, a password or credential change) to the audit
    log, and write it to the application log as one line (logger "wananchi.security")."""
    entry = record(actor_id, action, obj, details)
    current_app.logger.getChild("security").info(
        "security event=%s actor=%s object=%s:%s address=%s details=%s",
        entry.action,
        entry.actor_id if entry.actor_id is not None else "-",
        entry.object_type,
        entry.object_id,
        entry.client_address or "-",
        json.dumps(entry.changes, sort_keys=True, ensure_ascii=False),
    )
    return entry
