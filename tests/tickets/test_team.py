"""The supervisor's team view: each officer's open, overdue and answered tickets and median first response, on a
known set of tickets, and who may read it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.helpers import log_in
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.tickets import actions
from wananchi.tickets.models import TicketType
from wananchi.tickets.services import submit_ticket
from wananchi.tickets.team import team_figures, week_start

DAR = ZoneInfo("Africa/Dar_es_Salaam")


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """An instant of March 2026 in Dar es Salaam (the calendar: Monday to Friday, 07:30 to 15:30)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=DAR).astimezone(dt.UTC)


NOW = at(11, 12)  # Wednesday 11 March 2026, noon


@pytest.fixture
def team(db):
    """Asha answered three tickets first (after 1, 3 and 2 working hours; two of them this week) and holds one
    overdue; Baraka asked for information on one (its clock paused); one ticket waits for anybody."""
    world = build_world()
    staff = build_staff(world)
    asha, baraka = staff.officer_a, staff.officer_a2

    def ticket(submitted: dt.datetime, **overrides):
        return submit_ticket(complaint(world, **overrides), now=submitted).ticket

    first = ticket(at(9, 8))
    actions.reply_to_citizen(first, "Jibu la kwanza", actor=asha, now=at(9, 9))
    second = ticket(at(9, 8))
    actions.reply_to_citizen(second, "Jibu la pili", actor=asha, now=at(9, 11))
    second_again = actions.reply_to_citizen(second, "Jibu jingine", actor=asha, now=at(10, 9))
    assert second_again is not None  # a second reply to the same ticket is one ticket answered
    last_week = ticket(at(6, 8))
    actions.reply_to_citizen(last_week, "Jibu la wiki iliyopita", actor=asha, now=at(6, 10))
    overdue = ticket(at(2, 8, month=2))
    actions.claim_ticket(overdue, actor=asha, now=at(2, 9, month=2))
    paused = ticket(at(9, 8))
    actions.request_information(paused, "Tafadhali tuma namba ya mita.", actor=baraka, now=at(9, 9))
    ticket(at(10, 8))  # nobody has it yet
    ticket(at(10, 8), type=TicketType.COMMENDATION)  # passed on, never chased: not counted
    db.session.commit()
    return world, staff


def test_the_figures_of_a_known_team(app, db, team):
    world, staff = team
    rows = {row.officer.name if row.officer else None: row for row in team_figures(world.agency, now=NOW)}
    asha, baraka = rows[staff.officer_a.name], rows[staff.officer_a2.name]
    assert (asha.open, asha.overdue, asha.answered_this_week) == (4, 1, 2)
    assert sorted(asha.first_response_minutes) == [60, 120, 180] and asha.median_hours == 2.0
    assert (baraka.open, baraka.overdue, baraka.answered_this_week) == (1, 0, 0)
    assert baraka.first_response_minutes == [60] and baraka.median_hours == 1.0
    supervisor = rows[staff.supervisor_a.name]
    assert (supervisor.open, supervisor.overdue, supervisor.answered_this_week, supervisor.median_hours) == (
        0,
        0,
        0,
        None,
    )
    nobody = rows[None]
    assert (nobody.open, nobody.overdue) == (1, 0)
    assert staff.officer_b.name not in rows  # another institution's officer
    assert week_start(NOW) == at(9, 0)


def test_the_supervisor_reads_the_team_view_from_the_dashboard(app, db, team):
    _world, staff = team
    client = app.test_client()
    with time_machine.travel(NOW, tick=False):
        assert log_in(client, staff.supervisor_a.email, PASSWORD).status_code == 303
        assert 'href="/afisa/timu"' in client.get("/afisa/").get_data(as_text=True)
        page = client.get("/afisa/timu").get_data(as_text=True)
    found = re.search(rf'<tr data-officer="{staff.officer_a.id}">(.*?)</tr>', page, re.S)
    assert found, page[:3000]
    row = found.group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert [re.sub(r"<.*?>", "", cell).strip() for cell in cells] == ["4", "1", "2", "2 (hoja 3)"]
    assert "Zilizochelewa" in page
    # The queue counts open commendations; the note says why this table does not.
    assert "Pongezi hazihesabiwi hapa: hufikishwa kwa wanaopongezwa, hazifuatiliwi kwa muda" in page
    client.get("/lugha/en")
    with time_machine.travel(NOW, tick=False):
        english = client.get("/afisa/timu").get_data(as_text=True)
    assert "Commendations are not counted here: they are passed on to those they praise, not chased" in english


@pytest.mark.parametrize("who", ["officer_a", "officer_b", "oversight_above_a", "admin"])
def test_only_the_institutions_supervisor_reads_it(app, db, team, who):
    _world, staff = team
    client = app.test_client()
    assert log_in(client, getattr(staff, who).email, PASSWORD).status_code == 303
    assert client.get("/afisa/timu").status_code == 404
    assert 'href="/afisa/timu"' not in client.get("/afisa/").get_data(as_text=True)
