"""A published answer (swali na jibu): a question in general form and the institution's answer, in Swahili and
English, written from a ticket whose citizen consented or as an article, public once a supervisor approves it."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.accounts.models import User
from wananchi.core.db import UTCDateTime, str_enum, utcnow
from wananchi.extensions import Model
from wananchi.institutions.models import Category, Institution
from wananchi.tickets.models import Ticket


class AnswerStatus(enum.StrEnum):
    DRAFT = "draft"  # rasimu: its officers edit it
    AWAITING_APPROVAL = "awaiting_approval"  # inasubiri idhini: a supervisor reads it
    PUBLISHED = "published"  # imechapishwa: on /maswali


class PublishedAnswer(Model):
    """One question and answer of an institution's Maswali."""

    __tablename__ = "published_answer"
    __table_args__ = (
        # The public pages: an institution's published answers, newest review first.
        Index("ix_published_answer_institution_id_status_reviewed_at", "institution_id", "status", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    # The ticket it was written from (None for an article); kept to check the text against its citizen's details.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"), index=True)
    status: Mapped[AnswerStatus] = mapped_column(str_enum(AnswerStatus), default=AnswerStatus.DRAFT)
    question_sw: Mapped[str] = mapped_column(String(300))
    answer_sw: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(String(300), default="")
    answer_en: Mapped[str] = mapped_column(Text, default="")
    # Marked by an officer when the answer no longer holds (a fee changed, an office moved): still shown, flagged.
    out_of_date: Mapped[bool] = mapped_column(default=False, server_default=false())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # last approved or confirmed still right
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    institution: Mapped[Institution] = relationship()
    category: Mapped[Category | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    def question(self, language: str) -> str:
        """The question in `language`, falling back to Swahili."""
        return self.question_en if language == "en" and self.question_en else self.question_sw

    def answer(self, language: str) -> str:
        """The answer in `language`, falling back to Swahili."""
        return self.answer_en if language == "en" and self.answer_en else self.answer_sw

    @property
    def is_public(self) -> bool:
        return self.status == AnswerStatus.PUBLISHED


class AnswerOffer(Model):
    """Published answers the submit form showed a citizen before sending: whether they then still submitted is
    how the reports count the tickets the answers spared (deflection)."""

    __tablename__ = "answer_offer"
    __table_args__ = (Index("ix_answer_offer_institution_id_created_at", "institution_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    # The institution of the service chosen (None for "Sijui": answers of any institution were offered).
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"))
    answers_shown: Mapped[int] = mapped_column(default=0)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the citizen sent the ticket anyway
