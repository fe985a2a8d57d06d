"""Routing suggestions for the triage desk: learned from where past tickets ended up, shown with their confidence
and the words behind them, and never acted on without an officer."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.helpers import log_in, post_form
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.accounts.models import Role
from wananchi.accounts.services import create_user
from wananchi.tickets.actions import transfer_ticket
from wananchi.tickets.models import EventKind, Ticket, TicketStatus
from wananchi.tickets.routing_suggestions import suggest_routing
from wananchi.tickets.services import submit_ticket

WATER = [
    ("Bili ya maji kubwa", "Bili ya maji ya mwezi huu ni kubwa kuliko matumizi, mita inasoma vibaya."),
    ("Maji hayatoki", "Maji hayatoki bombani kwa wiki mbili, bili ya maji inakuja kila mwezi."),
    ("Water bill too high", "My water bill is too high, the meter reads wrong."),
]
WASTE = [
    ("Taka hazikusanywi", "Taka hazijakusanywa mtaani kwa wiki tatu, harufu mbaya."),
    ("Garbage not collected", "Garbage has not been collected on our street, the waste smells."),
]


@pytest.fixture
def history(db):
    world = build_world()
    staff = build_staff(world)
    for subject, description in WATER:
        ticket = submit_ticket(complaint(world, subject=subject, description=description)).ticket
        ticket.status = TicketStatus.RESOLVED
    for subject, description in WASTE:
        submission = complaint(
            world, subject=subject, description=description, category=world.local_service, district=world.district
        )
        ticket = submit_ticket(submission).ticket
        ticket.status = TicketStatus.CLOSED
    desk = create_user(
        email="dawati@wananchi.go.tz", name="Dawati", role=Role.OFFICER, password=PASSWORD, institution=world.triage
    )
    db.session.commit()
    return world, staff, desk


def sijui(world, subject: str, description: str) -> Ticket:
    return submit_ticket(complaint(world, subject=subject, description=description, category=None)).ticket


def test_the_institution_that_answered_similar_tickets_comes_first(db, history):
    world, _staff, _desk = history
    ticket = sijui(world, "Bili ya maji", "Nimeletewa bili ya maji kubwa sana na mita haifanyi kazi.")
    assert ticket.institution_id == world.triage.id
    suggestions = suggest_routing(ticket)
    assert suggestions[0].institution.id == world.agency.id
    assert suggestions[0].category.id == world.national_service.id
    assert suggestions[0].confidence > 0.5 and "maji" in suggestions[0].words
    english = suggest_routing(sijui(world, "Garbage everywhere", "The garbage on our street is not collected."))
    assert english[0].institution.id == world.council.id
    assert suggest_routing(sijui(world, "Habari", "Naomba msaada tafadhali sana")) == []


def test_the_desk_sees_suggestions_and_only_an_officer_moves_the_ticket(app, db, history):
    world, staff, desk = history
    ticket = sijui(world, "Bili ya maji", "Nimeletewa bili ya maji kubwa sana na mita haifanyi kazi.")
    db.session.commit()
    client = app.test_client()
    assert log_in(client, desk.email, PASSWORD).status_code == 303
    page = client.get(f"/afisa/hoja/{ticket.reference}").get_data(as_text=True)
    assert 'id="routing-suggestions"' in page and world.agency.name_sw in page
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).institution_id == world.triage.id  # showing moved nothing
    response = post_form(
        client,
        f"/afisa/hoja/{ticket.reference}",
        f"/afisa/hoja/{ticket.reference}/transfer",
        institution=str(world.agency.id),
        reason="Sent where the routing suggestion pointed (80% of the votes).",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).institution_id == world.agency.id
    # An agency officer (not the triage desk) is not shown suggestions.
    agency = app.test_client()
    assert log_in(agency, staff.officer_a.email, PASSWORD).status_code == 303
    assert 'id="routing-suggestions"' not in agency.get(f"/afisa/hoja/{ticket.reference}").get_data(as_text=True)
    assert db.session.scalar(select(Ticket).where(Ticket.id == ticket.id)).status != TicketStatus.CLOSED


def test_a_suggestion_keeps_the_queue_the_officer_came_from(app, db, history):
    world, _staff, desk = history
    ticket = sijui(world, "Bili ya maji", "Nimeletewa bili ya maji kubwa sana na mita haifanyi kazi.")
    db.session.commit()
    client = app.test_client()
    assert log_in(client, desk.email, PASSWORD).status_code == 303
    url = f"/afisa/hoja/{ticket.reference}?tab=new&type=complaint"
    suggestion = client.get(url).get_data(as_text=True).split('id="routing-suggestions"')[1]
    action = re.search(r'action="([^"]+)"', suggestion).group(1).replace("&amp;", "&")
    assert action.startswith(f"/afisa/hoja/{ticket.reference}/transfer?") and "tab=new" in action
    assert "type=complaint" in action and "pos=" in action
    found = re.findall(r'<input type="hidden" name="(institution|reason)" value="([^"]+)"', suggestion)[:2]
    fields = {name: html.unescape(value) for name, value in found}
    response = post_form(client, url, action, **fields)
    assert response.status_code == 303
    assert "tab=new" in response.headers["Location"] and "type=complaint" in response.headers["Location"]


def test_accepting_a_suggestion_moves_the_ticket_to_its_service_too(app, db, history):
    world, _staff, desk = history
    ticket = sijui(world, "Bili ya maji", "Nimeletewa bili ya maji kubwa sana na mita haifanyi kazi.")
    db.session.commit()
    assert ticket.category_id is None
    client = app.test_client()
    assert log_in(client, desk.email, PASSWORD).status_code == 303
    url = f"/afisa/hoja/{ticket.reference}"
    page = client.get(url).get_data(as_text=True)
    # The first suggestion's button carries its service as well as its institution.
    carries = f'value="{world.agency.id}"><input type="hidden" name="service" value="{world.national_service.id}"'
    assert carries in page
    # A service the receiving institution does not answer (the agency is no council) is refused; nothing moves.
    refused = post_form(
        client,
        url,
        f"{url}/transfer",
        institution=str(world.agency.id),
        service=str(world.local_service.id),
        reason="Routing suggestion 1.",
    )
    assert refused.status_code == 422
    assert "Chagua huduma ambayo taasisi inayopokea inaishughulikia." in refused.get_data(as_text=True)
    assert (
        post_form(
            client, url, f"{url}/transfer", institution=str(world.agency.id), service="999999", reason="Suggestion 1."
        ).status_code
        == 422
    )
    db.session.expire_all()
    unchanged = db.session.get(Ticket, ticket.id)
    assert unchanged.institution_id == world.triage.id and unchanged.category_id is None
    accepted = post_form(
        client,
        url,
        f"{url}/transfer",
        institution=str(world.agency.id),
        service=str(world.national_service.id),
        reason="Routing suggestion 1.",
    )
    assert accepted.status_code == 303
    db.session.expire_all()
    moved = db.session.get(Ticket, ticket.id)
    assert moved.institution_id == world.agency.id and moved.category_id == world.national_service.id
    [event] = [e for e in moved.events if e.kind == EventKind.TRANSFERRED]
    assert event.data["service"] == world.national_service.code and event.data["from_service"] is None
    assert event.data["to"] == world.agency.slug


def test_a_transfer_keeps_the_service_unless_one_is_given(db, history):
    world, staff, desk = history
    ticket = sijui(world, "Taka", "Taka hazijakusanywa mtaani kwa wiki tatu.")
    transfer_ticket(ticket, world.agency, "Wrong desk.", actor=desk)
    assert ticket.category_id is None
    assert "service" not in [e for e in ticket.events if e.kind == EventKind.TRANSFERRED][0].data
    # A local service goes with a council.
    transfer_ticket(ticket, world.council, "Hapa ni halmashauri.", actor=staff.officer_a, service=world.local_service)
    assert ticket.institution_id == world.council.id and ticket.category_id == world.local_service.id
