"""Where a ticket probably belongs, learned from where past tickets ended up: shown to the officers who route it.
It never moves a ticket: an officer accepts a suggestion with one click (a prefilled transfer).

The newest trained routing model (wananchi/tickets/routing_model.py) gives the three most likely institutions,
each with its probability and the most likely of its services. Until a model has been trained (a new
installation, too few answered tickets), word votes stand in: the resolved and closed tickets (not merged) that
share words with this one (wananchi/tickets/similar.py) each vote for the institution and service that finally
answered it (after any transfers) with the summed rarity of the words they share; a suggestion's confidence is then
its share of all votes, and it lists the words that carried it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select

from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution, InstitutionKind
from wananchi.tickets.models import Ticket, TicketStatus
from wananchi.tickets.routing_model import model_text, newest_router
from wananchi.tickets.similar import neighbours

_Row = TypeVar("_Row", Institution, Category)

MAX_SUGGESTIONS = 3
SHOWN_WORDS = 5
SERVICES_SEARCHED = 10  # the model's most likely services, searched for each suggested institution's own
MIN_CONFIDENCE = 0.02  # a model's guess below this is not shown


@dataclass
class RoutingSuggestion:
    """An institution (and service) with its share of the votes, and the words that carried it."""

    institution: Institution
    category: Category | None
    confidence: float
    words: list[str] = field(default_factory=list)
    model_id: int | None = None  # the routing model version that suggested it; None for word votes


def suggest_routing(ticket: Ticket, *, limit: int = MAX_SUGGESTIONS) -> list[RoutingSuggestion]:
    """The institutions (and services) most likely to answer `ticket`, best first: from the newest trained model,
    or from word votes while there is none; empty without evidence."""
    loaded = newest_router()
    if loaded is None:
        return _voted(ticket, limit)
    model_id, router = loaded
    ranked = router.rank([model_text(ticket.subject, ticket.description, ticket.district_id)], SERVICES_SEARCHED)[0]
    likely = [(i, p) for i, p in ranked.institutions[:limit] if p >= MIN_CONFIDENCE]
    institutions = _by_id(Institution, [i for i, _p in likely])
    services = _by_id(Category, [s for s, _p in ranked.services if s is not None])
    ordered_services = [services[s] for s, _p in ranked.services if s in services]
    return [
        RoutingSuggestion(institutions[i], _service_of(institutions[i], ordered_services), p, model_id=model_id)
        for i, p in likely
        if i in institutions
    ]


def _by_id(model: type[_Row], ids: list[int]) -> dict[int, _Row]:
    """The rows of `model` with these ids, in one query."""
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _service_of(institution: Institution, services: list[Category]) -> Category | None:
    """The most likely service that `institution` answers: one it owns, or a local service for a council."""
    for category in services:
        local = category.is_local and institution.kind == InstitutionKind.COUNCIL
        if category.institution_id == institution.id or local:
            return category
    return None


def _voted(ticket: Ticket, limit: int) -> list[RoutingSuggestion]:
    """Suggestions from the word votes of resolved and closed tickets sharing words with `ticket`."""
    found = neighbours(
        ticket, Ticket.status.in_((TicketStatus.RESOLVED, TicketStatus.CLOSED)), Ticket.merged_into_id.is_(None)
    )
    votes: dict[tuple[int, int | None], dict[str, float]] = {}
    for neighbour in found:
        carried = votes.setdefault((neighbour.institution_id, neighbour.category_id), {})
        for word, weight in neighbour.weights.items():
            carried[word] = carried.get(word, 0.0) + weight
    total = sum(sum(carried.values()) for carried in votes.values())
    if not total:
        return []
    ranked = sorted(votes.items(), key=lambda kv: -sum(kv[1].values()))[:limit]
    suggestions = []
    for (institution_id, category_id), carried in ranked:
        institution = db.session.get(Institution, institution_id)
        if institution is None:
            continue
        category = db.session.get(Category, category_id) if category_id is not None else None
        strongest = sorted(carried.items(), key=lambda kv: -kv[1])[:SHOWN_WORDS]
        suggestions.append(
            RoutingSuggestion(institution, category, sum(carried.values()) / total, [w for w, _x in strongest])
        )
    return suggestions
