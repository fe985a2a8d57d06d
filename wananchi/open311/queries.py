"""Finding service requests for GET requests: the spec's filters, 90 days and 1,000 requests at most."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from wananchi.extensions import db
from wananchi.institutions.models import Category, District
from wananchi.open311.intake import Open311Error
from wananchi.open311.serializers import LOCAL_TIME
from wananchi.tickets.models import CITIZEN_TYPES, OPEN_STATUSES, Ticket, TicketStatus
from wananchi.tickets.references import normalise_reference

WINDOW = dt.timedelta(days=90)
# The days a date filter may name (as the staff queue's filters): far enough for any ticket.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
MAX_REQUESTS = 1000
CLOSED_STATUSES = frozenset(TicketStatus) - OPEN_STATUSES


def _loaded(query: Select[Ticket]) -> Select[Ticket]:
    """The citizens' tickets of `query` with what their answers show: never a request about personal data (a
    citizen's exercise of their rights is nobody else's business)."""
    return query.where(Ticket.type.in_(CITIZEN_TYPES)).options(
        selectinload(Ticket.category),
        selectinload(Ticket.institution),
        selectinload(Ticket.district).selectinload(District.region),
        selectinload(Ticket.messages),
    )


def _list(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").split(",") if item.strip()]


def parse_w3c(raw: str, name: str, *, end: bool = False) -> dt.datetime:
    """A W3C date or date-time; a time without a zone is Tanzanian time, a bare end date includes its day.

    Its day must be between EARLIEST and LATEST: the window around it is then always a date Python can hold.
    """
    try:
        if len(raw) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(), LOCAL_TIME)
        else:
            value = dt.datetime.fromisoformat(raw.replace("z", "Z"))
            if value.tzinfo is None:
                value = value.replace(tzinfo=LOCAL_TIME)
    except ValueError:
        raise Open311Error(
            400, _("%(field)s must be a W3C date-time, for example 2026-03-20T09:15:00+03:00.", field=name)
        ) from None
    if not EARLIEST <= value.date() <= LATEST:
        raise Open311Error(
            400,
            _(
                "%(field)s must be a date from %(earliest)s to %(latest)s.",
                field=name,
                earliest=EARLIEST.isoformat(),
                latest=LATEST.isoformat(),
            ),
        )
    if end and len(raw) == 10:
        value += dt.timedelta(days=1)
    return value.astimezone(dt.UTC)


def _window(args: MultiDict[str, str], now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    start_raw, end_raw = (args.get("start_date") or "").strip(), (args.get("end_date") or "").strip()
    start = parse_w3c(start_raw, "start_date") if start_raw else None
    end = parse_w3c(end_raw, "end_date", end=True) if end_raw else None
    if start is None:
        return (end - WINDOW, end) if end is not None else (now - WINDOW, now)
    if end is None:
        return start, start + WINDOW
    if end < start:
        raise Open311Error(400, _("end_date must not be before start_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    return start, end


def _statuses(args: MultiDict[str, str]) -> frozenset[TicketStatus] | None:
    wanted = _list(args.get("status"))
    if not wanted:
        return None
    if any(status not in ("open", "closed") for status in wanted):
        raise Open311Error(400, _("status must be open or closed."))
    chosen: frozenset[TicketStatus] = frozenset()
    if "open" in wanted:
        chosen |= OPEN_STATUSES
    if "closed" in wanted:
        chosen |= CLOSED_STATUSES
    return chosen


def find_by_ids(raw: str) -> Sequence[Ticket]:
    """The tickets with these comma-separated references (unknown ones are left out), newest first."""
    references = {ref for ref in (normalise_reference(item[:40]) for item in _list(raw)[:MAX_REQUESTS]) if ref}
    if not references:
        return []
    query = select(Ticket).where(Ticket.reference.in_(references)).order_by(Ticket.created_at.desc(), Ticket.id)
    return db.session.scalars(_loaded(query)).all()


def find_requests(args: MultiDict[str, str], now: dt.datetime) -> Sequence[Ticket]:
    """Tickets matching GET requests' filters: a service_request_id list wins over every other filter."""
    if (args.get("service_request_id") or "").strip():
        return find_by_ids(args["service_request_id"])
    start, end = _window(args, now)
    query = select(Ticket).where(Ticket.created_at >= start, Ticket.created_at <= end)
    codes = [code[:60] for code in _list(args.get("service_code"))]
    if codes:
        query = query.join(Category, Category.id == Ticket.category_id).where(Category.code.in_(codes))
    statuses = _statuses(args)
    if statuses is not None:
        query = query.where(Ticket.status.in_(sorted(statuses)))
    query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(MAX_REQUESTS)
    return db.session.scalars(_loaded(query)).all()


def find_request(reference: str) -> Ticket | None:
    """One ticket by its reference, if it exists."""
    canonical = normalise_reference(reference[:40])
    if canonical is None:
        return None
    return db.session.scalar(_loaded(select(Ticket).where(Ticket.reference == canonical)))
