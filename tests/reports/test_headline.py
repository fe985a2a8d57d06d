"""A report's first screen: overdue now and the oldest open ticket, then each headline figure with its target, the
previous period's value, an arrow and a red, amber or green state; too few tickets are greyed, not judged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from flask_babel import force_locale

from tests.helpers import log_in
from tests.reports.data import NOW, due_ticket
from tests.reports.test_pages import TableReader
from tests.world import PASSWORD, build_staff, build_world
from wananchi.reports.headline import (
    State,
    TargetDays,
    _of_fell_due,
    _of_first_responses,
    _of_resolved,
    share_state,
    target_days,
    time_state,
)
from wananchi.sla.days import working_day_number
from wananchi.sla.models import ResponseTarget
from wananchi.tickets.models import Ticket, TicketType

DAY = 480  # working minutes in a day of the standard week


def test_a_share_is_green_from_the_target_amber_above_the_second_threshold_red_below():
    assert share_state(90.0, 20, 90, 75) == State.GREEN
    assert share_state(89.9, 20, 90, 75) == State.AMBER
    assert share_state(75.0, 20, 90, 75) == State.AMBER
    assert share_state(74.9, 20, 90, 75) == State.RED
    assert share_state(100.0, 4, 90, 75) == State.FEW  # 4 tickets say little
    assert share_state(None, 0, 90, 75) == State.NONE


def test_nine_in_ten_is_green_within_the_shortest_target_amber_within_the_longest():
    days = (2, 5)
    assert time_state(2 * DAY, 5, days, DAY) == State.GREEN
    assert time_state(2 * DAY + 1, 5, days, DAY) == State.AMBER
    assert time_state(5 * DAY, 5, days, DAY) == State.AMBER
    assert time_state(5 * DAY + 1, 5, days, DAY) == State.RED
    assert time_state(60, 3, days, DAY) == State.FEW
    assert time_state(None, 0, days, DAY) == State.NONE


def test_the_targets_in_force_come_from_the_defaults_and_the_administrators_rows(db):
    world = build_world()
    assert target_days([world.agency.id]) == TargetDays((2, 5), (5, 30))
    db.session.add_all(
        [
            ResponseTarget(institution_id=world.agency.id, first_response_days=1, resolution_days=3),
            ResponseTarget(institution_id=world.council.id, first_response_days=10, resolution_days=60),
            ResponseTarget(type=TicketType.SUGGESTION, first_response_days=4, resolution_days=20),
        ]
    )
    db.session.flush()
    assert target_days([world.agency.id]) == TargetDays((1, 1), (3, 3))  # its own row beats every default
    assert target_days([world.ministry.id]) == TargetDays((2, 5), (5, 20))  # suggestions: 20 days everywhere
    assert target_days([world.agency.id, world.council.id]) == TargetDays((1, 10), (3, 60))


@pytest.fixture
def manager(db, client):  # type: ignore[no-untyped-def]
    """The agency with what fell due this month and the same days of last month, and its supervisor logged in."""
    world = build_world()
    staff = build_staff(world)
    this_month, last_month = NOW - dt.timedelta(days=2), NOW - dt.timedelta(days=33)
    for _n in range(8):
        due_ticket(world.agency.id, this_month, resolved=this_month - dt.timedelta(hours=2))
    for _n in range(2):
        due_ticket(world.agency.id, this_month)  # open past due: overdue now
    for _n in range(3):
        due_ticket(world.agency.id, last_month, resolved=last_month - dt.timedelta(hours=2))
    for _n in range(3):
        due_ticket(world.agency.id, last_month, resolved=last_month + dt.timedelta(days=1))
    oldest = db.session.query(Ticket).filter(Ticket.resolved_at.is_(None)).order_by(Ticket.id).first()
    oldest.created_at = NOW - dt.timedelta(days=40)
    oldest.submitted_day -= 17
    for ticket in db.session.query(Ticket).filter(Ticket.resolved_at.is_not(None)):
        ticket.first_response_at = ticket.created_at + dt.timedelta(hours=3)
        ticket.first_response_due_at = ticket.created_at + dt.timedelta(days=2)
        ticket.first_response_minutes = 3 * 60
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        log_in(client, staff.supervisor_a.email, PASSWORD)
        yield world


def _tile(html: str, key: str) -> str:
    found = re.search(rf'<li class="tile ([^"]*)" id="tile-{key}">(.*?)</li>', html, re.S)
    assert found, key
    return found.group(1) + " " + " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def test_the_first_screen_leads_with_overdue_then_targets_and_trends(client, manager, db):
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/ripoti/taasisi/{manager.agency.id}?period=month").get_data(as_text=True)
    assert (
        html.index('id="overdue-now"')
        < html.index('id="tile-first_response_share"')
        < html.index('class="filters period-form"')
    )
    overdue = re.search(r'id="overdue-now">(.*?)</div>', html, re.S)
    assert overdue
    text = " ".join(re.sub(r"<[^>]+>", " ", overdue.group(1)).split())
    assert text.startswith("2 Zilizochelewa sasa")
    oldest = db.session.query(Ticket).filter(Ticket.resolved_at.is_(None)).order_by(Ticket.created_at).first()
    age = working_day_number(NOW) - oldest.submitted_day
    assert age > 20 and f"Hoja iliyo wazi ya zamani zaidi iliwasilishwa siku {age} za kazi zilizopita." in text
    on_time = _tile(html, "on_time_share")
    assert on_time.startswith("state-amber")  # 8 of 10 on time: 80 %, between 75 % and 90 %
    assert "Zilizotatuliwa kwa wakati 80%" in on_time and "kati ya hoja 10 zilizopaswa kutatuliwa" in on_time
    assert "Lengo: angalau 90% (njano kuanzia 75%)" in on_time
    assert "Imepanda: awali 50%" in on_time
    p90 = _tile(html, "first_response_p90")
    assert "Hoja 9 kati ya 10 zilijibiwa ndani ya saa 3 za kazi" in p90
    assert "Lengo: siku 2 hadi 5 za kazi, kulingana na aina ya hoja" in p90
    assert "Kijani: lengo limefikiwa" in p90
    assert "asilimia 90" not in html.lower() and "percentile" not in html


@pytest.mark.parametrize(("green", "amber", "state"), [(90, 75, "amber"), (80, 70, "green"), (95, 85, "red")])
def test_the_thresholds_are_configurable_and_stated(client, manager, app, monkeypatch, green, amber, state):
    monkeypatch.setitem(app.config, "REPORT_SHARE_GREEN", green)
    monkeypatch.setitem(app.config, "REPORT_SHARE_AMBER", amber)
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/ripoti/taasisi/{manager.agency.id}?period=month").get_data(as_text=True)
    assert _tile(html, "on_time_share").startswith(f"state-{state}")
    assert f"Kijani: sehemu ya angalau {green}%," in html and f"Njano: kuanzia {amber}%," in html


def test_a_figure_from_fewer_than_five_tickets_is_greyed_with_its_number(client, manager, db):
    answered = db.session.query(Ticket).filter(Ticket.first_response_at >= NOW - dt.timedelta(days=30))
    for ticket in answered.order_by(Ticket.id).offset(3):
        ticket.first_response_at = ticket.first_response_minutes = None
    db.session.commit()
    with time_machine.travel(NOW, tick=False):
        html = client.get(f"/ripoti/taasisi/{manager.agency.id}?period=month").get_data(as_text=True)
    first = _tile(html, "first_response_share")
    assert first.startswith("state-few few") and "Hoja chache mno kupima" in first
    assert "kati ya majibu 3 ya kwanza" in first
    reader = TableReader()
    reader.feed(html)
    summary = reader.tables["summary"]
    row = next(n for n, cells in enumerate(summary) if cells[0] == "Zilizojibiwa ndani ya lengo la muda (%)")
    assert summary[row][1] == "100" and reader.notes["summary", row, 1] == "(hoja 3)"
    assert 'class="num few"' in html
    assert ("summary", row - 1, 1) not in reader.notes  # a count is never greyed


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("sw", 1, ["kati ya jibu 1 la kwanza", "kati ya hoja 1 iliyopaswa kutatuliwa", "kati ya hoja 1 iliyotatuliwa"]),
        (
            "sw",
            1200,
            [
                "kati ya majibu 1,200 ya kwanza",
                "kati ya hoja 1,200 zilizopaswa kutatuliwa",
                "kati ya hoja 1,200 zilizotatuliwa",
            ],
        ),
        ("en", 1, ["of 1 first response", "of 1 ticket that fell due", "of 1 resolved ticket"]),
        ("en", 4, ["of 4 first responses", "of 4 tickets that fell due", "of 4 resolved tickets"]),
    ],
)
def test_what_a_figure_was_drawn_from_agrees_with_its_count(app, language, count, expected):
    with app.test_request_context(), force_locale(language):
        assert [_of_first_responses(count), _of_fell_due(count), _of_resolved(count)] == expected
