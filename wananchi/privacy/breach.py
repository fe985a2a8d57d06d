"""Ready for a breach: every citizen contact that could have been exposed in a period at a set of institutions, and
the notification messages in Swahili and English, written to files for the controller to review; nothing is sent.

A ticket could have been exposed when, in the period,
- it was in the hands of one of the institutions: it is (still) theirs, or it was transferred from or to one of them
  during or after the period;
- something happened to it: it was submitted, its history gained an event (any change, reply, view of the contact
  details), or the audit log recorded a read of it (its page, a file, an export, the API); with `everything_held`,
  every ticket of theirs that held personal data in the period counts (a breach of the whole database or store);
- it held personal data then: its personal data had not been erased before the period began.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import String, cast, exists, or_, select

from wananchi.core.audit import AuditEntry, Subject, record
from wananchi.core.i18n import localized_name
from wananchi.core.spreadsheets import Value, rows_csv
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets.models import Identity, Ticket, TicketEvent, TicketTransfer

BATCH = 500
LOCAL_ZONE_NAME = "Africa/Dar_es_Salaam"


@dataclass
class BreachReport:
    """What the report found and where it wrote it."""

    tickets: int = 0  # tickets that could have been exposed
    contacts: int = 0  # of those, tickets with an e-mail address or phone number to write to
    without_contact: int = 0  # anonymous, or erased since: nobody to write to
    messages: int = 0  # messages written (one per e-mail address, one per phone number)
    files: list[Path] = field(default_factory=list)


def exposed_tickets(
    institutions: list[Institution], since: dt.datetime, until: dt.datetime, *, everything_held: bool = False
) -> Iterator[Ticket]:
    """The tickets that could have been exposed (see the module's definition), in id order, in batches."""
    ids = [institution.id for institution in institutions]
    held = or_(
        Ticket.institution_id.in_(ids),
        exists().where(
            TicketTransfer.ticket_id == Ticket.id,
            or_(TicketTransfer.from_institution_id.in_(ids), TicketTransfer.to_institution_id.in_(ids)),
            TicketTransfer.created_at >= since,
        ),
    )
    conditions = [
        held,
        Ticket.created_at < until,
        or_(Ticket.personal_data_erased_at.is_(None), Ticket.personal_data_erased_at >= since),
    ]
    if not everything_held:
        conditions.append(
            or_(
                Ticket.created_at >= since,
                exists().where(
                    TicketEvent.ticket_id == Ticket.id, TicketEvent.created_at >= since, TicketEvent.created_at < until
                ),
                exists().where(
                    AuditEntry.object_type == "Ticket",
                    AuditEntry.object_id == cast(Ticket.id, String),
                    AuditEntry.created_at >= since,
                    AuditEntry.created_at < until,
                ),
            )
        )
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Ticket).where(Ticket.id > last_id, *conditions).order_by(Ticket.id).limit(BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def _held(ticket: Ticket) -> str:
    """What personal data the ticket held, in the current language."""
    held = []
    if ticket.citizen_name:
        held.append(_("your name"))
    if ticket.citizen_email:
        held.append(_("your e-mail address"))
    if ticket.citizen_phone:
        held.append(_("your phone number"))
    held.append(_("the text of your ticket"))
    if ticket.attachments:
        held.append(_("the files you attached"))
    return ", ".join(held)


def _contact_line() -> str:
    config = current_app.config
    contacts = [value for value in (config.get("CONTACT_EMAIL"), config.get("CONTACT_PHONE")) if value]
    return ", ".join(contacts) or str(config.get("PUBLIC_URL", ""))


def _period_text(since: dt.datetime, until: dt.datetime) -> tuple[str, str]:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(LOCAL_ZONE_NAME)
    return f"{since.astimezone(zone):%d/%m/%Y %H:%M}", f"{until.astimezone(zone):%d/%m/%Y %H:%M}"


def email_message(ticket: Ticket, since: dt.datetime, until: dt.datetime) -> tuple[str, str]:
    """The e-mail to the ticket's citizen: (subject, body), Swahili first, then English."""
    start, end = _period_text(since, until)
    subjects, bodies = [], []
    for language in ("sw", "en"):
        with force_locale(language):
            subjects.append(_("Notice about your personal data (%(reference)s)", reference=ticket.reference))
            bodies.append(
                _(
                    "Dear citizen,\n\nWe must tell you that between %(start)s and %(end)s the personal data held "
                    "about your ticket %(reference)s (%(institution)s) could have been seen by someone without the "
                    "right to see it. It held: %(held)s.\n\nWe have stopped what happened and told the Personal Data "
                    "Protection Commission. Be careful with messages or calls that claim to come from us and ask for "
                    "your details or money: we never ask for a password or a payment.\n\nQuestions: %(contact)s.",
                    start=start,
                    end=end,
                    reference=ticket.reference,
                    institution=localized_name(ticket.institution, language),
                    held=_held(ticket),
                    contact=_contact_line(),
                )
            )
    return " / ".join(subjects), "\n\n---\n\n".join(bodies)


def sms_message(ticket: Ticket) -> str:
    """The SMS to the ticket's citizen, Swahili then English (three SMS at most)."""
    texts = []
    for language in ("sw", "en"):
        with force_locale(language):
            texts.append(
                _(
                    "Personal data of your ticket %(reference)s could have been exposed. We never ask for passwords "
                    "or payments. Questions: %(contact)s",
                    reference=ticket.reference,
                    contact=_contact_line(),
                )
            )
    return "\n".join(texts)


def write_breach_report(
    institutions: list[Institution],
    since: dt.datetime,
    until: dt.datetime,
    folder: Path,
    *,
    everything_held: bool = False,
) -> BreachReport:
    """List the contacts that could have been exposed and write the messages to `folder` (contacts.csv,
    messages.csv, summary.txt), in files the controller reviews; send nothing; note the run in the audit log."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    report = BreachReport()
    contacts: list[list[Value]] = [
        [
            "reference",
            "institution",
            "identity",
            "name",
            "email",
            "phone",
            "language",
            "submitted_at",
            "personal_data_erased_at",
        ]
    ]
    messages: list[list[Value]] = [["reference", "channel", "recipient", "subject", "body"]]
    for ticket in exposed_tickets(institutions, since, until, everything_held=everything_held):
        report.tickets += 1
        if not (ticket.citizen_email or ticket.citizen_phone):
            report.without_contact += 1
            continue
        report.contacts += 1
        contacts.append(
            [
                ticket.reference,
                ticket.institution.slug,
                str(ticket.identity),
                ticket.citizen_name if ticket.identity != Identity.ANONYMOUS else "",
                ticket.citizen_email,
                ticket.citizen_phone,
                ticket.language,
                ticket.created_at.isoformat(timespec="seconds"),
                ticket.personal_data_erased_at.isoformat(timespec="seconds") if ticket.personal_data_erased_at else "",
            ]
        )
        if ticket.citizen_email:
            subject, body = email_message(ticket, since, until)
            messages.append([ticket.reference, "email", ticket.citizen_email, subject, body])
        if ticket.citizen_phone:
            messages.append([ticket.reference, "sms", ticket.citizen_phone, "", sms_message(ticket)])
    report.messages = len(messages) - 1
    names = ", ".join(
        f"{institution.slug} ({institution.name_en or institution.name_sw})" for institution in institutions
    )
    summary = "\n".join(
        [
            "Wananchi breach report - NOTHING HAS BEEN SENT",
            f"Period (UTC): {since.isoformat()} to {until.isoformat()}",
            f"Institutions: {names}",
            "Tickets counted: "
            + (
                "every ticket these institutions held that still held personal data in the period"
                if everything_held
                else "tickets of these institutions (or transferred from or to them) submitted, changed or read "
                "in the period, whose personal data had not been erased before it began"
            ),
            f"Tickets that could have been exposed: {report.tickets}",
            f"  with an e-mail address or phone number to write to: {report.contacts}",
            f"  without one (anonymous, or erased since): {report.without_contact}",
            f"Messages written (messages.csv, Swahili then English): {report.messages}",
            "In the CSV files a cell that a spreadsheet would run as a formula starts with an apostrophe: phone "
            "numbers are written '+255..., remove the apostrophe before sending.",
            "",
            "Next: follow deploy/breach-runbook.md - review the messages, notify the Personal Data Protection "
            "Commission, then send them through the institution's usual channels, and keep this folder as the record.",
            "",
        ]
    )
    for name, text in (
        ("contacts.csv", rows_csv(contacts)),
        ("messages.csv", rows_csv(messages)),
        ("summary.txt", summary),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)  # contact details: readable by whoever ran the command only
        report.files.append(path)
    record(
        None,
        "breach_report",
        Subject("BreachReport", f"{since:%Y-%m-%d}..{until:%Y-%m-%d}"),
        {
            "institutions": [institution.slug for institution in institutions],
            "everything_held": everything_held,
            "tickets": report.tickets,
            "contacts": report.contacts,
            "messages": report.messages,
        },
    )
    return report
