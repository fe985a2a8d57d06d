"""The ticket, its thread, attachments and append-only history."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.accounts.models import User
from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model
from wananchi.institutions.models import Category, District, Institution, Region

if TYPE_CHECKING:
    from wananchi.api.models import ApiToken, IntegrationKey


class TicketType(enum.StrEnum):
    QUESTION = "question"  # swali
    COMPLAINT = "complaint"  # lalamiko
    SUGGESTION = "suggestion"  # pendekezo
    OPINION = "opinion"  # maoni
    COMMENDATION = "commendation"  # pongezi
    # Ombi la taarifa binafsi: a citizen's request about their personal data (correction, erasure, a copy),
    # opened only by the rights flow (wananchi/privacy/requests.py) and resolved by the supervisor's decision.
    DATA_REQUEST = "data_request"


# The types a citizen (or an officer recording for one) may choose on the form, the API, Open311, SMS and USSD.
CITIZEN_TYPES = (
    TicketType.QUESTION,
    TicketType.COMPLAINT,
    TicketType.SUGGESTION,
    TicketType.OPINION,
    TicketType.COMMENDATION,
)


class TicketStatus(enum.StrEnum):
    RECEIVED = "received"  # Imepokelewa
    IN_PROGRESS = "in_progress"  # Inashughulikiwa
    AWAITING_CITIZEN = "awaiting_citizen"  # Inasubiri mwananchi
    ANSWERED = "answered"  # Imejibiwa
    RESOLVED = "resolved"  # Imetatuliwa
    CLOSED = "closed"  # Imefungwa
    REOPENED = "reopened"  # Imefunguliwa upya


OPEN_STATUSES = frozenset(
    {
        TicketStatus.RECEIVED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.AWAITING_CITIZEN,
        TicketStatus.ANSWERED,
        TicketStatus.REOPENED,
    }
)
# The condition of the open tickets' due-time index (its statuses are written out in migration 0033).
OPEN_CONDITION = text("status IN (" + ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES)) + ")")
# Open and on the clock: what the "overdue" and "due today" tabs hold. A reopened ticket under appeal: the appeals tab.
RUNNING_CONDITION = text(f"{OPEN_CONDITION.text} AND sla_paused_at IS NULL")
APPEALED_CONDITION = text("status = 'reopened' AND appealed_at IS NOT NULL")


class Identity(enum.StrEnum):
    NAMED = "named"  # name and contact visible to the responsible officers
    CONTACT_HIDDEN = "contact_hidden"  # contact kept for notifications, hidden from officers
    ANONYMOUS = "anonymous"  # nothing stored


class SuggestionOutcome(enum.StrEnum):
    ACCEPTED = "accepted"  # limekubaliwa
    UNDER_CONSIDERATION = "under_consideration"  # linafanyiwa kazi
    DECLINED = "declined"  # halikukubaliwa


class Channel(enum.StrEnum):
    """How a ticket reached the service: by the citizen (web, USSD, SMS, another system), or recorded by staff."""

    WEB = "web"
    API = "api"
    SMS = "sms"
    USSD = "ussd"
    TELEPHONE = "telephone"  # a call centre records it
    WALK_IN = "walk_in"  # a front desk records it
    LETTER = "letter"
    EMAIL = "email"
    SOCIAL_MEDIA = "social_media"
    DEMO = "demo"


# The channels a member of staff records a ticket from, on the citizen's behalf.
STAFF_CHANNELS = (Channel.TELEPHONE, Channel.WALK_IN, Channel.LETTER, Channel.EMAIL, Channel.SOCIAL_MEDIA)


class MessageKind(enum.StrEnum):
    CITIZEN = "citizen"  # information added by the citizen
    REPLY = "reply"  # a public reply from the institution
    INFO_REQUEST = "info_request"  # the institution asks the citizen for more information
    NOTE = "note"  # an internal note, officers only


PUBLIC_MESSAGE_KINDS = frozenset({MessageKind.CITIZEN, MessageKind.REPLY, MessageKind.INFO_REQUEST})


class ReferenceCounter(Model):
    """The last reference number given out in a year; its row serialises allocation."""

    __tablename__ = "reference_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class Ticket(Model):
    """A matter raised by a citizen (hoja)."""

    __tablename__ = "ticket"
    __table_args__ = (
        # The queue: a tab's statuses of one institution in received order, and the counts per tab.
        Index("ix_ticket_institution_id_status_created_at", "institution_id", "status", "created_at", "id"),
        # The queue when the tab spans most statuses: walk the institution's tickets newest first.
        Index("ix_ticket_institution_id_created_at", "institution_id", "created_at", "id"),
        # The "overdue" and "due today" tabs and counts (only running targets have a next due instant), and every
        # open tab read due-soonest: the dated tickets from a cursor on, then the undated ones by id.
        Index("ix_ticket_institution_id_next_due_at_id", "institution_id", "next_due_at", "id"),
        # The same of open tickets only: every open tab read due-soonest. With the status condition met by the index,
        # PostgreSQL estimates a searched open tab rightly and reads it in order, checking each ticket's words.
        Index(
            "ix_ticket_institution_id_next_due_at_id_open",
            "institution_id",
            "next_due_at",
            "id",
            postgresql_where=OPEN_CONDITION,
            sqlite_where=OPEN_CONDITION,
        ),
        # The same of the tickets on the clock, and the tickets under appeal: the "overdue", "due today" and "appeals"
        # tabs and their counts are read from the index alone (through the indexes above, the overdue count read every
        # overdue ticket of the institution, the appeals count every reopened one, to check the clock and the appeal).
        Index(
            "ix_ticket_institution_id_next_due_at_id_running",
            "institution_id",
            "next_due_at",
            "id",
            postgresql_where=RUNNING_CONDITION,
            sqlite_where=RUNNING_CONDITION,
        ),
        Index(
            "ix_ticket_institution_id_id_appealed",
            "institution_id",
            "id",
            postgresql_where=APPEALED_CONDITION,
            sqlite_where=APPEALED_CONDITION,
        ),
        # Open tickets by received time: a report's oldest open tickets, read from the open ones alone (old tickets are
        # nearly all closed, and walking every ticket from the oldest took seconds at ten million).
        Index(
            "ix_ticket_institution_id_created_at_id_open",
            "institution_id",
            "created_at",
            "id",
            postgresql_where=OPEN_CONDITION,
            sqlite_where=OPEN_CONDITION,
        ),
        # The queue sorted by a column of the table, each read by (column, id) from a cursor on (tickets/queue.py):
        # reference and subject by their value, type, service and officer a range per value. The status last lets
        # a tab's statuses be checked in the index, so only the rows of the page are read from the table.
        Index("ix_ticket_institution_id_reference_id", "institution_id", "reference", "id", "status"),
        Index("ix_ticket_institution_id_subject_id", "institution_id", "subject", "id", "status"),
        Index("ix_ticket_institution_id_type_id", "institution_id", "type", "id", "status"),
        Index("ix_ticket_institution_id_status_id", "institution_id", "status", "id"),
        Index("ix_ticket_institution_id_category_id_id", "institution_id", "category_id", "id", "status"),
        Index("ix_ticket_institution_id_assignee_id_id", "institution_id", "assignee_id", "id", "status"),
        # The same three of open tickets only: the open tabs sorted by type, service or officer read a range of open
        # tickets per value, where the indexes above skip every closed ticket of the value first (nearly all of them).
        *(
            Index(
                f"ix_ticket_institution_id_{column}_id_open",
                "institution_id",
                column,
                "id",
                postgresql_where=OPEN_CONDITION,
                sqlite_where=OPEN_CONDITION,
            )
            for column in ("type", "category_id", "assignee_id")
        ),
        # The "mine" tab and its count: an officer's open tickets in their institution, from the index alone.
        # Reports: what an institution resolved or first answered in a period.
        Index("ix_ticket_institution_id_resolved_at", "institution_id", "resolved_at"),
        Index("ix_ticket_institution_id_first_response_at", "institution_id", "first_response_at"),
        # A phone's tickets (USSD and SMS find them by the number that calls or writes).
        Index("ix_ticket_citizen_phone", "citizen_phone"),
        # A contact's tickets of today: the same text sent twice is told the first reference (by phone or e-mail).
        Index("ix_ticket_citizen_email", "citizen_email"),
        # Reports and public statistics: what fell due for resolution in a period.
        Index("ix_ticket_institution_id_resolution_due_at", "institution_id", "resolution_due_at"),
        # Retention: closed tickets whose personal data is still held, oldest closing first.
        Index("ix_ticket_closed_at", "closed_at"),
        Index(
            "ix_ticket_assignee_id_institution_id_status",
            "assignee_id",
            "institution_id",
            "status",
            "created_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    tracking_code_hash: Mapped[str] = mapped_column(String(64))
    tracking_code_version: Mapped[int] = mapped_column(default=0, server_default="0")  # new codes asked for
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[TicketType] = mapped_column(str_enum(TicketType))
    status: Mapped[TicketStatus] = mapped_column(str_enum(TicketStatus), default=TicketStatus.RECEIVED)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.WEB)
    # The credential of the system or person that sent an API or Open311 submission, to trace it back
    # (a partner's integration key, a member of staff's personal token); None for the web form.
    integration_key_id: Mapped[int | None] = mapped_column(ForeignKey("integration_key.id", ondelete="SET NULL"))
    api_token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), default="sw")

    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))

    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # Where the problem is, below the district: the street or village and the ward as the citizen wrote them
    # (required for council services on the web form), and the coordinates of the citizen's phone when they
    # chose to share them (WGS84 degrees). Open311's address_string, lat and long fill the same columns.
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    identity: Mapped[Identity] = mapped_column(str_enum(Identity))
    citizen_name: Mapped[str | None] = mapped_column(String(120))
    citizen_email: Mapped[str | None] = mapped_column(String(254))
    citizen_phone: Mapped[str | None] = mapped_column(String(20))
    # Ridhaa ya kuchapishwa: the citizen agreed that the ticket's text and the answer may be published without
    # their personal details (Open311 publishes them: see `text_is_public`). Asked separately, off unless given.
    publication_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Personal Data Protection Act: a legal hold keeps the ticket's personal data past its retention period (a case
    # or an investigation needs it); when the period passed, its contact details and files were erased at this time.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=false())
    personal_data_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[SuggestionOutcome | None] = mapped_column(str_enum(SuggestionOutcome))
    commended_to: Mapped[str | None] = mapped_column(String(200))
    commended_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    satisfaction_rating: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Response-time targets (wananchi/sla/clock.py keeps these): instants in UTC, durations in working minutes.
    holder_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the current institution got it
    holder_responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # its first response
    sla_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # transfers so far
    resolution_round: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # reopenings so far
    first_response_warn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_warn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the nearest target still to meet
    next_sla_check_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)  # the scan's work
    sla_paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # awaiting the citizen since
    paused_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)
    # The working day of submission, counted from an epoch by the standard calendar (wananchi/sla/days.py):
    # reports age the open backlog in working days by subtraction.
    submitted_day: Mapped[int | None] = mapped_column(Integer)

    category: Mapped[Category | None] = relationship()
    institution: Mapped[Institution] = relationship()
    integration_key: Mapped[IntegrationKey | None] = relationship()
    api_token: Mapped[ApiToken | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    commended_user: Mapped[User | None] = relationship(foreign_keys=[commended_user_id])
    merged_into: Mapped[Ticket | None] = relationship(remote_side="Ticket.id", back_populates="duplicates")
    duplicates: Mapped[list[Ticket]] = relationship(back_populates="merged_into", order_by="Ticket.id")
    transfers: Mapped[list[TicketTransfer]] = relationship(
        back_populates="ticket", order_by="TicketTransfer.id", cascade="all, delete-orphan"
    )
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="ticket", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        """Whether the institution still owes the citizen an outcome."""
        return self.status in OPEN_STATUSES

    @property
    def erased_on_request(self) -> bool:
        """Whether its personal data was erased because its citizen asked, rather than when its retention period
        ended."""
        return any(event.kind == EventKind.DATA_ERASED_ON_REQUEST for event in self.events)

    def merges_with(self, other: Ticket) -> bool:
        """Whether this ticket and `other` may be merged, as far as their types go: a commendation only with a
        commendation, any other ticket only with another that is not. Never the same matter: a complaint merged into
        a commendation would follow a ticket nobody chases, and its citizen would read praise as its outcome."""
        return (self.type == TicketType.COMMENDATION) == (other.type == TicketType.COMMENDATION)

    @classmethod
    def merging_with(cls, ticket: Ticket) -> ColumnElement[bool]:
        """The condition of `merges_with` in a query: the tickets that `ticket` may be merged with."""
        if ticket.type == TicketType.COMMENDATION:
            return cls.type == TicketType.COMMENDATION
        return cls.type != TicketType.COMMENDATION

    @property
    def text_is_public(self) -> bool:
        """Whether the ticket's text and the latest reply are published (on Open311): only with its citizen's consent,
        and never for a ticket sent anonymously. Its citizen's name and contact are never published."""
        return self.publication_consent and self.identity != Identity.ANONYMOUS

    @property
    def survivor(self) -> Ticket | None:
        """The ticket this duplicate was merged into, at the end of the chain of merges; None unless merged."""
        survivor = self.merged_into
        while survivor is not None and survivor.merged_into is not None:
            survivor = survivor.merged_into
        return survivor

    @property
    def merged_duplicates(self) -> list[Ticket]:
        """The tickets merged into this one, and into those, whose citizens read this ticket's status and resolution."""
        found: list[Ticket] = []
        waiting = list(self.duplicates)
        while waiting:
            duplicate = waiting.pop(0)
            found.append(duplicate)
            waiting.extend(duplicate.duplicates)
        return found

    @property
    def public_messages(self) -> list[TicketMessage]:
        """The thread as the citizen sees it: no internal notes."""
        return [m for m in self.messages if m.kind in PUBLIC_MESSAGE_KINDS]

    @property
    def ticket_attachments(self) -> list[Attachment]:
        """Files sent with the ticket itself rather than with a later message."""
        return [a for a in self.attachments if a.message_id is None]


class TicketMessage(Model):
    """One entry of a ticket's thread."""

    __tablename__ = "ticket_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    body: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(String(120))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="message", order_by="Attachment.id")


class Attachment(Model):
    """A file a citizen sent, stored outside static/ under a random name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_message.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    message: Mapped[TicketMessage | None] = relationship(back_populates="attachments")


class KeptUpload(Model):
    """A file that passed the checks on a form that came back to its citizen (an error elsewhere on it): stored,
    and listed on the form again, so that it is uploaded once. Only the browser session that sent it can use it
    (`owner`, a random id kept in its session) by its random `token`, until it is sent with the form (it then
    becomes an attachment), removed, or expires (the worker deletes it and its file)."""

    __tablename__ = "kept_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class EventKind(enum.StrEnum):
    SUBMITTED = "submitted"
    ROUTED = "routed"
    CITIZEN_MESSAGE = "citizen_message"
    STATUS_CHANGED = "status_changed"
    REPLIED = "replied"
    NOTE_ADDED = "note_added"
    INFO_REQUESTED = "info_requested"
    TRANSFERRED = "transferred"
    ASSIGNED = "assigned"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    MERGED = "merged"
    MERGED_INTO_THIS = "merged_into_this"
    CONTACT_VIEWED = "contact_viewed"
    SLA_WARNING = "sla_warning"
    SLA_OVERDUE = "sla_overdue"
    ESCALATED = "escalated"
    COMMENDATION_PASSED = "commendation_passed"
    RATED = "rated"
    APPEALED = "appealed"
    TRACKING_CODE_REISSUED = "tracking_code_reissued"
    RECEIPT_WITHHELD = "receipt_withheld"  # its contact had been sent too many receipts lately
    RECORDED_BY_STAFF = "recorded_by_staff"  # an officer recorded it on the citizen's behalf (telephone, desk...)
    PERSONAL_DATA_ERASED = "personal_data_erased"  # its retention period passed: contact details and files erased
    DATA_ERASED_ON_REQUEST = "data_erased_on_request"  # the same, because a supervisor granted its citizen's request
    LEGAL_HOLD_SET = "legal_hold_set"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted"
    CONSENT_WITHDRAWN = "consent_withdrawn"  # the citizen withdrew their consent to publication
    DATA_DOWNLOADED = "data_downloaded"  # the citizen opened (as a page) or downloaded what is held about the ticket
    DATA_REQUESTED = "data_requested"  # the citizen asked to correct or erase their personal data
    DATA_REQUEST_DECIDED = "data_request_decided"  # a supervisor granted or refused it


class TicketEvent(Model):
    """An append-only record of something that happened to a ticket: who, when, what."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    actor: Mapped[str] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class TicketTransfer(Model):
    """A move of a ticket from one institution's queue to another's, with the reason."""

    __tablename__ = "ticket_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    from_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    to_institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Working minutes the sending institution held the ticket before this transfer (its own calendar).
    held_minutes: Mapped[int | None] = mapped_column(Integer)

    ticket: Mapped[Ticket] = relationship(back_populates="transfers")
    from_institution: Mapped[Institution] = relationship(foreign_keys=[from_institution_id])
    to_institution: Mapped[Institution] = relationship(foreign_keys=[to_institution_id])


class CannedResponse(Model):
    """A prepared reply an institution's officers can start from, in Swahili and English."""

    __tablename__ = "canned_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body_sw: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    institution: Mapped[Institution] = relationship()


class RoutingModel(Model):
    """One trained version of the routing model (wananchi/tickets/routing_model.py): when it was trained, on how
    many tickets, how well it did on the newest of them held out, and the artefact itself. Rows are written only
    by the training task; the artefact is read only when its signature, keyed by the service's secret, matches."""

    __tablename__ = "routing_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ticket_count: Mapped[int] = mapped_column(Integer)  # the tickets the stored model learned from
    held_out_count: Mapped[int] = mapped_column(Integer)  # the newest tickets kept out to measure it
    institution_top1: Mapped[float | None] = mapped_column(Float)
    institution_top3: Mapped[float | None] = mapped_column(Float)
    service_top1: Mapped[float | None] = mapped_column(Float)
    service_top3: Mapped[float | None] = mapped_column(Float)
    institution_count: Mapped[int] = mapped_column(Integer)
    service_count: Mapped[int] = mapped_column(Integer)
    training_seconds: Mapped[float] = mapped_column(Float)
    library_version: Mapped[str] = mapped_column(String(40))  # the scikit-learn that wrote the artefact
    # The joblib artefact; emptied for versions older than the few kept (their figures stay).
    artefact: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of the artefact, hex


class RoutingOffer(Model):
    """The routing suggestions the ticket page showed a triage officer, and which one (if any) an officer then
    accepted with one click: the reports' acceptance rates."""

    __tablename__ = "routing_offer"
    __table_args__ = (Index("ix_routing_offer_institution_id_created_at", "institution_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    # The institution whose desk was shown them (the ticket's institution then).
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    model_id: Mapped[int | None] = mapped_column(ForeignKey("routing_model.id"))  # None: word votes
    # [{"institution": id, "service": id or null, "confidence": 0..1}, ...], best first.
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    shown_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_rank: Mapped[int | None] = mapped_column(Integer)  # 1 for the first suggestion
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TicketOpening(Model):
    """When each member of staff last opened a ticket's page: one row per ticket and user, written over at each
    opening (one upsert), so the page can tell an officer that a colleague has it open, and two do not answer at
    once."""

    __tablename__ = "ticket_opening"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class SavedQueueFilter(Model):
    """A queue view an officer saved under a name: the tab, filters, search and order as URL query arguments."""

    __tablename__ = "saved_queue_filter"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
