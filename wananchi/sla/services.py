"""Administrative changes to working calendars, their dates and the response targets: audited, flushed, uncommitted."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.changes import apply_values, plain, save_change, values_of
from wananchi.institutions.models import Category, Institution
from wananchi.sla.calendars import clear_calendar_cache
from wananchi.sla.models import Calendar, CalendarDate, ResponseTarget
from wananchi.sla.policies import MINUTES_PER_DAY, from_settings
from wananchi.tickets.models import TicketType

WEEKDAYS = range(7)  # Monday is 0, as in Calendar.hours
INTERVALS_PER_DAY = 2  # the form offers a second interval (e.g. a lunch break) on each weekday
MAX_TARGET_DAYS = 365
TIME_PATTERN = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")

Hours = dict[str, list[list[str]]]


def hours_field(weekday: int, interval: int, edge: str) -> str:
    """The form field holding one end ("from" or "to") of a weekday's interval (counted from 0)."""
    return f"d{weekday}_{edge}{interval + 1}"


@dataclass
class CalendarValues:
    """What an administrator sets on a working calendar."""

    name: str
    timezone: str
    always_open: bool
    hours: Hours  # {"0": [["07:30", "15:30"]], ..., "6": []}


@dataclass
class CalendarDateValues:
    """A date closed or open in every calendar (no calendar) or in one."""

    calendar: Calendar | None
    day: dt.date
    is_working: bool
    note: str


@dataclass
class ResponseTargetValues:
    """Working days allowed for an institution, a service and a type (each optional, not all empty)."""

    institution: Institution | None
    category: Category | None
    type: TicketType | None
    first_response_days: int
    resolution_days: int


def _audit_value(value: Any) -> Any:
    """A value as the audit log stores it: calendars by name, dates as ISO text, the rest as the other changes."""
    if isinstance(value, Calendar):
        return value.name
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return plain(value)


def _audited(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Changes with calendars and dates made storable."""
    return {name: [_audit_value(old), _audit_value(new)] for name, (old, new) in changes.items()}


# Calendars


def _minute(text: str, *, is_end: bool) -> int:
    """Minutes since midnight of "HH:MM"; as a closing time 00:00 and 24:00 mean midnight at the end of the day."""
    hours, minutes = text.split(":")
    total = int(hours) * 60 + int(minutes)
    return MINUTES_PER_DAY if is_end and total in (0, MINUTES_PER_DAY) else total


def _check_hours(hours: Hours, always_open: bool) -> None:
    """Seven weekdays of HH:MM intervals, each closing after it opens, sorted, not overlapping."""
    if not set(hours) <= {str(weekday) for weekday in WEEKDAYS}:
        raise DomainError(_("Working hours are given per weekday, Monday to Sunday."))
    for weekday in WEEKDAYS:
        previous_end = 0
        for interval, bounds in enumerate(hours.get(str(weekday), [])):
            if interval >= INTERVALS_PER_DAY or len(bounds) != 2:
                raise DomainError(_("Give at most two intervals, each with an opening and a closing time."))
            start_text, end_text = bounds
            for edge, text in (("from", start_text), ("to", end_text)):
                if not TIME_PATTERN.match(text) or (edge == "from" and text == "24:00"):
                    raise DomainError(
                        _("Write the time as HH:MM, e.g. 07:30."), field=hours_field(weekday, interval, edge)
                    )
            start, end = _minute(start_text, is_end=False), _minute(end_text, is_end=True)
            if end <= start:
                raise DomainError(
                    _("The closing time must be after the opening time."), field=hours_field(weekday, interval, "to")
                )
            if start < previous_end:
                raise DomainError(
                    _("The second interval must start after the first one ends."),
                    field=hours_field(weekday, interval, "from"),
                )
            previous_end = end
    if not always_open and not any(hours.get(str(weekday)) for weekday in WEEKDAYS):
        raise DomainError(
            _("Give working hours on at least one weekday, or choose “Open around the clock”."), field="always_open"
        )


def _check_calendar(calendar: Calendar | None, values: CalendarValues) -> None:
    """The rules for a calendar: a unique name, a known time zone, valid hours the arithmetic accepts."""
    query = select(Calendar.id).where(func.lower(Calendar.name) == values.name.strip().lower())
    if calendar is not None:
        query = query.where(Calendar.id != calendar.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_("Another calendar already has this name."), field="name")
    if values.timezone not in available_timezones():
        raise DomainError(_("Choose a time zone such as Africa/Dar_es_Salaam."), field="timezone")
    _check_hours(values.hours, values.always_open)
    try:
        from_settings(
            timezone=values.timezone,
            weekly_hours=[values.hours.get(str(weekday), []) for weekday in WEEKDAYS],
            always_open=values.always_open,
            holiday_country=None,
        )
    except ValueError:
        raise DomainError(_("These working hours cannot be used: check each weekday.")) from None


def _calendar_values(values: CalendarValues) -> dict[str, Any]:
    """The stored form of a calendar's values: a trimmed name and all seven weekdays."""
    return {
        "name": values.name.strip(),
        "timezone": values.timezone,
        "always_open": values.always_open,
        "hours": {str(day): [list(bounds) for bounds in values.hours.get(str(day), [])] for day in WEEKDAYS},
    }


def create_calendar(values: CalendarValues, *, actor: User) -> Calendar:
    """A new working calendar institutions can be given."""
    _check_calendar(None, values)
    calendar = Calendar()
    changes = apply_values(calendar, _calendar_values(values))
    db.session.add(calendar)
    save_change(actor, "create_calendar", calendar, changes)
    clear_calendar_cache()
    return calendar


def update_calendar(calendar: Calendar, values: CalendarValues, *, actor: User) -> Calendar:
    """Change a calendar's name, time zone, hours or whether it is open around the clock."""
    _check_calendar(calendar, values)
    changes = apply_values(calendar, _calendar_values(values))
    save_change(actor, "update_calendar", calendar, changes)
    clear_calendar_cache()
    return calendar


def assign_calendar(institution: Institution, calendar: Calendar | None, *, actor: User) -> Institution:
    """Give an institution a working calendar, or (None) the standard public-service week."""
    if institution.calendar_id == (calendar.id if calendar is not None else None):
        return institution
    changes = _audited({"calendar": [institution.calendar, calendar]})
    institution.calendar = calendar
    save_change(actor, "assign_calendar", institution, changes)
    clear_calendar_cache()
    return institution


# Dates: closures and corrections of the public holidays


def _check_calendar_date(row: CalendarDate | None, values: CalendarDateValues) -> None:
    """The rules for a date: at most one row per day for each calendar (and one for all calendars)."""
    same_calendar = (
        CalendarDate.calendar_id.is_(None)
        if values.calendar is None
        else CalendarDate.calendar_id == values.calendar.id
    )
    query = select(CalendarDate.id).where(CalendarDate.day == values.day, same_calendar)
    if row is not None:
        query = query.where(CalendarDate.id != row.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_("This date is already listed for this calendar: change that entry instead."), field="day")


def create_calendar_date(values: CalendarDateValues, *, actor: User) -> CalendarDate:
    """A closure, an announced holiday, or a holiday estimate declared a working day."""
    _check_calendar_date(None, values)
    row = CalendarDate()
    changes = _audited(apply_values(row, {**values_of(values), "note": values.note.strip()}))
    db.session.add(row)
    save_change(actor, "create_calendar_date", row, changes)
    clear_calendar_cache()
    return row


def update_calendar_date(row: CalendarDate, values: CalendarDateValues, *, actor: User) -> CalendarDate:
    """Change a listed date: its day, whether it is open, its note or its calendar."""
    _check_calendar_date(row, values)
    changes = _audited(apply_values(row, {**values_of(values), "note": values.note.strip()}))
    save_change(actor, "update_calendar_date", row, changes)
    clear_calendar_cache()
    return row


def delete_calendar_date(row: CalendarDate, *, actor: User) -> None:
    """Remove a listed date: the day follows the weekly hours and the public holidays again."""
    changes = _audited({"calendar": [row.calendar, None], "day": [row.day, None], "is_working": [row.is_working, None]})
    record(actor.id, "delete_calendar_date", row, changes)
    db.session.delete(row)
    db.session.flush()
    clear_calendar_cache()


# Response targets


def _same_combination(values: ResponseTargetValues) -> Any:
    """A select of the targets naming exactly this institution, service and type, NULLs compared as equal."""
    conditions = [
        ResponseTarget.institution_id.is_(None)
        if values.institution is None
        else ResponseTarget.institution_id == values.institution.id,
        ResponseTarget.category_id.is_(None)
        if values.category is None
        else ResponseTarget.category_id == values.category.id,
        ResponseTarget.type.is_(None) if values.type is None else ResponseTarget.type == values.type,
    ]
    return select(ResponseTarget.id).where(*conditions)


def _check_target(target: ResponseTarget | None, values: ResponseTargetValues) -> None:
    """The rules for a target: it names something, its days are sensible, its combination is unique."""
    if values.institution is None and values.category is None and values.type is None:
        raise DomainError(
            _("Choose an institution, a service or a type for the target to apply to."), field="institution"
        )
    for name, days in (
        ("first_response_days", values.first_response_days),
        ("resolution_days", values.resolution_days),
    ):
        if not 1 <= days <= MAX_TARGET_DAYS:
            raise DomainError(_("Give between 1 and %(max)d working days.", max=MAX_TARGET_DAYS), field=name)
    if values.resolution_days < values.first_response_days:
        raise DomainError(_("The resolution cannot be due before the first response."), field="resolution_days")
    duplicate = _same_combination(values)
    if target is not None:
        duplicate = duplicate.where(ResponseTarget.id != target.id)
    if db.session.scalar(duplicate.limit(1)) is not None:
        raise DomainError(
            _("A target for this institution, service and type already exists: change that target instead."),
            field="institution",
        )


def create_response_target(values: ResponseTargetValues, *, actor: User) -> ResponseTarget:
    """A new target overriding the defaults for an institution, a service and/or a type."""
    _check_target(None, values)
    target = ResponseTarget()
    changes = apply_values(target, values_of(values))
    db.session.add(target)
    save_change(actor, "create_response_target", target, changes)
    return target


def update_response_target(target: ResponseTarget, values: ResponseTargetValues, *, actor: User) -> ResponseTarget:
    """Change what a target applies to or the working days it allows; tickets already running keep their dates."""
    _check_target(target, values)
    changes = apply_values(target, values_of(values))
    save_change(actor, "update_response_target", target, changes)
    return target


def delete_response_target(target: ResponseTarget, *, actor: User) -> None:
    """Remove a target: new tickets follow the next most specific target, or the defaults."""
    changes = {
        name: [plain(getattr(target, name)), None]
        for name in ("institution", "category", "type", "first_response_days", "resolution_days")
        if getattr(target, name) is not None
    }
    record(actor.id, "delete_response_target", target, changes)
    db.session.delete(target)
    db.session.flush()
