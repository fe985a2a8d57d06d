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

from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution, InstitutionKind
from wananchi.tickets.models import Ticket, TicketStatus
from wananchi.tickets.routing_model import model_text, newest_router
from wananchi.tickets.similar import neighbours

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
    suggestions = []
    for institution_id, probability in ranked.institutions[:limit]:
        institution = db.session.get(Institution, institution_id)
        if institution is None or probability < MIN_CONFIDENCE:
            continue
        suggestions.append(
            RoutingSuggestion(institution, _service_of(institution, ranked.services), probability, model_id=model_id)
        )
    return suggestions


def _service_of(institution: Institution, services: list[tuple[int | None, float]]) -> Category | None:
    """The most likely service that `institution` answers: one it owns, or a local service for a council."""
    for category_id, _probability in services:
        category = db.session.get(Category, category_id) if category_id is not None else None
        local = category is not None and category.is_local and institution.kind == InstitutionKind.COUNCIL
        if category is not None and (category.institution_id == institution.id or local):
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
