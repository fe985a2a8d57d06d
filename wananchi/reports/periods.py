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
        if self.preset != "range":
            return {"period": self.preset}
        return {"period": "range", "from": self.first.isoformat(), "to": self.last.isoformat()}


def local_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant a local day starts."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TIME).astimezone(dt.UTC)


def local_today(now: dt.datetime) -> dt.date:
    """Today's date in Tanzania."""
    return now.astimezone(LOCAL_TIME).date()


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def preset_period(preset: str, now: dt.datetime) -> Period:
    """A named period ending today (or the last complete quarter)."""
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
