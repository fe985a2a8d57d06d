"""The queue's word search follows every change of a ticket's subject and description, and a searched open tab keeps
its due-soonest order across pages (read through the open tickets' due-time index)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from tests.world import Staff, World, build_staff, build_world
from wananchi.accounts.models import User
from wananchi.tickets.models import OPEN_STATUSES, Identity, Ticket, TicketStatus, TicketType
from wananchi.tickets.queue import PAGE_SIZE, QueueFilter, queue_page

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
OPEN_DUE_INDEX = "ix_ticket_institution_id_next_due_at_id_open"
_numbers = itertools.count(1)


@pytest.fixture
def setting(db) -> tuple[World, Staff]:
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def make_ticket(db, world: World, subject: str, **fields) -> Ticket:
    """An agency ticket written straight into the database (the submit path has its own tests)."""
    number = next(_numbers)
    values = {
        "reference": f"WN-2026-{number:06d}",
        "tracking_code_hash": "0" * 64,
        "submission_key": f"search-test-{number}",
        "type": TicketType.QUESTION,
        "status": TicketStatus.RECEIVED,
        "identity": Identity.ANONYMOUS,
        "description": "Tafadhali saidieni.",
        "created_at": NOW - dt.timedelta(hours=number),
        **fields,
    }
    ticket = Ticket(institution=world.agency, subject=subject, **values)
    db.session.add(ticket)
    db.session.flush()
    return ticket


def found(user: User, search: str) -> list[int]:
    tickets, _cursor = queue_page(user, QueueFilter(search=search))
    return [ticket.id for ticket in tickets]


def test_search_follows_a_changed_subject_and_description(db, setting):
    world, staff = setting
    ticket = make_ticket(db, world, "Maji hayatoki", description="Bomba limepasuka mtaani.")
    db.session.commit()
    assert found(staff.officer_a, "bomba") == [ticket.id] and found(staff.officer_a, "transfoma") == []

    ticket.subject = "Transfoma imeungua"
    db.session.commit()
    assert found(staff.officer_a, "transfoma") == [ticket.id] and found(staff.officer_a, "maji") == []
    assert found(staff.officer_a, "bomba") == [ticket.id]  # the description is unchanged

    ticket.description = "Nguzo imeanguka."
    db.session.commit()
    assert found(staff.officer_a, "bomba") == [] and found(staff.officer_a, "nguzo transfoma") == [ticket.id]


def test_a_searched_open_tab_pages_due_soonest_then_the_undated(db, setting):
    world, staff = setting

    def due(hours: int) -> dt.datetime:
        return NOW + dt.timedelta(hours=hours)

    matching = [
        make_ticket(db, world, f"Transfoma {n}", next_due_at=due(120 - n), status=status)
        for n, status in enumerate([TicketStatus.IN_PROGRESS, TicketStatus.RECEIVED, TicketStatus.ANSWERED] * 20)
    ]
    undated = [make_ticket(db, world, "Transfoma bila muda") for _n in range(3)]
    make_ticket(db, world, "Transfoma", status=TicketStatus.CLOSED, next_due_at=due(1))
    make_ticket(db, world, "Maji", next_due_at=due(2))
    db.session.commit()

    first, cursor = queue_page(staff.officer_a, QueueFilter(tab="open", search="transfoma"))
    second, last = queue_page(staff.officer_a, QueueFilter(tab="open", search="transfoma"), after=cursor)
    expected = [t.id for t in sorted(matching, key=lambda t: t.next_due_at)] + [t.id for t in undated]
    assert len(first) == PAGE_SIZE and last is None
    assert [t.id for t in first + second] == expected


def test_the_open_due_index_holds_the_open_statuses_and_no_other(db, backend):
    """Its condition is written out in migration 0033; a status added to OPEN_STATUSES must be added there too, or
    the open tabs stop using it (slower, not wrong)."""
    if backend == "postgresql":
        sql = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    definition = db.session.execute(sa.text(sql), {"name": OPEN_DUE_INDEX}).scalar_one()
    listed = {status for status in TicketStatus if f"'{status.value}'" in definition}
    assert listed == OPEN_STATUSES
