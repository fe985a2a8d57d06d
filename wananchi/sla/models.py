"""Stored SLA settings and records: working calendars and their dates, response targets, escalations."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model
from wananchi.institutions.models import Category, Institution
from wananchi.tickets.models import Ticket, TicketType


class Calendar(Model):
    """Working hours an institution keeps; institutions without one use the standard public-service week."""

    __tablename__ = "calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(60), default="Africa/Dar_es_Salaam")
    always_open: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"0": [["07:30", "15:30"]], ..., "6": []}: Monday is "0".
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CalendarDate(Model):
    """A date that is closed (a closure, an announced holiday) or open (a holiday estimate that was wrong).

    Without a calendar it applies to every calendar: the government's announcements.
    """

    __tablename__ = "calendar_date"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendar.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    is_working: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(200), default="")

    calendar: Mapped[Calendar | None] = relationship()


class ResponseTarget(Model):
    """Working days allowed for the first response and the resolution; the most specific row wins.

    A row may name an institution, a category and a ticket type, or any of them; the defaults of
    PRODUCT.md apply where no row matches.
    """

    __tablename__ = "response_target"
    __table_args__ = (UniqueConstraint("institution_id", "category_id", "type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    type: Mapped[TicketType | None] = mapped_column(str_enum(TicketType))
    first_response_days: Mapped[int] = mapped_column(Integer)
    resolution_days: Mapped[int] = mapped_column(Integer)

    institution: Mapped[Institution | None] = relationship()
    category: Mapped[Category | None] = relationship()


class SlaTarget(enum.StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class EscalationLevel(enum.StrEnum):
    WARNING = "warning"  # 75 % of the target used: the assignee (or the institution's officers) is warned
    OVERDUE = "overdue"  # the target is missed: on the supervisor's escalation list
    PARENT = "parent"  # 3 working days later: the oversight of the parent node
    NATIONAL = "national"  # 10 working days later: the national level


class Escalation(Model):
    """One step of the escalation ladder, taken once per target (and per holder, for the first response)."""

    __tablename__ = "escalation"
    __table_args__ = (
        UniqueConstraint("ticket_id", "target", "round", "level"),
        Index("ix_escalation_node_id_created_at", "node_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    target: Mapped[SlaTarget] = mapped_column(str_enum(SlaTarget))
    # A target can start again: the first response at each transfer, the resolution at each reopening.
    # `round` counts those restarts, so each ladder is climbed once per round.
    round: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[EscalationLevel] = mapped_column(str_enum(EscalationLevel))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))  # who held the ticket
    node_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))  # whose list it lands on
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the missed (or approaching) instant
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship()
    institution: Mapped[Institution] = relationship(foreign_keys=[institution_id])
    node: Mapped[Institution] = relationship(foreign_keys=[node_id])
