"""Administrative changes, audited: the values an administrator sets are applied to a row, and what changed is
recorded in the audit log with who changed it (used by the services of every domain an administrator configures)."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from wananchi.core.audit import record
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, Region

if TYPE_CHECKING:
    from wananchi.accounts.models import User


def plain(value: Any) -> Any:
    """A value as the audit log stores it: related rows by their code, enums by value, times as ISO text."""
    if isinstance(value, Institution):
        return value.slug
    if isinstance(value, Category | Region | District):
        return value.code
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def values_of(values: Any) -> dict[str, Any]:
    """The fields of a values dataclass, by name (the related rows themselves, not copies)."""
    return {field.name: getattr(values, field.name) for field in fields(values)}


def apply_values(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set every attribute whose value differs; return the changes as {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [plain(old), plain(new)]
            setattr(obj, name, new)
    return changes


def save_change(actor: User, action: str, obj: Any, changes: dict[str, list[Any]]) -> None:
    """Record a change in the audit log (when something changed) and flush."""
    if changes:
        record(actor.id, action, obj, changes)
    db.session.flush()
