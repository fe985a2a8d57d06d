"""The staff queue: tabs, counts, filters, search, keyset pages, reach, and the dashboard."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from tests.factories import CategoryFactory
from tests.helpers import hidden_fields
from tests.world import World, build_world
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import create_user
from wananchi.core.db import utcnow
from wananchi.institutions.models import Institution
from wananchi.tickets.models import EventKind, Identity, Ticket, TicketEvent, TicketStatus, TicketType
from wananchi.tickets.queue import LOCAL_ZONE, PAGE_SIZE, TABS, QueueFilter, parse_filter, queue_page, tab_counts

PASSWORD = "ndefu-sana-kweli-2026"
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
_numbers = itertools.count(1)


def make_ticket(db, institution: Institution, **fields) -> Ticket:
    """A ticket written straight into the database (the submit path has its own tests)."""
    number = next(_numbers)
    values = {
        "reference": f"WN-2026-{number:06d}",
        "tracking_code_hash": "0" * 64,
        "submission_key": f"queue-test-{number}",
        "type": TicketType.QUESTION,
        "status": TicketStatus.RECEIVED,
        "identity": Identity.ANONYMOUS,
        "subject": f"Hoja namba {number}",
        "description": "Maelezo ya kawaida.",
        "created_at": NOW - dt.timedelta(hours=number),
    }
    values.update(fields)
    ticket = Ticket(institution=institution, **values)
    db.session.add(ticket)
    db.session.flush()
    return ticket


def make_user(db, email: str, role: Role, institution: Institution | None) -> User:
    return create_user(
        email=email, name=email.split("@")[0].title(), role=role, password=PASSWORD, institution=institution
    )


def log_in(client, email: str) -> None:
    page = client.get("/ingia")
    response = client.post("/ingia", data={**hidden_fields(page.data), "email": email, "password": PASSWORD})
    assert response.status_code == 303, response.data


@dataclass
class Staff:
    world: World
    officer: User
    colleague: User
    council_officer: User
    oversight: User
    admin: User


@pytest.fixture
def staff(db) -> Staff:
    world = build_world()
    result = Staff(
        world,
        make_user(db, "afisa@dawasa.go.tz", Role.OFFICER, world.agency),
        make_user(db, "mwenzake@dawasa.go.tz", Role.SUPERVISOR, world.agency),
        make_user(db, "afisa@dodomajiji.go.tz", Role.OFFICER, world.council),
        make_user(db, "kiongozi@maji.go.tz", Role.OVERSIGHT, world.ministry),
        make_user(db, "admin@wananchi.go.tz", Role.ADMIN, None),
    )
    db.session.commit()
    return result


@pytest.fixture
def tabs_set(db, staff: Staff) -> dict[str, Ticket]:
    """One agency ticket for each interesting state, and one of the council's."""
    agency, officer, colleague = staff.world.agency, staff.officer, staff.colleague
    now = utcnow()
    end_of_day = dt.datetime.combine(
        now.astimezone(LOCAL_ZONE).date() + dt.timedelta(days=1), dt.time(), tzinfo=LOCAL_ZONE
    )
    tickets = {
        "new": make_ticket(db, agency),
        "reopened_new": make_ticket(db, agency, status=TicketStatus.REOPENED),
        "mine": make_ticket(
            db, agency, status=TicketStatus.IN_PROGRESS, assignee=officer, next_due_at=now - dt.timedelta(hours=1)
        ),  # overdue
        "mine_awaiting": make_ticket(
            db,
            agency,
            status=TicketStatus.AWAITING_CITIZEN,
            assignee=officer,
            next_due_at=now - dt.timedelta(hours=1),
            sla_paused_at=now,
        ),  # paused: not late
        "colleague": make_ticket(
            db, agency, status=TicketStatus.IN_PROGRESS, assignee=colleague, next_due_at=now + (end_of_day - now) / 2
        ),  # due later today
        "answered": make_ticket(
            db, agency, status=TicketStatus.ANSWERED, assignee=colleague, next_due_at=now + dt.timedelta(days=3)
        ),
        "resolved": make_ticket(db, agency, status=TicketStatus.RESOLVED, assignee=officer),
        "closed": make_ticket(db, agency, status=TicketStatus.CLOSED),
        "appeal": make_ticket(
            db, agency, status=TicketStatus.REOPENED, assignee=colleague, appealed_at=NOW - dt.timedelta(hours=1)
        ),
        "council": make_ticket(db, staff.world.council, subject="Maji ya bomba", status=TicketStatus.RECEIVED),
    }
    db.session.commit()
    return tickets


EXPECTED_TABS = {
    "new": {"new", "reopened_new"},
    "mine": {"mine", "mine_awaiting"},
    "due_today": {"colleague"},
    "overdue": {"mine"},
    "awaiting": {"mine_awaiting"},
    "open": {"new", "reopened_new", "mine", "mine_awaiting", "colleague", "answered", "appeal"},
    "closed": {"resolved", "closed"},
    "appeals": {"appeal"},
}


def names_of(tickets: list[Ticket], named: dict[str, Ticket]) -> set[str]:
    by_id = {ticket.id: name for name, ticket in named.items()}
    return {by_id[ticket.id] for ticket in tickets}


def references_on(html: bytes) -> list[str]:
    return re.findall(r'class="reference" href="[^"]*">(WN-\d{4}-\d{6})<', html.decode())


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_holds_its_tickets_and_counts_them(staff, tabs_set, tab):
    tickets, cursor = queue_page(staff.officer, QueueFilter(tab=tab))
    assert names_of(tickets, tabs_set) == EXPECTED_TABS[tab]
    assert cursor is None
    assert tab_counts(staff.officer, QueueFilter())[tab] == len(EXPECTED_TABS[tab])


def test_the_queue_page_shows_the_tab_and_every_count(client, staff, tabs_set):
    log_in(client, staff.officer.email)
    page = client.get("/afisa/foleni?tab=mine")
    assert page.status_code == 200
    assert set(references_on(page.data)) == {tabs_set[n].reference for n in EXPECTED_TABS["mine"]}
    html = page.data.decode()
    for tab, members in EXPECTED_TABS.items():
        match = re.search(rf'id="tab-{tab}"[^>]*>[^<]*<span class="count">(\d+)</span>', html)
        assert match and int(match.group(1)) == len(members), tab
    assert 'id="tab-mine" href="/afisa/foleni?tab=mine" aria-current="page"' in html


def test_the_dashboard_links_counts_into_the_queue(client, staff, tabs_set):
    log_in(client, staff.officer.email)
    page = client.get("/afisa/")
    assert page.status_code == 200
    html = page.data.decode()
    for tab in ("new", "mine", "due_today", "overdue", "awaiting", "appeals", "open"):
        match = re.search(rf'id="tile-{tab}" href="/afisa/foleni\?tab={tab}">\s*<span class="tile-count">(\d+)<', html)
        assert match and int(match.group(1)) == len(EXPECTED_TABS[tab]), tab


def test_filters_narrow_the_tab_and_its_counts(db, staff):
    world = staff.world
    other_service = CategoryFactory(code="maji-mita", institution=world.agency)
    complaint = make_ticket(
        db,
        world.agency,
        type=TicketType.COMPLAINT,
        category=world.national_service,
        region=world.region,
        district=world.district,
    )
    question = make_ticket(
        db,
        world.agency,
        type=TicketType.QUESTION,
        category=other_service,
        region=world.region,
        district=world.other_district,
        status=TicketStatus.IN_PROGRESS,
    )
    elsewhere = make_ticket(db, world.agency, type=TicketType.SUGGESTION)
    db.session.commit()

    def shown(**fields) -> set[int]:
        tickets, _cursor = queue_page(staff.officer, QueueFilter(**fields))
        return {ticket.id for ticket in tickets}

    assert shown() == {complaint.id, question.id, elsewhere.id}
    assert shown(type=TicketType.COMPLAINT) == {complaint.id}
    assert shown(category="maji-mita") == {question.id}
    assert shown(status=TicketStatus.IN_PROGRESS) == {question.id}
    assert shown(region="dodoma") == {complaint.id, question.id}
    assert shown(district="bahi") == {question.id}
    assert shown(region="dodoma", type=TicketType.SUGGESTION) == set()
    assert tab_counts(staff.officer, QueueFilter(district="dodoma-jiji"))["open"] == 1
    assert tab_counts(staff.officer, QueueFilter(status=TicketStatus.IN_PROGRESS))["new"] == 0


def test_the_date_range_is_in_dar_es_salaam_time(db, staff):
    late_evening_utc = dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)  # 01:30 on 11 March in Dar es Salaam
    ticket = make_ticket(db, staff.world.agency, created_at=late_evening_utc)
    db.session.commit()

    def shown(start: dt.date | None, end: dt.date | None) -> bool:
        tickets, _cursor = queue_page(staff.officer, QueueFilter(date_from=start, date_to=end))
        return ticket.id in {t.id for t in tickets}

    assert shown(dt.date(2026, 3, 11), dt.date(2026, 3, 11))
    assert not shown(dt.date(2026, 3, 10), dt.date(2026, 3, 10))
    assert shown(None, dt.date(2026, 3, 11))
    assert not shown(dt.date(2026, 3, 12), None)


def test_filter_values_from_the_url_are_parsed_and_kept_in_the_form(client, staff, db):
    make_ticket(db, staff.world.agency, type=TicketType.COMPLAINT, district=staff.world.district)
    db.session.commit()
    log_in(client, staff.officer.email)
    page = client.get("/afisa/foleni?tab=open&type=complaint&district=dodoma-jiji&from=2026-01-01&q=maji+safi")
    html = page.data.decode()
    assert page.status_code == 200
    assert '<option value="complaint" selected>' in html
    assert '<option value="dodoma-jiji" selected>' in html
    assert 'name="from" value="2026-01-01"' in html
    assert 'value="maji safi"' in html


@pytest.mark.parametrize(
    "query",
    [
        "tab=zote&type=swali&status=x&sort=sideways",
        "category=haipo&region=%00&district=" + "x" * 5000,
        "from=2026-13-45&to=yesterday",
        "from=0001-01-01&to=9999-12-31",
        "from=2026-05-01&to=2026-04-01",
        "q=%22%27%29%28*%3A%26%7C!&q=NEAR(",
        "q=" + "%E2%80%8B" * 50,
        "after=not-a-cursor&sort=oldest",
        "tab=&type=&q=&after=",
        "tab[]=new&type=question&type=complaint",
    ],
)
def test_bad_filter_values_are_ignored_with_a_message_never_an_error(client, staff, tabs_set, query):
    log_in(client, staff.officer.email)
    page = client.get(f"/afisa/foleni?{query}")
    if "%00" in query:  # the application refuses NUL bytes in any request before the view runs
        assert page.status_code == 400
        return
    assert page.status_code == 200
    assert b'id="tab-open"' in page.data


def test_parsing_reports_each_value_it_ignores(app, db, staff):
    flt, messages = parse_filter({"tab": "zote", "type": "question", "category": "haipo", "from": "2026-02-30"})
    assert flt == QueueFilter(type=TicketType.QUESTION)
    assert len(messages) == 3
    kept, none = parse_filter({"tab": "closed", "category": "maji-bili", "district": "bahi", "to": "2026-01-31"})
    assert kept == QueueFilter(tab="closed", category="maji-bili", district="bahi", date_to=dt.date(2026, 1, 31))
    assert none == []


@pytest.mark.parametrize("text", ["maji", "MAJI", "Bomba", "bomba maji", "uvujaji"])
def test_search_finds_swahili_words_whatever_their_case(db, staff, text):
    found = make_ticket(db, staff.world.agency, subject="Maji ya bomba", description="Kuna UVUJAJI mkubwa mtaani.")
    make_ticket(db, staff.world.agency, subject="Umeme umekatika", description="Hakuna umeme tangu jana.")
    db.session.commit()
    tickets, _cursor = queue_page(staff.officer, QueueFilter(search=text))
    assert [t.id for t in tickets] == [found.id]
    assert tab_counts(staff.officer, QueueFilter(search=text))["open"] == 1


@pytest.fixture
def word_tickets(db, staff) -> list[Ticket]:
    """130 agency tickets, every other one about a transformer (some closed, some sharing a moment), and one
    rare word; on PostgreSQL analysed, so that the statistics know the common word."""
    same_moment = NOW - dt.timedelta(days=2)
    tickets = []
    for index in range(130):
        about = "Transfoma imeungua" if index % 2 else "Maji hayatoki"
        fields = {"created_at": same_moment} if index % 13 == 0 else {}
        tickets.append(
            make_ticket(
                db,
                staff.world.agency,
                subject=about,
                description="Nguzo ya nadra imeanguka." if index == 77 else "Tafadhali saidieni.",
                status=TicketStatus.CLOSED if index % 5 == 0 else TicketStatus.IN_PROGRESS,
                **fields,
            )
        )
    make_ticket(db, staff.world.council, subject="Transfoma ya kijiji", description="Nadra sana.")
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE ticket"))
    return tickets


def every_page(user: User, flt: QueueFilter) -> list[int]:
    """The ids of every page of a search, following the cursors."""
    seen, cursor = [], None
    while True:
        page, cursor = queue_page(user, flt, after=cursor)
        assert len(page) <= PAGE_SIZE
        seen += [ticket.id for ticket in page]
        if cursor is None:
            return seen


def in_queue_order(tickets: list[Ticket], sort: str) -> list[int]:
    if sort == "due":
        return [t.id for t in sorted(tickets, key=lambda t: t.id)]  # no due times: by id
    ordered = sorted(tickets, key=lambda t: (t.created_at, t.id), reverse=sort == "newest")
    return [t.id for t in ordered]


@pytest.mark.parametrize("sort", ["newest", "oldest", "due"])
def test_a_common_word_search_pages_through_its_matches_in_queue_order(staff, word_tickets, sort):
    matching = [t for t in word_tickets if "Transfoma" in t.subject]
    for tab, statuses in (("open", {TicketStatus.IN_PROGRESS}), ("closed", {TicketStatus.CLOSED})):
        expected = in_queue_order([t for t in matching if t.status in statuses], sort)
        assert every_page(staff.officer, QueueFilter(tab=tab, search="transfoma", sort=sort)) == expected
    assert tab_counts(staff.officer, QueueFilter(search="transfoma"))["open"] == 52


@pytest.mark.parametrize("search", ["nadra", "transfoma nadra", "maji nadra"])
def test_a_rare_word_search_finds_its_tickets(staff, word_tickets, search):
    seen = every_page(staff.officer, QueueFilter(search=search))
    assert seen == ([word_tickets[77].id] if search != "maji nadra" else [])
    assert tab_counts(staff.officer, QueueFilter(search=search))["open"] == len(seen)


def test_search_by_reference_number(client, db, staff):
    wanted = make_ticket(db, staff.world.agency)
    make_ticket(db, staff.world.agency, description=f"Inahusu {wanted.reference}")
    db.session.commit()
    year, number = wanted.reference.split("-")[1:]
    for typed in (wanted.reference, wanted.reference.lower(), f"{year}-{int(number)}"):
        tickets, _cursor = queue_page(staff.officer, QueueFilter(search=typed))
        assert [t.id for t in tickets] == [wanted.id], typed
    log_in(client, staff.officer.email)
    page = client.get("/afisa/foleni", query_string={"q": wanted.reference.lower()})
    assert page.status_code == 303 and page.headers["Location"] == f"/afisa/hoja/{wanted.reference}"


def test_a_references_digits_open_the_ticket_from_any_tab(client, db, staff):
    closed = make_ticket(db, staff.world.agency, status=TicketStatus.CLOSED)
    other = make_ticket(db, staff.world.council, status=TicketStatus.CLOSED)
    db.session.commit()
    number = str(int(closed.reference.rsplit("-", 1)[1]))
    log_in(client, staff.officer.email)
    for typed in (number, closed.reference, closed.reference.lower()):
        page = client.get("/afisa/foleni", query_string={"tab": "new", "q": typed})
        assert page.status_code == 303 and page.headers["Location"] == f"/afisa/hoja/{closed.reference}", typed
    # Another institution's ticket is not found by its digits: the page says nothing is here, never where it is.
    page = client.get("/afisa/foleni", query_string={"tab": "new", "q": str(int(other.reference.rsplit("-", 1)[1]))})
    assert page.status_code == 200 and references_on(page.data) == []


def test_the_scope_switch_searches_every_tab(db, staff, client):
    open_one = make_ticket(db, staff.world.agency, subject="Transfoma imeungua")
    closed_one = make_ticket(db, staff.world.agency, subject="Transfoma mpya", status=TicketStatus.CLOSED)
    db.session.commit()
    in_tab, _cursor = queue_page(staff.officer, QueueFilter(tab="new", search="transfoma"))
    everywhere, _cursor = queue_page(staff.officer, QueueFilter(tab="new", search="transfoma", scope="all"))
    assert [t.id for t in in_tab] == [open_one.id]
    assert {t.id for t in everywhere} == {open_one.id, closed_one.id}
    log_in(client, staff.officer.email)
    html = client.get("/afisa/foleni?tab=new&q=transfoma&scope=all").get_data(as_text=True)
    assert set(references_on(html.encode())) == {open_one.reference, closed_one.reference}
    assert 'id="scope-all" name="scope" value="all" checked' in html


def test_a_named_citizen_is_found_by_phone_or_email_and_each_search_is_recorded(app, client, db, staff):
    named = {"identity": Identity.NAMED, "citizen_name": "Juma Ali"}
    by_phone = make_ticket(db, staff.world.agency, citizen_phone="+255712345678", **named)
    by_email = make_ticket(db, staff.world.agency, citizen_email="juma@example.co.tz", **named)
    hidden = make_ticket(db, staff.world.agency, identity=Identity.CONTACT_HIDDEN, citizen_phone="+255712345678")
    elsewhere = make_ticket(db, staff.world.council, citizen_phone="+255712345678", **named)
    db.session.commit()
    log_in(client, staff.officer.email)
    found = references_on(client.get("/afisa/foleni", query_string={"q": "0712 345 678"}).data)
    assert found == [by_phone.reference]
    assert references_on(client.get("/afisa/foleni", query_string={"q": "juma@example.co.tz"}).data) == [
        by_email.reference
    ]
    viewed = {
        ticket_id
        for (ticket_id,) in db.session.execute(
            sa.select(TicketEvent.ticket_id).where(TicketEvent.kind == EventKind.CONTACT_VIEWED)
        )
    }
    assert viewed == {by_phone.id, by_email.id}
    assert hidden.id not in viewed and elsewhere.id not in viewed
    # An oversight leader sees no contact details, so finds nobody by them (and the tabs count nothing for it).
    leader = app.test_client()
    log_in(leader, staff.oversight.email)
    page = leader.get("/afisa/foleni", query_string={"q": "+255712345678"})
    assert references_on(page.data) == [] and 'class="count"' not in page.get_data(as_text=True)


def test_keyset_pages_cover_every_ticket_once_in_a_stable_order(client, db, staff):
    same_moment = NOW - dt.timedelta(days=3)
    for index in range(120):
        # Groups of ten share a timestamp, so the id must break ties.
        make_ticket(db, staff.world.agency, created_at=same_moment - dt.timedelta(minutes=index // 10))
    db.session.commit()
    expected = [t.id for t in queue_page(staff.officer, QueueFilter(sort="newest"))[0]]
    every = sorted(db.session.query(Ticket).all(), key=lambda t: (t.created_at, t.id), reverse=True)

    seen: list[int] = []
    cursor = None
    for _page in range(5):
        tickets, cursor = queue_page(staff.officer, QueueFilter(sort="newest"), after=cursor)
        assert len(tickets) <= PAGE_SIZE
        seen += [t.id for t in tickets]
        if cursor is None:
            break
    assert seen == [t.id for t in every]
    assert seen[:PAGE_SIZE] == expected

    oldest: list[int] = []
    cursor = None
    while True:
        tickets, cursor = queue_page(staff.officer, QueueFilter(sort="oldest"), after=cursor)
        oldest += [t.id for t in tickets]
        if cursor is None:
            break
    assert oldest == seen[::-1]

    log_in(client, staff.officer.email)
    shown: list[str] = []
    url = "/afisa/foleni?tab=open&sort=newest"
    while url:
        page = client.get(url)
        shown += references_on(page.data)
        match = re.search(r'rel="next" id="next-page" href="([^"]+)"', page.data.decode())
        url = match.group(1).replace("&amp;", "&") if match else ""
    assert shown == [t.reference for t in every]


def test_a_tampered_cursor_gives_the_first_page(client, db, staff):
    for _index in range(PAGE_SIZE + 5):
        make_ticket(db, staff.world.agency)
    db.session.commit()
    first, cursor = queue_page(staff.officer, QueueFilter())
    assert cursor
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "x" + cursor, cursor + "."):
        again, _next = queue_page(staff.officer, QueueFilter(), after=bad)
        assert [t.id for t in again] == [t.id for t in first]
    other_order, _next = queue_page(staff.officer, QueueFilter(sort="oldest"), after=cursor)
    assert other_order[0].created_at == min(t.created_at for t in db.session.query(Ticket))
    log_in(client, staff.officer.email)
    page = client.get("/afisa/foleni", query_string={"after": tampered})
    assert page.status_code == 200
    assert references_on(page.data) == [t.reference for t in first]


def test_oversight_sees_the_subtree_with_the_institution_column(client, staff, tabs_set, db):
    ministry_ticket = make_ticket(db, staff.world.ministry)
    db.session.commit()
    tickets, _cursor = queue_page(staff.oversight, QueueFilter())
    ids = {t.id for t in tickets}
    assert tabs_set["new"].id in ids and ministry_ticket.id in ids
    assert tabs_set["council"].id not in ids
    log_in(client, staff.oversight.email)
    page = client.get("/afisa/foleni")
    html = page.data.decode()
    assert page.status_code == 200
    assert 'class="fact institution"' in html and "Mamlaka ya Majisafi" in html
    assert 'id="tab-mine"' not in html
    assert tabs_set["council"].reference not in html


def test_an_officer_never_sees_another_institutions_tickets(client, staff, tabs_set):
    council_ticket = tabs_set["council"]
    for tab in TABS:
        for search in ("", "maji bomba", council_ticket.reference):
            tickets, _cursor = queue_page(staff.officer, QueueFilter(tab=tab, search=search))
            assert council_ticket.id not in {t.id for t in tickets}
            assert queue_page(staff.officer, QueueFilter(tab=tab, search=council_ticket.reference))[0] == []
    log_in(client, staff.officer.email)
    for tab in TABS:
        for search in ("", "maji", council_ticket.reference):
            page = client.get("/afisa/foleni", query_string={"tab": tab, "q": search})
            assert page.status_code == 200
            assert council_ticket.reference not in references_on(page.data)
    assert tab_counts(staff.council_officer, QueueFilter())["open"] == 1


def test_an_administrator_sees_no_queue(client, staff, tabs_set):
    assert queue_page(staff.admin, QueueFilter()) == ([], None)
    assert set(tab_counts(staff.admin, QueueFilter()).values()) == {0}
    log_in(client, staff.admin.email)
    assert client.get("/afisa/").status_code == 404
    assert client.get("/afisa/foleni").status_code == 404


@pytest.mark.parametrize("path", ["/afisa/", "/afisa/foleni", "/afisa/foleni?tab=new&q=maji"])
def test_anonymous_visitors_are_sent_to_the_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/ingia")


def test_the_list_needs_a_fixed_number_of_queries(client, staff, db, app):

    for index in range(30):
        make_ticket(
            db,
            staff.world.agency,
            assignee=staff.officer if index % 2 else staff.colleague,
            status=TicketStatus.IN_PROGRESS,
            district=staff.world.district,
            region=staff.world.region,
        )
    db.session.commit()
    log_in(client, staff.officer.email)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get("/afisa/foleni")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200
    assert len(references_on(page.data)) == 30
    # The page (due-soonest reads the dated tickets' ids, then, when the page is not full, the undated ones'; then
    # the tickets of those ids) and the counts: never one query per row.
    assert len([s for s in statements if "FROM ticket" in s]) <= 4
    assert len(statements) <= 15


def test_sorting_by_due_time_pages_through_every_ticket_in_order(db, staff):
    now = utcnow()
    for hours in (5, -2, 30, None, 1, None, -40):
        make_ticket(db, staff.world.agency, next_due_at=None if hours is None else now + dt.timedelta(hours=hours))
    db.session.commit()
    seen, cursor = [], None
    while True:
        page, cursor = queue_page(staff.officer, QueueFilter(sort="due"), after=cursor)
        seen += page
        if cursor is None:
            break
    dues = [t.next_due_at for t in seen]
    assert dues[:5] == sorted(d for d in dues if d is not None) and dues[5:] == [None, None]
    assert len({t.id for t in seen}) == 7


def test_the_queue_shows_the_clock_in_words(client, db, staff):
    now = utcnow()
    late, soon = now - dt.timedelta(hours=1), now + dt.timedelta(hours=2)
    make_ticket(db, staff.world.agency, resolution_warn_at=late, resolution_due_at=late, next_due_at=late)
    make_ticket(db, staff.world.agency, resolution_warn_at=late, resolution_due_at=soon, next_due_at=soon)
    make_ticket(
        db,
        staff.world.agency,
        status=TicketStatus.AWAITING_CITIZEN,
        sla_paused_at=late,
        resolution_warn_at=late,
        resolution_due_at=late,
        next_due_at=late,
    )
    db.session.commit()
    log_in(client, staff.officer.email)
    html = client.get("/afisa/foleni?tab=open").get_data(as_text=True)
    assert 'class="badge sla sla-overdue">Imechelewa<' in html
    assert 'class="badge sla sla-at_risk">Karibu kuchelewa<' in html
    assert 'class="badge sla sla-paused">' in html


def test_postgresql_plans_each_search_for_its_own_words(db, backend):
    if backend != "postgresql":
        pytest.skip("prepared statements and generic plans are PostgreSQL's")
    connection = db.session.connection().connection.driver_connection
    assert connection.prepare_threshold is None  # never a generic plan, prepared once for every word


def test_every_open_tab_reads_due_soonest_first_and_closed_newest_first(client, db, staff):
    now = utcnow()
    late = make_ticket(
        db, staff.world.agency, next_due_at=now - dt.timedelta(days=2), created_at=now - dt.timedelta(days=9)
    )
    soon = make_ticket(db, staff.world.agency, next_due_at=now + dt.timedelta(hours=2))
    later = make_ticket(db, staff.world.agency, next_due_at=now + dt.timedelta(days=4), created_at=now)
    old_closed = make_ticket(db, staff.world.agency, status=TicketStatus.CLOSED, created_at=now - dt.timedelta(days=5))
    new_closed = make_ticket(db, staff.world.agency, status=TicketStatus.CLOSED, created_at=now)
    db.session.commit()
    assert QueueFilter().order == "due" and QueueFilter(tab="closed").order == "newest"
    log_in(client, staff.officer.email)
    for tab in ("open", "new"):
        page = client.get(f"/afisa/foleni?tab={tab}")
        assert references_on(page.data) == [late.reference, soon.reference, later.reference]
    assert references_on(client.get("/afisa/foleni?tab=closed").data) == [new_closed.reference, old_closed.reference]
    # The tab's own order stays implicit in its links, so moving to another tab keeps that tab's order.
    assert parse_filter({"tab": "open", "sort": "due"})[0].sort == ""
    assert 'href="/afisa/foleni?tab=closed"' in client.get("/afisa/foleni?tab=open&sort=due").get_data(as_text=True)
    chosen = client.get("/afisa/foleni?tab=open&sort=newest")
    assert references_on(chosen.data)[0] == later.reference


def test_each_row_says_the_time_left_or_the_lateness_in_working_time(client, db, staff):
    now = utcnow()
    fields = {"resolution_warn_at": now - dt.timedelta(days=30)}
    make_ticket(db, staff.world.agency, resolution_due_at=now - dt.timedelta(days=14), next_due_at=now, **fields)
    paused = make_ticket(
        db,
        staff.world.agency,
        status=TicketStatus.AWAITING_CITIZEN,
        sla_paused_at=now,
        resolution_due_at=now - dt.timedelta(days=14),
        next_due_at=now - dt.timedelta(days=14),
        **fields,
    )
    db.session.commit()
    log_in(client, staff.officer.email)
    html = client.get("/afisa/foleni?tab=open").get_data(as_text=True)
    rows = html.split('class="queue-item"')[1:]
    late_row = next(row for row in rows if paused.reference not in row)
    paused_row = next(row for row in rows if paused.reference in row)
    assert re.search(r"<strong>Imechelewa siku \d+ za kazi</strong>", late_row)
    assert "Muda uliobaki" not in paused_row and "Imechelewa siku" not in paused_row


def test_next_ticket_follows_the_tab_and_filters_after_every_action(client, db, staff):
    now = utcnow()
    first, second, third = (
        make_ticket(db, staff.world.agency, type=TicketType.COMPLAINT, next_due_at=now + dt.timedelta(hours=hours))
        for hours in (1, 2, 3)
    )
    make_ticket(db, staff.world.agency, type=TicketType.QUESTION, next_due_at=now + dt.timedelta(minutes=90))
    db.session.commit()
    log_in(client, staff.officer.email)
    queue_html = client.get("/afisa/foleni?tab=new&type=complaint").get_data(as_text=True)
    link = re.search(r'class="reference" href="([^"]+)">' + first.reference, queue_html).group(1).replace("&amp;", "&")
    page = client.get(link).get_data(as_text=True)
    assert re.search(rf'id="next-ticket" href="/afisa/hoja/{second.reference}\?tab=new&amp;type=complaint"', page)
    # Taking the ticket moves it out of the "new" tab; the next ticket is still the one after it in that tab.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    action = re.search(r'action="(/afisa/hoja/[^"]+/claim[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "tab=new" in action and "type=complaint" in action and "pos=" in action
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(action, data={"csrf_token": token, "version": version})
    assert response.status_code == 303
    assert "tab=new" in response.headers["Location"] and "type=complaint" in response.headers["Location"]
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="next-ticket" href="/afisa/hoja/{second.reference}?tab=new&amp;type=complaint"' in after
    assert third.reference not in after.split('id="next-ticket"')[1].split("</a>")[0]
