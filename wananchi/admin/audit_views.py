"""The audit log for administrators and auditors: who changed what, and who saw which citizen's personal data,
listed by person, by ticket and by period, 50 a page, and exported as CSV (safe against formula injection)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.admin import queries
from wananchi.admin.common import actor, bp, page_number
from wananchi.admin.labels import ACTION_LABELS, OBJECT_LABELS
from wananchi.admin.retention_views import RETENTION_ACTION_LABELS, RETENTION_OBJECT_LABELS
from wananchi.admin.sla_views import SLA_ACTION_LABELS, SLA_OBJECT_LABELS
from wananchi.core.audit import Subject, record
from wananchi.core.db import utcnow
from wananchi.core.numbers import whole_number
from wananchi.core.spreadsheets import rows_csv
from wananchi.extensions import db
from wananchi.tickets.models import Ticket
from wananchi.tickets.references import normalise_reference

LOCAL_ZONE = ZoneInfo("Africa/Dar_es_Salaam")
EXPORT_LIMIT = 100_000  # entries in one file: a year of a busy institution's views; narrow the period for more
KIND_CHOICES = {"": _l("Everything"), "access": _l("Access to personal data"), "users": _l("Accounts and roles")}

EDIT_ENDPOINTS = {
    "Institution": ("admin.institution_edit", "institution_id"),
    "Category": ("admin.category_edit", "category_id"),
    "User": ("admin.user_edit", "user_id"),
    "Calendar": ("admin.calendar_edit", "calendar_id"),
}


def action_labels() -> dict[str, str]:
    """Every audit action's label, across the domains."""
    return {**ACTION_LABELS, **SLA_ACTION_LABELS, **RETENTION_ACTION_LABELS}


def object_labels() -> dict[str, str]:
    """Every audited object's label, across the domains."""
    return {**OBJECT_LABELS, **SLA_OBJECT_LABELS, **RETENTION_OBJECT_LABELS}


@dataclass
class ParsedFilter:
    """The filter as typed (to show again), what it means, and what was wrong with it."""

    typed: dict[str, str]
    value: queries.AuditFilter
    errors: dict[str, str] = field(default_factory=dict)


def _day(text: str, name: str, errors: dict[str, str]) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = _("Write the date as YYYY-MM-DD, for example 2026-03-31.")
        return None
    if not dt.date(2000, 1, 1) <= day <= dt.date(2999, 12, 31):
        errors[name] = _("Write a date between 2000 and 2999.")
        return None
    return day


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in Dar es Salaam, in UTC."""
    return dt.datetime.combine(day, dt.time(), LOCAL_ZONE).astimezone(dt.UTC)


def parse_filter() -> ParsedFilter:
    """The audit filter from the address: person (a user id), ticket (a reference), from and to (days, both
    included, in Dar es Salaam's time) and kind; a nonsense value is named, never an error page."""
    typed = {name: request.args.get(name, "").strip()[:100] for name in ("person", "ticket", "from", "to", "kind")}
    errors: dict[str, str] = {}
    actor_id = whole_number(typed["person"]) if typed["person"] else None
    if typed["person"] and (actor_id is None or db.session.get(User, actor_id) is None):
        errors["person"] = _("Choose a person from the list.")
        actor_id = None
    ticket_id = None
    if typed["ticket"]:
        reference = normalise_reference(typed["ticket"])
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.reference == reference)) if reference else None
        if ticket_id is None:
            errors["ticket"] = _("No ticket has this reference number.")
    since, until = _day(typed["from"], "from", errors), _day(typed["to"], "to", errors)
    if since and until and until < since:
        errors["to"] = _("The end of the period comes before its start.")
    kind = typed["kind"] if typed["kind"] in KIND_CHOICES else ""
    value = queries.AuditFilter(
        actor_id=actor_id,
        # A ticket that was asked for and not found lists nothing, rather than everything.
        ticket_id=ticket_id if not typed["ticket"] or ticket_id is not None else -1,
        since=_start_of(since) if since else None,
        until=_start_of(until + dt.timedelta(days=1)) if until else None,
        kind=kind,
    )
    return ParsedFilter(typed={**typed, "kind": kind}, value=value, errors=errors)


@bp.get("/kumbukumbu")
def audit() -> ResponseReturnValue:
    """The audit log, newest first, 50 a page, by person, ticket, period and kind."""
    parsed = parse_filter()
    page, actors = queries.audit_page(page_number(), parsed.value)
    return render_template(
        "admin/audit.html",
        page=page,
        actors=actors,
        people=queries.people(),
        typed=parsed.typed,
        errors=parsed.errors,
        kinds=KIND_CHOICES,
        filter_args={name: value for name, value in parsed.typed.items() if value},
        action_labels=action_labels(),
        object_labels=object_labels(),
        edit_endpoints=EDIT_ENDPOINTS,
    ), 422 if parsed.errors else 200


def _who(entry_actor_id: int | None, address: str | None, actors: dict[int, User]) -> str:
    if entry_actor_id in actors:
        user = actors[entry_actor_id]
        return f"{user.name} <{user.email}>"
    return _("someone not logged in") if address else _("the system")


@bp.get("/kumbukumbu.csv")
def audit_csv() -> ResponseReturnValue:
    """The entries of the audit log that pass the filter, as CSV (at most EXPORT_LIMIT; the export itself is in
    the audit log)."""
    parsed = parse_filter()
    entries = list(db.session.scalars(queries.audit_query(parsed.value).limit(EXPORT_LIMIT)))
    actors = queries.actors_of(entries)
    labels, objects = action_labels(), object_labels()
    header = [
        _("Time (UTC)"),
        _("Who"),
        _("Client address"),
        _("Action"),
        _("Action code"),
        _("Object"),
        _("Object id"),
        _("Details"),
    ]
    rows = [
        [
            entry.created_at.isoformat(timespec="seconds"),
            _who(entry.actor_id, entry.client_address, actors),
            entry.client_address,
            str(labels.get(entry.action, entry.action)),
            entry.action,
            str(objects.get(entry.object_type, entry.object_type)),
            entry.object_id,
            ", ".join(f"{name}: {value}" for name, value in sorted(entry.changes.items())),
        ]
        for entry in entries
    ]
    record(
        actor().id,
        "export_audit",
        Subject("AuditExport", utcnow().date().isoformat()),
        {"filter": {name: value for name, value in parsed.typed.items() if value}, "entries": len(rows)},
    )
    return Response(
        rows_csv([header, *rows]),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="kumbukumbu-{utcnow():%Y%m%d-%H%M}.csv"',
            "Cache-Control": "no-store",
        },
    )
