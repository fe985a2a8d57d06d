"""Reading published answers: an institution's or a service's, and search over both languages' text.

PostgreSQL searches with full-text search (the 'simple' configuration: there is no Swahili one) through the GIN
index ix_published_answer_search (migration 0024); SQLite, the development database, matches every word as a part of
the text (LIKE), which is enough for the few hundred answers an institution publishes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select

from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.maswali.models import AnswerOffer, AnswerStatus, PublishedAnswer

MAX_SEARCH_LENGTH = 200
MAX_WORDS = 8
PAGE_SIZE = 50
_WORD = re.compile(r"\w+", re.UNICODE)
_TEXT_COLUMNS = ("question_sw", "answer_sw", "question_en", "answer_en")
# The expression of the GIN index ix_published_answer_search (migration 0024), written out so PostgreSQL matches it.
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(
    "to_tsvector('simple', published_answer.question_sw || ' ' || published_answer.answer_sw || ' ' || "
    "published_answer.question_en || ' ' || published_answer.answer_en)"
)


def search_words(text: str | None) -> list[str]:
    """The words of a search, lower-cased, at most MAX_WORDS of them."""
    return [word.lower() for word in _WORD.findall((text or "")[:MAX_SEARCH_LENGTH])][:MAX_WORDS]


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matches(words: list[str]) -> tuple[ColumnElement[bool], ColumnElement[Any] | None]:
    """A condition that every word is in the answer, and (PostgreSQL) a rank to order by."""
    if db.session.get_bind().dialect.name == "postgresql":
        query = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
        return _SEARCH_VECTOR.bool_op("@@")(query), func.ts_rank(_SEARCH_VECTOR, query)
    columns = [getattr(PublishedAnswer, name) for name in _TEXT_COLUMNS]
    condition = and_(
        *(or_(*(func.lower(column).like(_like_pattern(word), escape="\\") for column in columns)) for word in words)
    )
    return condition, None


def published(
    *, institution_id: int | None = None, category_id: int | None = None, text: str | None = None
) -> list[PublishedAnswer]:
    """Published answers, the best match first when searching, else the most recently reviewed first."""
    statement: Select[Any] = select(PublishedAnswer).where(PublishedAnswer.status == AnswerStatus.PUBLISHED)
    if institution_id is not None:
        statement = statement.where(PublishedAnswer.institution_id == institution_id)
    if category_id is not None:
        statement = statement.where(PublishedAnswer.category_id == category_id)
    words = search_words(text)
    order: list[Any] = [PublishedAnswer.reviewed_at.desc(), PublishedAnswer.id.desc()]
    if words:
        condition, rank = _matches(words)
        statement = statement.where(condition)
        if rank is not None:
            order.insert(0, rank.desc())
    return list(db.session.scalars(statement.order_by(*order).limit(PAGE_SIZE)))


def institutions_with_answers() -> list[tuple[Institution, int]]:
    """Every institution that has published answers, with how many, by name."""
    count = func.count(PublishedAnswer.id)
    rows = db.session.execute(
        select(Institution, count)
        .join(PublishedAnswer, PublishedAnswer.institution_id == Institution.id)
        .where(PublishedAnswer.status == AnswerStatus.PUBLISHED)
        .group_by(Institution.id)
    )
    return by_name(((institution, number) for institution, number in rows), lambda row: localized_name(row[0]))


def published_answer(institution: Institution, answer_id: int) -> PublishedAnswer | None:
    """One published answer of the institution, or None."""
    return db.session.scalar(
        select(PublishedAnswer).where(
            PublishedAnswer.id == answer_id,
            PublishedAnswer.institution_id == institution.id,
            PublishedAnswer.status == AnswerStatus.PUBLISHED,
        )
    )


def offer_figures(
    institution_id: int, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> tuple[int, int]:
    """How many citizens the submit form offered the institution's published answers (from `start` until before
    `end`), and how many of them sent their ticket all the same; the rest may have been spared the wait."""
    statement = select(func.count(AnswerOffer.id), func.count(AnswerOffer.submitted_at)).where(
        AnswerOffer.institution_id == institution_id
    )
    if start is not None:
        statement = statement.where(AnswerOffer.created_at >= start)
    if end is not None:
        statement = statement.where(AnswerOffer.created_at < end)
    shown, submitted = db.session.execute(statement).one()
    return int(shown), int(submitted)
