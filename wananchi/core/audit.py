"""The audit log: every administrative change, who made it and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, utcnow
from wananchi.extensions import Model, db


class AuditEntry(Model):
    """One administrative change: actor, action, the object changed and what changed."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(60))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(actor_id: int | None, action: str, obj: Any, changes: dict[str, Any] | None = None) -> AuditEntry:
    """Append an audit entry for `obj` (flushed, so it has an id) and return it."""
    db.session.flush()
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", getattr(obj, "role", ""))),
        changes=changes or {},
    )
    db.session.add(entry)
    return entry
