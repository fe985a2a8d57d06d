"""The officer's desk on the queue page: the sortable table, due-soonest pages, saved filters, counts that refresh,
and actions on several chosen tickets at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, Staff, World, build_staff, build_world, complaint
from wananchi.core.db import utcnow
from wananchi.tickets.models import EventKind, SavedQueueFilter, Ticket, TicketEvent, TicketStatus
from wananchi.tickets.queue import PAGE_SIZE, QueueFilter, queue_page
from wananchi.tickets.services import submit_ticket


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def staff(db, world: World) -> Staff:
    built = build_staff(world)
    db.session.commit()
    return built


def submitted(world: World, count: int, **overrides) -> list[Ticket]:  # type: ignore[no-untyped-def]
    """`count` complaints about the agency's service, submitted as citizens do."""
    return [submit_ticket(complaint(world, subject=f"Bili ya maji {n}", **overrides)).ticket for n in range(count)]


def token_of(html: str) -> str:
    return hidden_fields(html)["csrf_token"]


def queue_html(client, url: str = "/afisa/foleni") -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def references_in(html: str) -> list[str]:
    return re.findall(r'class="reference" href="[^"]*">(WN-\d{4}-\d{6})<', html)


# --- due-soonest pages --------------------------------------------------------------------------------------------


def test_due_soonest_pages_cross_from_dated_to_undated_tickets_without_gaps(db, world, staff):
    now = utcnow()
    dated = submitted(world, PAGE_SIZE + 7)
    for index, ticket in enumerate(dated):
        ticket.next_due_at = now + dt.timedelta(minutes=(index * 37) % 101)  # many ties: the id breaks them
    undated = submitted(world, PAGE_SIZE + 3)
    for ticket in undated:
        ticket.next_due_at = None
    db.session.commit()
    seen: list[Ticket] = []
    cursor = None
    pages = 0
    while True:
        page, cursor = queue_page(staff.officer_a, QueueFilter(tab="open"), after=cursor)
        seen += page
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    expected = sorted(dated, key=lambda t: (t.next_due_at, t.id)) + sorted(undated, key=lambda t: t.id)
    assert [t.id for t in seen] == [t.id for t in expected]


def test_column_headers_sort_and_keep_the_filters(client, db, world, staff):
    submitted(world, 2)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    html = queue_html(client, "/afisa/foleni?tab=open&type=complaint")
    received = re.search(r'aria-sort="none"><a class="sort" id="sort-received" href="([^"]+)">Imepokelewa', html)
    assert received and "sort=newest" in received.group(1) and "type=complaint" in received.group(1)
    assert re.search(r'aria-sort="ascending"><a class="sort" id="sort-due" href="[^"]*sort=-due', html)
    newest = queue_html(client, received.group(1).replace("&amp;", "&"))
    header = re.search(r'aria-sort="descending"><a class="sort" id="sort-received" href="([^"]+)"', newest)
    assert header and "sort=oldest" in header.group(1) and "type=complaint" in header.group(1)


# --- saved filters ------------------------------------------------------------------------------------------------


def test_an_officer_saves_opens_and_deletes_a_filter(client, db, world, staff):
    submitted(world, 1)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client, "/afisa/foleni?tab=overdue&type=complaint&sort=newest")
    response = client.post(
        "/afisa/foleni/vichujio?tab=overdue&type=complaint&sort=newest",
        data={"csrf_token": token_of(page), "name": "  Malalamiko   yaliyochelewa "},
    )
    assert response.status_code == 303
    saved = db.session.scalars(select(SavedQueueFilter)).one()
    assert saved.name == "Malalamiko yaliyochelewa" and saved.user_id == staff.officer_a.id
    assert saved.query == {"tab": "overdue", "type": "complaint", "sort": "newest"}
    html = queue_html(client, response.headers["Location"])
    assert "Kichujio “Malalamiko yaliyochelewa” kimehifadhiwa." in html
    link = re.search(r'<a href="([^"]+)">Malalamiko yaliyochelewa</a>', html)
    assert link and {"tab=overdue", "type=complaint", "sort=newest"} <= set(link.group(1).split("?")[1].split("&amp;"))
    # Another officer neither sees nor deletes it.
    other = client.application.test_client()
    assert log_in(other, staff.officer_a2.email, PASSWORD).status_code == 303
    other_page = queue_html(other)
    assert "Malalamiko yaliyochelewa" not in other_page
    delete_url = f"/afisa/foleni/vichujio/{saved.id}/futa"
    assert other.post(delete_url, data={"csrf_token": token_of(other_page)}).status_code == 404
    assert client.post(delete_url, data={}).status_code == 400  # no CSRF token
    deleted = client.post(delete_url + "?tab=overdue", data={"csrf_token": token_of(html)})
    assert deleted.status_code == 303 and "tab=overdue" in deleted.headers["Location"]
    assert db.session.scalars(select(SavedQueueFilter)).all() == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Kipe kichujio jina."),
        ("x" * 61, "Jina lisizidi herufi 60."),
        ("Jina\u0007baya", "Jina liwe na herufi, tarakimu, nafasi na alama za uandishi tu."),
        ("zilizochelewa", "Tayari una kichujio kinachoitwa “zilizochelewa”."),
    ],
)
def test_a_bad_filter_name_is_refused_in_swahili_and_the_typing_is_kept(client, db, world, staff, name, message):
    db.session.add(SavedQueueFilter(user_id=staff.officer_a.id, name="Zilizochelewa", query={"tab": "overdue"}))
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    response = client.post("/afisa/foleni/vichujio?tab=new", data={"csrf_token": token_of(page), "name": name})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html and 'href="#save-name"' in html
    if name.strip() and "\u0007" not in name:
        assert f'value="{name}"' in html
    assert 'aria-current="page">Mpya' in html  # still the tab it was saved from
    assert db.session.scalars(select(SavedQueueFilter)).all()[0].name == "Zilizochelewa"


def test_a_contact_search_is_not_saved(client, db, world, staff):
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    response = client.post(
        "/afisa/foleni/vichujio?q=0712345678", data={"csrf_token": token_of(page), "name": "Simu ya Asha"}
    )
    assert response.status_code == 422
    assert "Utafutaji kwa simu au barua pepe ya mwananchi hauhifadhiwi" in response.get_data(as_text=True)
    assert db.session.scalars(select(SavedQueueFilter)).all() == []


# --- counts that refresh ------------------------------------------------------------------------------------------


def test_the_counts_endpoint_answers_current_counts_under_the_filters(client, db, world, staff):
    submitted(world, 3)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    first = client.get("/afisa/foleni/idadi?tab=open&type=complaint")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    assert first.json["counts"]["open"] == "3" and first.json["counts"]["new"] == "3"
    submitted(world, 2)
    db.session.commit()
    assert client.get("/afisa/foleni/idadi?tab=open").json["counts"]["open"] == "5"
    assert client.get("/afisa/foleni/idadi?tab=open&type=question").json["counts"]["open"] == "0"
    assert client.get("/afisa/foleni/idadi?q=maji").json == {"counts": {}}  # word searches are not counted
    council = client.application.test_client()
    assert log_in(council, staff.officer_b.email, PASSWORD).status_code == 303
    assert council.get("/afisa/foleni/idadi").json["counts"]["open"] == "0"  # never another institution's


def test_the_refresh_link_keeps_the_tab_filters_and_page(client, db, world, staff):
    submitted(world, PAGE_SIZE + 1)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    first = queue_html(client, "/afisa/foleni?tab=open&type=complaint")
    following = re.search(r'rel="next" id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = queue_html(client, following)
    refresh = re.search(r'<a id="refresh" href="([^"]+)"', second).group(1).replace("&amp;", "&")
    assert "tab=open" in refresh and "type=complaint" in refresh
    assert re.search(r"after=[^&]+", refresh).group(0) == re.search(r"after=[^&]+", following).group(0)
    assert references_in(queue_html(client, refresh)) == references_in(second)
    assert 'data-counts-url="/afisa/foleni/idadi?tab=open&amp;type=complaint"' in second
    assert "js/foleni.js" in second


# --- actions on chosen tickets ------------------------------------------------------------------------------------


def chosen(tickets: list[Ticket]) -> list[str]:
    return [f"{ticket.reference}:{ticket.version}" for ticket in tickets]


def history(ticket: Ticket, kind: EventKind) -> list[TicketEvent]:
    return [event for event in ticket.events if event.kind == kind]


def test_a_supervisor_assigns_five_tickets_each_recorded_in_its_own_history(client, db, world, staff):
    tickets = submitted(world, 5)
    db.session.commit()
    assert log_in(client, staff.supervisor_a.email, PASSWORD).status_code == 303
    page = queue_html(client, "/afisa/foleni?tab=new")
    assert all(f'value="{value}"' in page for value in chosen(tickets))
    assert f'<option value="{staff.officer_a2.id}">Baraka Afisa</option>' in page  # the officers to assign to
    response = client.post(
        "/afisa/foleni/kwa-pamoja?tab=new",
        data={
            "csrf_token": token_of(page),
            "ticket": chosen(tickets),
            "action": "assign",
            "assignee": str(staff.officer_a2.id),
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/afisa/foleni?tab=new"
    db.session.expire_all()
    for ticket in tickets:
        assert ticket.assignee_id == staff.officer_a2.id and ticket.status == TicketStatus.IN_PROGRESS
        (event,) = history(ticket, EventKind.ASSIGNED)
        assert event.actor_id == staff.supervisor_a.id
    html = queue_html(client, response.headers["Location"])
    assert "Hoja 5 zimekabidhiwa kwa Baraka Afisa." in html


def test_refused_tickets_are_listed_and_the_others_still_change(client, db, world, staff):
    mine = submitted(world, 3)
    stale = mine[2]
    council_ticket = submit_ticket(complaint(world, category=world.local_service, district=world.district)).ticket
    db.session.commit()
    assert log_in(client, staff.supervisor_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    values = chosen(mine) + [f"{council_ticket.reference}:1", "WN-2026-999999:1"]
    stale.subject = "Imebadilishwa na afisa mwingine"  # changed after the page was read: its version moved on
    db.session.commit()
    response = client.post(
        "/afisa/foleni/kwa-pamoja?tab=open",
        data={"csrf_token": token_of(page), "ticket": values, "action": "assign", "assignee": str(staff.officer_a.id)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert [t.assignee_id for t in mine[:2]] == [staff.officer_a.id] * 2
    assert stale.assignee_id is None and history(stale, EventKind.ASSIGNED) == []
    assert council_ticket.assignee_id is None
    html = queue_html(client, response.headers["Location"])
    assert "Hoja 2 zimekabidhiwa kwa Asha Afisa." in html
    assert "Hoja 3 hazikuweza kubadilishwa:" in html
    assert f"{stale.reference}: Hoja hii imebadilika" in html
    assert f"{council_ticket.reference}: Hakuna hoja yenye namba hii ya kumbukumbu" in html
    assert "WN-2026-999999: Hakuna hoja" in html


def test_an_officer_may_not_assign_but_closes_resolved_tickets_and_each_refusal_says_why(client, db, world, staff):
    resolved, open_one = submitted(world, 2)
    resolved.status = TicketStatus.RESOLVED
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client, "/afisa/foleni?tab=open")
    assert 'value="assign"' not in page and 'id="bulk-assignee"' not in page  # officers do not assign
    response = client.post(
        "/afisa/foleni/kwa-pamoja",
        data={
            "csrf_token": token_of(page),
            "ticket": chosen([resolved, open_one]),
            "action": "assign",
            "assignee": "1",
        },
    )
    db.session.expire_all()
    assert response.status_code == 303 and resolved.assignee_id is None and open_one.assignee_id is None
    refusals = queue_html(client, response.headers["Location"])
    assert "Hoja 2 hazikuweza kubadilishwa" in refusals
    assert f"{resolved.reference}: " in refusals and f"{open_one.reference}: " in refusals
    assert ".;" not in refusals  # one sentence after another, not "…“Imejibiwa”.; WN-…"
    response = client.post(
        "/afisa/foleni/kwa-pamoja",
        data={"csrf_token": token_of(page), "ticket": chosen([resolved, open_one]), "action": "close"},
    )
    db.session.expire_all()
    assert resolved.status == TicketStatus.CLOSED and open_one.status == TicketStatus.RECEIVED
    html = queue_html(client, response.headers["Location"])
    assert "Hoja 1 imefungwa." in html and "Hoja 1 haikuweza kubadilishwa" in html


def test_transfer_and_merge_in_bulk(client, db, world, staff):
    first, second, survivor = submitted(world, 3)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    council = world.council
    response = client.post(
        "/afisa/foleni/kwa-pamoja",
        data={
            "csrf_token": token_of(page),
            "ticket": chosen([first]),
            "action": "transfer",
            "institution": str(council.id),
            "reason": "Ni huduma ya halmashauri.",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert first.institution_id == council.id
    assert history(first, EventKind.TRANSFERRED)[0].data["reason"] == "Ni huduma ya halmashauri."
    page = queue_html(client)
    response = client.post(
        "/afisa/foleni/kwa-pamoja",
        data={
            "csrf_token": token_of(page),
            "ticket": chosen([second, survivor]),
            "action": "merge",
            "into": survivor.reference.lower(),
        },
    )
    db.session.expire_all()
    assert second.merged_into_id == survivor.id and survivor.merged_into_id is None
    html = queue_html(client, response.headers["Location"])
    assert f"Hoja 1 imeunganishwa na {survivor.reference}." in html
    assert f"{survivor.reference}: Ndiyo hoja ambayo nyingine zinaunganishwa nayo." in html


def test_a_bulk_form_that_lacks_what_it_needs_comes_back_with_its_choices(client, db, world, staff):
    tickets = submitted(world, 2)
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    response = client.post(
        "/afisa/foleni/kwa-pamoja?tab=open",
        data={"csrf_token": token_of(page), "ticket": chosen(tickets[:1]), "action": "transfer", "reason": "Sababu"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Chagua taasisi." in html and 'href="#bulk-institution"' in html
    assert re.search(rf'value="{chosen(tickets[:1])[0]}" id="pick-\d+" checked', html)
    assert re.search(r">\s*Sababu</textarea>", html)
    empty = client.post("/afisa/foleni/kwa-pamoja", data={"csrf_token": token_of(page), "action": "close"})
    assert empty.status_code == 422 and "Chagua angalau hoja moja kwenye orodha." in empty.get_data(as_text=True)
    too_many = [f"WN-2026-{n:06d}:1" for n in range(1, 52)]
    over = client.post(
        "/afisa/foleni/kwa-pamoja", data={"csrf_token": token_of(page), "action": "close", "ticket": too_many}
    )
    assert over.status_code == 422 and "Chagua hoja zisizozidi 50 kwa mara moja." in over.get_data(as_text=True)


def test_oversight_reads_the_queue_but_acts_on_no_ticket_in_bulk(client, db, world, staff):
    tickets = submitted(world, 1)
    db.session.commit()
    assert log_in(client, staff.oversight_above_a.email, PASSWORD).status_code == 303
    page = queue_html(client)
    assert 'name="ticket"' not in page and tickets[0].reference in page
    response = client.post(
        "/afisa/foleni/kwa-pamoja", data={"csrf_token": token_of(page), "ticket": chosen(tickets), "action": "close"}
    )
    assert response.status_code == 403
