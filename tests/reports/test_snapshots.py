"""Report snapshots: slow reports are kept a few minutes with the instant they were counted, then recomputed."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
import time_machine
from sqlalchemy import func, select

from tests.helpers import log_in
from tests.reports.data import NOW, seed_tickets
from tests.reports.test_pages import page_tables, same
from tests.world import PASSWORD, build_staff, build_world
from wananchi.reports.models import ReportSnapshot
from wananchi.reports.periods import Period, preset_period
from wananchi.reports.snapshots import (
    compute,
    node_scope,
    public_scope,
    refresh_snapshots,
    report_from_json,
    report_to_json,
    served_report,
    totals_scope,
)
from wananchi.reports.tasks import refresh_report_snapshots
from wananchi.tickets.models import Ticket

YEAR = preset_period("year", NOW)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    built = build_world()
    seed_tickets(built, count=120)
    db.session.commit()
    return built


@pytest.fixture
def always_stored(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Every report counts as slow: each one computed is stored."""
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_MS", 0)


def _snapshots(db) -> list[ReportSnapshot]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(ReportSnapshot).order_by(ReportSnapshot.scope, ReportSnapshot.first)))


def _move_a_ticket(db, world) -> None:  # type: ignore[no-untyped-def]
    """Change the figures: one of the agency's tickets this year goes to the council."""
    ticket = db.session.scalars(
        select(Ticket).where(Ticket.institution_id == world.agency.id, Ticket.created_at >= YEAR.start)
    ).first()
    ticket.institution_id = world.council.id
    db.session.commit()


@pytest.mark.parametrize("scope", ["node", "public", "public:institution"])
def test_a_report_survives_its_json_unchanged(world, scope):
    name = {
        "node": node_scope(world.national.id),
        "public": public_scope(),
        "public:institution": public_scope(world.agency.id),
    }[scope]
    report = compute(name, YEAR, NOW)
    assert report.total.received > 0
    assert report_from_json(report_to_json(report)) == report


def test_a_quick_report_is_never_stored(world, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_MS", 60_000)
    served = served_report(node_scope(world.national.id), YEAR, now=NOW)
    assert not served.from_snapshot and served.computed_at == NOW
    assert served.report == compute(node_scope(world.national.id), YEAR, NOW)
    assert _snapshots(db) == []


def test_a_slow_report_is_served_from_its_snapshot_until_it_expires(world, db, app, always_stored):
    scope = node_scope(world.national.id)
    first = served_report(scope, YEAR, now=NOW)
    db.session.commit()
    [stored] = _snapshots(db)
    assert (stored.scope, stored.preset, stored.first, stored.last) == (scope, "year", YEAR.first, YEAR.last)
    _move_a_ticket(db, world)
    later = NOW + dt.timedelta(minutes=10)
    again = served_report(scope, YEAR, now=later)
    assert again.from_snapshot and again.computed_at == NOW
    assert again.report == first.report  # the figures as counted at NOW, though a ticket moved since
    expired = NOW + dt.timedelta(seconds=app.config["REPORT_SNAPSHOT_MAX_AGE"] + 1)
    fresh = served_report(scope, YEAR, now=expired)
    assert not fresh.from_snapshot and fresh.computed_at == expired
    assert fresh.report == compute(scope, YEAR, expired)
    assert (
        fresh.report.institutions[world.council.id].received == first.report.institutions[world.council.id].received + 1
    )
    db.session.commit()
    [replaced] = _snapshots(db)
    assert replaced.computed_at == expired and report_from_json(replaced.payload) == fresh.report


def test_the_same_dates_asked_as_a_range_are_served_with_the_range(world, db, always_stored):
    scope = node_scope(world.national.id)
    served_report(scope, YEAR, now=NOW)
    as_range = Period(YEAR.first, YEAR.last)
    served = served_report(scope, as_range, now=NOW + dt.timedelta(minutes=1))
    assert served.from_snapshot and served.report.period == as_range


def test_the_worker_keeps_read_snapshots_fresh_and_forgets_old_ones(world, db, app, always_stored):
    scope = node_scope(world.national.id)
    old_range = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    served_report(scope, YEAR, now=NOW)
    served_report(scope, old_range, now=NOW - dt.timedelta(days=8))
    db.session.commit()
    _move_a_ticket(db, world)

    soon = NOW + dt.timedelta(minutes=2)
    computed = refresh_snapshots(db.session.commit, now=soon)
    assert computed == 1  # the public country page only: the node's snapshot is still young
    assert [(s.scope, s.first) for s in _snapshots(db)] == [(scope, YEAR.first), (public_scope(), YEAR.first)]

    later = NOW + dt.timedelta(seconds=app.config["REPORT_SNAPSHOT_MAX_AGE"] // 2 + 1)
    assert refresh_snapshots(db.session.commit, now=later) == 1  # the node's, half its life gone
    refreshed = {s.scope: s for s in _snapshots(db)}[scope]
    assert refreshed.computed_at == later
    assert report_from_json(refreshed.payload) == compute(scope, YEAR, later)


def test_a_preset_snapshot_moves_on_with_the_calendar(world, db, always_stored):
    scope = node_scope(world.national.id)
    month = preset_period("month", NOW)
    served_report(scope, month, now=NOW)
    db.session.commit()
    tomorrow = NOW + dt.timedelta(days=1)
    refresh_snapshots(db.session.commit, now=tomorrow)
    rows = [(s.scope, s.preset, s.first, s.last) for s in _snapshots(db) if s.scope == scope]
    assert rows == [(scope, "month", month.first, month.last + dt.timedelta(days=1))]


def test_the_worker_refreshes_every_five_minutes(world, db):
    clock = dt.datetime(2026, 11, 18, 9, 0)  # huey keeps its schedule in naive UTC
    assert refresh_report_snapshots.s().validate_datetime(clock)
    assert not refresh_report_snapshots.s().validate_datetime(clock + dt.timedelta(minutes=2))
    refresh_report_snapshots()  # the suite runs tasks at once, in process
    assert db.session.scalar(select(func.count()).select_from(ReportSnapshot)) >= 1


def test_the_page_says_when_stored_figures_were_counted(app, client, world, db, always_stored):
    staff = build_staff(world)
    db.session.commit()
    url = f"/ripoti/ngazi/{world.ministry.id}?period=year"
    with time_machine.travel(NOW, tick=False) as traveller:
        log_in(client, staff.oversight_above_a.email, PASSWORD)
        live = client.get(url).get_data(as_text=True)
        assert 'id="snapshot-note"' not in live
        _move_a_ticket(db, world)
        traveller.shift(dt.timedelta(minutes=3))
        stored = client.get(url).get_data(as_text=True)
        csv_text = client.get(f"/ripoti/ngazi/{world.ministry.id}/csv?period=year&table=league").get_data(as_text=True)
        public = client.get("/takwimu/").get_data(as_text=True)
        again = client.get("/takwimu/").get_data(as_text=True)
    assert 'id="snapshot-note"' in stored and "Takwimu hizi zilihesabiwa" in stored
    minutes = app.config["REPORT_SNAPSHOT_MAX_AGE"] // 60  # how old they may be, as the page says it
    assert f"; huhesabiwa upya ndani ya dakika {minutes}.</p>" in stored
    assert page_tables(stored) == page_tables(live)
    league = page_tables(live)["league"]
    exported = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert len(exported) == len(league)
    for page_row, csv_row in zip(league[1:], exported[1:], strict=True):
        assert all(
            same(text, float(value) if value and text != value else value or None)
            for text, value in zip(page_row, csv_row, strict=True)
        )
    assert 'id="snapshot-note"' not in public and 'id="snapshot-note"' in again


def test_the_period_before_is_stored_as_totals_and_moves_on_with_the_calendar(world, db, always_stored):
    """The report's comparison (the same days of last month) is a snapshot of totals only, kept fresh as its own
    period moves on."""
    scope = totals_scope(node_scope(world.national.id))
    before = preset_period("month", NOW).previous()
    served = served_report(scope, before, now=NOW)
    db.session.commit()
    full = compute(node_scope(world.national.id), before, NOW)
    assert served.report.total.received > 0
    assert served.report.total == dataclasses.replace(
        full.total,
        open=0,
        overdue=0,
        ages=[0] * len(full.total.ages),
        transfers_in=0,
        transfers_out=0,
        held_median=None,
        held_p90=None,
    )
    assert served.report.splits == {} and served.report.institutions == {} and served.report.weeks == []
    tomorrow = NOW + dt.timedelta(days=1)
    refresh_snapshots(db.session.commit, now=tomorrow)
    rows = [(s.preset, s.first, s.last) for s in _snapshots(db) if s.scope == scope]
    assert rows == [("before_month", before.first, before.last + dt.timedelta(days=1))]
