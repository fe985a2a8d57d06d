"""Every figure of the reports equals a plain-Python reference computation over the same generated tickets."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.reports.data import NOW, Row, reference_figures, seed_tickets
from tests.world import build_world
from wananchi.reports.periods import Period, local_midnight, preset_period
from wananchi.reports.queries import SPLITS, Figures, build_report, scope_ids
from wananchi.sla.days import working_day_number

PERIODS = [
    preset_period("week", NOW),
    preset_period("month", NOW),
    preset_period("quarter", NOW),
    preset_period("year", NOW),
    Period(dt.date(2026, 7, 15), dt.date(2026, 9, 30)),
]
SPLIT_VALUE = {
    "category": lambda r: r.category_id,
    "type": lambda r: r.type,
    "channel": lambda r: r.channel,
    "region": lambda r: r.region_id,
    "district": lambda r: r.district_id,
}


def _split_figures(figures: Figures) -> Figures:
    """A split row carries no transfer figures, and no medians or percentiles (only the total and institutions)."""
    return dataclasses.replace(
        figures,
        transfers_in=0,
        transfers_out=0,
        held_median=None,
        held_p90=None,
        first_response_median=None,
        first_response_p90=None,
        resolution_median=None,
        resolution_p90=None,
    )


@pytest.fixture
def seeded(db):  # type: ignore[no-untyped-def]
    world = build_world()
    rows, moves = seed_tickets(world)
    db.session.commit()
    return world, rows, moves


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.first}..{p.last}")
def test_institution_report_equals_the_reference(seeded, period):
    world, rows, moves = seeded
    ids = [world.agency.id]
    report = build_report(ids, period, now=NOW)
    assert report.total == reference_figures(rows, moves, set(ids), period, NOW)
    assert report.total.received > 0 or period.preset == "week"
    assert report.total.fell_due > report.total.fell_due_on_time > 0 or period.preset == "week"
    for split in SPLITS:
        values = {SPLIT_VALUE[split](r) for r in rows if r.institution_id in ids}
        shown = report.splits[split]
        for value in values:
            subset = [r for r in rows if SPLIT_VALUE[split](r) == value]
            expected = _split_figures(reference_figures(subset, [], set(ids), period, NOW, transfers=False))
            key = None if value is None else str(value)
            assert shown.get(key, Figures()) == expected, (split, value)


@pytest.mark.parametrize("period", PERIODS[1:4], ids=lambda p: f"{p.first}..{p.last}")
def test_node_report_and_league_equal_the_reference(seeded, period):
    world, rows, moves = seeded
    for node in (world.national, world.ministry, world.tamisemi):
        ids = scope_ids(node.id)
        report = build_report(ids, period, now=NOW, by_institution=True)
        assert report.total == reference_figures(rows, moves, set(ids), period, NOW)
        assert set(report.institutions) == set(ids)
        for institution_id in ids:
            expected = reference_figures(rows, moves, {institution_id}, period, NOW)
            assert report.institutions[institution_id] == expected, institution_id


def _week_rows(rows: list[Row], start: dt.datetime, end: dt.datetime, attribute: str) -> list[Row]:
    return [r for r in rows if getattr(r, attribute) is not None and start <= getattr(r, attribute) < end]


@pytest.mark.parametrize("period", [PERIODS[0], PERIODS[3], PERIODS[4]], ids=lambda p: f"{p.first}..{p.last}")
def test_weekly_trend_equals_the_reference(seeded, period):
    world, rows, _moves = seeded
    ids = {world.national.id, *scope_ids(world.national.id)}
    report = build_report(sorted(ids), period, now=NOW)
    assert len(report.weeks) >= 12
    assert report.weeks[0][0].weekday() == 0
    mine = [r for r in rows if r.institution_id in ids]
    for monday, figures in report.weeks:
        start = max(local_midnight(monday), period.trend_start)
        end = min(local_midnight(monday + dt.timedelta(days=7)), period.end)
        received = _week_rows(mine, start, end, "created_at")
        resolved = _week_rows(mine, start, end, "resolved_at")
        responded = _week_rows(mine, start, end, "first_response_at")
        assert figures.received == len(received), monday
        assert figures.resolved == len(resolved), monday
        assert figures.resolution_within == sum(
            1 for r in resolved if r.resolution_due_at is not None and r.resolved_at <= r.resolution_due_at
        )
        assert figures.first_responded == len(responded)
        assert figures.first_response_within == sum(
            1
            for r in responded
            if r.first_response_due_at is not None and r.first_response_at <= r.first_response_due_at
        )
    assert sum(f.received for _m, f in report.weeks) == len(
        _week_rows(mine, period.trend_start, period.end, "created_at")
    )


def test_monthly_figures_equal_the_reference(seeded):
    world, rows, moves = seeded
    period = preset_period("year", NOW)
    ids = scope_ids(world.national.id)
    report = build_report(ids, period, now=NOW, splits=(), weekly=False, monthly=True)
    assert [month for month, _f in report.months] == sorted(
        {
            r.created_at.astimezone(dt.timezone(dt.timedelta(hours=3))).strftime("%Y-%m")
            for r in rows
            if period.start <= r.created_at < period.end
        }
        | {m for m, f in report.months if not f.received}
    )
    for month, figures in report.months:
        year, number = (int(part) for part in month.split("-"))
        first = dt.date(year, number, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        expected = reference_figures(rows, moves, set(ids), Period(first, last), NOW, transfers=False)
        for name in (
            "received",
            "resolved",
            "resolution_within",
            "first_responded",
            "first_response_median",
            "resolution_median",
            "commendations",
            "rated",
            "rating_sum",
            "fell_due",
            "fell_due_on_time",
        ):
            assert getattr(figures, name) == getattr(expected, name), (month, name)


def test_nearest_rank_edges(db):
    """Ties, an even count, a single value: checked against the reference on tiny inputs."""
    from tests.reports.data import nearest_rank

    assert nearest_rank([5], 1, 2) == 5
    assert nearest_rank([1, 2, 3, 4], 1, 2) == 2
    assert nearest_rank([1, 2, 3, 4, 5], 1, 2) == 3
    assert nearest_rank(list(range(1, 11)), 9, 10) == 9
    assert nearest_rank(list(range(1, 12)), 9, 10) == 10


def test_working_day_numbers():
    monday = dt.datetime(2026, 11, 16, 6, 0, tzinfo=dt.UTC)
    numbers = [working_day_number(monday + dt.timedelta(days=n)) for n in range(8)]
    assert numbers[1] - numbers[0] == 1 and numbers[4] - numbers[0] == 4
    assert numbers[5] == numbers[6] == numbers[7] == numbers[0] + 5  # the weekend waits for Monday
    # 9 December, Independence Day, is not a working day.
    assert working_day_number(dt.datetime(2026, 12, 10, 6, tzinfo=dt.UTC)) == working_day_number(
        dt.datetime(2026, 12, 9, 6, tzinfo=dt.UTC)
    )
