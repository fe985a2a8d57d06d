"""Possible duplicates of a ticket: the open tickets of the same institution from the last DUPLICATE_DAYS that share
the most (and rarest) words with it (wananchi/tickets/similar.py), the same district counting extra. Shown to its
officers beside the merge action; nothing is merged without them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.tickets.models import OPEN_STATUSES, Ticket
from wananchi.tickets.similar import Neighbour, neighbours

DUPLICATE_DAYS = 30
MIN_SHARED_WORDS = 2
MAX_DUPLICATES = 3
SAME_DISTRICT_BONUS = 1.5


@dataclass(frozen=True)
class PossibleDuplicate:
    ticket: Ticket
    words: list[str]


def possible_duplicates(ticket: Ticket, *, now: dt.datetime | None = None) -> list[PossibleDuplicate]:
    """The open tickets of the ticket's institution most like it, best first (never another institution's)."""
    since = (now or utcnow()) - dt.timedelta(days=DUPLICATE_DAYS)
    found = neighbours(
        ticket,
        Ticket.institution_id == ticket.institution_id,
        Ticket.status.in_(sorted(OPEN_STATUSES)),
        Ticket.merged_into_id.is_(None),
        Ticket.created_at >= since,
    )
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
