"""The outbox: one row per message to one recipient on one channel, written with the change that caused it."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for (another) attempt at next_attempt_at
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; listed for administrators, who may resend
    HELD = "held"  # waiting for the recipient's daily digest
    DIGESTED = "digested"  # delivered inside a digest message


ERASED = "[imefutwa]"  # "erased": where a forgotten recipient's address was


class OutboxMessage(Model):
    """A message to deliver, in the recipient's language: rendered when the change happened, or when sent."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        # The receipts one contact was sent lately (wananchi/notifications/limits.py).
        Index("ix_outbox_message_recipient_event_created_at", "recipient", "event", "created_at"),
        # The SMS sent in a period, for the reports (wananchi/reports/queries.py).
        Index("ix_outbox_message_channel_sent_at", "channel", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(60))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    recipient: Mapped[str] = mapped_column(String(254))  # an e-mail address or an E.164 phone number
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(255), default="")
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # An SMS's concatenated parts as sent (GSM-7 or UCS-2: wananchi/notifications/segments.py); what it cost.
    sms_segments: Mapped[int | None] = mapped_column(Integer)
    # The last message to a citizen whose personal data was erased (a granted erasure's confirmation): once it is
    # sent, or has failed for good, its address is erased from this row too (wananchi/notifications/outbox.py).
    forget_recipient: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class NotificationPreference(Model):
    """How a member of staff hears about one kind of event; without a row: by e-mail, one message each."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    event: Mapped[str] = mapped_column(String(60), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    sms: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)  # warnings only: once a day, not one by one


class SmsOptOut(Model):
    """A phone that asked for no more SMS (it sent ACHA or STOP); it gets none until it sends ANZA or START."""

    __tablename__ = "sms_opt_out"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
