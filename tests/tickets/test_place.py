"""Where the problem is: a place below the district (required for council services), the coordinates a citizen
chose to share, shown to officers with a map link; the JSON API and Open311 fill the same fields."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import log_in, post_submission
from tests.world import PASSWORD, build_staff, build_world
from wananchi.tickets.models import Ticket

COUNCIL = {"category": "usafi-taka", "district": "dodoma-jiji"}


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def only_ticket(db) -> Ticket:
    db.session.expire_all()
    [ticket] = db.session.scalars(select(Ticket)).all()
    return ticket


def test_a_council_service_needs_the_place_and_the_form_says_so(client, world, db):
    page = client.get("/wasilisha").get_data(as_text=True)
    assert "Mtaa / Kijiji, Kata" in page and "(inahitajika kwa huduma za halmashauri)" in page
    refused = post_submission(client, **COUNCIL, place="  ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and db.session.scalar(select(Ticket.id)) is None
    assert 'href="#place"' in html and "Andika mtaa au kijiji, na kata, mahali lilipo tatizo." in html
    assert post_submission(client, **COUNCIL, place="Mtaa wa Kisasa, Kata ya Nzuguni").status_code == 303
    ticket = only_ticket(db)
    assert (ticket.place, ticket.latitude, ticket.longitude) == ("Mtaa wa Kisasa, Kata ya Nzuguni", None, None)


def test_a_national_service_takes_the_place_when_given_and_goes_without(client, world, db):
    assert post_submission(client, place="").status_code == 303
    assert only_ticket(db).place is None


def test_the_location_a_phone_gave_is_kept_and_anything_else_left_out(client, world, db):
    sent = post_submission(client, **COUNCIL, latitude="-6.1731234", longitude="35.7419")
    assert sent.status_code == 303
    ticket = only_ticket(db)
    assert (ticket.latitude, ticket.longitude) == (-6.173123, 35.7419)
    for latitude, longitude in (
        ("91", "35"),
        ("-6.1", ""),
        ("nan", "inf"),
        ("1e999", "2"),
        ("x", "y"),
        ("-6.1", "35\x00"),
    ):
        response = post_submission(
            client, **COUNCIL, subject=f"Mahali {latitude!r}", latitude=latitude, longitude=longitude
        )
        assert response.status_code in (303, 400)
    db.session.expire_all()
    assert [(t.latitude, t.longitude) for t in db.session.scalars(select(Ticket).order_by(Ticket.id))][1:] == [
        (None, None)
    ] * 5


def test_officers_see_the_place_and_a_map_link_when_coordinates_were_given(client, world, db, app):
    staff = build_staff(world)
    db.session.commit()
    assert post_submission(client, **COUNCIL, latitude="-6.1731", longitude="35.7419").status_code == 303
    assert post_submission(client, **COUNCIL, subject="Bila mahali pa simu").status_code == 303
    with_map, without_map = db.session.scalars(select(Ticket.reference).order_by(Ticket.id)).all()

    officer = app.test_client()
    assert log_in(officer, staff.officer_b.email, PASSWORD).status_code == 303
    page = officer.get(f"/afisa/hoja/{with_map}").get_data(as_text=True)
    assert "Mtaa wa Kisasa, Kata ya Nzuguni" in page
    assert 'href="https://www.openstreetmap.org/?mlat=-6.173100&amp;mlon=35.741900#map=17/-6.173100/35.741900"' in page
    assert 'rel="noopener noreferrer"' in page
    page = officer.get(f"/afisa/hoja/{without_map}").get_data(as_text=True)
    assert "Mtaa wa Kisasa, Kata ya Nzuguni" in page and "openstreetmap" not in page


def test_the_json_api_takes_the_place_and_coordinates_together(client, world, db):
    body = {
        "type": "complaint",
        "category": "usafi-taka",
        "district": "dodoma-jiji",
        "subject": "Bomba limepasuka",
        "description": "Bomba la maji limepasuka barabarani tangu jana asubuhi.",
        "identity": "anonymous",
        "place": "Mtaa wa Kisasa, Kata ya Nzuguni",
    }
    apart = client.post("/api/v1/tickets", json={**body, "latitude": -6.17})
    assert apart.status_code == 422 and "longitude" in apart.get_json()["errors"]
    assert client.post("/api/v1/tickets", json={**body, "latitude": 200, "longitude": 35}).status_code == 422
    assert client.post("/api/v1/tickets", json={**body, "latitude": -6.17, "longitude": 35.74}).status_code == 201
    ticket = only_ticket(db)
    assert (ticket.place, ticket.latitude, ticket.longitude) == ("Mtaa wa Kisasa, Kata ya Nzuguni", -6.17, 35.74)
