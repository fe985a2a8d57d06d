"""The queue as a file (CSV or XLSX): the tickets of the tab and filters the officer is looking at. Citizens' contact
details are in it only when the exporter's role allows it (the institution's supervisors, for named citizens), and
the file says which; every ticket exported is in the audit log."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.core.spreadsheets import Value, rows_csv, rows_xlsx
from wananchi.tickets import access
from wananchi.tickets.labels import STAFF_STATUS_LABELS, TYPE_LABELS
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.queue import parse_filter, queue_page, visible_ids
from wananchi.tickets.staff import bp

EXPORT_LIMIT = 5_000  # tickets in one file: narrow the filters for more


def _exporter() -> User:
    user: User = current_user  # type: ignore[assignment]
    if not can(user, Permission.VIEW_QUEUE, user.institution):
        abort(404)
    return user


def _tickets(user: User) -> tuple[list[Ticket], bool]:
    """The queue's tickets under the address's tab and filters, in its order, and whether the limit cut it."""
    flt, _messages = parse_filter(request.args)
    scope = visible_ids(user)
    tickets: list[Ticket] = []
    cursor = None
    while len(tickets) < EXPORT_LIMIT:
        page, cursor = queue_page(user, flt, after=cursor, scope=scope)
        tickets.extend(page)
        if cursor is None:
            break
    return tickets[:EXPORT_LIMIT], cursor is not None or len(tickets) > EXPORT_LIMIT


def export_rows(user: User, tickets: list[Ticket], *, file_format: str, cut: bool = False) -> list[list[Value]]:
    """The file's rows: what it holds about contact details and why, the header, then one row per ticket; each
    ticket exported is written to the audit log, with whether its citizen's contact details went with it."""
    with_contact = can(user, Permission.EXPORT_CONTACT, user.institution)
    note = (
        _(
            "Contact details: included for citizens who gave their name, because your role (supervisor) allows it. "
            "Keep this file safe and delete it when the work is done."
        )
        if with_contact
        else _("Contact details: not included, because your role does not allow them in an export.")
    )
    header: list[Value] = [
        _("Reference number"),
        _("Type"),
        _("Status"),
        _("Institution"),
        _("Service"),
        _("Subject"),
        _("Received (UTC)"),
        _("Next target due (UTC)"),
    ]
    if with_contact:
        header += [_("Name"), _("E-mail address"), _("Phone number")]
    exported = _("Exported by %(name)s on %(when)s (UTC).", name=user.name, when=f"{utcnow():%Y-%m-%d %H:%M}")
    if cut:
        exported += " " + _("Only the first %(limit)d tickets: narrow the filters for the rest.", limit=EXPORT_LIMIT)
    rows: list[list[Value]] = [[note], [exported], header]
    for ticket in tickets:
        contact = with_contact and can(user, Permission.VIEW_CONTACT, ticket)
        row: list[Value] = [
            ticket.reference,
            str(TYPE_LABELS[ticket.type]),
            str(STAFF_STATUS_LABELS[ticket.status]),
            localized_name(ticket.institution),
            localized_name(ticket.category) if ticket.category is not None else "",
            ticket.subject,
            ticket.created_at.replace(tzinfo=None),
            ticket.next_due_at.replace(tzinfo=None) if ticket.next_due_at else None,
        ]
        if with_contact:
            row += [ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone] if contact else ["", "", ""]
        rows.append(row)
        access.record_access(user, access.EXPORT_TICKET, ticket, format=file_format, contact=contact)
    return rows


def _filename(extension: str) -> str:
    return f"foleni-{utcnow():%Y%m%d-%H%M}.{extension}"


@bp.get("/foleni.csv")
def queue_csv() -> Any:
    """The queue's tickets under its tab and filters, as CSV (at most EXPORT_LIMIT)."""
    user = _exporter()
    tickets, cut = _tickets(user)
    return Response(
        rows_csv(export_rows(user, tickets, file_format="csv", cut=cut)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"', "Cache-Control": "no-store"},
    )


@bp.get("/foleni.xlsx")
def queue_xlsx() -> Any:
    """The queue's tickets under its tab and filters, as a workbook (at most EXPORT_LIMIT)."""
    user = _exporter()
    tickets, cut = _tickets(user)
    rows = export_rows(user, tickets, file_format="xlsx", cut=cut)
    return Response(
        rows_xlsx(_("Queue"), rows, header_rows=3),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"', "Cache-Control": "no-store"},
    )
