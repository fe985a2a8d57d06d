"""Which response targets apply to a ticket: the most specific administrator's row, else the defaults."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

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
    # A request about personal data: the supervisor's decision is its first response and its resolution, within
    # five working days (a week), as the Personal Data Protection Act's regulations expect a prompt answer.
    TicketType.DATA_REQUEST: Targets(5, 5),
}


def targets_for(ticket: Ticket) -> Targets:
    """The targets for `ticket` in its current institution."""
    return targets_of(ticket.type, ticket.institution_id, ticket.category_id)


def targets_of(ticket_type: TicketType, institution_id: int | None, category_id: int | None) -> Targets:
    """The targets for a ticket of this type, institution and category (one not yet written, too).

    Rows may name a category, an institution and a type; a row naming the category beats one naming
    the institution, which beats one naming only the type; within those, naming more wins.
    """
    row = db.session.execute(
        select(ResponseTarget.first_response_days, ResponseTarget.resolution_days)
        .where(
            or_(ResponseTarget.category_id.is_(None), ResponseTarget.category_id == category_id),
            or_(ResponseTarget.institution_id.is_(None), ResponseTarget.institution_id == institution_id),
            or_(ResponseTarget.type.is_(None), ResponseTarget.type == ticket_type),
        )
        .order_by(
            ResponseTarget.category_id.is_(None),
            ResponseTarget.institution_id.is_(None),
            ResponseTarget.type.is_(None),
            ResponseTarget.id,
        )
        .limit(1)
    ).first()
    return Targets(*row) if row is not None else DEFAULT_TARGETS[ticket_type]
