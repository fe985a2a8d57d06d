"""Where a ticket probably belongs, learned from where past tickets ended up: shown to the officers who route it.

Explainable by design, and it never moves a ticket: the resolved and closed tickets (not merged) that share words
with this one (wananchi/tickets/similar.py) each vote for the institution and service that finally answered it
(after any transfers) with the summed rarity of the words they share; a suggestion's confidence is its share of
all votes, and it lists the words that carried it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.tickets.models import Ticket, TicketStatus
from wananchi.tickets.similar import neighbours

MAX_SUGGESTIONS = 3
SHOWN_WORDS = 5


@dataclass
class RoutingSuggestion:
    """An institution (and service) with its share of the votes, and the words that carried it."""

    institution: Institution
    category: Category | None
    confidence: float
    words: list[str] = field(default_factory=list)


def suggest_routing(ticket: Ticket, *, limit: int = MAX_SUGGESTIONS) -> list[RoutingSuggestion]:
    """The institutions (and services) most likely to answer `ticket`, best first; empty without evidence."""
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
