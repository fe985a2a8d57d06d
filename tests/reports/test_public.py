"""The public statistics: no personal data, no ticket text; institutions ranked fairly on every ticket that fell due,
only from 10 such tickets, ties as ties; open and overdue counts published; the figures as open data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from tests.factories import InstitutionFactory
from tests.reports.data import NOW, due_ticket, reference_figures, seed_tickets
from tests.reports.test_pages import page_tables
from tests.world import build_staff, build_world
from wananchi.reports.periods import preset_period
from wananchi.reports.public import RANK_MINIMUM
from wananchi.tickets.models import Identity, Ticket, TicketStatus, TicketType

NAMES = ["Asha Mwakalinga", "Baraka Kisanga", "Neema Sululu"]
EMAILS = ["asha.mwakalinga@example.co.tz", "baraka@example.co.tz", "neema.s@example.co.tz"]
PHONES = ["+255712345678", "+255754000111", "+255688222333"]
SUBJECT = "Siri ya ndani kabisa ya mwananchi"
YEAR = preset_period("year", NOW)


@pytest.fixture
def public_setting(db):  # type: ignore[no-untyped-def]
    world = build_world()
    staff = build_staff(world)
    rows, moves = seed_tickets(world, count=60, subject=SUBJECT)
    for number, ticket in enumerate(db.session.query(Ticket).order_by(Ticket.id)):
        ticket.identity = Identity.NAMED
        ticket.citizen_name = NAMES[number % 3]
        ticket.citizen_email = EMAILS[number % 3]
        ticket.citizen_phone = PHONES[number % 3]
        ticket.commended_to = NAMES[(number + 1) % 3]
        ticket.satisfaction_comment = SUBJECT
    db.session.commit()
    return world, staff, rows, moves


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _open_data(client, prefix: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every open-data file a public page links to, as text."""
    urls = [f"{prefix}takwimu.json", f"{prefix}miezi.csv"] + ([f"{prefix}taasisi.csv"] if prefix == "/takwimu/" else [])
    files = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert url in client.get(prefix.rstrip("/") if prefix != "/takwimu/" else prefix).get_data(as_text=True)
        files.append(response.get_data(as_text=True))
    return files


def test_the_public_pages_and_their_open_data_show_nothing_personal(client, public_setting):
    world, staff, _rows, _moves = public_setting
    staff_details = [value for user in vars(staff).values() for value in (user.name, user.email)]
    pages = [client.get("/takwimu/")] + [client.get(f"/takwimu/{i.slug}") for i in (world.agency, world.council)]
    texts = [page.get_data(as_text=True) for page in pages]
    for prefix in ("/takwimu/", f"/takwimu/{world.agency.slug}/"):
        texts += _open_data(client, prefix)
    for page in pages:
        assert page.status_code == 200
    for text in texts:
        for secret in [*NAMES, *EMAILS, *PHONES, SUBJECT, *staff_details]:
            assert secret not in text
        assert "WN-2026-" not in text


def test_only_institutions_with_enough_tickets_due_are_ranked(client, public_setting):
    world, _staff, rows, moves = public_setting
    tables = page_tables(client.get("/takwimu/").get_data(as_text=True))
    institutions = [
        world.agency,
        world.council,
        world.region_office,
        world.ministry,
        world.triage,
        world.national,
        world.tamisemi,
    ]
    expected = {i.name_sw: reference_figures(rows, moves, {i.id}, YEAR, NOW) for i in institutions}
    ranked = {row[1]: row for row in tables["ranking"][1:]}
    unranked = {row[0]: row for row in tables["unranked"][1:]}
    assert ranked
    assert set(ranked) == {name for name, figures in expected.items() if figures.fell_due >= RANK_MINIMUM}
    assert set(unranked) == {name for name, figures in expected.items() if figures.fell_due < RANK_MINIMUM}
    for name, row in ranked.items():
        figures = expected[name]
        assert row[4] == str(figures.fell_due)
        assert float(row[5]) == round(100 * figures.fell_due_on_time / figures.fell_due, 1)
        assert row[-2:] == [str(figures.open), str(figures.overdue)]
    for name, row in unranked.items():
        assert row[-2:] == [str(expected[name].open), str(expected[name].overdue)]
    total = reference_figures(rows, moves, {i.id for i in institutions}, YEAR, NOW)
    assert sum(int(row[1].replace(",", "")) for row in tables["months"][1:]) == total.received
    assert sum(int(row[3].replace(",", "")) for row in tables["months"][1:]) == total.fell_due
    assert len(tables["months"]) == 13


@pytest.fixture
def unfair_setting(db):  # type: ignore[no-untyped-def]
    """Four institutions under the ministry, with what fell due in the last 12 months:

    - "chache": 2 resolved on time and 10 still open past due (the old page ranked it first: 2 of 2 resolved on
      time), plus 4 commendations past due, which are never late;
    - "bora" and "sawa": 9 of 12 on time, 3 resolved late: tied;
    - "kati": 6 of 10 on time, 4 still open past due;
    - "ndogo": 9 tickets due, all on time: too few to rank.
    """
    world = build_world()
    names = ("chache", "bora", "sawa", "kati", "ndogo")
    made = {
        name: InstitutionFactory(slug=name, parent=world.ministry, name_sw=f"Taasisi {name}", name_en=name)
        for name in names
    }
    due = NOW - dt.timedelta(days=20)

    def tickets(name: str, on_time: int, late: int, open_late: int) -> None:
        for _n in range(on_time):
            due_ticket(made[name].id, due, resolved=due - dt.timedelta(days=1))
        for _n in range(late):
            due_ticket(made[name].id, due, resolved=due + dt.timedelta(days=3))
        for _n in range(open_late):
            due_ticket(made[name].id, due)

    tickets("chache", 2, 0, 10)
    for _n in range(4):
        due_ticket(made["chache"].id, due, type=TicketType.COMMENDATION)
    tickets("bora", 9, 3, 0)
    tickets("sawa", 9, 3, 0)
    tickets("kati", 6, 0, 4)
    tickets("ndogo", 9, 0, 0)
    # Awaiting the citizen since before its due time: its due time moves on when they answer, so it is not late.
    due_ticket(made["kati"].id, due, status=TicketStatus.AWAITING_CITIZEN, paused=due - dt.timedelta(days=2))
    # Awaiting the citizen, but asked only once it was already late: late.
    due_ticket(made["kati"].id, due, status=TicketStatus.AWAITING_CITIZEN, paused=due + dt.timedelta(days=2))
    db.session.commit()
    return made


def test_an_institution_that_leaves_tickets_open_past_due_ranks_low(client, unfair_setting):
    tables = page_tables(client.get("/takwimu/").get_data(as_text=True))
    ranking = [(row[0], row[1], row[4], row[5], row[-2], row[-1]) for row in tables["ranking"][1:]]
    assert ranking == [
        ("=1", "Taasisi bora", "12", "75", "0", "0"),
        ("=1", "Taasisi sawa", "12", "75", "0", "0"),
        ("3", "Taasisi kati", "11", "54.5", "6", "4"),
        ("4", "Taasisi chache", "12", "16.7", "14", "10"),
    ]
    unranked = {row[0]: row for row in tables["unranked"][1:]}
    assert unranked["Taasisi ndogo"][3:5] == ["9", "100"]
    document = client.get("/takwimu/takwimu.json").get_json()
    by_slug = {entry["slug"]: entry for entry in document["institutions"]}
    assert (by_slug["bora"]["rank"], by_slug["bora"]["tied"]) == (1, True)
    assert (by_slug["chache"]["rank"], by_slug["chache"]["tied"]) == (4, False)
    assert by_slug["chache"] == {
        "slug": "chache",
        "name_sw": "Taasisi chache",
        "name_en": "chache",
        "rank": 4,
        "tied": False,
        "received": 16,
        "resolved": 2,
        "fell_due": 12,
        "on_time": 2,
        "on_time_percent": 16.7,
        "median_first_response_hours": None,
        "open_now": 14,
        "overdue_now": 10,
    }
    assert by_slug["ndogo"]["rank"] is None
    assert document["rank_minimum_fell_due"] == RANK_MINIMUM == 10


def test_the_open_data_carries_the_figures_of_the_page(client, unfair_setting):
    page = page_tables(client.get("/takwimu/").get_data(as_text=True))
    institutions = list(csv.DictReader(io.StringIO(client.get("/takwimu/taasisi.csv").get_data(as_text=True)[1:])))
    assert [(row["slug"], row["rank"], row["tied"]) for row in institutions[:4]] == [
        ("bora", "1", "true"),
        ("sawa", "1", "true"),
        ("kati", "3", "false"),
        ("chache", "4", "false"),
    ]
    months = list(csv.DictReader(io.StringIO(client.get("/takwimu/miezi.csv").get_data(as_text=True)[1:])))
    assert [row["month"] for row in months] == [f"{m:%Y-%m}" for m in _months(YEAR.first, YEAR.last)]
    assert [row["fell_due"] for row in months] == [row[3] for row in page["months"][1:]]
    document = client.get("/takwimu/takwimu.json").get_json()
    assert document["period"] == {"first": YEAR.first.isoformat(), "last": YEAR.last.isoformat()}
    assert document["total"]["fell_due"] == sum(int(row["fell_due"]) for row in months) == 56
    one = client.get("/takwimu/chache/takwimu.json").get_json()
    assert one["institution"]["slug"] == "chache" and "institutions" not in one
    assert one["total"]["overdue_now"] == 10
    assert client.get("/takwimu/hakuna/takwimu.json").status_code == 404


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def test_the_page_draws_the_months_that_fell_due(client, unfair_setting):
    html = client.get("/takwimu/").get_data(as_text=True)
    assert '<svg class="chart" id="chart-due"' in html and "<script" not in html


def test_months_are_named_in_the_page_language(client, public_setting):
    swahili = page_tables(client.get("/takwimu/").get_data(as_text=True))
    client.set_cookie("lugha", "en")
    english = page_tables(client.get("/takwimu/").get_data(as_text=True))
    assert [row[0] for row in swahili["months"][-2:]] == ["Oktoba 2026", "Novemba 2026"]
    assert [row[0] for row in english["months"][-2:]] == ["October 2026", "November 2026"]


def test_an_unknown_institution_is_not_found(client, db):
    assert client.get("/takwimu/hakuna").status_code == 404
    assert client.get("/takwimu/hakuna/miezi.csv").status_code == 404
