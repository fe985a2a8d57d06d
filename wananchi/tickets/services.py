"""Every change to a ticket made on a citizen's behalf: submitting, adding information, rating, appealing.

Each change reads top to bottom in its function: it checks the rules, builds the rows, moves the response-time
clock (wananchi/sla/clock.py), appends the history, and writes it all with one flush; then it sends a domain
signal for the side effects whose order does not matter (the outbox). Changes are built with autoflush off, so
that a query made on the way (the clock's) does not write the ticket's row part-way. Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import IntegrityError

from wananchi.core.contact import InvalidContact, normalise_email, normalise_phone
from wananchi.core.db import on_rollback, utcnow
from wananchi.core.errors import DomainError
from wananchi.core.storage import file_store
from wananchi.extensions import db
from wananchi.institutions.models import Category, District
from wananchi.institutions.routing import route_ticket
from wananchi.sla import clock
from wananchi.tickets import signals
from wananchi.tickets.attachments import (
    CheckedFile,
    IncomingFile,
    check_files,
    neutral_filename,
    remove_files,
    store_file,
)
from wananchi.tickets.models import (
    CITIZEN_TYPES,
    STAFF_CHANNELS,
    Attachment,
    Channel,
    EventKind,
    Identity,
    KeptUpload,
    MessageKind,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.references import (
    allocate_reference,
    hash_tracking_code,
    normalise_reference,
    reference_taken,
    skip_taken_references,
    tracking_code_for,
    tracking_code_matches,
)
from wananchi.tickets.uploads import use_kept_uploads
from wananchi.tickets.workflow import Action, next_status

LOCAL_TIME = ZoneInfo("Africa/Dar_es_Salaam")
CITIZEN = "mwananchi"
SYSTEM = "mfumo"


@dataclass
class Submission:
    """What a citizen sends, already checked for shape by a form or an API schema."""

    type: TicketType
    category: Category | None  # None: the citizen does not know ("sijui")
    district: District | None
    subject: str
    description: str
    identity: Identity
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    language: str = "sw"
    channel: Channel = Channel.WEB
    files: list[IncomingFile] = field(default_factory=list)
    submission_key: str = ""
    integration_key_id: int | None = None  # the partner system's key an API or Open311 submission came with
    api_token_id: int | None = None  # the personal API token of the member of staff who sent it
    publication_consent: bool = False  # the citizen agreed to publication of the text and the answer
    # Where the problem is, below the district (street or village, ward), and the coordinates the citizen shared.
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Files checked and kept when the form came back with an error (wananchi/tickets/uploads.py): attached
    # without being uploaded or checked again.
    kept: list[KeptUpload] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    """What the citizen is told after submitting: the same on a retry of the same submission."""

    ticket: Ticket
    tracking_code: str
    created: bool


def check_rules(submission: Submission) -> None:
    """Refuse what no ticket may be; the messages speak to the citizen, or to the officer recording the ticket."""
    recorded = submission.channel in STAFF_CHANNELS
    if submission.type not in CITIZEN_TYPES:  # a request about personal data is opened by the rights flow only
        raise DomainError(
            _("Choose the type of ticket.") if recorded else _("Choose the type of your ticket."), field="type"
        )
    if submission.category is not None and submission.category.is_local and submission.district is None:
        raise DomainError(
            _("This service is provided by councils: choose the district where the citizen receives it.")
            if recorded
            else _("This service is provided by councils: choose the district where you receive it."),
            field="district",
        )
    if submission.identity == Identity.NAMED and not submission.name:
        raise DomainError(
            _("Write the citizen's name, or choose another way of identifying them.")
            if recorded
            else _("Write your name, or choose another way of identifying yourself."),
            field="name",
        )
    if submission.identity != Identity.ANONYMOUS and not (submission.email or submission.phone):
        raise DomainError(
            _("Give the citizen's e-mail address or phone number for progress messages, or choose anonymous.")
            if recorded
            else _(
                "Give an e-mail address or a phone number so that we can tell you about progress, "
                "or choose to send anonymously."
            ),
            field="email",
        )


class SubmissionKeyReused(DomainError):
    """The submission key of a stored ticket came with a different ticket: not a resend, and not stored."""


def form_submission_key(form_key: str, submission: Submission) -> str:
    """The key a web form's ticket is stored under: the form's hidden key and what the form says.

    A form sent again as it was (a double click, a browser retry) finds its ticket. A form the browser
    brought back after it was sent (the back button), then changed and sent, is a new ticket: with the
    hidden key alone it would have been taken for a resend and its text silently dropped.
    """
    parts = [form_key, *_content(submission)]
    return "web:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:56]


def _content(submission: Submission) -> list[str]:
    return _said(submission, (submission.name, submission.email, submission.phone))


def _said(source: Submission | Ticket, contact: tuple[str | None, ...]) -> list[str]:
    """What a submission or a stored ticket says, comparable: the same for a resend of the same form."""
    kept = () if source.identity == Identity.ANONYMOUS else contact  # an anonymous ticket stores no contact
    return [
        str(source.type),
        source.category.code if source.category else "",
        source.district.code if source.district else "",
        source.subject,
        source.description,
        str(source.identity),
        *(value or "" for value in kept),
        str(source.publication_consent),  # a resend that changes the consent is not the same ticket
    ]


class TrackingCodeReplaced(DomainError):
    """A submission sent again after its citizen was given a new tracking code: its receipt is not shown again."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            _(
                "This form was already sent: it is ticket %(reference)s. Its tracking code has since been replaced, "
                "and the new one was sent to the e-mail address or phone number given with the ticket.",
                reference=reference,
            )
        )


class AlreadySubmitted(DomainError):
    """The submission was stored before (a double click, a browser's resend, an API retry): nothing new is stored,
    and `receipt` is the first one, to be shown again."""

    def __init__(self, receipt: Receipt) -> None:
        super().__init__(
            _("This form was already sent: it is ticket %(reference)s.", reference=receipt.ticket.reference)
        )
        self.receipt = receipt


def stored_receipt(submission_key: str) -> Receipt | None:
    """The receipt of the ticket already stored under `submission_key`, if there is one (TrackingCodeReplaced if
    its citizen has since been given a new code)."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.submission_key == submission_key))
    return _receipt_again(ticket) if ticket is not None else None


def _receipt_again(ticket: Ticket) -> Receipt:
    """The receipt of a stored ticket for its submission sent again, with the code it first showed.

    Once the citizen has asked for a new code, whoever holds the first submission (the browser's back button,
    an API client's retry) is refused: the new code goes only to the contact given with the ticket.
    """
    if ticket.tracking_code_version:
        raise TrackingCodeReplaced(ticket.reference)
    return Receipt(ticket=ticket, tracking_code=current_tracking_code(ticket), created=False)


def _tracking_code(submission_key: str, version: int = 0) -> str:
    return tracking_code_for(current_app.config["TRACKING_CODE_KEY"], submission_key, version)


def current_tracking_code(ticket: Ticket) -> str:
    """The code that opens `ticket` now (after any new ones its citizen asked for), derived again from its key."""
    return _tracking_code(ticket.submission_key, ticket.tracking_code_version)


_SPACES = re.compile(r"\s+")


class RepeatedText(DomainError):
    """The same contact sent the same text on the same day (in Dar es Salaam), as another submission (not a resend
    of the same form): nothing new is stored, and the citizen is told the first ticket's reference and how to follow
    it — never its text or tracking code, since anyone can type someone else's phone number or e-mail address."""

    def __init__(self, first: Ticket) -> None:
        super().__init__(
            _(
                "You sent this same text today: it is ticket %(reference)s, and it is being handled, so no new "
                "ticket was made. Follow it with its reference and the tracking code you were given then.",
                reference=first.reference,
            ),
            field="description",
        )
        self.reference = first.reference
        self.ticket_id = first.id


def _comparable(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def start_of_local_day(now: dt.datetime) -> dt.datetime:
    """Midnight in Dar es Salaam of the day `now` falls in (UTC+3 all year: Tanzania keeps no summer time)."""
    local = now.astimezone(LOCAL_TIME)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)


def earlier_same_text(submission: Submission, now: dt.datetime) -> Ticket | None:
    """The ticket this submission's e-mail address or phone number sent with the same subject and description
    (compared without regard to case and spacing) earlier on the same day in Dar es Salaam, if any. An anonymous
    submission has no contact to compare, and an anonymous ticket kept none."""
    contacts = [
        column == value
        for column, value in ((Ticket.citizen_email, submission.email), (Ticket.citizen_phone, submission.phone))
        if value
    ]
    if submission.identity == Identity.ANONYMOUS or not contacts:
        return None
    said = (_comparable(submission.subject), _comparable(submission.description))
    candidates = db.session.scalars(
        select(Ticket)
        .where(
            or_(*contacts),
            Ticket.created_at >= start_of_local_day(now),
            Ticket.identity != Identity.ANONYMOUS,
        )
        .order_by(Ticket.id)
    )
    return next((t for t in candidates if (_comparable(t.subject), _comparable(t.description)) == said), None)


def submit_ticket(submission: Submission, *, now: dt.datetime | None = None, refuse_repeats: bool = False) -> Receipt:
    """Create, route and record a new ticket with its due dates and history, and give it a reference number.

    A submission whose key is already stored (a form sent again, an API retry) stores nothing new and raises
    AlreadySubmitted with the first receipt (TrackingCodeReplaced once its citizen was given a new code); a key
    that comes back with a different ticket raises SubmissionKeyReused, as the Idempotency-Key specification
    asks: the first receipt would hide that the new text was dropped. Callers that resubmit on purpose look
    first: `stored_receipt`. With `refuse_repeats` (the citizen's own channels: the web form, the API, SMS and
    USSD), the same subject and description from the same e-mail address or phone number on the same day in Dar es
    Salaam, sent as another submission, raises RepeatedText with the first ticket's reference.
    """
    if not submission.submission_key:
        raise ValueError("a submission key is required")
    check_rules(submission)
    config = current_app.config
    kept = submission.kept
    files = check_files(
        submission.files,
        max_files=config["MAX_ATTACHMENTS"] - len(kept),
        max_bytes=config["MAX_ATTACHMENT_BYTES"],
        max_photo_bytes=config["MAX_PHOTO_BYTES"],
    )
    _check_room([], len(files) + len(kept), sum(len(checked.content) for checked in files) + _kept_size(kept))
    institution = route_ticket(submission.category, submission.district)
    now = now or utcnow()
    if refuse_repeats and (first := earlier_same_text(submission, now)) is not None:
        resent = db.session.scalar(select(Ticket).where(Ticket.submission_key == submission.submission_key))
        if resent is not None:  # the same submission sent again: its own receipt, not the repeat's message
            raise _sent_again(resent, submission)
        raise RepeatedText(first)

    anonymous = submission.identity == Identity.ANONYMOUS
    category, district = submission.category, submission.district
    ticket = Ticket(
        submission_key=submission.submission_key,
        type=submission.type,
        status=TicketStatus.RECEIVED,
        channel=submission.channel,
        integration_key_id=submission.integration_key_id,
        api_token_id=submission.api_token_id,
        language=submission.language,
        # The ids as well as the objects: the clock reads the ids before the ticket is written.
        category=category,
        category_id=category.id if category else None,
        institution=institution,
        institution_id=institution.id,
        district=district,
        district_id=district.id if district else None,
        region_id=district.region_id if district else None,
        subject=submission.subject,
        description=submission.description,
        place=submission.place,
        latitude=submission.latitude,
        longitude=submission.longitude,
        identity=submission.identity,
        citizen_name=None if anonymous else (submission.name or None),
        citizen_email=None if anonymous else submission.email,
        citizen_phone=None if anonymous else submission.phone,
        publication_consent=submission.publication_consent,
        created_at=now,
        updated_at=now,
    )
    clock.start(ticket, now)
    ticket.events = [
        TicketEvent(
            kind=EventKind.SUBMITTED,
            actor=CITIZEN,
            created_at=now,
            data={"channel": str(submission.channel), "type": str(submission.type)},
        ),
        TicketEvent(
            kind=EventKind.ROUTED,
            actor=SYSTEM,
            created_at=now,
            data={"institution": institution.slug, "category": category.code if category else None},
        ),
    ]
    code = _tracking_code(submission.submission_key)
    _store_new(ticket, code, now.astimezone(LOCAL_TIME).year, submission)
    _attach(ticket, None, files, now)
    _attach_kept(ticket, None, kept, now)
    db.session.flush()
    use_kept_uploads(kept)
    signals.ticket_submitted.send(ticket, now=now)
    return Receipt(ticket=ticket, tracking_code=code, created=True)


def open_data_request_ticket(
    about: Ticket, subject: str, description: str, channel: Channel, key: str, *, now: dt.datetime
) -> Ticket:
    """Open the ticket of a citizen's request about `about`'s personal data (wananchi/privacy/requests.py): in
    `about`'s institution's queue, with its service and place, its own reference and response-time targets, and
    no contact details of its own (the answer goes to `about`'s citizen, whose details stay on `about` alone)."""
    identity = Identity.ANONYMOUS if about.identity == Identity.ANONYMOUS else Identity.CONTACT_HIDDEN
    ticket = Ticket(
        submission_key=key,
        type=TicketType.DATA_REQUEST,
        status=TicketStatus.RECEIVED,
        channel=channel,
        language=about.language,
        category=about.category,
        category_id=about.category_id,
        institution=about.institution,
        institution_id=about.institution_id,
        district_id=about.district_id,
        region_id=about.region_id,
        subject=subject[:200],
        description=description,
        identity=identity,
        created_at=now,
        updated_at=now,
    )
    clock.start(ticket, now)
    ticket.events = [
        TicketEvent(
            kind=EventKind.SUBMITTED,
            actor=CITIZEN,
            created_at=now,
            data={"channel": str(channel), "type": str(TicketType.DATA_REQUEST), "about": about.reference},
        )
    ]
    submission = Submission(
        type=TicketType.DATA_REQUEST,
        category=about.category,
        district=about.district,
        subject=ticket.subject,
        description=description,
        identity=identity,
        channel=channel,
        submission_key=key,
    )
    _store_new(ticket, _tracking_code(key), now.astimezone(LOCAL_TIME).year, submission)
    db.session.flush()
    signals.ticket_submitted.send(ticket, now=now)
    return ticket


REFERENCE_ATTEMPTS = 3


def _store_new(ticket: Ticket, code: str, year: int, submission: Submission) -> None:
    """Give the new ticket the year's next reference number and write it, with its history.

    The ticket is written in a savepoint, so that a collision with a stored ticket undoes only its own INSERT
    (the number is drawn first, and on SQLite that write is what opens the transaction the savepoint nests in).
    A stored ticket with the same submission key is the same submission sent again, stored before or at the same
    time (PostgreSQL makes this INSERT wait for that one's commit, SQLite for its write lock). A stored ticket
    with the same reference number was stored without the counter (an import): the counter skips the stored
    numbers and the ticket is written with the next one.
    """
    for attempt in range(1, REFERENCE_ATTEMPTS + 1):
        ticket.reference = allocate_reference(year)
        ticket.tracking_code_hash = hash_tracking_code(ticket.reference, code)
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
            return
        except IntegrityError:
            stored = db.session.scalar(select(Ticket).where(Ticket.submission_key == submission.submission_key))
            if stored is not None:
                raise _sent_again(stored, submission) from None
            if attempt == REFERENCE_ATTEMPTS or not reference_taken(ticket.reference):
                raise
            current_app.logger.warning(
                "reference %s was taken already: the counter skips those stored", ticket.reference
            )
            skip_taken_references(year)


def _sent_again(stored: Ticket, submission: Submission) -> DomainError:
    """Why a submission whose key is stored is not stored again: it was (AlreadySubmitted, with the first receipt),
    or the key came back with a different ticket (SubmissionKeyReused)."""
    if _said(stored, (stored.citizen_name, stored.citizen_email, stored.citizen_phone)) != _content(submission):
        return SubmissionKeyReused(_("This request key was already used for a different ticket."))
    return AlreadySubmitted(_receipt_again(stored))


def _check_room(held: list[Attachment], count: int, size: int) -> None:
    """Refuse `count` files of `size` bytes in all that would take a ticket holding `held` past the number of
    attachments or the bytes a ticket may hold."""
    if not count:
        return
    config = current_app.config
    most, most_bytes = config["MAX_TICKET_ATTACHMENTS"], config["MAX_TICKET_ATTACHMENT_BYTES"]
    if len(held) + count > most:
        raise DomainError(
            _(
                "A ticket can hold at most %(count)d attachments, and this one has %(held)d. "
                "Write your information without files, or send fewer.",
                count=most,
                held=len(held),
            ),
            field="attachments",
        )
    if sum(item.size for item in held) + size > most_bytes:
        raise DomainError(
            _(
                "The attachments of a ticket can take at most %(size)d MB together, and these would pass that. "
                "Send smaller or fewer files.",
                size=most_bytes // (1024 * 1024),
            ),
            field="attachments",
        )


def _attach(ticket: Ticket, message: TicketMessage | None, files: list[CheckedFile], now: dt.datetime) -> None:
    """Store the files and add them to the ticket (and to `message`). A ticket whose citizen's contact or name is
    hidden from officers keeps no file name either ("Juma_Mwakyusa_CV.pdf" tells who sent it): each file is
    named by its place among the ticket's attachments ("picha-1.jpg", "kiambatisho-2.pdf")."""
    store = file_store()
    stored: list[str] = []
    on_rollback(lambda: remove_files(store, stored))
    for checked in files:
        stored_name = store_file(store, checked)
        stored.append(stored_name)
        number = len(ticket.attachments) + 1
        ticket.attachments.append(
            Attachment(
                filename=(
                    checked.filename
                    if ticket.identity == Identity.NAMED
                    else neutral_filename(checked.content_type, number)
                ),
                stored_name=stored_name,
                content_type=checked.content_type,
                size=len(checked.content),
                message=message,
                created_at=now,
            )
        )


def _kept_size(kept: list[KeptUpload]) -> int:
    return sum(upload.size for upload in kept)


def _attach_kept(
    ticket: Ticket,
    message: TicketMessage | None,
    kept: list[KeptUpload],
    now: dt.datetime,
    *,
    keep_names: bool = False,
) -> None:
    """Make the kept uploads attachments of the ticket (and of `message`), their files left where they are, named as
    `_attach` names files (or by the names they came with, `keep_names`: an officer's files tell nothing about the
    citizen). They are taken off the kept list once the change is flushed (`use_kept_uploads`), so that a change
    refused by another writer's has written nothing before."""
    for upload in kept:
        number = len(ticket.attachments) + 1
        ticket.attachments.append(
            Attachment(
                filename=(
                    upload.filename
                    if keep_names or ticket.identity == Identity.NAMED
                    else neutral_filename(upload.content_type, number)
                ),
                stored_name=upload.stored_name,
                content_type=upload.content_type,
                size=upload.size,
                message=message,
                created_at=now,
            )
        )


def attach_staff_files(ticket: Ticket, message: TicketMessage, kept: list[KeptUpload], now: dt.datetime) -> None:
    """Add an officer's checked files (kept uploads of their form) to a reply or a request for information, within
    what a ticket may hold; the caller flushes, then takes them off the kept list (`use_kept_uploads`)."""
    _check_room(ticket.attachments, len(kept), _kept_size(kept))
    _attach_kept(ticket, message, kept, now, keep_names=True)


def find_tracked_ticket(reference: str, code: str) -> Ticket | None:
    """The ticket a reference and tracking code open, or None; an unknown reference and a wrong code
    are indistinguishable, in answer and in time."""
    canonical = normalise_reference(reference)
    ticket = None
    if canonical is not None:
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == canonical))
    stored_hash = ticket.tracking_code_hash if ticket is not None else "0" * 64
    matches = tracking_code_matches(canonical or "", code, stored_hash)
    return ticket if (ticket is not None and matches) else None


def reissue_tracking_code(reference: str, contact: str, *, now: dt.datetime | None = None) -> Ticket | None:
    """Give the ticket a new tracking code, sent to the e-mail address or phone number its citizen gave, when
    `contact` is one of them; the old code stops working. None (and nothing changed) for an unknown reference,
    an anonymous ticket or a contact that is not the ticket's, and when another request gave the ticket a new
    code between this one's reading and writing (that one's code is sent).

    For a citizen who lost the code: only the contact that was given receives the new one. The ticket's version
    is left alone (a plain UPDATE), so an officer working on it is not told it changed under them.
    """
    canonical = normalise_reference(reference)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
    if ticket is None or ticket.identity == Identity.ANONYMOUS:
        return None
    channel = _matching_channel(ticket, contact)
    if channel is None:
        return None
    version = ticket.tracking_code_version + 1
    code_hash = hash_tracking_code(ticket.reference, _tracking_code(ticket.submission_key, version))
    changed = db.session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.tracking_code_version == version - 1)
        .values(tracking_code_version=version, tracking_code_hash=code_hash)
        .execution_options(synchronize_session=False)
    )
    if not cast(CursorResult[Any], changed).rowcount:
        return None  # another request gave it a new code meanwhile, and that one is being sent
    db.session.expire(ticket, ["tracking_code_version", "tracking_code_hash"])  # read again when next used
    now = now or utcnow()
    db.session.add(
        TicketEvent(
            ticket_id=ticket.id,
            kind=EventKind.TRACKING_CODE_REISSUED,
            actor=CITIZEN,
            created_at=now,
            data={"channel": channel},
        )
    )
    db.session.flush()
    signals.tracking_code_reissued.send(ticket, now=now, channel=channel)
    return ticket


def _matching_channel(ticket: Ticket, contact: str) -> str | None:
    """Which contact of the ticket `contact` is, however it was written (an address in any case, a number the
    local or the international way): "email", "sms", or None."""
    for channel, stored, normalise in (
        ("email", ticket.citizen_email, normalise_email),
        ("sms", ticket.citizen_phone, normalise_phone),
    ):
        try:
            if stored and normalise(contact).casefold() == stored.casefold():
                return channel
        except InvalidContact:
            continue
    return None


def _read_for_change(ticket: Ticket) -> None:
    """Read the ticket's row again and hold it until the transaction ends (PostgreSQL; SQLite lets one writer in at
    a time), so a change someone made meanwhile (a double click, an officer) is built on rather than refused."""
    db.session.refresh(ticket, with_for_update=True)


def add_citizen_message(
    ticket: Ticket,
    body: str,
    files: list[IncomingFile],
    *,
    kept: list[KeptUpload] | None = None,
    now: dt.datetime | None = None,
) -> TicketMessage:
    """Add information from the citizen to the thread, with `files` and the uploads `kept` when its form came back;
    an awaiting ticket goes back to work. Files are refused when the ticket cannot hold more (counted before they
    are read, and their bytes once they are checked)."""
    config = current_app.config
    kept = kept or []
    _check_room(ticket.attachments, len([f for f in files if f.filename]) + len(kept), _kept_size(kept))
    checked = check_files(
        files,
        max_files=config["MAX_ATTACHMENTS"] - len(kept),
        max_bytes=config["MAX_ATTACHMENT_BYTES"],
        max_photo_bytes=config["MAX_PHOTO_BYTES"],
    )
    _check_room(
        ticket.attachments, len(checked) + len(kept), sum(len(item.content) for item in checked) + _kept_size(kept)
    )
    if not body.strip() and not checked and not kept:
        raise DomainError(_("Write the information you want to add, or attach a file."), field="body")
    _read_for_change(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise DomainError(_("This ticket is closed; you can no longer add information to it."))
    new_status = next_status(ticket.status, Action.CITIZEN_MESSAGE)
    now = now or utcnow()
    with db.session.no_autoflush:
        message = TicketMessage(kind=MessageKind.CITIZEN, body=body.strip(), author_name=CITIZEN, created_at=now)
        ticket.messages.append(message)
        _attach(ticket, message, checked, now)
        _attach_kept(ticket, message, kept, now)
        event_data: dict[str, Any] = {"attachments": len(checked) + len(kept)}
        if new_status != ticket.status:
            event_data["from"], event_data["to"] = str(ticket.status), str(new_status)
            ticket.status = new_status
        ticket.events.append(
            TicketEvent(kind=EventKind.CITIZEN_MESSAGE, actor=CITIZEN, created_at=now, data=event_data)
        )
        ticket.updated_at = now
        clock.follow_status(ticket, now)  # an answer to a request for information ends the pause
    db.session.flush()
    use_kept_uploads(kept)
    signals.citizen_message_added.send(ticket, message=message, now=now)
    return message


APPEAL_WINDOW = dt.timedelta(days=14)
UNSATISFIED_AT_MOST = 2


def rate_ticket(ticket: Ticket, rating: int, comment: str = "", *, now: dt.datetime | None = None) -> None:
    """The citizen answers "umeridhika?" (1-5, with an optional comment) once the ticket is resolved."""
    _read_for_change(ticket)
    next_status(ticket.status, Action.RATE)
    if ticket.satisfaction_rating is not None:
        raise DomainError(_("You have already rated the answer to this ticket."))
    if rating not in range(1, 6):
        raise DomainError(_("Choose a rating from 1 to 5."), field="rating")
    now = now or utcnow()
    with db.session.no_autoflush:
        ticket.satisfaction_rating = rating
        ticket.satisfaction_comment = comment.strip()[:2000] or None
        ticket.events.append(TicketEvent(kind=EventKind.RATED, actor=CITIZEN, created_at=now, data={"rating": rating}))
    db.session.flush()
    signals.ticket_rated.send(ticket, now=now)


def can_appeal(ticket: Ticket, now: dt.datetime) -> bool:
    """Whether the citizen may reopen this ticket as an appeal: an unsatisfied complaint, once, within 14 days."""
    return (
        ticket.type == TicketType.COMPLAINT
        and ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        and ticket.appealed_at is None
        and ticket.satisfaction_rating is not None
        and ticket.satisfaction_rating <= UNSATISFIED_AT_MOST
        and ticket.resolved_at is not None
        and now - ticket.resolved_at <= APPEAL_WINDOW
    )


def appeal_ticket(ticket: Ticket, reason: str, *, now: dt.datetime | None = None) -> None:
    """Reopen an unsatisfied complaint as an appeal, which lands on the supervisor's list."""
    _read_for_change(ticket)
    now = now or utcnow()
    status = next_status(ticket.status, Action.APPEAL)
    if not can_appeal(ticket, now):
        raise DomainError(_("Only a complaint rated unsatisfactory can be reopened, once, within 14 days."))
    text = reason.strip()
    if not text:
        raise DomainError(_("Write why you are not satisfied."), field="reason")
    with db.session.no_autoflush:
        ticket.appealed_at = now
        ticket.resolved_at = None
        ticket.messages.append(
            TicketMessage(kind=MessageKind.CITIZEN, body=text[:5000], author_name=CITIZEN, created_at=now)
        )
        ticket.events.append(
            TicketEvent(
                kind=EventKind.APPEALED,
                actor=CITIZEN,
                created_at=now,
                data={"from": str(ticket.status), "to": str(status)},
            )
        )
        ticket.status = status
        ticket.assignee = None
        ticket.updated_at = now
        clock.reopened(ticket, now)  # new work: a fresh resolution target
    db.session.flush()
    signals.ticket_appealed.send(ticket, now=now)
