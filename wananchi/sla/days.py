"""Working-day numbers: working days of the standard calendar since a fixed epoch, for ageing the backlog.

A ticket stores the number of the working day it was submitted on (`Ticket.submitted_day`); a report computes
today's number once and ages every open ticket by subtraction in SQL, without rebuilding any calendar. The
numbering uses the standard public-service week (Monday–Friday, Tanzanian public holidays) whatever the
institution's own calendar, so ages compare across institutions. A day that is not a working day (a Saturday,
a holiday) shares the number of the next working day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from wananchi.sla.policies import DEFAULT_TIMEZONE, WorkingCalendar, standard_calendar, working_minutes_between

EPOCH = dt.date(2020, 1, 1)


@lru_cache(maxsize=4)
def _calendar(last_year: int) -> WorkingCalendar:
    """The standard calendar with holidays from the epoch's year to `last_year`."""
    return standard_calendar(range(EPOCH.year, last_year + 1))


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day in Dar es Salaam, as an aware instant."""
    return dt.datetime.combine(day, dt.time(), tzinfo=DEFAULT_TIMEZONE)


def working_day_number(instant: dt.datetime) -> int:
    """The number of standard working days from the epoch up to (not including) the local day of `instant`."""
    return _day_number(instant.astimezone(DEFAULT_TIMEZONE).date())


@lru_cache(maxsize=64)
def _day_number(day: dt.date) -> int:
    """`working_day_number` of a local day (every submission of a day asks for the same one)."""
    calendar = _calendar(max(day.year, EPOCH.year))
    minutes = working_minutes_between(calendar, _local_midnight(EPOCH), _local_midnight(day))
    return minutes // calendar.minutes_per_working_day
