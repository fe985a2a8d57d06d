"""Which response targets apply to a ticket: the most specific administrator's row, else the defaults.

The administrators' rows are read once per process and kept (wananchi/core/reference_cache.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from wananchi.core.reference_cache import ReferenceCache
from wananchi.extensions import db
from wananchi.sla.models import ResponseTarget
from wananchi.tickets.models import Ticket, TicketType


@dataclass(frozen=True)
class Targets:
    """Working days allowed for the first response (by a person) and for the resolution."""

    first_response_days: int
    resolution_days: int


# PRODUCT.md: "Response-time targets".
DEFAULT_TARGETS = {
    TicketType.QUESTION: Targets(2, 7),
    TicketType.COMPLAINT: Targets(2, 14),
    TicketType.SUGGESTION: Targets(5, 30),
    TicketType.OPINION: Targets(5, 14),
    TicketType.COMMENDATION: Targets(5, 5),
}


@dataclass(frozen=True)
class _Row:
    category_id: int | None
    institution_id: int | None
    type: TicketType | None
    targets: Targets


def _load() -> tuple[_Row, ...]:
    """The administrators' rows, most specific first."""
    rows = db.session.execute(
        select(
            ResponseTarget.category_id,
            ResponseTarget.institution_id,
            ResponseTarget.type,
            ResponseTarget.first_response_days,
            ResponseTarget.resolution_days,
        ).order_by(
            ResponseTarget.category_id.is_(None),
            ResponseTarget.institution_id.is_(None),
            ResponseTarget.type.is_(None),
            ResponseTarget.id,
        )
    )
    return tuple(
        _Row(category, institution, type_, Targets(first, resolution))
        for category, institution, type_, first, resolution in rows
    )


_rows = ReferenceCache((ResponseTarget,), _load)


def targets_for(ticket: Ticket) -> Targets:
    """The targets for `ticket` in its current institution.

    Rows may name a category, an institution and a type; a row naming the category beats one naming
    the institution, which beats one naming only the type; within those, naming more wins.
    """
    for row in _rows.get():
        if (
            row.category_id in (None, ticket.category_id)
            and row.institution_id in (None, ticket.institution_id)
            and row.type in (None, ticket.type)
        ):
            return row.targets
    return DEFAULT_TARGETS[ticket.type]
