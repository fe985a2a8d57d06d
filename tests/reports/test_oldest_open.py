"""A report's table of the oldest open tickets: the scope's open tickets, oldest first, whatever closed tickets are
older; read from the index of open tickets by received time, whose condition names exactly the open statuses."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tests.reports.data import NOW, due_ticket
from tests.world import build_world
from wananchi.reports.queries import oldest_open
from wananchi.tickets.models import OPEN_STATUSES, TicketStatus

OPEN_AGE_INDEX = "ix_ticket_institution_id_created_at_id_open"


def test_the_oldest_open_tickets_come_oldest_first_past_older_closed_ones_and_only_from_the_scope(db):
    world = build_world()
    for days in range(400, 300, -10):  # ten closed and resolved tickets older than any open one
        done = NOW - dt.timedelta(days=days)
        due_ticket(world.agency.id, done, resolved=done, status=TicketStatus.CLOSED if days % 20 else None)
    due_ticket(world.ministry.id, NOW - dt.timedelta(days=250))  # open, older, in another institution
    opened = {
        status: due_ticket(world.agency.id, NOW - dt.timedelta(days=days), status=status)
        for days, status in zip((200, 150, 100, 50, 10), sorted(OPEN_STATUSES), strict=True)
    }
    db.session.commit()
    listed = oldest_open([world.agency.id], limit=4)
    assert [ticket.reference for ticket in listed] == [opened[s].reference for s in sorted(OPEN_STATUSES)][:4]
    assert len(oldest_open([world.agency.id, world.ministry.id])) == 6


def test_the_open_age_index_holds_the_open_statuses_and_no_other(db, backend):
    """Its condition is written out in migration 0035; a status added to OPEN_STATUSES must be added there too, or
    the oldest open tickets are read from every ticket again (slower, not wrong)."""
    if backend == "postgresql":
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    definition = db.session.execute(sa.text(sql), {"name": OPEN_AGE_INDEX}).scalar_one()
    assert {status for status in TicketStatus if f"'{status.value}'" in definition} == OPEN_STATUSES
