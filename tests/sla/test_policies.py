"""Working-time arithmetic: properties checked with hypothesis against a day-by-day reference, plus named cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wananchi.sla.policies import (
    ALWAYS_OPEN,
    DEFAULT_TIMEZONE,
    WorkingCalendar,
    add_working_minutes,
    from_settings,
    is_working_instant,
    next_working_instant,
    public_holidays,
    standard_calendar,
    working_minutes_between,
)

EAT = DEFAULT_TIMEZONE
YEARS = (2025, 2026, 2027)
MICROSECOND = dt.timedelta(microseconds=1)
MINUTE = dt.timedelta(minutes=1)

STANDARD = standard_calendar(YEARS)
# Split shifts, a short Friday, a Saturday night shift running through midnight, Sunday closed, an office closure
# and an Eid correction: exercises every branch the standard calendar does not.
IRREGULAR = from_settings(
    weekly_hours=[
        [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
        [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
        [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
        [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
        [(dt.time(8), dt.time(12))],
        [(dt.time(0), dt.time(6)), (dt.time(20), dt.time(0))],
        [],
    ],
    years=YEARS,
    closures=[dt.date(2026, 6, 15)],
    corrections=[(dt.date(2026, 5, 28), True), (dt.date(2026, 5, 27), False)],
)
CALENDARS = {"standard": STANDARD, "irregular": IRREGULAR, "always_open": ALWAYS_OPEN}
HOURS_CALENDARS = {"standard": STANDARD, "irregular": IRREGULAR}

BOUNDARY_MINUTES = sorted(
    {bound for cal in (STANDARD, IRREGULAR) for day in cal.weekly_hours for pair in day for bound in pair}
)
any_instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),
    max_value=dt.datetime(2027, 9, 30),
    timezones=st.sampled_from([dt.UTC, EAT, ZoneInfo("America/New_York")]),
)
# Opening and closing times, and whole minutes, are where off-by-one mistakes hide: draw them often.
boundary_instants = st.builds(
    lambda day, minute: dt.datetime.combine(day, dt.time(), tzinfo=EAT) + dt.timedelta(minutes=minute),
    st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 9, 30)),
    st.sampled_from(BOUNDARY_MINUTES) | st.integers(min_value=0, max_value=1439),
)
instants = any_instants | boundary_instants
working_minutes = (
    st.integers(min_value=0, max_value=30 * 480)
    | st.integers(min_value=0, max_value=30).map(lambda days: days * 480)
    | st.sampled_from([1, 30, 60, 90, 240, 390])
)
spans = st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=45))


def at(*args: int) -> dt.datetime:
    """An instant in Dar es Salaam local time."""
    return dt.datetime(*args, tzinfo=EAT)


def reference_working_time(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time between two instants, summed day by day from the calendar's fields (the test oracle)."""
    if end <= start:
        return dt.timedelta(0)
    if calendar.always_open:
        return end - start
    local_start = start.astimezone(calendar.timezone).replace(tzinfo=None)
    local_end = end.astimezone(calendar.timezone).replace(tzinfo=None)
    total = dt.timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if day not in calendar.closed_dates or day in calendar.open_dates:
            midnight = dt.datetime.combine(day, dt.time())
            for first, last in calendar.weekly_hours[day.weekday()]:
                low = max(midnight + dt.timedelta(minutes=first), local_start)
                high = min(midnight + dt.timedelta(minutes=last), local_end)
                total += max(high - low, dt.timedelta(0))
        day += dt.timedelta(days=1)
    return total


def is_interval_end(calendar: WorkingCalendar, instant: dt.datetime) -> bool:
    """Whether an instant is exactly the end of a working interval of its local day (midnight ends the day before)."""
    local = instant.astimezone(calendar.timezone)
    if local.second or local.microsecond:
        return False
    day, minute = local.date(), local.hour * 60 + local.minute
    if minute == 0:
        day, minute = day - dt.timedelta(days=1), 24 * 60
    return minute in {end for _, end in calendar.weekly_hours[day.weekday()]}


# Properties


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(start=instants, minutes=working_minutes)
def test_adding_then_measuring_round_trips(calendar: WorkingCalendar, start: dt.datetime, minutes: int) -> None:
    """Measuring from any start to start + n working minutes gives back exactly n (so also at least n)."""
    due = add_working_minutes(calendar, start, minutes)
    assert working_minutes_between(calendar, start, due) == minutes
    working_start = next_working_instant(calendar, start)
    assert working_minutes_between(calendar, working_start, add_working_minutes(calendar, working_start, minutes)) == (
        minutes
    )


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(start=instants, minutes=working_minutes)
def test_addition_is_exact_and_earliest(calendar: WorkingCalendar, start: dt.datetime, minutes: int) -> None:
    """The due date holds exactly n working minutes after the start, and one microsecond earlier falls short."""
    due = add_working_minutes(calendar, start, minutes)
    assert due.tzinfo is dt.UTC
    assert due >= start
    assert reference_working_time(calendar, start, due) == minutes * MINUTE
    if minutes:
        assert reference_working_time(calendar, start, due - MICROSECOND) < minutes * MINUTE


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(start=instants, span=spans)
def test_measuring_matches_the_day_by_day_reference(
    calendar: WorkingCalendar, start: dt.datetime, span: dt.timedelta
) -> None:
    """Working minutes between two instants are the reference working time, a started minute counting whole."""
    expected = reference_working_time(calendar, start, start + span)
    assert working_minutes_between(calendar, start, start + span) == -(-expected // MINUTE)


@pytest.mark.parametrize("calendar", HOURS_CALENDARS.values(), ids=HOURS_CALENDARS.keys())
@given(start=instants, minutes=working_minutes)
def test_results_never_fall_outside_working_hours(calendar: WorkingCalendar, start: dt.datetime, minutes: int) -> None:
    """A due date is a working instant or, for n > 0, the end of a working interval reached from inside it."""
    due = add_working_minutes(calendar, start, minutes)
    if minutes == 0:
        assert is_working_instant(calendar, due)
    else:
        assert is_working_instant(calendar, due - MICROSECOND)
        assert is_working_instant(calendar, due) or is_interval_end(calendar, due)


@given(day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31)), minute=st.integers(0, 1439))
def test_weekends_and_holidays_never_count(day: dt.date, minute: int) -> None:
    """On a Saturday, a Sunday or a Tanzanian public holiday no instant is working and the whole day counts 0."""
    assume(day.weekday() >= 5 or day in holidays.country_holidays("TZ", years=YEARS))
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=EAT)
    assert not is_working_instant(STANDARD, midnight + dt.timedelta(minutes=minute))
    assert working_minutes_between(STANDARD, midnight, midnight + dt.timedelta(days=1)) == 0
    assert next_working_instant(STANDARD, midnight).astimezone(EAT).date() > day


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(start=instants, first=working_minutes, second=working_minutes)
def test_addition_is_monotonic_in_minutes(
    calendar: WorkingCalendar, start: dt.datetime, first: int, second: int
) -> None:
    """More working minutes never give an earlier due date."""
    low, high = sorted((first, second))
    assert add_working_minutes(calendar, start, low) <= add_working_minutes(calendar, start, high)


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(first=instants, second=instants, minutes=working_minutes)
def test_addition_and_measuring_are_monotonic_in_the_instants(
    calendar: WorkingCalendar, first: dt.datetime, second: dt.datetime, minutes: int
) -> None:
    """A later start never gives an earlier due date; a later end never measures fewer minutes."""
    early, late = sorted((first, second))
    assert add_working_minutes(calendar, early, minutes) <= add_working_minutes(calendar, late, minutes)
    origin = dt.datetime(2024, 12, 1, tzinfo=dt.UTC)
    assert working_minutes_between(calendar, origin, early) <= working_minutes_between(calendar, origin, late)


@pytest.mark.parametrize("calendar", CALENDARS.values(), ids=CALENDARS.keys())
@given(start=instants, first=working_minutes, second=st.integers(min_value=1, max_value=30 * 480))
def test_addition_is_additive(calendar: WorkingCalendar, start: dt.datetime, first: int, second: int) -> None:
    """Adding a then b (b > 0) is adding a + b; adding 0 then b is adding b."""
    combined = add_working_minutes(calendar, start, first + second)
    assert add_working_minutes(calendar, add_working_minutes(calendar, start, first), second) == combined
    assert add_working_minutes(calendar, add_working_minutes(calendar, start, 0), second) == (
        add_working_minutes(calendar, start, second)
    )


# Named cases


def test_a_holiday_on_a_friday_and_easter_monday_are_skipped() -> None:
    """Good Friday 2025 (18 April) and Easter Monday: Thursday 14:00 plus 2 working days is Wednesday 14:00."""
    tz_holidays = holidays.country_holidays("TZ", years=2025)
    assert dt.date(2025, 4, 18).weekday() == 4 and dt.date(2025, 4, 18) in tz_holidays
    assert dt.date(2025, 4, 21) in tz_holidays
    # Thursday 90 minutes, Tuesday 480, Wednesday the remaining 390: 07:30 + 6:30.
    assert add_working_minutes(STANDARD, at(2025, 4, 17, 14), 2 * 480) == at(2025, 4, 23, 14)


def test_thursday_before_christmas_on_a_friday_plus_two_working_days() -> None:
    """2026-12-25 is a Friday: Thursday 14:00 + 960 minutes is Tuesday 14:00 (Thu 90, Mon 480, Tue 390)."""
    christmas = dt.date(2026, 12, 25)
    assert christmas.weekday() == 4 and christmas in holidays.country_holidays("TZ", years=2026)
    due = add_working_minutes(STANDARD, at(2026, 12, 24, 14), 2 * STANDARD.minutes_per_working_day)
    assert due == at(2026, 12, 29, 14)
    assert due == dt.datetime(2026, 12, 29, 11, tzinfo=dt.UTC)
    # Exactly the 90 minutes left on the Thursday: the due date is closing time that Thursday, not the holiday.
    assert add_working_minutes(STANDARD, at(2026, 12, 24, 14), 90) == at(2026, 12, 24, 15, 30)
    assert add_working_minutes(STANDARD, at(2026, 12, 24, 14), 91) == at(2026, 12, 28, 7, 31)


def test_a_ticket_submitted_at_15_29_on_a_friday() -> None:
    """One minute is left on Friday: +1 ends at 15:30 that Friday, +2 is Monday 07:31, 2 days is Tuesday 15:29."""
    friday = at(2026, 11, 20, 15, 29)
    assert add_working_minutes(STANDARD, friday, 1) == at(2026, 11, 20, 15, 30)
    assert add_working_minutes(STANDARD, friday, 2) == at(2026, 11, 23, 7, 31)
    assert add_working_minutes(STANDARD, friday, 2 * 480) == at(2026, 11, 24, 15, 29)
    assert add_working_minutes(STANDARD, at(2026, 11, 20, 15, 29, 20), 1) == at(2026, 11, 23, 7, 30, 20)


def test_eid_corrections_open_the_estimate_and_close_the_announced_date() -> None:
    """The estimated Eid El Hajj (Thursday 2026-05-28) is declared open; the announced Wednesday is closed."""
    estimate, announced = dt.date(2026, 5, 28), dt.date(2026, 5, 27)
    assert "makisio" in public_holidays([2026])[estimate]
    corrected = standard_calendar([2026], corrections=[(estimate, True), (announced, False)])
    assert corrected.open_dates == {estimate} and announced in corrected.closed_dates
    assert estimate not in corrected.closed_dates
    assert not is_working_instant(STANDARD, at(2026, 5, 28, 10))
    assert is_working_instant(STANDARD, at(2026, 5, 27, 10))
    assert is_working_instant(corrected, at(2026, 5, 28, 10))
    assert not is_working_instant(corrected, at(2026, 5, 27, 10))
    # Tuesday 15:00 plus 60 minutes: 30 on Tuesday, then Thursday instead of Wednesday.
    assert add_working_minutes(corrected, at(2026, 5, 26, 15), 60) == at(2026, 5, 28, 8)
    assert add_working_minutes(STANDARD, at(2026, 5, 26, 15), 60) == at(2026, 5, 27, 8)


def test_open_dates_win_over_closed_dates_and_keep_their_weekday_hours() -> None:
    """A date both closed and open is working; an open Saturday still has no hours."""
    holiday, saturday = dt.date(2026, 12, 9), dt.date(2026, 12, 12)
    calendar = WorkingCalendar(closed_dates=frozenset({holiday}), open_dates=frozenset({holiday, saturday}))
    assert is_working_instant(calendar, at(2026, 12, 9, 10))
    assert not is_working_instant(calendar, at(2026, 12, 12, 10))


def test_an_office_closure_and_a_reopening_correction() -> None:
    """A closure shuts an ordinary Tuesday; a later correction can reopen it."""
    tuesday = dt.date(2026, 11, 24)
    closed = standard_calendar([2026], closures=[tuesday])
    assert working_minutes_between(closed, at(2026, 11, 23, 15), at(2026, 11, 25, 8)) == 60
    reopened = standard_calendar([2026], closures=[tuesday], corrections=[(tuesday, True)])
    assert working_minutes_between(reopened, at(2026, 11, 23, 15), at(2026, 11, 25, 8)) == 60 + 480


def test_an_institution_working_around_the_clock() -> None:
    """Every minute counts, weekends and holidays included; the due date is plain elapsed time."""
    christmas_eve = at(2026, 12, 24, 14)
    assert add_working_minutes(ALWAYS_OPEN, christmas_eve, 2 * ALWAYS_OPEN.minutes_per_working_day) == at(
        2026, 12, 26, 14
    )
    assert working_minutes_between(ALWAYS_OPEN, christmas_eve, at(2026, 12, 28, 14)) == 4 * 1440
    assert working_minutes_between(ALWAYS_OPEN, christmas_eve, christmas_eve + dt.timedelta(seconds=1)) == 1
    assert is_working_instant(ALWAYS_OPEN, at(2026, 12, 25, 3))
    assert next_working_instant(ALWAYS_OPEN, christmas_eve) == christmas_eve


def test_a_pause_spanning_a_weekend() -> None:
    """Friday 14:00 to Monday 09:00 is 180 working minutes: 14:00-15:30 Friday plus 07:30-09:00 Monday."""
    assert working_minutes_between(STANDARD, at(2026, 11, 20, 14), at(2026, 11, 23, 9)) == 90 + 90


def test_instants_exactly_at_opening_and_closing() -> None:
    """07:30 is working time and 15:30 is not; 15:30 plus nothing is the next morning."""
    assert is_working_instant(STANDARD, at(2026, 11, 23, 7, 30))
    assert not is_working_instant(STANDARD, at(2026, 11, 23, 7, 29, 59, 999999))
    assert not is_working_instant(STANDARD, at(2026, 11, 23, 15, 30))
    assert is_working_instant(STANDARD, at(2026, 11, 23, 15, 29, 59, 999999))
    assert add_working_minutes(STANDARD, at(2026, 11, 23, 7, 30), 0) == at(2026, 11, 23, 7, 30)
    assert add_working_minutes(STANDARD, at(2026, 11, 23, 15, 30), 0) == at(2026, 11, 24, 7, 30)
    assert next_working_instant(STANDARD, at(2026, 11, 23, 6)) == at(2026, 11, 23, 7, 30)
    assert add_working_minutes(STANDARD, at(2026, 11, 23, 7, 30), 480) == at(2026, 11, 23, 15, 30)
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 7, 30), at(2026, 11, 23, 15, 30)) == 480
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 15, 30), at(2026, 11, 24, 7, 30)) == 0


def test_partial_minutes_count_as_elapsed() -> None:
    """One second of working time measures as one minute; time outside working hours adds nothing."""
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 7, 30), at(2026, 11, 23, 7, 30, 1)) == 1
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 7, 0), at(2026, 11, 23, 7, 31)) == 1
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 7, 30, 30), at(2026, 11, 23, 7, 31, 30)) == 1


def test_end_before_or_at_start_measures_zero() -> None:
    """An end at or before the start gives 0, never a negative count."""
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 12), at(2026, 11, 23, 10)) == 0
    assert working_minutes_between(STANDARD, at(2026, 11, 23, 12), at(2026, 11, 23, 12)) == 0
    assert working_minutes_between(ALWAYS_OPEN, at(2026, 11, 23, 12), at(2026, 11, 20, 12)) == 0


def test_minutes_per_working_day() -> None:
    """480 for the standard calendar, 1440 around the clock, the mean over open weekdays otherwise."""
    assert STANDARD.minutes_per_working_day == 480
    assert ALWAYS_OPEN.minutes_per_working_day == 1440
    with_saturday = WorkingCalendar(weekly_hours=(((450, 930),),) * 5 + (((480, 720),), ()))
    assert with_saturday.minutes_per_working_day == (5 * 480 + 240) // 6


def test_from_settings_reads_times_and_a_midnight_end() -> None:
    """Hours given as times; an interval ending at 00:00 runs to midnight."""
    night = from_settings(weekly_hours=[[(dt.time(22), dt.time(0))]] * 7, holiday_country=None)
    assert night.weekly_hours[0] == ((22 * 60, 24 * 60),)
    assert add_working_minutes(night, at(2026, 11, 23, 23, 30), 60) == at(2026, 11, 24, 22, 30)
    assert add_working_minutes(night, at(2026, 11, 23, 23, 30), 30) == at(2026, 11, 24, 0, 0)


def test_from_settings_reads_stored_hours_by_weekday() -> None:
    """Hours stored as {"0": [["07:30", "15:30"]], ...} by weekday, Monday "0"; a missing weekday is closed."""
    stored = {str(weekday): [["07:30", "15:30"]] for weekday in range(5)}
    assert from_settings(weekly_hours=stored, years=YEARS) == STANDARD
    saturday = from_settings(weekly_hours={5: [("09:00", "13:00")]}, holiday_country=None)
    assert saturday.weekly_hours == ((), (), (), (), (), ((540, 780),), ())
    with pytest.raises(ValueError):
        from_settings(weekly_hours={"7": [["07:30", "15:30"]]})


@pytest.mark.parametrize(
    "weekly_hours",
    [
        (((450, 930),),) * 6,
        (((930, 450),),) + ((),) * 6,
        (((450, 720), (700, 930)),) + ((),) * 6,
        (((0, 1441),),) + ((),) * 6,
        ((),) * 7,
    ],
    ids=["six-days", "reversed", "overlapping", "past-midnight", "never-open"],
)
def test_invalid_weekly_hours_are_refused(weekly_hours: tuple[tuple[tuple[int, int], ...], ...]) -> None:
    """Malformed hours, or a calendar that never opens, raise ValueError."""
    with pytest.raises(ValueError):
        WorkingCalendar(weekly_hours=weekly_hours)


def test_naive_datetimes_and_negative_minutes_are_refused() -> None:
    """The functions need aware datetimes and a non-negative number of minutes."""
    with pytest.raises(ValueError):
        add_working_minutes(STANDARD, dt.datetime(2026, 11, 23, 10), 5)
    with pytest.raises(ValueError):
        working_minutes_between(ALWAYS_OPEN, dt.datetime(2026, 11, 23, 10), at(2026, 11, 23, 11))
    with pytest.raises(ValueError):
        add_working_minutes(STANDARD, at(2026, 11, 23, 10), -1)
