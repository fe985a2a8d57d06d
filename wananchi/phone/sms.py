"""Two-way SMS: what a phone's message means, in Swahili or English, without strict syntax.

- ACHA or STOP: no more SMS to this phone (ANZA or START: again); the phone is told so, once.
- HALI or STATUS with a reference number: the ticket's status, due date and the start of its latest reply.
- A reference number anywhere else: the text is added to that ticket, when this phone is its contact.
- No reference, and exactly one of this phone's tickets awaits its information: the text answers it (a citizen
  answering the SMS that asked).
- Otherwise a new ticket, contact hidden from officers, through the triage institution, or to the national service
  whose code is the first word ("TANESCO-LUKU sina umeme..."). It is a question if it asks one ("?"), a complaint
  otherwise; the receipt SMS brings its reference and tracking code.
Refusals are answered by SMS too, in the message's language. A phone that is not a ticket's contact is told the
same as for a reference that does not exist: an SMS never opens a ticket to another phone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wananchi.core.db import retry_on_conflict, rollback, utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Category
from wananchi.notifications.models import Channel as MessageChannel
from wananchi.notifications.optout import resume_sms, stop_sms
from wananchi.notifications.outbox import add_messages
from wananchi.notifications.segments import fit_sms
from wananchi.phone.models import InboundSms
from wananchi.phone.screens import shorten
from wananchi.tickets.labels import CITIZEN_STATUS_LABELS
from wananchi.tickets.models import OPEN_STATUSES, Channel, Identity, MessageKind, Ticket, TicketStatus, TicketType
from wananchi.tickets.references import normalise_reference
from wananchi.tickets.services import (
    AlreadySubmitted,
    RepeatedText,
    Submission,
    add_citizen_message,
    submit_ticket,
)

STOP_WORDS = frozenset({"ACHA", "STOP", "SITISHA"})
START_WORDS = frozenset({"ANZA", "START"})
STATUS_WORDS = frozenset({"HALI", "STATUS"})
ENGLISH_WORDS = frozenset({"STOP", "START", "STATUS", "THE", "MY", "IS", "NO", "NOT", "PLEASE", "HAVE", "AND", "OF"})
REFERENCE_IN_TEXT = re.compile(r"\bWN[\s\-]?(\d{4})[\s\-]?(\d{1,10})\b", re.IGNORECASE)
MIN_TICKET_TEXT = 10
SUBJECT_LENGTH = 60
ANSWER_EVENT = "sms_answer"


@dataclass(frozen=True)
class Inbound:
    """An SMS as the gateway delivered it (the number already in E.164)."""

    gateway_id: str
    phone: str
    to: str
    text: str
    link_id: str | None = None


def language_of(text: str) -> str:
    """English when the message uses English words, Swahili otherwise."""
    words = {word.upper() for word in re.findall(r"[A-Za-z]+", text)}
    return "en" if words & ENGLISH_WORDS else "sw"


def store_once(inbound: Inbound, now: dt.datetime) -> InboundSms | None:
    """Keep the message; None if the gateway had delivered it already (a retry: nothing is done again)."""
    if db.session.scalar(select(InboundSms.id).where(InboundSms.gateway_id == inbound.gateway_id)) is not None:
        return None
    row = InboundSms(
        gateway_id=inbound.gateway_id,
        phone=inbound.phone,
        to=inbound.to[:20],
        text=inbound.text,
        link_id=inbound.link_id,
        received_at=now,
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # the same message, delivered twice at once: the other delivery handles it
        rollback()
        return None
    return row


def _answer(phone: str, language: str, text: str, ticket: Ticket | None, now: dt.datetime) -> None:
    """An SMS back to the phone, through the outbox (sent after the commit)."""
    add_messages(
        [
            {
                "event": ANSWER_EVENT,
                "channel": MessageChannel.SMS,
                "recipient": phone,
                "language": language,
                "ticket_id": ticket.id if ticket is not None else None,
                "subject": "",
                "body_text": text,
            }
        ],
        now,
    )


def _phones_ticket(reference: str | None, phone: str) -> Ticket | None:
    """The ticket with this reference, when `phone` is its contact (None otherwise, whether or not it exists)."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference)) if reference else None
    return ticket if ticket is not None and ticket.citizen_phone == phone else None


def _not_found(reference: str) -> str:
    return _("We found no ticket %(reference)s sent from this phone.", reference=reference)


def status_text(ticket: Ticket) -> str:
    """A ticket's status in one or two SMS: status, due date, the start of the latest reply."""
    parts = [
        _("Ticket %(reference)s: %(status)s.", reference=ticket.reference, status=CITIZEN_STATUS_LABELS[ticket.status])
    ]
    if ticket.status in OPEN_STATUSES:
        due = ticket.first_response_due_at if not ticket.holder_responded_at else ticket.resolution_due_at
        if due is not None:
            parts.append(_("Due by %(date)s.", date=format_date(due, "d/M/y")))
    replies = [m for m in ticket.messages if m.kind in (MessageKind.REPLY, MessageKind.INFO_REQUEST)]
    head = " ".join(parts)
    if not replies:
        return head
    label = _("Reply:") if replies[-1].kind == MessageKind.REPLY else _("Asked:")
    more = _("More on the website.")
    return fit_sms(head + " " + label, replies[-1].body, "", cut=more, segments=2).rstrip()


def _add(ticket: Ticket, text: str, inbound: InboundSms, now: dt.datetime, language: str) -> str:
    """Add the text to the ticket; what to tell the phone."""
    try:
        retry_on_conflict(lambda: add_citizen_message(ticket, text, [], now=now))
    except StaleDataError:
        return _("The ticket changed at the same moment. Please send your message again.")
    except DomainError as error:
        return error.message
    inbound.ticket_id, inbound.outcome = ticket.id, "added"
    return _("Your information was added to ticket %(reference)s.", reference=ticket.reference)


def _awaiting(phone: str) -> list[Ticket]:
    return list(
        db.session.scalars(
            select(Ticket).where(Ticket.citizen_phone == phone, Ticket.status == TicketStatus.AWAITING_CITIZEN).limit(2)
        )
    )


def _named_service(text: str) -> Category | None:
    """The active national service whose code is the message's first word, if any."""
    first = text.split(maxsplit=1)[0].lower() if text.split() else ""
    category = db.session.scalar(select(Category).where(Category.code == first, Category.is_active))
    return category if category is not None and not category.is_local else None


def _new_ticket(inbound: InboundSms, text: str, language: str, now: dt.datetime) -> str | None:
    """A new ticket from the message; None when the receipt SMS says it all, or what to tell the phone."""
    category = _named_service(text)
    submission = Submission(
        type=TicketType.QUESTION if "?" in text else TicketType.COMPLAINT,
        category=category,
        district=None,
        subject=shorten(text, SUBJECT_LENGTH),
        description=text,
        identity=Identity.CONTACT_HIDDEN,
        phone=inbound.phone,
        language=language,
        channel=Channel.SMS,
        submission_key="sms:" + hashlib.sha256(inbound.gateway_id.encode()).hexdigest()[:56],
    )
    try:
        with db.session.begin_nested():  # a refusal undoes the ticket's rows only: the message and its answer stay
            receipt = submit_ticket(submission, now=now, refuse_repeats=True)
    except AlreadySubmitted as resent:
        receipt = resent.receipt
    except RepeatedText as repeated:  # nothing was written: the answer names the first ticket, never its text
        inbound.ticket_id, inbound.outcome = repeated.ticket_id, "repeated"
        return _(
            "You sent this same text today: it is ticket %(reference)s, and it is being handled, so no new ticket "
            "was made. For its status send HALI %(reference)s.",
            reference=repeated.reference,
        )
    except DomainError as error:
        inbound.outcome = "refused"
        return error.message
    inbound.ticket_id, inbound.outcome = receipt.ticket.id, "ticket"
    return None


def _help() -> str:
    return _(
        "Wananchi: send the description of your matter to submit it; HALI and the reference number for its "
        "status; ACHA to stop SMS."
    )


def handle(inbound: Inbound, now: dt.datetime | None = None) -> InboundSms | None:
    """Store an inbound SMS once and act on it; None for a message already delivered."""
    now = now or utcnow()
    row = store_once(inbound, now)
    if row is None:
        return None
    text = " ".join(inbound.text.split())
    language = language_of(text)
    words = text.upper().split()
    with force_locale(language):
        reply, ticket = _act(row, text, words, language, now)
        if reply:
            _answer(inbound.phone, language, reply, ticket, now)
    return row


def _act(
    row: InboundSms, text: str, words: list[str], language: str, now: dt.datetime
) -> tuple[str | None, Ticket | None]:
    """What the message asks, done; the SMS to send back (None: none) and the ticket it is about."""
    phone = row.phone
    first = words[0].strip(".,!:") if words else ""
    if first in STOP_WORDS and len(words) <= 2:
        stop_sms(phone, now)
        row.outcome = "stopped"
        return _("You will receive no more SMS from Wananchi. Send ANZA to receive them again."), None
    if first in START_WORDS and len(words) <= 2:
        resume_sms(phone)
        row.outcome = "started"
        return _("You will receive SMS from Wananchi again."), None
    found = REFERENCE_IN_TEXT.search(text)
    reference = normalise_reference(f"WN-{found.group(1)}-{found.group(2)}") if found else None
    if reference is not None:
        ticket = _phones_ticket(reference, phone)
        if ticket is None:
            row.outcome = "refused"
            return _not_found(reference), None
        if first in STATUS_WORDS:
            row.ticket_id, row.outcome = ticket.id, "status"
            return status_text(ticket), ticket
        rest = " ".join((text[: found.start()] + " " + text[found.end() :]).split()) if found else text
        return _add(ticket, rest, row, now, language), ticket
    if first in STATUS_WORDS:
        row.outcome = "help"
        return _("Send HALI and the reference number, e.g. HALI WN-2026-000123."), None
    awaiting = _awaiting(phone)
    if len(awaiting) == 1:
        return _add(awaiting[0], text, row, now, language), awaiting[0]
    if len(text) < MIN_TICKET_TEXT:
        row.outcome = "help"
        return _help(), None
    return _new_ticket(row, text, language, now), None
