"""Who else is on a ticket: each opening of its page is noted (one row per ticket and user, written over), so that the
page tells an officer that a colleague opened or changed the ticket in the last few minutes, and two officers do not
answer the same citizen at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.core.db import upsert_insert, utcnow
from wananchi.extensions import db
from wananchi.tickets.models import Ticket, TicketOpening

RECENT = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Colleague:
    """Another member of staff who opened (or changed: `changed`) the ticket `minutes` ago."""

    name: str
    minutes: int
    changed: bool


def note_opening(ticket: Ticket, user: User, *, now: dt.datetime | None = None) -> None:
    """Note that `user` opened the ticket's page now (one statement, whatever was noted before)."""
    now = now or utcnow()
    statement = upsert_insert(TicketOpening).values(ticket_id=ticket.id, user_id=user.id, opened_at=now)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["ticket_id", "user_id"], set_={"opened_at": now})
    )


def colleagues_on(ticket: Ticket, user: User, *, now: dt.datetime | None = None) -> list[Colleague]:
    """The other members of staff who opened or changed the ticket within RECENT, the latest first; a change counts
    over an opening (it is what the officer must read before answering)."""
    now = now or utcnow()
    since = now - RECENT
    latest: dict[int, tuple[dt.datetime, bool]] = {}
    for event in ticket.events:
        if event.actor_id is not None and event.actor_id != user.id and event.created_at >= since:
            latest[event.actor_id] = max(latest.get(event.actor_id, (event.created_at, True)), (event.created_at, True))
    openings = db.session.execute(
        select(TicketOpening.user_id, TicketOpening.opened_at).where(
            TicketOpening.ticket_id == ticket.id, TicketOpening.user_id != user.id, TicketOpening.opened_at >= since
        )
    )
    for user_id, opened_at in openings:
        if user_id not in latest:
            latest[user_id] = (opened_at, False)
    if not latest:
        return []
    names = {
        row.id: row.name for row in db.session.execute(select(User.id, User.name).where(User.id.in_(list(latest))))
    }
    found = [
        Colleague(name=names[user_id], minutes=int((now - at).total_seconds() // 60), changed=changed)
        for user_id, (at, changed) in latest.items()
        if user_id in names
    ]
    return sorted(found, key=lambda colleague: colleague.minutes)
