"""Working-time arithmetic: add working minutes to an instant, measure the working minutes between two instants.

Pure functions over a `WorkingCalendar`: no Flask, no database, no I/O.

How it works. In the calendar's time zone an instant is a local day (counted from 0001-01-01, a Monday) and a
microsecond of that day. A day's working hours are half-open intervals ``[start, end)``: 07:30 is working time,
15:30 is not. The *working position* of an instant is the working time from the origin up to it, computed in closed
form: whole weeks times the weekly total, plus the weekday's prefix, minus what the closed dates before it would
have contributed (a binary search over the precomputed closed dates). Adding is the inverse: find the day and the
interval that hold the target position. Neither walks day by day, so an addition costs the same for 2 or 30 days.

Seconds. Internally everything runs at microsecond precision (all boundaries are whole minutes):
``add_working_minutes`` is exact (07:30:20 plus one working minute is 07:31:20; 15:29:20 plus one minute is 07:30:20
on the next working day), and ``working_minutes_between`` rounds a partial minute up (a started minute counts as
elapsed), so adding then measuring round-trips exactly.

Boundaries. A result that lands exactly on the end of a working interval stays there (15:29 plus one minute is 15:30
the same day), while adding zero minutes moves an instant outside working time to the next working instant (15:30
plus zero minutes is 07:30 on the next working day).

Daylight saving. The arithmetic runs on local wall-clock time. Africa/Dar_es_Salaam has no daylight saving; in a
zone that has it, a transition that falls inside working hours is counted in wall-clock time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIMEZONE = ZoneInfo("Africa/Dar_es_Salaam")
HOLIDAY_COUNTRY = "TZ"
HOLIDAY_LANGUAGE = "sw"
MINUTES_PER_DAY = 24 * 60
STANDARD_DAY: tuple[tuple[int, int], ...] = ((7 * 60 + 30, 15 * 60 + 30),)
STANDARD_WEEKLY_HOURS: tuple[tuple[tuple[int, int], ...], ...] = (STANDARD_DAY,) * 5 + ((), ())

_US_PER_MINUTE = 60_000_000
_LOCAL_EPOCH = dt.datetime.min  # 0001-01-01 00:00, a Monday: local day 0

TimeOfDay = dt.time | str | int
DayIntervals = Iterable[Sequence[TimeOfDay]]


class _Index:
    """Tables precomputed from a calendar, in microseconds of local wall-clock time; days count from 0001-01-01."""

    __slots__ = (
        "closed",
        "closed_days",
        "closed_lost",
        "closed_positions",
        "cum_before",
        "cum_end",
        "ends",
        "prefix",
        "starts",
        "week_total",
    )

    def __init__(self, weekly_hours: tuple[tuple[tuple[int, int], ...], ...], closed_dates: Iterable[dt.date]) -> None:
        """Precompute interval bounds, per-weekday totals and the working positions of the closed dates."""
        self.starts = tuple(tuple(start * _US_PER_MINUTE for start, _ in day) for day in weekly_hours)
        self.ends = tuple(tuple(end * _US_PER_MINUTE for _, end in day) for day in weekly_hours)
        cum_before: list[tuple[int, ...]] = []
        cum_end: list[tuple[int, ...]] = []
        for starts, ends in zip(self.starts, self.ends, strict=True):
            running, before, after = 0, [], []
            for start, end in zip(starts, ends, strict=True):
                before.append(running)
                running += end - start
                after.append(running)
            cum_before.append(tuple(before))
            cum_end.append(tuple(after))
        self.cum_before = tuple(cum_before)
        self.cum_end = tuple(cum_end)
        totals = [after[-1] if after else 0 for after in self.cum_end]
        prefix = [0]
        for total in totals:
            prefix.append(prefix[-1] + total)
        self.prefix = tuple(prefix)
        self.week_total = prefix[-1]
        days = sorted(day for day in (date.toordinal() - 1 for date in closed_dates) if totals[day % 7])
        lost = [0]
        for day in days:
            lost.append(lost[-1] + totals[day % 7])
        self.closed = frozenset(days)
        self.closed_days = tuple(days)
        self.closed_lost = tuple(lost)
        self.closed_positions = tuple(
            (day // 7) * self.week_total + self.prefix[day % 7] - lost[rank] for rank, day in enumerate(days)
        )


@dataclass(frozen=True)
class WorkingCalendar:
    """An institution's working time: hours per weekday, closed and reopened dates, or around the clock.

    ``weekly_hours`` has seven entries, Monday first, each a sorted tuple of non-overlapping ``(start_minute,
    end_minute)`` intervals within the day (0 to 1440); an empty tuple is a closed weekday. ``closed_dates`` holds
    the public holidays and administrator closures; ``open_dates`` holds dates declared working although they are
    also closed (an Eid estimate that proved wrong): they keep the hours of their weekday and win over
    ``closed_dates``. With ``always_open`` every minute counts and hours and dates are ignored.
    """

    timezone: ZoneInfo = DEFAULT_TIMEZONE
    weekly_hours: tuple[tuple[tuple[int, int], ...], ...] = STANDARD_WEEKLY_HOURS
    closed_dates: frozenset[dt.date] = frozenset()
    open_dates: frozenset[dt.date] = frozenset()
    always_open: bool = False
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise and validate the fields, then precompute the arithmetic's tables."""
        hours = tuple(tuple((start, end) for start, end in day) for day in self.weekly_hours)
        _validate_weekly_hours(hours)
        if not self.always_open and not any(hours):
            raise ValueError("a calendar that is not always open needs working hours on at least one weekday")
        object.__setattr__(self, "weekly_hours", hours)
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))
        object.__setattr__(self, "open_dates", frozenset(self.open_dates))
        object.__setattr__(self, "_index", _Index(hours, self.closed_dates - self.open_dates))

    @property
    def minutes_per_working_day(self) -> int:
        """Working minutes in one working day: 1440 around the clock, else the mean over the open weekdays."""
        if self.always_open:
            return MINUTES_PER_DAY
        totals = [sum(end - start for start, end in day) for day in self.weekly_hours if day]
        return round(sum(totals) / len(totals))


def _validate_weekly_hours(hours: tuple[tuple[tuple[int, int], ...], ...]) -> None:
    """Raise ValueError unless there are seven days of sorted, non-overlapping whole-minute intervals within a day."""
    if len(hours) != 7:
        raise ValueError(f"weekly_hours needs 7 days (Monday first), got {len(hours)}")
    for weekday, day in enumerate(hours):
        previous_end = 0
        for start, end in day:
            if not (isinstance(start, int) and isinstance(end, int)):
                raise ValueError(f"weekday {weekday}: interval bounds must be whole minutes, got {(start, end)!r}")
            if not previous_end <= start < end <= MINUTES_PER_DAY:
                raise ValueError(f"weekday {weekday}: intervals must be sorted, non-overlapping and within the day")
            previous_end = end


def public_holidays(years: Iterable[int], country: str = HOLIDAY_COUNTRY) -> dict[dt.date, str]:
    """Public holidays of a country for the given years, from `holidays`, with their Swahili names, by date."""
    found = holidays.country_holidays(country, years=sorted(set(years)), language=HOLIDAY_LANGUAGE)
    return dict(sorted(found.items()))


def _minute_of_day(value: TimeOfDay, *, is_end: bool) -> int:
    """Minutes since midnight of a time, an "HH:MM" string or a minute count; an end of 00:00 means 24:00."""
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        hours, _, minutes = value.partition(":")
        total = int(hours) * 60 + int(minutes or 0)
    elif value.second or value.microsecond:
        raise ValueError(f"working hours are whole minutes, got {value.isoformat()}")
    else:
        total = value.hour * 60 + value.minute
    return MINUTES_PER_DAY if is_end and total == 0 else total


def _weekly_minutes(
    weekly_hours: Sequence[DayIntervals] | Mapping[int | str, DayIntervals],
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Seven days of minute intervals from a Monday-first sequence or a mapping by weekday (0 or "0" is Monday)."""
    if isinstance(weekly_hours, Mapping):
        by_weekday = {int(weekday): intervals for weekday, intervals in weekly_hours.items()}
        if not by_weekday.keys() <= set(range(7)):
            raise ValueError(f"weekdays run from 0 (Monday) to 6, got {sorted(by_weekday)}")
        days: Sequence[DayIntervals] = [by_weekday.get(weekday, ()) for weekday in range(7)]
    else:
        days = weekly_hours
    return tuple(
        tuple((_minute_of_day(start, is_end=False), _minute_of_day(end, is_end=True)) for start, end in day)
        for day in days
    )


def from_settings(
    *,
    timezone: str | ZoneInfo = DEFAULT_TIMEZONE,
    weekly_hours: Sequence[DayIntervals] | Mapping[int | str, DayIntervals] | None = None,
    always_open: bool = False,
    years: Iterable[int] = (),
    holiday_country: str | None = HOLIDAY_COUNTRY,
    closures: Iterable[dt.date] = (),
    corrections: Iterable[tuple[dt.date, bool]] = (),
) -> WorkingCalendar:
    """Build a calendar from settings: holidays for `years`, then closures, then `(date, is_open)` corrections.

    Hours are seven Monday-first days, or a mapping by weekday ({"0": [["07:30", "15:30"]], ...}, a missing day is
    closed), of `(start, end)` pairs given as `datetime.time`, "HH:MM" or minutes since midnight; an end of 00:00
    means midnight at the end of the day (None: Monday–Friday 07:30–15:30). Later entries win:
    a correction can reopen a holiday or a closure, or close a date (the Eid date the government announced).
    """
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    hours = STANDARD_WEEKLY_HOURS if weekly_hours is None else _weekly_minutes(weekly_hours)
    closed = set(public_holidays(years, holiday_country)) if holiday_country else set()
    opened: set[dt.date] = set()
    for date in closures:
        closed.add(date)
        opened.discard(date)
    for date, is_open in corrections:
        (opened if is_open else closed).add(date)
        (closed if is_open else opened).discard(date)
    return WorkingCalendar(
        timezone=zone,
        weekly_hours=hours,
        closed_dates=frozenset(closed),
        open_dates=frozenset(opened),
        always_open=always_open,
    )


def standard_calendar(
    years: Iterable[int], *, closures: Iterable[dt.date] = (), corrections: Iterable[tuple[dt.date, bool]] = ()
) -> WorkingCalendar:
    """Monday–Friday 07:30–15:30 in Dar es Salaam with Tanzanian holidays for `years`, then closures and corrections."""
    return from_settings(years=years, closures=closures, corrections=corrections)


ALWAYS_OPEN = WorkingCalendar(always_open=True)


def _local(calendar: WorkingCalendar, instant: dt.datetime) -> tuple[int, int]:
    """Local day number and microsecond of the day of an aware instant in the calendar's time zone."""
    _require_aware(instant)
    delta = instant.astimezone(calendar.timezone).replace(tzinfo=None) - _LOCAL_EPOCH
    return delta.days, delta.seconds * 1_000_000 + delta.microseconds


def _utc(calendar: WorkingCalendar, day: int, microsecond: int) -> dt.datetime:
    """The UTC instant of a local day number and microsecond of the day."""
    local = _LOCAL_EPOCH + dt.timedelta(days=day, microseconds=microsecond)
    return local.replace(tzinfo=calendar.timezone).astimezone(dt.UTC)


def _position(index: _Index, day: int, microsecond: int) -> int:
    """Working microseconds from the origin up to a local instant."""
    week, weekday = divmod(day, 7)
    position = week * index.week_total + index.prefix[weekday] - index.closed_lost[bisect_left(index.closed_days, day)]
    if day in index.closed:
        return position
    starts = index.starts[weekday]
    interval = bisect_right(starts, microsecond) - 1
    if interval >= 0:
        position += (
            index.cum_before[weekday][interval] + min(microsecond, index.ends[weekday][interval]) - starts[interval]
        )
    return position


def _locate(index: _Index, target: int) -> tuple[int, int]:
    """The earliest local instant whose working position reaches `target` (so it may be the end of an interval)."""
    # The closed days before the result are exactly those whose position is below the target; adding back what they
    # would have contributed turns the target into a position on the plain weekly pattern, which inverts directly.
    plain = target + index.closed_lost[bisect_left(index.closed_positions, target)]
    week = (plain - 1) // index.week_total
    within_week = plain - week * index.week_total
    weekday = bisect_left(index.prefix, within_week) - 1
    needed = within_week - index.prefix[weekday]
    interval = bisect_left(index.cum_end[weekday], needed)
    return week * 7 + weekday, index.starts[weekday][interval] + needed - index.cum_before[weekday][interval]


def _require_aware(instant: dt.datetime) -> None:
    """Raise ValueError for a naive datetime."""
    if instant.tzinfo is None:
        raise ValueError(f"an aware datetime is required, got {instant!r}")


def is_working_instant(calendar: WorkingCalendar, instant: dt.datetime) -> bool:
    """Whether an aware instant falls inside working time (interval starts count, interval ends do not)."""
    if calendar.always_open:
        _require_aware(instant)
        return True
    day, microsecond = _local(calendar, instant)
    index = calendar._index
    if day in index.closed:
        return False
    weekday = day % 7
    interval = bisect_right(index.starts[weekday], microsecond) - 1
    return interval >= 0 and microsecond < index.ends[weekday][interval]


def next_working_instant(calendar: WorkingCalendar, instant: dt.datetime) -> dt.datetime:
    """The instant itself if it is working time, else the start of the next working interval; in UTC."""
    if calendar.always_open:
        _require_aware(instant)
        return instant.astimezone(dt.UTC)
    index = calendar._index
    # The first working microsecond after the instant's position ends one microsecond after the answer.
    day, microsecond = _locate(index, _position(index, *_local(calendar, instant)) + 1)
    return _utc(calendar, day, microsecond - 1)


def add_working_minutes(calendar: WorkingCalendar, start: dt.datetime, minutes: int) -> dt.datetime:
    """The instant `minutes` working minutes after an aware `start`, in UTC (a due date)."""
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    if minutes == 0:
        return next_working_instant(calendar, start)
    if calendar.always_open:
        _require_aware(start)
        return start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
    index = calendar._index
    target = _position(index, *_local(calendar, start)) + minutes * _US_PER_MINUTE
    return _utc(calendar, *_locate(index, target))


def working_minutes_between(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> int:
    """Working minutes from `start` to `end` (aware), a started minute counting as elapsed; 0 if end <= start."""
    _require_aware(start)
    _require_aware(end)
    if end <= start:
        return 0
    if calendar.always_open:
        elapsed = end - start
        microseconds = (elapsed.days * 86_400 + elapsed.seconds) * 1_000_000 + elapsed.microseconds
    else:
        index = calendar._index
        microseconds = _position(index, *_local(calendar, end)) - _position(index, *_local(calendar, start))
    return -(-microseconds // _US_PER_MINUTE)
