"""The public statistics: no personal data, no ticket text, ranking only from 10 tickets in the period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.reports.data import NOW, seed_tickets
from tests.reports.test_pages import page_tables
from tests.world import build_staff, build_world
from wananchi.reports.public import RANK_MINIMUM
from wananchi.tickets.models import Identity, Ticket

NAMES = ["Asha Mwakalinga", "Baraka Kisanga", "Neema Sululu"]
EMAILS = ["asha.mwakalinga@example.co.tz", "baraka@example.co.tz", "neema.s@example.co.tz"]
PHONES = ["+255712345678", "+255754000111", "+255688222333"]
SUBJECT = "Siri ya ndani kabisa ya mwananchi"


@pytest.fixture
def public_setting(db):  # type: ignore[no-untyped-def]
    world = build_world()
    staff = build_staff(world)
    seed_tickets(world, count=60, subject=SUBJECT)
    for number, ticket in enumerate(db.session.query(Ticket).order_by(Ticket.id)):
        ticket.identity = Identity.NAMED
        ticket.citizen_name = NAMES[number % 3]
        ticket.citizen_email = EMAILS[number % 3]
        ticket.citizen_phone = PHONES[number % 3]
        ticket.commended_to = NAMES[(number + 1) % 3]
        ticket.satisfaction_comment = SUBJECT
    db.session.commit()
    return world, staff


def test_the_public_pages_show_nothing_personal(client, public_setting):
    world, staff = public_setting
    staff_details = [value for user in vars(staff).values() for value in (user.name, user.email)]
    with time_machine.travel(NOW, tick=False):
        pages = [client.get("/takwimu/")] + [client.get(f"/takwimu/{i.slug}") for i in (world.agency, world.council)]
    for page in pages:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        for secret in [*NAMES, *EMAILS, *PHONES, SUBJECT, *staff_details]:
            assert secret not in html
        assert "WN-2026-" not in html


def test_only_institutions_with_enough_tickets_are_ranked(client, public_setting, db):
    world, _staff = public_setting
    with time_machine.travel(NOW, tick=False):
        html = client.get("/takwimu/").get_data(as_text=True)
    tables = page_tables(
        html.replace('id="ranking"', 'data-table="ranking" id="ranking"').replace(
            'id="months"', 'data-table="months" id="months"'
        )
    )
    start = dt.datetime(NOW.year - 1, NOW.month % 12 + 1, 1, tzinfo=dt.UTC) - dt.timedelta(hours=3)
    counts = {}
    for ticket in db.session.query(Ticket):
        if ticket.created_at >= start:
            counts[ticket.institution_id] = counts.get(ticket.institution_id, 0) + 1
    institutions = {
        i.name_sw: i.id
        for i in (
            world.agency,
            world.council,
            world.region_office,
            world.ministry,
            world.triage,
            world.national,
            world.tamisemi,
        )
    }
    ranked = [row[1] for row in tables["ranking"][1:]]
    assert ranked
    assert {name for name in ranked} == {name for name, i in institutions.items() if counts.get(i, 0) >= RANK_MINIMUM}
    assert sum(int(row[1].replace(",", "")) for row in tables["months"][1:]) == sum(counts.values())
    assert len(tables["months"]) == 13


def test_months_are_named_in_the_page_language(client, public_setting):
    with time_machine.travel(NOW, tick=False):
        swahili = page_tables(client.get("/takwimu/").get_data(as_text=True).replace('id="months"', 'data-table="m"'))
        client.set_cookie("lugha", "en")
        english = page_tables(client.get("/takwimu/").get_data(as_text=True).replace('id="months"', 'data-table="m"'))
    assert [row[0] for row in swahili["m"][-2:]] == ["Oktoba 2026", "Novemba 2026"]
    assert [row[0] for row in english["m"][-2:]] == ["October 2026", "November 2026"]


def test_an_unknown_institution_is_not_found(client, db):
    assert client.get("/takwimu/hakuna").status_code == 404
