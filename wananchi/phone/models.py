"""What the phone channels keep: USSD session state (in the database when Redis is not used) and inbound SMS."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, utcnow
from wananchi.extensions import Model


class PhoneSession(Model):
    """One key of the phone channels' short-lived state (a USSD session, a confirmed entry), as JSON, until it
    expires; the worker deletes expired rows (wananchi/phone/state.py)."""

    __tablename__ = "phone_session"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class InboundSms(Model):
    """An SMS a phone sent to the service, stored once whatever the gateway retries (keyed by the gateway's id)."""

    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_id: Mapped[str] = mapped_column(String(100), unique=True)
    phone: Mapped[str] = mapped_column(String(20), index=True)
    to: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    link_id: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # What the service did with it: a new ticket, information added, a status sent, stopped, help sent...
    outcome: Mapped[str] = mapped_column(String(30), default="")
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
