"""Administration of the working calendars, the holidays and closures, and the response-time targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from wananchi.admin import queries
from wananchi.admin.common import actor, bp, chosen, form_status, get_or_404
from wananchi.admin.forms import (
    ALL_CALENDARS,
    NOTHING,
    WEEKDAY_LABELS,
    CalendarDateForm,
    CalendarForm,
    ResponseTargetForm,
    calendar_choices,
    category_choices,
    institution_choices,
    parse_day,
    type_choices,
)
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.sla.models import Calendar, CalendarDate, ResponseTarget
from wananchi.sla.policies import DEFAULT_TIMEZONE, public_holidays
from wananchi.sla.services import (
    INTERVALS_PER_DAY,
    WEEKDAYS,
    CalendarDateValues,
    CalendarValues,
    ResponseTargetValues,
    create_calendar,
    create_calendar_date,
    create_response_target,
    delete_calendar_date,
    delete_response_target,
    hours_field,
    update_calendar,
    update_calendar_date,
    update_response_target,
)
from wananchi.sla.targets import DEFAULT_TARGETS
from wananchi.tickets.labels import TYPE_LABELS
from wananchi.tickets.models import TicketType

STANDARD_HOURS = {str(weekday): [["07:30", "15:30"]] if weekday < 5 else [] for weekday in WEEKDAYS}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years the holidays page offers

SLA_ACTION_LABELS = {
    "create_calendar": _l("Calendar added"),
    "update_calendar": _l("Calendar changed"),
    "assign_calendar": _l("Institution's calendar changed"),
    "create_calendar_date": _l("Date added"),
    "update_calendar_date": _l("Date changed"),
    "delete_calendar_date": _l("Date deleted"),
    "create_response_target": _l("Response target added"),
    "update_response_target": _l("Response target changed"),
    "delete_response_target": _l("Response target deleted"),
}

SLA_OBJECT_LABELS = {
    "Calendar": _l("Calendar"),
    "CalendarDate": _l("Date"),
    "ResponseTarget": _l("Response target"),
}


def all_calendars() -> list[Calendar]:
    """Every working calendar, by name."""
    return list(db.session.scalars(select(Calendar).order_by(func.lower(Calendar.name), Calendar.id)))


# Calendars


@bp.get("/kalenda")
def calendars() -> ResponseReturnValue:
    """The standard week, then each calendar with its hours and the institutions that keep it."""
    rows = all_calendars()
    users: dict[int | None, list[Institution]] = {calendar.id: [] for calendar in rows}
    for institution in db.session.scalars(select(Institution).where(Institution.calendar_id.is_not(None))):
        users.setdefault(institution.calendar_id, []).append(institution)
    standard_count = db.session.scalar(
        select(func.count()).select_from(Institution).where(Institution.calendar_id.is_(None))
    )
    return render_template(
        "admin/calendars.html",
        calendars=rows,
        users={key: by_name(found) for key, found in users.items()},
        standard_count=standard_count,
        standard_hours=STANDARD_HOURS,
        standard_timezone=DEFAULT_TIMEZONE.key,
        weekdays=WEEKDAY_LABELS,
    )


def _calendar_form(calendar: Calendar | None) -> CalendarForm:
    """The calendar form, filled from the calendar (a new one starts from the standard week) or the request."""
    hours = calendar.hours if calendar is not None else STANDARD_HOURS
    data: dict[str, Any] = {
        "name": calendar.name if calendar is not None else "",
        "timezone": calendar.timezone if calendar is not None else DEFAULT_TIMEZONE.key,
        "always_open": calendar.always_open if calendar is not None else False,
    }
    for weekday in WEEKDAYS:
        for interval, (start, end) in enumerate(hours.get(str(weekday), [])[:INTERVALS_PER_DAY]):
            data[hours_field(weekday, interval, "from")] = start
            data[hours_field(weekday, interval, "to")] = end
    return CalendarForm(data=data)


@bp.route("/kalenda/mpya", methods=["GET", "POST"], defaults={"calendar_id": None})
@bp.route("/kalenda/<int:calendar_id>", methods=["GET", "POST"])
def calendar_edit(calendar_id: int | None) -> ResponseReturnValue:
    """Add a working calendar, or change one (name, time zone, hours per weekday, around the clock)."""
    calendar = get_or_404(Calendar, calendar_id) if calendar_id is not None else None
    form = _calendar_form(calendar)
    if form.validate_on_submit():
        values = CalendarValues(
            name=form.name.data or "",
            timezone=form.timezone.data or "",
            always_open=form.always_open.data,
            hours=form.hours(),
        )
        try:
            if calendar is None:
                create_calendar(values, actor=actor())
            else:
                update_calendar(calendar, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The calendar has been saved."), "success")
            return redirect(url_for("admin.calendars"), code=303)
    rows = [
        (
            label,
            [(form[hours_field(day, i, "from")], form[hours_field(day, i, "to")]) for i in range(INTERVALS_PER_DAY)],
        )
        for day, label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)
    ]
    return render_template("admin/calendar_edit.html", form=form, calendar=calendar, rows=rows), form_status(form)


# Holidays and closures


def _year() -> int:
    """The year asked for in the address, within the years offered (this year if none or nonsense)."""
    year = request.args.get("year", type=int) or utcnow().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


@bp.get("/sikukuu")
def holidays() -> ResponseReturnValue:
    """A year's public holidays with the announced corrections beside them, and every date added for that year."""
    year = _year()
    dates = list(
        db.session.scalars(
            select(CalendarDate)
            .options(selectinload(CalendarDate.calendar))
            .where(CalendarDate.day >= dt.date(year, 1, 1), CalendarDate.day <= dt.date(year, 12, 31))
            .order_by(CalendarDate.day, CalendarDate.calendar_id.is_not(None), CalendarDate.id)
        )
    )
    by_day: dict[dt.date, list[CalendarDate]] = {}
    for row in dates:
        by_day.setdefault(row.day, []).append(row)
    return render_template(
        "admin/holidays.html",
        year=year,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
        holidays=public_holidays([year]),
        dates=dates,
        by_day=by_day,
        weekdays=WEEKDAY_LABELS,
    )


def _calendar_date_form(row: CalendarDate | None) -> CalendarDateForm:
    """The date form, filled from the row (or, for a new date, the day and state in the address) or the request."""
    if row is not None:
        data: dict[str, Any] = {
            "day": row.day,
            "is_working": "open" if row.is_working else "closed",
            "note": row.note,
            "calendar": row.calendar_id,
        }
    else:
        data = {
            "day": parse_day(request.args.get("day")),
            "is_working": "open" if request.args.get("is_working") == "open" else "closed",
        }
    form = CalendarDateForm(data=data)
    form.calendar.choices = [ALL_CALENDARS, *calendar_choices(all_calendars())]
    return form


@bp.route("/sikukuu/mpya", methods=["GET", "POST"], defaults={"date_id": None})
@bp.route("/sikukuu/<int:date_id>", methods=["GET", "POST"])
def calendar_date_edit(date_id: int | None) -> ResponseReturnValue:
    """Add a closure or a correction of the public holidays, or change one."""
    row = get_or_404(CalendarDate, date_id) if date_id is not None else None
    form = _calendar_date_form(row)
    if form.validate_on_submit():
        values = CalendarDateValues(
            calendar=chosen(Calendar, form.calendar.data),
            day=form.day.data,
            is_working=form.is_working.data == "open",
            note=form.note.data or "",
        )
        try:
            if row is None:
                saved = create_calendar_date(values, actor=actor())
            else:
                saved = update_calendar_date(row, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The date has been saved."), "success")
            return redirect(url_for("admin.holidays", year=saved.day.year), code=303)
    holiday = public_holidays([row.day.year]).get(row.day) if row is not None else None
    return (
        render_template("admin/calendar_date_edit.html", form=form, row=row, holiday=holiday),
        form_status(form),
    )


@bp.post("/sikukuu/<int:date_id>/futa")
def calendar_date_delete(date_id: int) -> ResponseReturnValue:
    """Delete a listed date."""
    row = get_or_404(CalendarDate, date_id)
    year = row.day.year
    delete_calendar_date(row, actor=actor())
    flash(_("The date has been deleted."), "success")
    return redirect(url_for("admin.holidays", year=year), code=303)


# Response targets


@bp.get("/malengo")
def targets() -> ResponseReturnValue:
    """The default targets per type, then the administrator's targets, by institution, service and type."""
    rows = db.session.scalars(
        select(ResponseTarget).options(selectinload(ResponseTarget.institution), selectinload(ResponseTarget.category))
    )

    def order(target: ResponseTarget) -> tuple[Any, ...]:
        """Targets naming an institution first, by institution, then by service and type."""
        return (
            target.institution is None,
            localized_name(target.institution) if target.institution else "",
            target.category is None,
            localized_name(target.category) if target.category else "",
            list(TicketType).index(target.type) if target.type else len(TicketType),
        )

    return render_template(
        "admin/targets.html",
        defaults=DEFAULT_TARGETS,
        rows=sorted(rows, key=order),
        type_labels=TYPE_LABELS,
    )


def _target_form(target: ResponseTarget | None) -> ResponseTargetForm:
    """The target form, filled from the target (or the request), with its choices."""
    data: dict[str, Any] = {}
    if target is not None:
        data = {
            "institution": target.institution_id,
            "category": target.category_id,
            "type": target.type.value if target.type else "",
            "first_response_days": str(target.first_response_days),
            "resolution_days": str(target.resolution_days),
        }
    form = ResponseTargetForm(data=data)
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    form.category.choices = [NOTHING, *category_choices(queries.categories())]
    form.type.choices = [NOTHING, *type_choices()]
    return form


@bp.route("/malengo/mpya", methods=["GET", "POST"], defaults={"target_id": None})
@bp.route("/malengo/<int:target_id>", methods=["GET", "POST"])
def target_edit(target_id: int | None) -> ResponseReturnValue:
    """Add a response target, or change one."""
    target = get_or_404(ResponseTarget, target_id) if target_id is not None else None
    form = _target_form(target)
    if form.validate_on_submit():
        values = ResponseTargetValues(
            institution=chosen(Institution, form.institution.data),
            category=chosen(Category, form.category.data),
            type=TicketType(form.type.data) if form.type.data else None,
            first_response_days=int(form.first_response_days.data or 0),
            resolution_days=int(form.resolution_days.data or 0),
        )
        try:
            if target is None:
                create_response_target(values, actor=actor())
            else:
                update_response_target(target, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The response target has been saved."), "success")
            return redirect(url_for("admin.targets"), code=303)
    return render_template("admin/target_edit.html", form=form, target=target), form_status(form)


@bp.post("/malengo/<int:target_id>/futa")
def target_delete(target_id: int) -> ResponseReturnValue:
    """Delete a response target."""
    target = get_or_404(ResponseTarget, target_id)
    delete_response_target(target, actor=actor())
    flash(_("The response target has been deleted."), "success")
    return redirect(url_for("admin.targets"), code=303)
