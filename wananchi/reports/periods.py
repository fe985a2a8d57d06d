"""Report periods: this week, this month, a quarter, a year or any range of local dates, from a GET form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from wananchi.sla.policies import DEFAULT_TIMEZONE

LOCAL_TIME = DEFAULT_TIMEZONE
TREND_WEEKS = 12
MAX_DAYS = 3 * 366
PRESETS = {
    "week": _l("This week"),
    "month": _l("This month"),
    "quarter": _l("This quarter"),
    "last_quarter": _l("Last quarter"),
    "year": _l("Last 12 months"),
    "range": _l("Dates I choose"),
}


@dataclass(frozen=True)
class Period:
    """Local dates from `first` to `last`, both included."""

    first: dt.date
    last: dt.date
    preset: str = "range"

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period, in UTC."""
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period, in UTC."""
        return local_midnight(self.last + dt.timedelta(days=1))

    @property
    def trend_start(self) -> dt.datetime:
        """The Monday the weekly trend starts: the period's first week, or 12 weeks back if the period is shorter."""
        monday = self.first - dt.timedelta(days=self.first.weekday())
        earliest = self.last - dt.timedelta(days=self.last.weekday()) - dt.timedelta(weeks=TREND_WEEKS - 1)
        return local_midnight(min(monday, earliest))

    def query_args(self) -> dict[str, str]:
        """The GET arguments that select this period again."""
        if self.preset in PRESETS and self.preset != "range":
            return {"period": self.preset}
        return {"period": "range", "from": self.first.isoformat(), "to": self.last.isoformat()}

    def previous(self) -> Period:
        """The period a report compares with: the same stretch of the previous week, month, quarter or 12 months
        (1–18 October for 1–18 November), the quarter before a complete quarter, or as many days just before a
        range of dates. Its preset, "before_<preset>", lets a stored snapshot move on with the calendar."""
        if self.preset == "week":
            return Period(self.first - dt.timedelta(weeks=1), self.last - dt.timedelta(weeks=1), "before_week")
        months = {"month": 1, "quarter": 3, "last_quarter": 3, "year": 12}.get(self.preset)
        if months is None:
            length = self.last - self.first + dt.timedelta(days=1)
            return Period(self.first - length, self.first - dt.timedelta(days=1))
        first = _months_back(self.first, months)
        if self.preset == "last_quarter":
            return Period(first, self.first - dt.timedelta(days=1), "before_last_quarter")
        return Period(
            first, min(_months_back(self.last, months), self.first - dt.timedelta(days=1)), f"before_{self.preset}"
        )


def local_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant a local day starts."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TIME).astimezone(dt.UTC)


def local_today(now: dt.datetime) -> dt.date:
    """Today's date in Tanzania."""
    return now.astimezone(LOCAL_TIME).date()


def _months_back(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier, or the last day of that month if it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    first = dt.date(year, month + 1, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def preset_period(preset: str, now: dt.datetime) -> Period:
    """A named period ending today (or the last complete quarter); "before_<preset>": the one it compares with."""
    if preset.startswith("before_"):
        return preset_period(preset.removeprefix("before_"), now).previous()
    today = local_today(now)
    if preset == "week":
        return Period(today - dt.timedelta(days=today.weekday()), today, preset)
    if preset == "quarter":
        return Period(_quarter_start(today), today, preset)
    if preset == "last_quarter":
        end = _quarter_start(today) - dt.timedelta(days=1)
        return Period(_quarter_start(end), end, preset)
    if preset == "year":
        first = dt.date(today.year - 1, today.month, 1)
        return Period(first.replace(month=first.month % 12 + 1, year=first.year + first.month // 12), today, preset)
    return Period(today.replace(day=1), today, "month")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_period(args: Mapping[str, str], now: dt.datetime) -> tuple[Period, list[str]]:
    """The period a GET form asks for (this month by default) and any messages about what was ignored."""
    preset = args.get("period", "month")
    if preset != "range":
        return preset_period(preset if preset in PRESETS else "month", now), []
    first, last = _date(args.get("from")), _date(args.get("to"))
    if first is None or last is None:
        return preset_period("month", now), [str(_l("Choose both dates of the range, as YYYY-MM-DD."))]
    if last < first:
        first, last = last, first
    if (last - first).days > MAX_DAYS:
        first = last - dt.timedelta(days=MAX_DAYS)
        return Period(first, last), [str(_l("A report covers at most three years; the range was shortened."))]
    return Period(first, last), []
