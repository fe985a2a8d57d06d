"""Writing, approving and keeping published answers. Each function checks the permission and the answer's
status, changes the answer, records the change in the audit log and flushes; nothing here commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.maswali.models import AnswerStatus, PublishedAnswer
from wananchi.maswali.personal import ticket_details_in
from wananchi.tickets.models import MessageKind, Ticket, TicketStatus
from wananchi.tickets.permissions import Permission, can

# A ticket is published only once the institution has answered it.
ANSWERED_STATUSES = frozenset({TicketStatus.ANSWERED, TicketStatus.RESOLVED, TicketStatus.CLOSED})
QUESTION_LENGTH = 300


@dataclass(frozen=True)
class AnswerText:
    """What an officer writes: the question and answer in both languages, and the service it is about."""

    question_sw: str
    answer_sw: str
    question_en: str
    answer_en: str
    category: Category | None = None


def _require(user: User, permission: Permission, institution: Institution) -> None:
    if not can(user, permission, institution):
        raise DomainError(_("You may not do this for this institution."))


def _check_category(category: Category | None, institution: Institution) -> None:
    if category is not None and category.institution_id != institution.id:
        raise DomainError(_("Choose one of the institution's own services."), field="category")


def _check_free_of_ticket_details(answer: PublishedAnswer) -> None:
    """Refuse a text that still holds its ticket's citizen's name, phone number, e-mail or reference number."""
    for text in (answer.question_sw, answer.answer_sw, answer.question_en, answer.answer_en):
        if ticket_details_in(text, answer.ticket):
            raise DomainError(
                _("Remove the citizen's personal details (marked in the text) before sending it on."), field="answer"
            )


def _latest_answer(ticket: Ticket) -> str:
    replies = [m.body for m in ticket.messages if m.kind == MessageKind.REPLY]
    return replies[-1] if replies else ticket.resolution_summary or ""


def draft_from_ticket(ticket: Ticket, *, actor: User) -> PublishedAnswer:
    """A draft answer from an answered ticket whose citizen agreed to publication: its subject as the question, its
    latest reply as the answer, in the ticket's language, for the officer to make general."""
    _require(actor, Permission.WRITE_ANSWER, ticket.institution)
    if not can(actor, Permission.WORK_TICKET, ticket):
        raise DomainError(_("You may not do this for this institution."))
    if not ticket.text_is_public:  # as the form tells the citizen: nothing of an anonymous ticket is published
        raise DomainError(_("The citizen did not agree to publication: this ticket cannot be published."))
    if ticket.status not in ANSWERED_STATUSES:
        raise DomainError(_("Only an answered ticket can be published."))
    question = ticket.subject[:QUESTION_LENGTH]
    answer_text = _latest_answer(ticket)
    english = ticket.language == "en"
    answer = PublishedAnswer(
        institution=ticket.institution,
        category=ticket.category
        if ticket.category and ticket.category.institution_id == ticket.institution_id
        else None,
        ticket=ticket,
        author=actor,
        question_sw="" if english else question,
        answer_sw="" if english else answer_text,
        question_en=question if english else "",
        answer_en=answer_text if english else "",
    )
    db.session.add(answer)
    record(actor.id, "answer_drafted", answer, {"ticket": ticket.reference})
    db.session.flush()
    return answer


def write_article(institution: Institution, text: AnswerText, *, actor: User) -> PublishedAnswer:
    """A new draft written by an officer, not from a ticket."""
    _require(actor, Permission.WRITE_ANSWER, institution)
    _check_category(text.category, institution)
    answer = PublishedAnswer(institution=institution, author=actor, question_sw="", answer_sw="")
    _apply(answer, text)
    db.session.add(answer)
    record(actor.id, "answer_drafted", answer, {})
    db.session.flush()
    return answer


def _apply(answer: PublishedAnswer, text: AnswerText) -> None:
    answer.question_sw, answer.answer_sw = text.question_sw, text.answer_sw
    answer.question_en, answer.answer_en = text.question_en, text.answer_en
    answer.category = text.category


def edit_answer(answer: PublishedAnswer, text: AnswerText, *, actor: User) -> None:
    """Change a draft's text and service (a published or awaiting answer is first sent back to draft)."""
    _require(actor, Permission.WRITE_ANSWER, answer.institution)
    if answer.status != AnswerStatus.DRAFT:
        raise DomainError(_("Only a draft can be edited: send it back to draft first."))
    _check_category(text.category, answer.institution)
    _apply(answer, text)
    record(actor.id, "answer_edited", answer, {})
    db.session.flush()


def request_approval(answer: PublishedAnswer, *, actor: User) -> None:
    """Send a complete draft, free of its ticket's personal details, to the institution's supervisors."""
    _require(actor, Permission.WRITE_ANSWER, answer.institution)
    if answer.status != AnswerStatus.DRAFT:
        raise DomainError(_("Only a draft can be sent for approval."))
    if not all((answer.question_sw, answer.answer_sw, answer.question_en, answer.answer_en)):
        raise DomainError(_("Write the question and the answer in both Swahili and English."))
    _check_free_of_ticket_details(answer)
    answer.status = AnswerStatus.AWAITING_APPROVAL
    record(actor.id, "answer_approval_requested", answer, {})
    db.session.flush()


def approve_answer(answer: PublishedAnswer, *, actor: User, now: dt.datetime | None = None) -> None:
    """Publish an answer awaiting approval: a supervisor of the institution other than its author."""
    _require(actor, Permission.APPROVE_ANSWER, answer.institution)
    if answer.status != AnswerStatus.AWAITING_APPROVAL:
        raise DomainError(_("Only an answer awaiting approval can be approved."))
    if answer.author_id == actor.id:
        raise DomainError(_("Another supervisor must approve an answer you wrote."))
    _check_free_of_ticket_details(answer)
    now = now or utcnow()
    answer.status = AnswerStatus.PUBLISHED
    answer.approved_by, answer.approved_at, answer.reviewed_at = actor, now, now
    answer.out_of_date = False
    record(actor.id, "answer_approved", answer, {})
    db.session.flush()


def return_to_draft(answer: PublishedAnswer, *, actor: User) -> None:
    """Take an answer off the public pages, or back from approval, to be edited again."""
    _require(actor, Permission.WRITE_ANSWER, answer.institution)
    if answer.status == AnswerStatus.DRAFT:
        raise DomainError(_("This answer is already a draft."))
    was = answer.status
    answer.status = AnswerStatus.DRAFT
    record(actor.id, "answer_returned_to_draft", answer, {"status": [was.value, AnswerStatus.DRAFT.value]})
    db.session.flush()


def mark_out_of_date(answer: PublishedAnswer, *, actor: User) -> None:
    """Flag a published answer as no longer right: the public page says so until it is reviewed."""
    _require(actor, Permission.WRITE_ANSWER, answer.institution)
    if answer.status != AnswerStatus.PUBLISHED or answer.out_of_date:
        raise DomainError(_("Only a published answer that is not yet marked can be marked out of date."))
    answer.out_of_date = True
    record(actor.id, "answer_marked_out_of_date", answer, {})
    db.session.flush()


def confirm_reviewed(answer: PublishedAnswer, *, actor: User, now: dt.datetime | None = None) -> None:
    """A supervisor confirms a published answer still holds: its review date moves to today, any mark is lifted."""
    _require(actor, Permission.APPROVE_ANSWER, answer.institution)
    if answer.status != AnswerStatus.PUBLISHED:
        raise DomainError(_("Only a published answer can be reviewed."))
    answer.reviewed_at = now or utcnow()
    answer.out_of_date = False
    record(actor.id, "answer_reviewed", answer, {})
    db.session.flush()
