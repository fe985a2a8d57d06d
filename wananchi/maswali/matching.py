"""The published answers closest to a ticket a citizen is about to send, found by shared words.

Explainable by design: an answer matches when it shares at least MIN_SHARED_WORDS significant words (four letters
or more, not a common word of either language) with the subject and description; matches are ranked by the sum of
each shared word's rarity among the candidate answers (inverse document frequency), a word of the question counting
double. Candidates are the published answers of the chosen service's institution (or of every institution for
"Sijui"), at most MAX_CANDIDATES of the most recently reviewed: an institution publishes hundreds, not millions.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from wananchi.core.db import utcnow
from wananchi.core.i18n import current_language, localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category
from wananchi.maswali.models import AnswerOffer, AnswerStatus, PublishedAnswer
from wananchi.tickets.answers import Offer, OfferedAnswer
from wananchi.tickets.models import Ticket

MIN_SHARED_WORDS = 2
MIN_WORD_LENGTH = 4
MAX_CANDIDATES = 500
MAX_OFFERED = 3
_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common in tickets to say what one is about (Swahili and English).
_COMMON_WORDS = (
    "hii huu hiyo hizi hizo kwamba kama lakini pia sana bado tena wetu yetu yangu wangu langu changu "
    "zangu naomba ninaomba tafadhali habari asante ndiyo hapana kuna hakuna ambayo ambao ambaye kwenye "
    "katika kwa nini gani lini wapi mimi sisi wao yeye nimekuwa nilikuwa ilikuwa imekuwa siku mwezi mwaka "
    "this that these those with from have has had been were what when where which there their about would "
    "could should please thank thanks hello your yours mine them they will shall into also very still "
)
STOP_WORDS = frozenset(_COMMON_WORDS.split())


def words(text: str) -> set[str]:
    """The significant words of a text, lower-cased."""
    return {w for w in (m.lower() for m in _WORD.findall(text)) if len(w) >= MIN_WORD_LENGTH and w not in STOP_WORDS}


@dataclass(frozen=True)
class Match:
    answer: PublishedAnswer
    score: float
    shared: frozenset[str]


def closest_answers(category: Category | None, text: str, *, limit: int = MAX_OFFERED) -> list[Match]:
    """The published answers sharing the most (and rarest) words with `text`, best first."""
    asked = words(text)
    if len(asked) < MIN_SHARED_WORDS:
        return []
    statement = select(PublishedAnswer).where(PublishedAnswer.status == AnswerStatus.PUBLISHED)
    if category is not None:
        statement = statement.where(PublishedAnswer.institution_id == category.institution_id)
    candidates = list(db.session.scalars(statement.order_by(PublishedAnswer.reviewed_at.desc()).limit(MAX_CANDIDATES)))
    documents = [
        (answer, words(f"{answer.question_sw} {answer.question_en}"), words(f"{answer.answer_sw} {answer.answer_en}"))
        for answer in candidates
    ]
    frequency: dict[str, int] = {}
    for _answer, question, body in documents:
        for word in question | body:
            frequency[word] = frequency.get(word, 0) + 1
    total = len(documents)
    matches = []
    for answer, question, body in documents:
        shared = asked & (question | body)
        if len(shared) < MIN_SHARED_WORDS:
            continue
        score = sum(math.log(1 + total / frequency[w]) * (2 if w in question else 1) for w in shared)
        if category is not None and answer.category_id == category.id:
            score *= 1.5  # the service the citizen chose
        matches.append(Match(answer, score, frozenset(shared)))
    matches.sort(key=lambda m: (-m.score, -m.answer.id))
    return matches[:limit]


class PublishedAnswerFinder:
    """The submit form's finder (wananchi/tickets/answers.py): offers the closest answers and records the offer."""

    def offer(
        self, category: Category | None, subject: str, description: str, *, token: str | None = None
    ) -> Offer | None:
        matches = closest_answers(category, f"{subject} {description}")
        if not matches:
            return None
        recorded = db.session.scalar(select(AnswerOffer).where(AnswerOffer.token == token[:32])) if token else None
        if recorded is None or recorded.submitted_at is not None:
            recorded = AnswerOffer(token=secrets.token_hex(16))
            db.session.add(recorded)
        recorded.institution_id = category.institution_id if category else None
        recorded.category_id = category.id if category else None
        recorded.answers_shown = max(recorded.answers_shown or 0, len(matches))
        db.session.flush()
        token = recorded.token
        language = current_language()
        return Offer(
            token=token,
            answers=[
                OfferedAnswer(
                    question=m.answer.question(language),
                    url=url_for("maswali.answer", slug=m.answer.institution.slug, answer_id=m.answer.id),
                    institution=localized_name(m.answer.institution),
                )
                for m in matches
            ],
        )

    def submitted_anyway(self, token: str, ticket: Ticket) -> None:
        offer = db.session.scalar(select(AnswerOffer).where(AnswerOffer.token == token[:32]))
        if offer is None or offer.submitted_at is not None:
            return
        offer.ticket_id = ticket.id
        offer.submitted_at = utcnow()
        db.session.flush()
