"""The queue table sorted by each of its columns, both ways: keyset pages in a stable order (ties broken by id),
the tab and filters kept, and the header links that sort without JavaScript."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tests.helpers import log_in
from tests.world import PASSWORD, Staff, World, build_staff, build_world, complaint
from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.tickets import queue
from wananchi.tickets.labels import TYPE_LABELS
from wananchi.tickets.models import Ticket, TicketStatus, TicketType
from wananchi.tickets.queue import COLUMN_SORTS, SORTS, TABS, QueueFilter, queue_page
from wananchi.tickets.services import submit_ticket

STATUS_ORDER = list(TicketStatus)
TYPES = [TicketType.COMPLAINT, TicketType.QUESTION, TicketType.COMMENDATION, TicketType.SUGGESTION]
STATUSES = [TicketStatus.RECEIVED, TicketStatus.IN_PROGRESS, TicketStatus.AWAITING_CITIZEN, TicketStatus.REOPENED]
SUBJECTS = ["Maji hayatoki", "Bili ya maji", "Maji hayatoki", "Bomba limepasuka", "Ankara mbili", "Bili ya maji"]


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def staff(db, world: World) -> Staff:
    built = build_staff(world)
    db.session.commit()
    return built


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pages of six tickets and two groups a statement, so a few tickets cross pages, groups and statements."""
    monkeypatch.setattr(queue, "PAGE_SIZE", 6)
    monkeypatch.setattr(queue, "GROUPS_PER_STATEMENT", 2)
    return 6


@pytest.fixture
def varied(db, world: World, staff: Staff) -> list[Ticket]:
    """Seventeen open tickets of the agency with repeated subjects, types, statuses, services, officers (one of the
    council, assigned before a transfer), due instants and received instants, so every order has ties."""
    now = utcnow()
    assignees = [staff.officer_a, staff.officer_a2, None, staff.supervisor_a, staff.officer_b]
    services = [world.national_service, world.local_service, None]
    tickets = []
    for n in range(17):
        ticket = submit_ticket(complaint(world, subject=SUBJECTS[n % len(SUBJECTS)], type=TYPES[n % len(TYPES)])).ticket
        ticket.status = STATUSES[n % len(STATUSES)]
        ticket.assignee = assignees[n % len(assignees)]
        ticket.category = services[n % len(services)]
        ticket.next_due_at = None if n % 4 == 0 else now + dt.timedelta(hours=n % 3)
        ticket.created_at = now - dt.timedelta(days=n % 5)
        tickets.append(ticket)
    db.session.commit()
    return tickets


def _name(value: Any) -> tuple[int, str]:
    """Named things by name (case aside), the empty ones last."""
    return (1, "") if value is None else (0, value.casefold())


def _ascending(sort: str) -> Callable[[Ticket], Any]:
    """The key that sorts tickets as the queue does in the sort's ascending direction (ties by id)."""
    keys: dict[str, Callable[[Ticket], Any]] = {
        "reference": lambda t: t.reference,
        "subject": lambda t: t.subject,
        "type": lambda t: str(TYPE_LABELS[t.type]).casefold(),
        "status": lambda t: STATUS_ORDER.index(t.status),
        "service": lambda t: _name(localized_name(t.category) if t.category else None),
        "assignee": lambda t: _name(t.assignee.name if t.assignee else None),
        "due": lambda t: (t.next_due_at is None, t.next_due_at or queue.EPOCH),  # the undated ones by id
        "oldest": lambda t: t.created_at,
    }
    return lambda ticket: (keys[sort](ticket), ticket.id)


def expected_order(tickets: list[Ticket], sort: str) -> list[int]:
    ascending = sort.removeprefix("-") if sort != "newest" else "oldest"
    ordered = [t.id for t in sorted(tickets, key=_ascending(ascending))]
    return ordered[::-1] if sort.startswith("-") or sort == "newest" else ordered


def every_page(user, flt: QueueFilter) -> list[list[int]]:  # type: ignore[no-untyped-def]
    pages = []
    cursor = None
    while True:
        tickets, cursor = queue_page(user, flt, after=cursor)
        pages.append([t.id for t in tickets])
        if cursor is None:
            return pages


def test_every_column_sorts_both_ways_over_keyset_pages_within_the_tab_and_filters(app, db, staff, varied, small_pages):
    assert set(SORTS) == {name for pair in COLUMN_SORTS.values() for name in pair}
    questions = [t for t in varied if t.type == TicketType.QUESTION]
    awaiting = [t for t in varied if t.status == TicketStatus.AWAITING_CITIZEN]
    with app.test_request_context():
        for sort in SORTS:
            pages = every_page(staff.officer_a, QueueFilter(tab="open", sort=sort))
            assert [len(page) for page in pages] == [6, 6, 5], sort
            assert sum(pages, []) == expected_order(varied, sort), sort
            filtered = sum(every_page(staff.officer_a, QueueFilter(type=TicketType.QUESTION, sort=sort)), [])
            assert filtered == expected_order(questions, sort), sort
            in_tab = sum(every_page(staff.officer_a, QueueFilter(tab="awaiting", sort=sort)), [])
            assert in_tab == expected_order(awaiting, sort), sort


def test_sorted_by_status_each_tab_lists_what_it_holds(app, db, staff, varied, small_pages):
    """Sorted by status, a tab reads a group only for the statuses it holds, and lists every ticket it holds: the
    same tickets as in its own order, also with a status filter and with a search that sets the tab aside."""
    closed = varied[0]
    closed.status = TicketStatus.CLOSED
    db.session.commit()
    with app.test_request_context():
        filters = [QueueFilter(tab=tab) for tab in TABS]
        filters += [
            QueueFilter(status=TicketStatus.AWAITING_CITIZEN),
            QueueFilter(tab="closed", search=closed.reference),
        ]
        for flt in filters:
            held = sorted(sum(every_page(staff.officer_a, flt), []))
            for sort in ("status", "-status"):
                assert sorted(sum(every_page(staff.officer_a, replace(flt, sort=sort)), [])) == held, (flt, sort)
        assert held == [closed.id]


def test_sorted_by_service_the_next_page_goes_on_when_the_group_it_ended_in_has_emptied(
    app, db, staff, varied, small_pages
):
    """A page sorted by service reads only the services with a ticket in the queue, and the cursor's: when every
    ticket of the service the last page ended in has been closed, the next page starts at the following service."""
    with app.test_request_context():
        first, cursor = queue_page(staff.officer_a, QueueFilter(tab="open", sort="service"))
        ended_in = first[-1].category
        assert ended_in is not None and cursor is not None
        for ticket in varied:
            if ticket.category == ended_in:
                ticket.status = TicketStatus.CLOSED
        db.session.commit()
        following = [t for t in varied if t.status != TicketStatus.CLOSED and t.id not in {s.id for s in first}]
        after, _cursor = queue_page(staff.officer_a, QueueFilter(tab="open", sort="service"), after=cursor)
        assert [t.id for t in after] == expected_order(following, "service")[:6]
        assert len(after) == 6


def test_a_cursor_of_one_order_starts_another_from_the_top(app, db, staff, varied, small_pages):
    with app.test_request_context():
        _first, cursor = queue_page(staff.officer_a, QueueFilter(sort="assignee"))
        other, _next = queue_page(staff.officer_a, QueueFilter(sort="-assignee"), after=cursor)
        assert [t.id for t in other] == expected_order(varied, "-assignee")[:6]


def test_the_next_ticket_follows_the_chosen_order(app, db, client, staff, varied):
    order = expected_order(varied, "-subject")
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    first = db.session.get(Ticket, order[0])
    page = client.get(f"/afisa/hoja/{first.reference}?tab=open&sort=-subject")
    assert page.status_code == 200
    following = db.session.get(Ticket, order[1])
    assert f"/afisa/hoja/{following.reference}?" in page.get_data(as_text=True)


def headers(html: str) -> dict[str, tuple[str, str]]:
    """Each sortable header's aria-sort and link, by column."""
    found = re.findall(r'<th scope="col" aria-sort="(\w+)"><a class="sort" id="sort-(\w+)" href="([^"]+)"', html)
    return {name: (aria, href.replace("&amp;", "&")) for aria, name, href in found}


def references_in(html: str) -> list[str]:
    return re.findall(r'class="reference" href="[^"]*">(WN-\d{4}-\d{6})<', html)


def test_headers_sort_each_column_both_ways_keeping_tab_and_filters(client, db, staff, varied):
    complaints = [t for t in varied if t.type == TicketType.COMPLAINT]
    by_reference = {t.reference: t.id for t in complaints}
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    links = headers(client.get("/afisa/foleni?tab=open&type=complaint").get_data(as_text=True))
    assert set(links) == set(COLUMN_SORTS)
    assert links["due"][0] == "ascending" and "sort=-due" in links["due"][1]  # due soonest is the tab's own order
    assert all(aria == "none" for name, (aria, _href) in links.items() if name != "due")
    assert "sort=newest" in links["received"][1]  # received: newest first
    assert all(f"sort={name}" in links[name][1] for name in COLUMN_SORTS if name not in ("due", "received"))
    for name, (ascending, descending) in COLUMN_SORTS.items():
        url = f"/afisa/foleni?tab=open&type=complaint&sort={ascending}"
        for sort, aria, other in ((ascending, "ascending", descending), (descending, "descending", ascending)):
            html = client.get(url).get_data(as_text=True)
            assert [by_reference[r] for r in references_in(html)] == expected_order(complaints, sort), sort
            assert f'<option value="{sort}" selected>' in html
            state, url = headers(html)[name]
            assert state == aria and all(a == "none" for n, (a, _h) in headers(html).items() if n != name), sort
            assert f"sort={other}" in url and "type=complaint" in url and "tab=open" in url, (name, url)


def test_a_sorted_queue_pages_over_http(client, db, staff, varied, small_pages):
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    by_reference = {t.reference: t.id for t in varied}
    for sort in ("-service", "subject"):
        shown: list[int] = []
        url = f"/afisa/foleni?tab=open&sort={sort}"
        while url:
            html = client.get(url).get_data(as_text=True)
            shown += [by_reference[r] for r in references_in(html)]
            match = re.search(r'rel="next" id="next-page" href="([^"]+)"', html)
            url = match.group(1).replace("&amp;", "&") if match else ""
            assert not match or f"sort={sort}" in url
        assert shown == expected_order(varied, sort)
