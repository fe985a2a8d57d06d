"""Possible duplicates of a ticket: the open tickets of the same institution from the last DUPLICATE_DAYS that share
the most (and rarest) words with it (wananchi/tickets/similar.py), the same district counting extra, among the tickets
it may be merged with (Ticket.merging_with: a commendation's among commendations only). Shown to its officers beside
the merge action; nothing is merged without them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, literal, select, tuple_

from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.tickets.models import OPEN_STATUSES, Ticket
from wananchi.tickets.similar import CANDIDATE_COLUMNS, MAX_NEIGHBOURS, Neighbour, any_word, query_words, weigh

DUPLICATE_DAYS = 30
MIN_SHARED_WORDS = 2
MAX_DUPLICATES = 3
SAME_DISTRICT_BONUS = 1.5


@dataclass(frozen=True)
class PossibleDuplicate:
    ticket: Ticket
    words: list[str]


def _recent_sharing_words(ticket: Ticket, asked: list[str], since: dt.datetime) -> list[Row[Any]]:
    """The open tickets of the ticket's institution received since `since` that share a word with it, newest first,
    at most MAX_NEIGHBOURS.

    They are read a page at a time, newest first, from the index of open tickets by institution and received time,
    and only a page's tickets are matched against the words. Matching all of a busy institution's open tickets of the
    month before sorting them (1,720 with a million stored) took 18 ms; a page takes a few.
    """
    recent = [
        Ticket.institution_id == ticket.institution_id,
        Ticket.status.in_(sorted(OPEN_STATUSES)),
        Ticket.merged_into_id.is_(None),
        Ticket.created_at >= since,
        Ticket.id != ticket.id,
        Ticket.merging_with(ticket),
    ]
    newest_first = (Ticket.created_at.desc(), Ticket.id.desc())
    found: list[Row[Any]] = []
    after: tuple[dt.datetime, int] | None = None
    while len(found) < MAX_NEIGHBOURS:
        page = select(Ticket.created_at, Ticket.id).where(*recent).order_by(*newest_first).limit(MAX_NEIGHBOURS)
        if after is not None:
            position = tuple_(literal(after[0], Ticket.created_at.type), literal(after[1]))
            page = page.where(tuple_(Ticket.created_at, Ticket.id) < position)
        read = db.session.execute(page).all()
        matching = select(*CANDIDATE_COLUMNS).where(Ticket.id.in_([row.id for row in read]), any_word(asked))
        found.extend(db.session.execute(matching.order_by(*newest_first)))
        if len(read) < MAX_NEIGHBOURS:
            break
        after = (read[-1].created_at, read[-1].id)
    return found[:MAX_NEIGHBOURS]


def possible_duplicates(ticket: Ticket, *, now: dt.datetime | None = None) -> list[PossibleDuplicate]:
    """The open tickets of the ticket's institution most like it, best first (never another institution's)."""
    asked = query_words(ticket)
    if not asked:
        return []
    since = (now or utcnow()) - dt.timedelta(days=DUPLICATE_DAYS)
    found = weigh(asked, _recent_sharing_words(ticket, asked, since))
    found = [n for n in found if len(n.weights) >= MIN_SHARED_WORDS]

    def score(neighbour: Neighbour) -> float:
        near = ticket.district_id is not None and neighbour.district_id == ticket.district_id
        return neighbour.score * (SAME_DISTRICT_BONUS if near else 1)

    ranked = sorted(found, key=lambda n: (-score(n), -n.ticket_id))[:MAX_DUPLICATES]
    if not ranked:
        return []
    tickets = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_([n.ticket_id for n in ranked])))}
    return [
        PossibleDuplicate(tickets[n.ticket_id], [w for w, _x in sorted(n.weights.items(), key=lambda kv: -kv[1])])
        for n in ranked
    ]
