"""The working calendar of an institution, built from its settings and the announced dates, cached briefly."""

from __future__ import annotations

import threading
import time

from sqlalchemy import or_, select

from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.sla.models import Calendar, CalendarDate
from wananchi.sla.policies import WorkingCalendar, from_settings

# Settings change rarely; each process rebuilds a calendar at most this often (or when told to).
CACHE_SECONDS = 60.0
_cache: dict[int | None, tuple[float, WorkingCalendar]] = {}
_lock = threading.Lock()


def clear_calendar_cache() -> None:
    """Forget built calendars (after an administrator changes hours or dates)."""
    with _lock:
        _cache.clear()


def _build(calendar_id: int | None) -> WorkingCalendar:
    this_year = utcnow().year
    years = range(this_year - 2, this_year + 3)  # due dates reach into next year; reports look back
    rows = db.session.execute(
        select(CalendarDate.day, CalendarDate.is_working)
        .where(or_(CalendarDate.calendar_id.is_(None), CalendarDate.calendar_id == calendar_id))
        .order_by(CalendarDate.calendar_id.is_not(None), CalendarDate.day)  # the institution's own dates last
    ).all()
    corrections = [(day, is_working) for day, is_working in rows]
    settings = db.session.get(Calendar, calendar_id) if calendar_id is not None else None
    if settings is None:
        return from_settings(years=years, corrections=corrections)
    return from_settings(
        timezone=settings.timezone,
        weekly_hours=[settings.hours.get(str(day), []) for day in range(7)] if settings.hours else None,
        always_open=settings.always_open,
        years=years,
        corrections=corrections,
    )


def calendar_for(institution: Institution) -> WorkingCalendar:
    """The working calendar `institution` keeps (the standard public-service week unless set otherwise)."""
    key = institution.calendar_id
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
    calendar = _build(key)
    with _lock:
        _cache[key] = (now, calendar)
    return calendar
