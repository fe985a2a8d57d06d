"""What the routing suggestions are worth: each set shown to a triage officer is recorded, and so is the one an
officer accepted with one click (by whom, when, which rank); the reports count how many were accepted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.tickets.models import RoutingOffer, Ticket
from wananchi.tickets.routing_suggestions import RoutingSuggestion


def _described(suggestions: list[RoutingSuggestion]) -> list[dict[str, Any]]:
    return [
        {
            "institution": s.institution.id,
            "service": s.category.id if s.category is not None else None,
            "confidence": round(s.confidence, 4),
        }
        for s in suggestions
    ]


def record_offer(ticket: Ticket, suggestions: list[RoutingSuggestion], *, shown_to: User) -> RoutingOffer | None:
    """Record that `suggestions` were shown on `ticket`'s page; the same suggestions shown again, not yet accepted,
    are the same offer. None when there is nothing to show."""
    if not suggestions:
        return None
    described = _described(suggestions)
    model_id = suggestions[0].model_id
    latest = db.session.scalar(
        select(RoutingOffer).where(RoutingOffer.ticket_id == ticket.id).order_by(RoutingOffer.id.desc()).limit(1)
    )
    same = [(s["institution"], s["service"]) for s in described]
    if (
        latest is not None
        and latest.accepted_at is None
        and latest.model_id == model_id
        and latest.institution_id == ticket.institution_id
        and [(s["institution"], s["service"]) for s in latest.suggestions] == same
    ):
        return latest
    offer = RoutingOffer(
        ticket_id=ticket.id,
        institution_id=ticket.institution_id,
        model_id=model_id,
        suggestions=described,
        shown_to_id=shown_to.id,
        created_at=utcnow(),
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def accept_offer(
    ticket: Ticket, offer_id: int | None, rank: int | None, *, actor: User, now: dt.datetime | None = None
) -> RoutingOffer | None:
    """Record that `actor` transferred `ticket` where suggestion number `rank` (1 first) of the offer pointed;
    anything that does not match the ticket, the offer or where the ticket went is ignored."""
    if offer_id is None or rank is None:
        return None
    offer = db.session.get(RoutingOffer, offer_id)
    if offer is None or offer.ticket_id != ticket.id or offer.accepted_at is not None:
        return None
    if not 1 <= rank <= len(offer.suggestions) or offer.suggestions[rank - 1]["institution"] != ticket.institution_id:
        return None
    offer.accepted_rank = rank
    offer.accepted_by_id = actor.id
    offer.accepted_at = now or utcnow()
    db.session.flush()
    return offer


@dataclass(frozen=True)
class AcceptanceFigures:
    """Tickets whose desk was shown routing suggestions, how many an officer sent where one pointed, and how many
    of those to the first suggestion."""

    shown: int
    accepted: int
    accepted_first: int

    @property
    def share(self) -> float | None:
        return self.accepted / self.shown if self.shown else None


def acceptance_figures(
    institution_id: int, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> AcceptanceFigures:
    """The institution's desk's routing suggestions (shown from `start` until before `end`), counted per ticket."""
    statement = select(
        func.count(func.distinct(RoutingOffer.ticket_id)),
        func.count(func.distinct(RoutingOffer.ticket_id)).filter(RoutingOffer.accepted_at.is_not(None)),
        func.count(func.distinct(RoutingOffer.ticket_id)).filter(RoutingOffer.accepted_rank == 1),
    ).where(RoutingOffer.institution_id == institution_id)
    if start is not None:
        statement = statement.where(RoutingOffer.created_at >= start)
    if end is not None:
        statement = statement.where(RoutingOffer.created_at < end)
    shown, accepted, first = db.session.execute(statement).one()
    return AcceptanceFigures(int(shown), int(accepted), int(first))
