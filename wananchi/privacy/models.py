"""Retention periods (how long a closed ticket's personal data is kept, per institution and ticket type) and the
citizens' requests about their personal data."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.accounts.models import User
from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model
from wananchi.institutions.models import Institution
from wananchi.tickets.models import Ticket, TicketType


class RetentionPeriod(Model):
    """Days a closed ticket keeps its contact details and files, for one institution, one ticket type, or one type
    at one institution; the most specific period applies, and PERSONAL_DATA_RETENTION_DAYS where none does."""

    __tablename__ = "retention_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"), index=True)
    ticket_type: Mapped[TicketType | None] = mapped_column(str_enum(TicketType))
    days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    institution: Mapped[Institution | None] = relationship()


class RequestKind(enum.StrEnum):
    CORRECTION = "correction"  # correct the contact details
    ERASURE = "erasure"  # erase contact details and files before the retention period ends
    ACCESS = "access"  # a copy of everything held, asked of staff (the tracking page's download needs no request)


# How an officer checked a citizen's identity before recording a request for them.
IDENTITY_CHECKS = ("national_id", "voter_card", "passport", "driving_licence", "tracking_code", "call_back", "other")


class RequestStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the supervisor's decision
    GRANTED = "granted"
    REFUSED = "refused"


class DataRequest(Model):
    """A citizen's request about their ticket's personal data, which a supervisor of the ticket's institution
    decides; the request and the decision are both kept. Each request is also a ticket of its own kind
    (`request_ticket`, type "data_request") in the institution's queue: its response-time targets are the request's
    time, it escalates when late, it counts in the reports, and the decision resolves it."""

    __tablename__ = "data_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    # The request's own ticket (None only for requests made before requests were tickets).
    request_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL"), unique=True, index=True
    )
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.PENDING)
    # A correction's new details ({"name": ..., "email": ..., "phone": ...}, only those to change); erased with
    # the ticket's personal data.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # A request an officer recorded for the citizen (telephone, desk, letter): who, and how they checked the
    # citizen's identity (IDENTITY_CHECKS, and a note: which document, its last digits; erased with the ticket's
    # personal data). None for a request made from the tracking page.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    identity_check: Mapped[str | None] = mapped_column(String(30))
    identity_note: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(foreign_keys=[ticket_id])
    request_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[request_ticket_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    @property
    def due_at(self) -> dt.datetime | None:
        """When the decision is due: its ticket's resolution target (working days of the institution's calendar)."""
        return self.request_ticket.resolution_due_at if self.request_ticket is not None else None

    def is_overdue(self, now: dt.datetime) -> bool:
        """Still waiting for a decision after its time."""
        return self.status == RequestStatus.PENDING and self.due_at is not None and self.due_at < now
