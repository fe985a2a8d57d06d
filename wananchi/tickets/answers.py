"""Published answers the submit form offers before a ticket is sent ("Je, hili limeshajibiwa?").

The tickets domain only asks: the domain that publishes answers (wananchi/maswali) registers a finder on the
application under ANSWER_FINDER. Without one, the form never stops to offer answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from wananchi.institutions.models import Category
from wananchi.tickets.models import Ticket

ANSWER_FINDER = "wananchi.answer_finder"


@dataclass(frozen=True)
class OfferedAnswer:
    """One published answer as the form lists it."""

    question: str
    url: str
    institution: str


@dataclass(frozen=True)
class Offer:
    """The answers shown to a citizen, and the token the form carries back to tell whether they still submitted."""

    token: str
    answers: list[OfferedAnswer]


class AnswerFinder(Protocol):
    def offer(
        self, category: Category | None, subject: str, description: str, *, token: str | None = None
    ) -> Offer | None:
        """The closest published answers to a ticket about to be sent, recorded as offered (as the offer `token`
        when it names one not yet submitted: the form's script asks again as the citizen types); None without any."""

    def submitted_anyway(self, token: str, ticket: Ticket) -> None:
        """The citizen who was offered answers (`token`) sent their ticket all the same."""


def answer_finder() -> AnswerFinder | None:
    """The application's answer finder, if a domain registered one."""
    finder: AnswerFinder | None = current_app.extensions.get(ANSWER_FINDER)
    return finder
