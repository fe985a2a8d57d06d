"""The administration of working calendars, holidays and closures, and response targets, through HTTP."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.admin.test_admin_pages import count, entries, log_in, press, submit_form
from tests.world import World, complaint
from wananchi.core.errors import DomainError
from wananchi.institutions.models import Institution
from wananchi.sla import services as sla_services
from wananchi.sla.models import Calendar, CalendarDate, ResponseTarget
from wananchi.sla.services import ResponseTargetValues
from wananchi.tickets.models import Ticket, TicketType
from wananchi.tickets.services import submit_ticket

EAT = ZoneInfo("Africa/Dar_es_Salaam")
CHRISTMAS_EVE = dt.datetime(2026, 12, 24, 14, 0, tzinfo=EAT)  # a Thursday; Friday 25th and Saturday 26th are holidays


@pytest.fixture
def rows(db, world: World) -> tuple[Calendar, CalendarDate, ResponseTarget]:
    """A night-shift calendar, a closure of that calendar, and a target for the agency's complaints."""
    calendar = Calendar(
        name="Zamu ya usiku", timezone="Africa/Dar_es_Salaam", always_open=False, hours={"0": [["18:00", "24:00"]]}
    )
    closure = CalendarDate(calendar=calendar, day=dt.date(2026, 3, 2), is_working=False, note="Ukarabati")
    target = ResponseTarget(
        institution=world.agency, type=TicketType.COMPLAINT, first_response_days=1, resolution_days=10
    )
    db.session.add_all([calendar, closure, target])
    db.session.commit()
    return calendar, closure, target


@pytest.fixture
def page_urls(rows) -> list[str]:
    """Every page of this part of the administration, including the edit pages of existing rows."""
    calendar, closure, target = rows
    return [
        "/utawala/kalenda",
        "/utawala/kalenda/mpya",
        f"/utawala/kalenda/{calendar.id}",
        "/utawala/sikukuu",
        "/utawala/sikukuu?year=2026",
        "/utawala/sikukuu?year=99999",
        "/utawala/sikukuu/mpya",
        "/utawala/sikukuu/mpya?day=2026-03-21&is_working=open",
        f"/utawala/sikukuu/{closure.id}",
        "/utawala/malengo",
        "/utawala/malengo/mpya",
        f"/utawala/malengo/{target.id}",
    ]


def week(**overrides: str) -> dict[str, str]:
    """The calendar form's hours fields: Monday to Friday 07:30–15:30, with `overrides` (e.g. d0_from2="13:00")."""
    fields = {f"d{day}_{edge}{n}": "" for day in range(7) for edge in ("from", "to") for n in (1, 2)}
    for day in range(5):
        fields[f"d{day}_from1"], fields[f"d{day}_to1"] = "07:30", "15:30"
    return {**fields, **overrides}


def no_hours() -> dict[str, str]:
    """The calendar form's hours fields, all empty."""
    return {name: "" for name in week()}


def institution_fields(institution: Institution, **overrides: object) -> dict[str, object]:
    """The institution form as it stands, with `overrides` (e.g. a calendar)."""
    fields: dict[str, object] = {
        "name_sw": institution.name_sw,
        "name_en": institution.name_en,
        "short_name": institution.short_name or "",
        "slug": institution.slug,
        "kind": institution.kind.value,
        "parent": str(institution.parent_id or ""),
        "region": str(institution.region_id or ""),
        "district": str(institution.district_id or ""),
        "calendar": str(institution.calendar_id or ""),
        "is_active": "y",
    }
    return {**fields, **overrides}


def complaint_at(world: World, now: dt.datetime) -> Ticket:
    """A complaint about the agency's service, submitted at `now`."""
    return submit_ticket(complaint(world), now=now).ticket


# Who may open the pages


def test_every_page_renders_for_an_administrator(db, admin_client, page_urls):
    for url in page_urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert b"<h1>" in response.data
    menu = admin_client.get("/utawala/").get_data(as_text=True)
    for url in ("/utawala/kalenda", "/utawala/sikukuu", "/utawala/malengo"):
        assert f'href="{url}"' in menu


def test_an_officer_gets_404_and_a_visitor_is_sent_to_log_in(db, client, officer, rows, page_urls):
    for url in page_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/ingia" in response.headers["Location"]
    assert log_in(client, officer.email).status_code == 303
    for url in page_urls:
        assert client.get(url).status_code == 404, url
    _calendar, closure, target = rows
    assert press(client, "/akaunti", f"/utawala/sikukuu/{closure.id}/futa").status_code == 404
    assert press(client, "/akaunti", f"/utawala/malengo/{target.id}/futa").status_code == 404
    assert count(db, CalendarDate) == 1 and count(db, ResponseTarget) == 1


# Calendars


def test_a_calendar_is_added_with_a_break_and_recorded(db, world, admin_client, admin):
    response = submit_form(
        admin_client,
        "/utawala/kalenda/mpya",
        name="Ofisi ya Zanzibar",
        timezone="Africa/Dar_es_Salaam",
        **week(d0_to1="12:00", d0_from2="13:00", d0_to2="16:00", d5_from1="8:00", d5_to1="12:00"),
    )
    assert response.status_code == 303
    calendar = db.session.scalar(select(Calendar).where(Calendar.name == "Ofisi ya Zanzibar"))
    assert calendar is not None and not calendar.always_open
    assert calendar.hours["0"] == [["07:30", "12:00"], ["13:00", "16:00"]]
    assert calendar.hours["5"] == [["08:00", "12:00"]]
    assert calendar.hours["6"] == []
    [entry] = entries(db, "create_calendar")
    assert entry.actor_id == admin.id and entry.object_id == str(calendar.id)
    assert entry.changes["name"] == [None, "Ofisi ya Zanzibar"]
    assert entry.changes["hours"][1]["0"] == [["07:30", "12:00"], ["13:00", "16:00"]]
    listing = admin_client.get("/utawala/kalenda").get_data(as_text=True)
    assert "Ofisi ya Zanzibar" in listing and "13:00–16:00" in listing

    changed = submit_form(
        admin_client, f"/utawala/kalenda/{calendar.id}", name="Ofisi ya Zanzibar", timezone="Africa/Nairobi", **week()
    )
    assert changed.status_code == 303
    [update] = entries(db, "update_calendar")
    assert update.changes["timezone"] == ["Africa/Dar_es_Salaam", "Africa/Nairobi"]
    assert update.changes["hours"][1]["0"] == [["07:30", "15:30"]]
    assert "name" not in update.changes
    admin_client.get("/lugha/en?next=/utawala/")
    log = admin_client.get("/utawala/kumbukumbu").get_data(as_text=True)
    assert "Calendar added" in log and "Calendar changed" in log
    assert f'href="/utawala/kalenda/{calendar.id}"' in log


@pytest.mark.parametrize(
    ("fields", "marker"),
    [
        ({"name": "", **week()}, "name"),
        ({"timezone": "Africa/Atlantis", **week()}, "timezone"),
        ({"timezone": "../etc/passwd", **week()}, "timezone"),
        (week(d0_from1="7h30"), "d0_from1"),
        (week(d1_to1="25:00"), "d1_to1"),
        (week(d2_from1="24:00"), "d2_from1"),
        (week(d0_from1="15:30", d0_to1="07:30"), "d0_to1"),
        (week(d0_to1="12:00", d0_from2="11:00", d0_to2="15:30"), "d0_from2"),
        (week(d0_from2="16:00", d0_to2="17:00", d0_to1="18:00"), "d0_from2"),
        (week(d3_to1=""), "d3_to1"),
        (week(d3_from1=""), "d3_from1"),
        (week(d6_from2="08:00", d6_to2="12:00"), "d6_from2"),
        (no_hours(), "always_open"),
    ],
)
def test_a_calendar_with_bad_hours_comes_back_with_the_message(db, world, admin_client, fields, marker):
    response = submit_form(
        admin_client, "/utawala/kalenda/mpya", **{"name": "Kalenda", "timezone": "Africa/Dar_es_Salaam", **fields}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{marker}-error"' in page and 'class="error-summary"' in page
    assert count(db, Calendar) == 0
    assert entries(db, "create_calendar") == []


def test_each_wrong_time_is_named_in_the_summary(db, world, admin_client):
    response = submit_form(
        admin_client,
        "/utawala/kalenda/mpya",
        **{"name": "Kalenda", "timezone": "Africa/Dar_es_Salaam", **week(d1_to1="25:00", d4_from1="7h30")},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Jumanne: ofisi hufungwa saa — andika muda kwa mfumo HH:MM, kwa mfano 07:30." in page
    assert "Ijumaa: ofisi hufunguliwa saa — andika muda kwa mfumo HH:MM, kwa mfano 07:30." in page


def test_calendar_names_are_unique(db, world, admin_client, rows):
    response = submit_form(
        admin_client, "/utawala/kalenda/mpya", name="ZAMU YA USIKU", timezone="Africa/Dar_es_Salaam", **week()
    )
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert count(db, Calendar) == 1


def test_a_24_7_calendar_assigned_to_an_institution_moves_the_due_instant(db, world, admin_client, admin):
    before = complaint_at(world, CHRISTMAS_EVE)
    # Thursday 14:00–15:30, Monday 28th, then 6 h 30 on Tuesday 29th: Friday and Saturday are holidays.
    assert before.first_response_due_at == dt.datetime(2026, 12, 29, 14, 0, tzinfo=EAT)
    db.session.commit()

    saved = submit_form(
        admin_client,
        "/utawala/kalenda/mpya",
        name="Saa 24",
        timezone="Africa/Dar_es_Salaam",
        always_open="y",
        **no_hours(),
    )
    assert saved.status_code == 303
    calendar = db.session.scalar(select(Calendar).where(Calendar.name == "Saa 24"))
    assert calendar is not None and calendar.always_open
    assigned = submit_form(
        admin_client,
        f"/utawala/taasisi/{world.agency.id}",
        **institution_fields(world.agency, calendar=str(calendar.id)),
    )
    assert assigned.status_code == 303
    db.session.refresh(world.agency)
    assert world.agency.calendar_id == calendar.id
    [entry] = entries(db, "assign_calendar")
    assert entry.actor_id == admin.id and entry.object_type == "Institution"
    assert entry.changes == {"calendar": [None, "Saa 24"]}
    assert entries(db, "update_institution") == []
    listing = admin_client.get("/utawala/kalenda").get_data(as_text=True)
    assert "Dar es Salaam Water Supply and Sanitation Authority" in listing or "Mamlaka ya Majisafi" in listing

    after = complaint_at(world, CHRISTMAS_EVE)
    assert after.first_response_due_at == CHRISTMAS_EVE + dt.timedelta(days=2)  # around the clock, holidays too
    db.session.commit()

    back = submit_form(
        admin_client, f"/utawala/taasisi/{world.agency.id}", **institution_fields(world.agency, calendar="")
    )
    assert back.status_code == 303
    assert entries(db, "assign_calendar")[-1].changes == {"calendar": ["Saa 24", None]}
    assert complaint_at(world, CHRISTMAS_EVE).first_response_due_at == before.first_response_due_at


# Holidays and closures


def test_an_open_correction_on_a_holiday_makes_that_day_count(db, world, admin_client, admin):
    page = admin_client.get("/utawala/sikukuu?year=2026").get_data(as_text=True)
    assert "Kuzaliwa Kristo" in page and "Eid El-Fitri" in page

    response = submit_form(
        admin_client, "/utawala/sikukuu/mpya", day="2026-12-25", is_working="open", note="Ofisi zitafunguliwa"
    )
    assert response.status_code == 303
    assert "year=2026" in response.headers["Location"]
    row = db.session.scalar(select(CalendarDate))
    assert row is not None and row.calendar_id is None and row.is_working
    [entry] = entries(db, "create_calendar_date")
    assert entry.actor_id == admin.id
    assert entry.changes["day"] == [None, "2026-12-25"] and entry.changes["is_working"] == [None, True]
    assert entry.changes["note"] == [None, "Ofisi zitafunguliwa"]
    page = admin_client.get("/utawala/sikukuu?year=2026").get_data(as_text=True)
    assert "Ofisi zitafunguliwa" in page

    ticket = complaint_at(world, CHRISTMAS_EVE)
    # Thursday 14:00–15:30 and Friday 25th now count: 6 h 30 remain for Monday 28th.
    assert ticket.first_response_due_at == dt.datetime(2026, 12, 28, 14, 0, tzinfo=EAT)


def test_a_closure_is_changed_and_deleted_and_a_duplicate_day_refused(db, world, admin_client, admin, rows):
    calendar, closure, _target = rows
    duplicate = submit_form(
        admin_client, "/utawala/sikukuu/mpya", day="2026-03-02", is_working="closed", calendar=str(calendar.id)
    )
    assert duplicate.status_code == 422
    page = duplicate.get_data(as_text=True)
    assert 'id="day-error"' in page and 'class="error-summary"' in page
    assert count(db, CalendarDate) == 1

    everywhere = submit_form(admin_client, "/utawala/sikukuu/mpya", day="2026-03-02", is_working="closed")
    assert everywhere.status_code == 303  # the same day for all calendars is another entry
    again = submit_form(admin_client, "/utawala/sikukuu/mpya", day="2026-03-02", is_working="open")
    assert again.status_code == 422 and 'id="day-error"' in again.get_data(as_text=True)
    assert count(db, CalendarDate) == 2

    bad_date = submit_form(admin_client, "/utawala/sikukuu/mpya", day="2026-02-30", is_working="closed")
    assert bad_date.status_code == 422 and 'id="day-error"' in bad_date.get_data(as_text=True)
    unknown_calendar = submit_form(
        admin_client, "/utawala/sikukuu/mpya", day="2026-03-03", is_working="open", calendar="999999"
    )
    assert unknown_calendar.status_code == 422 and 'id="calendar-error"' in unknown_calendar.get_data(as_text=True)

    changed = submit_form(
        admin_client,
        f"/utawala/sikukuu/{closure.id}",
        day="2026-03-03",
        is_working="closed",
        note="Ukarabati wa jengo",
        calendar=str(calendar.id),
    )
    assert changed.status_code == 303
    [update] = entries(db, "update_calendar_date")
    assert update.changes == {"day": ["2026-03-02", "2026-03-03"], "note": ["Ukarabati", "Ukarabati wa jengo"]}

    deleted = press(admin_client, f"/utawala/sikukuu/{closure.id}", f"/utawala/sikukuu/{closure.id}/futa")
    assert deleted.status_code == 303
    [removal] = entries(db, "delete_calendar_date")
    assert removal.actor_id == admin.id
    assert removal.changes["calendar"] == ["Zamu ya usiku", None] and removal.changes["day"] == ["2026-03-03", None]
    assert count(db, CalendarDate) == 1


# Response targets


def test_the_targets_page_shows_the_defaults_then_the_administrators_targets(db, world, admin_client, rows):
    admin_client.get("/lugha/en?next=/utawala/malengo")
    page = admin_client.get("/utawala/malengo").get_data(as_text=True)
    assert "Suggestion" in page and "30 working days" in page
    assert "Dar es Salaam Water Supply and Sanitation Authority" in page and "10 working days" in page


def test_a_target_is_added_changed_deleted_and_recorded(db, world, admin_client, admin):
    created = submit_form(
        admin_client,
        "/utawala/malengo/mpya",
        institution=str(world.agency.id),
        type="complaint",
        first_response_days="1",
        resolution_days="3",
    )
    assert created.status_code == 303
    target = db.session.scalar(select(ResponseTarget))
    assert target is not None and target.category_id is None and target.type == TicketType.COMPLAINT
    [entry] = entries(db, "create_response_target")
    assert entry.actor_id == admin.id
    assert entry.changes == {
        "institution": [None, "dawasa"],
        "type": [None, "complaint"],
        "first_response_days": [None, 1],
        "resolution_days": [None, 3],
    }
    ticket = complaint_at(world, CHRISTMAS_EVE)
    assert ticket.first_response_due_at == dt.datetime(2026, 12, 28, 14, 0, tzinfo=EAT)  # one working day
    db.session.commit()

    changed = submit_form(
        admin_client,
        f"/utawala/malengo/{target.id}",
        institution=str(world.agency.id),
        category=str(world.national_service.id),
        type="complaint",
        first_response_days="1",
        resolution_days="5",
    )
    assert changed.status_code == 303
    [update] = entries(db, "update_response_target")
    assert update.changes == {"category": [None, "maji-bili"], "resolution_days": [3, 5]}

    deleted = press(admin_client, f"/utawala/malengo/{target.id}", f"/utawala/malengo/{target.id}/futa")
    assert deleted.status_code == 303
    [removal] = entries(db, "delete_response_target")
    assert removal.changes["institution"] == ["dawasa", None] and removal.changes["resolution_days"] == [5, None]
    assert count(db, ResponseTarget) == 0


@pytest.mark.parametrize(
    ("fields", "marker"),
    [
        ({"type": "complaint", "first_response_days": "5", "resolution_days": "2"}, "resolution_days"),
        ({"type": "complaint", "first_response_days": "0", "resolution_days": "2"}, "first_response_days"),
        ({"type": "complaint", "first_response_days": "2", "resolution_days": "366"}, "resolution_days"),
        ({"type": "complaint", "first_response_days": "dua", "resolution_days": "2"}, "first_response_days"),
        ({"type": "complaint", "first_response_days": "", "resolution_days": "2"}, "first_response_days"),
        ({"type": "hasira", "first_response_days": "1", "resolution_days": "2"}, "type"),
        ({"type": "", "first_response_days": "1", "resolution_days": "2"}, "institution"),
    ],
)
def test_an_invalid_target_comes_back_with_the_message(db, world, admin_client, fields, marker):
    response = submit_form(admin_client, "/utawala/malengo/mpya", **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{marker}-error"' in page and 'class="error-summary"' in page
    assert count(db, ResponseTarget) == 0
    assert entries(db, "create_response_target") == []


def test_an_empty_target_names_each_missing_number_of_days(db, world, admin_client):
    response = submit_form(admin_client, "/utawala/malengo/mpya", type="complaint")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # Two fields side by side: the summary says which one each message is about.
    assert "Andika idadi ya siku za kazi za kutoa jibu la kwanza." in page
    assert "Andika idadi ya siku za kazi za kutatua hoja." in page


def test_a_duplicate_combination_is_refused_with_empty_parts_counted_as_equal(db, world, admin_client, rows):
    fields = {"type": "question", "first_response_days": "1", "resolution_days": "2"}
    assert submit_form(admin_client, "/utawala/malengo/mpya", **fields).status_code == 303
    duplicate = submit_form(admin_client, "/utawala/malengo/mpya", **fields)
    assert duplicate.status_code == 422
    assert 'id="institution-error"' in duplicate.get_data(as_text=True)
    _calendar, _closure, target = rows
    same_as_existing = submit_form(
        admin_client,
        "/utawala/malengo/mpya",
        institution=str(world.agency.id),
        type="complaint",
        first_response_days="3",
        resolution_days="4",
    )
    assert same_as_existing.status_code == 422
    itself = submit_form(
        admin_client,
        f"/utawala/malengo/{target.id}",
        institution=str(world.agency.id),
        type="complaint",
        first_response_days="3",
        resolution_days="4",
    )
    assert itself.status_code == 303  # changing a target's days is not a duplicate of itself
    assert count(db, ResponseTarget) == 2


def test_the_service_refuses_a_duplicate_combination_before_the_database(db, world, admin):
    values = ResponseTargetValues(
        institution=None, category=world.national_service, type=None, first_response_days=2, resolution_days=4
    )
    sla_services.create_response_target(values, actor=admin)
    with pytest.raises(DomainError) as caught:
        sla_services.create_response_target(values, actor=admin)
    assert caught.value.field == "institution"
    assert len(entries(db, "create_response_target")) == 1
