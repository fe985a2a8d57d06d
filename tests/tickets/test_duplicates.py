"""Possible duplicates on the officer's ticket page: open tickets of the same institution only, most similar first,
merged only when the officer presses the button."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.helpers import log_in, post_form
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.core.errors import DomainError
from wananchi.tickets import duplicates
from wananchi.tickets.actions import merge_ticket
from wananchi.tickets.duplicates import possible_duplicates
from wananchi.tickets.models import CITIZEN_TYPES, Ticket, TicketStatus, TicketType
from wananchi.tickets.services import submit_ticket

TEXT = ("Bili ya maji kubwa", "Bili ya maji ya mwezi huu ni kubwa sana, mita ya maji inasoma vibaya.")


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def new(world, subject, description, now=None, **overrides) -> Ticket:
    return submit_ticket(complaint(world, subject=subject, description=description, **overrides), now=now).ticket


def test_only_open_tickets_of_the_same_institution_in_30_days(db, setting):
    world, _staff = setting
    first = new(world, *TEXT)
    similar = new(world, "Bili kubwa ya maji", "Mita ya maji inasoma vibaya, bili ni kubwa.")
    new(world, "Barabara mbovu", "Barabara ya mtaa wetu imeharibika kabisa.")
    resolved = new(world, *TEXT)
    resolved.status = TicketStatus.RESOLVED
    old = new(world, *TEXT, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    elsewhere = new(world, *TEXT, category=world.local_service, district=world.district)  # the council's
    assert elsewhere.institution_id == world.council.id and old.id
    db.session.flush()
    found = possible_duplicates(first)
    assert [d.ticket.id for d in found] == [similar.id]
    assert {"bili", "maji", "mita"} <= set(found[0].words)
    assert [d.ticket.id for d in possible_duplicates(elsewhere)] == []


def test_a_commendation_and_a_complaint_are_never_duplicates_nor_merged(db, setting):
    world, staff = setting
    praise = ("Huduma nzuri ya bili ya maji", "Asanteni kwa kurekebisha bili ya maji na mita haraka sana.")
    first_complaint = new(world, *TEXT)
    second_complaint = new(world, "Bili kubwa ya maji", "Mita ya maji inasoma vibaya, bili ni kubwa.")
    thanks = new(world, *praise, type=TicketType.COMMENDATION)
    more_thanks = new(world, *praise, type=TicketType.COMMENDATION)
    db.session.flush()
    assert [d.ticket.id for d in possible_duplicates(thanks)] == [more_thanks.id]
    assert [d.ticket.id for d in possible_duplicates(first_complaint)] == [second_complaint.id]
    for ticket, into in ((thanks, first_complaint), (first_complaint, thanks)):
        with pytest.raises(DomainError, match="Pongezi zinaweza kuunganishwa na pongezi nyingine tu"):
            merge_ticket(ticket, into, actor=staff.officer_a)
        assert ticket.merged_into_id is None
    merge_ticket(more_thanks, thanks, actor=staff.officer_a)
    assert more_thanks.merged_into_id == thanks.id


def test_which_tickets_merge_with_which_reads_the_same_in_python_and_in_a_query(db, setting):
    """What a ticket answers about merging with another (merges_with) is what the query finds (merging_with)."""
    world, _staff = setting
    tickets = [new(world, f"Hoja ya {kind}", "Maelezo ya hoja hii.", type=kind) for kind in CITIZEN_TYPES]
    db.session.flush()
    for ticket in tickets:
        found = set(db.session.scalars(select(Ticket.id).where(Ticket.merging_with(ticket))))
        assert found == {other.id for other in tickets if ticket.merges_with(other)}
        assert (ticket.id in found) and (len(found) == (1 if ticket.type == TicketType.COMMENDATION else 4))


@pytest.fixture
def alike(app, db, setting):
    """Two alike tickets of the agency, the first older, and a client logged in as its officer."""
    world, staff = setting
    first = new(world, *TEXT)
    second = new(world, "Bili kubwa ya maji", "Mita ya maji inasoma vibaya, bili ni kubwa.")
    db.session.commit()
    client = app.test_client()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303
    return first, second, client


def test_the_officer_merges_with_one_click(app, db, setting, alike):
    _world, staff = setting
    first, second, client = alike
    page = client.get(f"/afisa/hoja/{second.reference}").get_data(as_text=True)
    assert 'id="possible-duplicates"' in page and f'value="{first.reference}"' in page
    db.session.expire_all()
    assert db.session.get(Ticket, second.id).merged_into_id is None  # showing merged nothing
    url = f"/afisa/hoja/{second.reference}"
    assert post_form(client, url, f"{url}/merge", reference=first.reference).status_code == 303
    db.session.expire_all()
    assert db.session.get(Ticket, second.id).merged_into_id == first.id
    # The council's officer sees no suggestion on the agency's tickets (they cannot open them at all).
    council = app.test_client()
    assert log_in(council, staff.officer_b.email, PASSWORD).status_code == 303
    assert council.get(f"/afisa/hoja/{first.reference}").status_code == 404


def test_the_one_click_merge_keeps_the_queue_the_officer_came_from(alike):
    first, second, client = alike
    url = f"/afisa/hoja/{second.reference}?tab=open&type=complaint"
    page = client.get(url).get_data(as_text=True)
    suggestion = page.split('id="possible-duplicates"')[1]
    action = re.search(r'action="([^"]+)"', suggestion).group(1).replace("&amp;", "&")
    assert action.startswith(f"/afisa/hoja/{second.reference}/merge?") and "tab=open" in action
    assert "type=complaint" in action and "pos=" in action
    response = post_form(client, url, action, reference=first.reference)
    assert response.status_code == 303
    assert "tab=open" in response.headers["Location"] and "type=complaint" in response.headers["Location"]


def test_a_ticket_from_the_same_district_ranks_first_among_equals(db, setting):
    world, _staff = setting
    ticket = new(world, *TEXT, district=world.district)
    same_district = new(world, *TEXT, district=world.district)
    other_district = new(world, *TEXT, district=world.other_district)  # newer: first were it not for the district
    assert same_district.institution_id == other_district.institution_id == ticket.institution_id
    assert [d.ticket.id for d in possible_duplicates(ticket)] == [same_district.id, other_district.id]


def test_a_duplicate_behind_pages_of_unlike_tickets_is_found(db, setting, monkeypatch):
    """The open tickets are read a page at a time, newest first: one like the ticket, older than several pages of
    unlike ones, is still found, and the newest like ones come first when more are alike than a page holds."""
    world, _staff = setting
    monkeypatch.setattr(duplicates, "MAX_NEIGHBOURS", 2)
    alike = new(world, *TEXT)
    for _ in range(5):
        new(world, "Barabara mbovu", "Barabara ya mtaa wetu imeharibika kabisa.")
    ticket = new(world, "Bili kubwa ya maji", "Mita ya maji inasoma vibaya, bili ni kubwa.")
    assert [d.ticket.id for d in possible_duplicates(ticket)] == [alike.id]
    newer = [new(world, *TEXT) for _ in range(3)]
    assert {d.ticket.id for d in possible_duplicates(ticket)} == {newer[1].id, newer[2].id}
