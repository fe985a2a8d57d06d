"""Tickets that share words with a ticket, weighted by how rare each shared word is among them: the evidence behind
routing suggestions and possible duplicates. Candidates are found through the full-text index of subject and
description (PostgreSQL's GIN index ix_ticket_search, SQLite's FTS5 table ticket_fts), at most MAX_NEIGHBOURS of
the most recent that also meet the caller's conditions."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, column, func, literal_column, select, table

from wananchi.extensions import db
from wananchi.tickets.models import Ticket

MAX_NEIGHBOURS = 300
MAX_QUERY_WORDS = 30
MIN_WORD_LENGTH = 4
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits: no underscore, which tsquery reads
# The expression of the GIN index ix_ticket_search (migration 0002), as wananchi/tickets/queue.py writes it.
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(
    "to_tsvector('simple', coalesce(ticket.subject, '') || ' ' || coalesce(ticket.description, ''))"
)
_FTS = table("ticket_fts", column("rowid"), column("ticket_fts"))


def words(text: str) -> set[str]:
    """The words of a text that can tell tickets apart (four letters or more), lower-cased."""
    return {w.lower() for w in _WORD.findall(text) if len(w) >= MIN_WORD_LENGTH}


@dataclass(frozen=True)
class Neighbour:
    """A ticket sharing words with the one asked about, each shared word with its weight."""

    ticket_id: int
    institution_id: int
    category_id: int | None
    district_id: int | None
    weights: dict[str, float]

    @property
    def score(self) -> float:
        return sum(self.weights.values())


CANDIDATE_COLUMNS = (
    Ticket.id,
    Ticket.institution_id,
    Ticket.category_id,
    Ticket.district_id,
    Ticket.subject,
    Ticket.description,
)


def query_words(ticket: Ticket) -> list[str]:
    """The words of a ticket that its neighbours are looked up by (at most MAX_QUERY_WORDS)."""
    return sorted(words(f"{ticket.subject} {ticket.description}"))[:MAX_QUERY_WORDS]


def any_word(asked: list[str]) -> ColumnElement[bool]:
    """A ticket's subject or description holds at least one of the words, through the full-text index."""
    if db.session.get_bind().dialect.name == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), " | ".join(asked))
        return _SEARCH_VECTOR.bool_op("@@")(query)
    match = " OR ".join(f'"{word}"' for word in asked)
    return Ticket.id.in_(select(_FTS.c.rowid).where(_FTS.c.ticket_fts.op("MATCH")(match)))


def weigh(asked: list[str], rows: Iterable[Row[Any]]) -> list[Neighbour]:
    """The rows (CANDIDATE_COLUMNS) that share words with the asked ones, each shared word weighted by its rarity
    among the rows (inverse document frequency)."""
    found_words = [(row, words(f"{row.subject} {row.description}")) for row in rows]
    frequency: dict[str, int] = {}
    for _row, found in found_words:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    wanted = set(asked)
    found_neighbours = []
    for row, found in found_words:
        shared = wanted & found
        if shared:
            weights = {word: math.log(1 + len(found_words) / frequency[word]) for word in shared}
            found_neighbours.append(Neighbour(row.id, row.institution_id, row.category_id, row.district_id, weights))
    return found_neighbours


def neighbours(ticket: Ticket, *conditions: ColumnElement[bool]) -> list[Neighbour]:
    """The tickets meeting `conditions` that share words with `ticket` (the MAX_NEIGHBOURS most recent), each word
    weighted by its rarity among them."""
    asked = query_words(ticket)
    if not asked:
        return []
    statement = (
        select(*CANDIDATE_COLUMNS)
        .where(Ticket.id != ticket.id, any_word(asked), *conditions)
        .order_by(Ticket.id.desc())
        .limit(MAX_NEIGHBOURS)
    )
    return weigh(asked, db.session.execute(statement))
