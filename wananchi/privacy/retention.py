"""Retention: a closed ticket keeps its citizen's contact details and files for its period, then they are erased.

The ticket stays, with its reference, its type, service, institution, dates and figures (reports do not change);
its texts stay with e-mail addresses, phone numbers and the citizen's name masked. A legal hold stops erasure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from flask import current_app
from sqlalchemy import delete, select

from wananchi.accounts.models import User
from wananchi.core.audit import Subject, record
from wananchi.core.db import on_commit
from wananchi.core.storage import file_store
from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage, SmsOptOut
from wananchi.privacy import signals
from wananchi.privacy.models import DataRequest, RetentionPeriod
from wananchi.tickets.attachments import remove_files
from wananchi.tickets.models import EventKind, MessageKind, Ticket, TicketEvent, TicketStatus, TicketType

BATCH = 200  # tickets per transaction
SYSTEM = "mfumo"
MASK = "[imefutwa]"  # "erased", in the ticket's texts where a contact detail was
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Phone numbers as citizens write them: +255 754 123 456, 0754-123456, 255754123456 (never a reference number).
PHONE = re.compile(r"(?<![\w-])(?:\+\d(?:[\s-]?\d){7,14}|(?:255|0)(?:[\s-]?\d){9})(?![\w-])")


@dataclass(frozen=True)
class Periods:
    """The retention periods in force: the default, and the configured ones by (institution, type)."""

    default_days: int
    configured: dict[tuple[int | None, TicketType | None], int]

    def days_for(self, institution_id: int, ticket_type: TicketType) -> int:
        """The most specific period: type at the institution, the institution, the type, then the default."""
        for key in ((institution_id, ticket_type), (institution_id, None), (None, ticket_type)):
            if key in self.configured:
                return self.configured[key]
        return self.default_days

    @property
    def shortest(self) -> int:
        """No ticket closed more recently than this many days ago can be due."""
        return min([self.default_days, *self.configured.values()])


def current_periods() -> Periods:
    """The default period (PERSONAL_DATA_RETENTION_DAYS) and every configured one."""
    rows = db.session.scalars(select(RetentionPeriod).order_by(RetentionPeriod.id))
    return Periods(
        default_days=int(current_app.config["PERSONAL_DATA_RETENTION_DAYS"]),
        configured={(row.institution_id, row.ticket_type): row.days for row in rows},
    )


def mask_contacts(text: str | None, names: list[str]) -> str | None:
    """`text` with e-mail addresses, phone numbers and the given names replaced by the mask."""
    if not text:
        return text
    masked = PHONE.sub(MASK, EMAIL.sub(MASK, text))
    for name in names:
        masked = re.sub(rf"\b{re.escape(name)}\b", MASK, masked, flags=re.IGNORECASE)
    return masked


@dataclass
class RetentionResult:
    """What one run erased."""

    tickets: int = 0
    attachments: int = 0
    messages: int = 0  # outbox messages to the citizen whose address and text were cleared
    sms_opt_outs: int = 0  # SMS stops whose number nothing holds any more
    others: dict[str, int] = dataclass_field(default_factory=dict)  # what the other domains erased (SMS received)


def _name_parts(ticket: Ticket) -> list[str]:
    """The citizen's full name and each word of it long enough not to mask ordinary words."""
    if not ticket.citizen_name:
        return []
    full = ticket.citizen_name.strip()
    return [full, *(part for part in full.split() if len(part) >= 3 and part != full)]


def erase_personal_data(ticket: Ticket, now: dt.datetime, *, on_request: bool = False) -> tuple[int, int]:
    """Erase a ticket's contact details and files, mask them in its texts, and note it in its history (its retention
    period ended, or its citizen's request was granted: `on_request`); the numbers of files and outbox messages
    erased. The files are deleted from storage once the transaction commits (a failed commit keeps them, with the rows
    that name them)."""
    names = _name_parts(ticket)
    for field in ("subject", "description", "place", "resolution_summary", "satisfaction_comment", "commended_to"):
        setattr(ticket, field, mask_contacts(getattr(ticket, field), names))
    for message in ticket.messages:
        message.body = mask_contacts(message.body, names) or ""
        if message.kind == MessageKind.CITIZEN:
            message.author_name = None
    stored = [attachment.stored_name for attachment in ticket.attachments]
    for attachment in list(ticket.attachments):
        db.session.delete(attachment)
    ticket.attachments.clear()
    outbox = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.recipient_user_id.is_(None))
    ).all()
    for sent in outbox:
        sent.recipient = MASK
        sent.subject = mask_contacts(sent.subject, names) or ""
        sent.body_text = mask_contacts(sent.body_text, names) or ""
        sent.body_html = mask_contacts(sent.body_html, names)
    for request in db.session.scalars(select(DataRequest).where(DataRequest.ticket_id == ticket.id)):
        request.details = {}  # a correction's new contact details
        request.identity_note = None  # how an officer checked the citizen's identity (a document's digits)
        if request.request_ticket is not None:  # the request's own ticket holds the citizen's reason
            own = request.request_ticket
            for field in ("subject", "description", "resolution_summary"):
                setattr(own, field, mask_contacts(getattr(own, field), names))
            for answer in own.messages:
                answer.body = mask_contacts(answer.body, names) or ""
    ticket.citizen_name = ticket.citizen_email = ticket.citizen_phone = None
    ticket.latitude = ticket.longitude = None
    ticket.personal_data_erased_at = now
    ticket.events.append(
        TicketEvent(
            kind=EventKind.DATA_ERASED_ON_REQUEST if on_request else EventKind.PERSONAL_DATA_ERASED,
            actor=SYSTEM,
            created_at=now,
            data={"attachments": len(stored)},
        )
    )
    db.session.flush()
    store = file_store()
    on_commit(lambda: remove_files(store, stored))
    return len(stored), len(outbox)


def erase_expired(commit: Callable[[], None], now: dt.datetime) -> RetentionResult:
    """Erase the personal data of every closed ticket past its retention period and not under a legal hold, in
    batches of BATCH tickets in id order, committing after each; record the counts in the audit log. Running it
    again changes nothing more (an erased ticket is not looked at again)."""
    periods = current_periods()
    result = RetentionResult()
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Ticket)
            .where(
                Ticket.id > last_id,
                Ticket.status == TicketStatus.CLOSED,
                Ticket.closed_at <= now - dt.timedelta(days=periods.shortest),
                Ticket.personal_data_erased_at.is_(None),
                Ticket.legal_hold.is_(False),
            )
            .order_by(Ticket.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        for ticket in batch:
            days = periods.days_for(ticket.institution_id, ticket.type)
            if ticket.closed_at is not None and ticket.closed_at <= now - dt.timedelta(days=days):
                files, messages = erase_personal_data(ticket, now)
                result.tickets += 1
                result.attachments += files
                result.messages += messages
        last_id = batch[-1].id
        commit()
    result.sms_opt_outs = erase_stale_opt_outs(commit, now)
    for _receiver, counts in signals.retention_due.send(now, commit=commit):
        result.others.update(counts)
    record(
        None,
        "retention_erased",
        Subject("Retention", now.date().isoformat()),
        {
            "tickets": result.tickets,
            "attachments": result.attachments,
            "messages": result.messages,
            "sms_opt_outs": result.sms_opt_outs,
            **result.others,
        },
    )
    commit()
    return result


def erase_stale_opt_outs(commit: Callable[[], None], now: dt.datetime) -> int:
    """Delete the SMS stops older than SMS_OPT_OUT_RETENTION_DAYS whose number no ticket and no account holds any
    more, BATCH numbers at a time, committing after each; how many. A stop is kept while its number is held: the
    service could still write to it, and the stop is what prevents that. Once the number's last ticket has lost
    its contact details (its retention period, an erasure) nothing can be sent to it, so the stop has no use left;
    a withdrawn stop (ANZA, START) was deleted when it was withdrawn."""
    cutoff = now - dt.timedelta(days=int(current_app.config["SMS_OPT_OUT_RETENTION_DAYS"]))
    removed, last = 0, ""
    while True:
        phones = list(
            db.session.scalars(
                select(SmsOptOut.phone)
                .where(SmsOptOut.phone > last, SmsOptOut.created_at <= cutoff)
                .order_by(SmsOptOut.phone)
                .limit(BATCH)
            )
        )
        if not phones:
            return removed
        held = set(db.session.scalars(select(Ticket.citizen_phone).where(Ticket.citizen_phone.in_(phones))))
        held |= set(db.session.scalars(select(User.phone).where(User.phone.in_(phones))))
        unheld = [phone for phone in phones if phone not in held]
        if unheld:
            db.session.execute(delete(SmsOptOut).where(SmsOptOut.phone.in_(unheld)))
        removed += len(unheld)
        last = phones[-1]
        commit()
