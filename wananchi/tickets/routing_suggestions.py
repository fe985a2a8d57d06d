"""Where a ticket probably belongs, learned from where past tickets ended up: shown to the officers who route it.

Explainable by design, and it never moves a ticket: the resolved and closed tickets (not merged) that share words
with this one are found through the full-text index of subject and description (PostgreSQL's GIN index, SQLite's
FTS5 table), at most MAX_NEIGHBOURS of the most recent; each votes for the institution and service that finally
answered it (after any transfers) with the sum of the rarity (inverse document frequency among the neighbours) of
the words it shares; a suggestion's confidence is its share of all votes, and it lists the words that carried it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table

from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.tickets.models import Ticket, TicketStatus

MAX_NEIGHBOURS = 300
MAX_QUERY_WORDS = 30
MIN_WORD_LENGTH = 4
MAX_SUGGESTIONS = 3
SHOWN_WORDS = 5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits: no underscore, which tsquery reads
_FINAL = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
# The expression of the GIN index ix_ticket_search (migration 0002), as wananchi/tickets/queue.py writes it.
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(
    "to_tsvector('simple', coalesce(ticket.subject, '') || ' ' || coalesce(ticket.description, ''))"
)
_FTS = table("ticket_fts", column("rowid"), column("ticket_fts"))


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) >= MIN_WORD_LENGTH}


@dataclass
class RoutingSuggestion:
    """An institution (and service, when the neighbours agree on one) with its share of the votes."""

    institution: Institution
    category: Category | None
    confidence: float
    words: list[str] = field(default_factory=list)


def _neighbours(ticket: Ticket, asked: list[str]) -> Select[int, int | None, str, str]:
    statement = (
        select(Ticket.institution_id, Ticket.category_id, Ticket.subject, Ticket.description)
        .where(Ticket.status.in_(_FINAL), Ticket.merged_into_id.is_(None), Ticket.id != ticket.id)
        .order_by(Ticket.id.desc())
        .limit(MAX_NEIGHBOURS)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), " | ".join(asked))
        return statement.where(_SEARCH_VECTOR.bool_op("@@")(query))
    match = " OR ".join(f'"{word}"' for word in asked)
    return statement.where(Ticket.id.in_(select(_FTS.c.rowid).where(_FTS.c.ticket_fts.op("MATCH")(match))))


def suggest_routing(ticket: Ticket, *, limit: int = MAX_SUGGESTIONS) -> list[RoutingSuggestion]:
    """The institutions (and services) most likely to answer `ticket`, best first; empty without evidence."""
    asked = sorted(_words(f"{ticket.subject} {ticket.description}"))[:MAX_QUERY_WORDS]
    if not asked:
        return []
    rows = db.session.execute(_neighbours(ticket, asked)).all()
    documents = [(row.institution_id, row.category_id, _words(f"{row.subject} {row.description}")) for row in rows]
    frequency: dict[str, int] = {}
    for _institution, _category, words in documents:
        for word in words:
            frequency[word] = frequency.get(word, 0) + 1
    wanted = set(asked)
    votes: dict[tuple[int, int | None], float] = {}
    carried: dict[tuple[int, int | None], dict[str, float]] = {}
    for institution_id, category_id, words in documents:
        for word in wanted & words:
            weight = math.log(1 + len(documents) / frequency[word])
            key = (institution_id, category_id)
            votes[key] = votes.get(key, 0.0) + weight
            carried.setdefault(key, {})[word] = carried.get(key, {}).get(word, 0.0) + weight
    total = sum(votes.values())
    if not total:
        return []
    suggestions = []
    for (institution_id, category_id), vote in sorted(votes.items(), key=lambda kv: -kv[1])[:limit]:
        institution = db.session.get(Institution, institution_id)
        if institution is None:
            continue
        category = db.session.get(Category, category_id) if category_id is not None else None
        strongest = sorted(carried[(institution_id, category_id)].items(), key=lambda kv: -kv[1])[:SHOWN_WORDS]
        suggestions.append(RoutingSuggestion(institution, category, vote / total, [word for word, _w in strongest]))
    return suggestions
