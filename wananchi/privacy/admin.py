"""The administrator's changes to retention periods, each recorded in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.privacy.models import RetentionPeriod
from wananchi.tickets.models import TicketType

MIN_DAYS, MAX_DAYS = 30, 3650  # a month (a ticket closed by mistake can be reopened), ten years


@dataclass(frozen=True)
class RetentionValues:
    """Days a closed ticket of an institution and/or type keeps its personal data (not both empty)."""

    institution: Institution | None
    ticket_type: TicketType | None
    days: int


def _described(period: RetentionPeriod) -> dict[str, object]:
    return {
        "institution": period.institution.slug if period.institution else None,
        "ticket_type": str(period.ticket_type) if period.ticket_type else None,
        "days": period.days,
    }


def _check(period: RetentionPeriod | None, values: RetentionValues) -> None:
    if values.institution is None and values.ticket_type is None:
        raise DomainError(_("Choose an institution, a type, or both."), field="institution")
    if not MIN_DAYS <= values.days <= MAX_DAYS:
        raise DomainError(_("Give between %(min)d and %(max)d days.", min=MIN_DAYS, max=MAX_DAYS), field="days")
    same = select(RetentionPeriod.id).where(
        RetentionPeriod.institution_id == values.institution.id
        if values.institution
        else RetentionPeriod.institution_id.is_(None),
        RetentionPeriod.ticket_type == values.ticket_type
        if values.ticket_type
        else RetentionPeriod.ticket_type.is_(None),
    )
    if period is not None:
        same = same.where(RetentionPeriod.id != period.id)
    if db.session.scalar(same.limit(1)) is not None:
        raise DomainError(
            _("A period for this institution and type already exists: change that one instead."), field="institution"
        )


def save_retention_period(period: RetentionPeriod | None, values: RetentionValues, *, actor: User) -> RetentionPeriod:
    """Add a retention period, or change one; it applies from the next nightly run."""
    _check(period, values)
    action = "update_retention_period" if period is not None else "create_retention_period"
    before = _described(period) if period is not None else {}
    period = period or RetentionPeriod()
    period.institution, period.ticket_type, period.days = values.institution, values.ticket_type, values.days
    db.session.add(period)
    db.session.flush()
    after = _described(period)
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    record(actor.id, action, period, changes)
    return period


def delete_retention_period(period: RetentionPeriod, *, actor: User) -> None:
    """Remove a period: its tickets follow the next most specific one, or the default."""
    record(
        actor.id, "delete_retention_period", period, {name: [value, None] for name, value in _described(period).items()}
    )
    db.session.delete(period)
    db.session.flush()
