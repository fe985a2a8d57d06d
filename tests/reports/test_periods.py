"""Report periods and the period each one is compared with."""

from __future__ import annotations

import datetime as dt

import pytest

from wananchi.reports.periods import Period, preset_period

NOW = dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC)  # a Tuesday, the last day of a quarter


@pytest.mark.parametrize(
    ("preset", "first", "last", "before_first", "before_last"),
    [
        ("week", "2026-03-30", "2026-03-31", "2026-03-23", "2026-03-24"),
        ("month", "2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"),  # February is shorter
        ("quarter", "2026-01-01", "2026-03-31", "2025-10-01", "2025-12-31"),
        ("last_quarter", "2025-10-01", "2025-12-31", "2025-07-01", "2025-09-30"),
        ("year", "2025-04-01", "2026-03-31", "2024-04-01", "2025-03-31"),
    ],
)
def test_a_preset_is_compared_with_the_same_stretch_before(preset, first, last, before_first, before_last):
    period = preset_period(preset, NOW)
    assert (period.first.isoformat(), period.last.isoformat()) == (first, last)
    before = period.previous()
    assert (before.first.isoformat(), before.last.isoformat()) == (before_first, before_last)
    assert before.preset == f"before_{preset}"
    assert preset_period(before.preset, NOW) == before  # a stored snapshot of it moves on with the calendar
    assert before.query_args() == {"period": "range", "from": before_first, "to": before_last}


def test_the_month_so_far_is_compared_with_the_same_days_of_last_month():
    before = preset_period("month", dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC)).previous()
    assert (before.first, before.last) == (dt.date(2026, 10, 1), dt.date(2026, 10, 18))


def test_chosen_dates_are_compared_with_as_many_days_just_before():
    before = Period(dt.date(2026, 7, 15), dt.date(2026, 9, 30)).previous()
    assert (before.first, before.last, before.preset) == (dt.date(2026, 4, 28), dt.date(2026, 7, 14), "range")
    assert (before.last - before.first).days == (dt.date(2026, 9, 30) - dt.date(2026, 7, 15)).days
