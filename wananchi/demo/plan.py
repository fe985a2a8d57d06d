"""The demo tickets planned from a seeded random generator, without touching the database.

Ticket number i is the same whatever `count` is and whatever the database holds, so its submission key
always names the same ticket.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import TypeVar

from wananchi.demo.phrasing import has_phrases, phrase
from wananchi.demo.places import (
    DAR_ES_SALAAM_DISTRICTS,
    RURAL_DISTRICTS,
    TICKET_DISTRICTS,
    WARDS,
    district_names,
    region_of_district,
)
from wananchi.demo.threads import (
    EMAIL_DOMAINS,
    FIRST_NAMES,
    GENERIC_REPLIES,
    INFO_EXCHANGES,
    LAST_NAMES,
    MOBILE_PREFIXES,
    NOTES,
    OFFICERS,
    REOPEN_MESSAGES,
    REOPEN_NOTES,
    SUPERVISORS,
)
from wananchi.demo.tickets import TEMPLATES, Scope, Template
from wananchi.tickets.models import Identity, TicketStatus, TicketType
from wananchi.tickets.services import CITIZEN

_K = TypeVar("_K")

SEED = 2026
MAX_AGE = dt.timedelta(days=90)

_C, _Q, _S, _O, _P = (
    TicketType.COMPLAINT,
    TicketType.QUESTION,
    TicketType.SUGGESTION,
    TicketType.OPINION,
    TicketType.COMMENDATION,
)
_ST = TicketStatus

# The first tickets cover every type and every status, so even a small demo shows them all.
SHOWCASE: tuple[tuple[TicketType, TicketStatus], ...] = (
    (_C, _ST.RESOLVED),
    (_Q, _ST.ANSWERED),
    (_C, _ST.AWAITING_CITIZEN),
    (_S, _ST.IN_PROGRESS),
    (_P, _ST.CLOSED),
    (_O, _ST.RECEIVED),
    (_C, _ST.REOPENED),
)
# Complaints and questions are written in other words (wananchi/demo/phrasing.py) this often: the rest keep their
# template's text and specific answer.
REPHRASED_TYPES = (_C, _Q)
REPHRASED_SHARE = 0.6
TYPE_WEIGHTS = {_C: 40, _Q: 30, _S: 12, _O: 10, _P: 8}
STATUS_WEIGHTS: dict[TicketType, dict[TicketStatus, int]] = {
    _C: {
        _ST.RECEIVED: 10,
        _ST.IN_PROGRESS: 18,
        _ST.AWAITING_CITIZEN: 10,
        _ST.ANSWERED: 12,
        _ST.RESOLVED: 22,
        _ST.CLOSED: 20,
        _ST.REOPENED: 8,
    },
    _Q: {
        _ST.RECEIVED: 10,
        _ST.IN_PROGRESS: 15,
        _ST.AWAITING_CITIZEN: 10,
        _ST.ANSWERED: 30,
        _ST.RESOLVED: 10,
        _ST.CLOSED: 25,
    },
    _S: {_ST.RECEIVED: 15, _ST.IN_PROGRESS: 25, _ST.ANSWERED: 30, _ST.CLOSED: 30},
    _O: {_ST.RECEIVED: 20, _ST.IN_PROGRESS: 10, _ST.ANSWERED: 35, _ST.CLOSED: 35},
    _P: {_ST.RECEIVED: 25, _ST.ANSWERED: 35, _ST.CLOSED: 40},
}
# How old a ticket in each status may be, in days: fresh ones are still waiting, closed ones are older.
AGE_DAYS: dict[TicketStatus, tuple[float, float]] = {
    _ST.RECEIVED: (0.02, 10),
    _ST.IN_PROGRESS: (0.5, 25),
    _ST.AWAITING_CITIZEN: (1, 30),
    _ST.ANSWERED: (2, 60),
    _ST.RESOLVED: (4, 90),
    _ST.CLOSED: (15, 90),
    _ST.REOPENED: (8, 90),
}


class Action(enum.StrEnum):
    """Something that happens to a demo ticket after it is submitted."""

    START = "start"  # an officer starts work: in progress
    NOTE = "note"  # an internal note
    INFO_REQUEST = "info_request"  # the officer asks the citizen: awaiting citizen
    CITIZEN = "citizen"  # the citizen adds information
    REPLY = "reply"  # a public reply: answered
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"  # the citizen is not satisfied


@dataclass(frozen=True)
class Step:
    """One action, `after` the submission."""

    action: Action
    after: dt.timedelta
    actor: str
    body: str = ""


@dataclass(frozen=True)
class PlannedTicket:
    """A demo ticket and its history, ready to be submitted and played."""

    index: int
    submission_key: str
    age: dt.timedelta  # submitted this long before the seeding
    category: str | None
    district: str | None
    type: TicketType
    language: str
    subject: str
    description: str
    identity: Identity
    name: str | None
    email: str | None
    phone: str | None
    status: TicketStatus
    steps: tuple[Step, ...]


def submission_key(index: int) -> str:
    """The stable, idempotent submission key of demo ticket number `index`."""
    return f"demo-seed-{index:05d}-wananchi-tanzania"


def plan_tickets(count: int) -> list[PlannedTicket]:
    """The first `count` demo tickets, in index order; the same on every run."""
    rng = random.Random(SEED)
    by_type: dict[TicketType, list[Template]] = defaultdict(list)
    for template in TEMPLATES:
        by_type[template.type].append(template)
    return [_plan_one(index, rng, by_type) for index in range(count)]


def _weighted(rng: random.Random, weights: dict[_K, int]) -> _K:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_one(index: int, rng: random.Random, by_type: dict[TicketType, list[Template]]) -> PlannedTicket:
    """Demo ticket number `index`, drawn from `rng`."""
    if index < len(SHOWCASE):
        type_, status = SHOWCASE[index]
    else:
        type_ = _weighted(rng, TYPE_WEIGHTS)
        status = _weighted(rng, STATUS_WEIGHTS[type_])
    template = rng.choice(by_type[type_])
    district = _district(template.scope, rng)
    values = _placeholders(district, template.language, rng)
    low, high = AGE_DAYS[status]
    age = min(dt.timedelta(days=rng.uniform(low, high)), MAX_AGE)
    identity, name, email, phone = _identity(rng)
    language = template.language
    subject, description = template.subject.format(**values), template.description.format(**values)
    reply = (template.reply or GENERIC_REPLIES[type_][language]).format(**values)
    category = template.category
    if type_ in REPHRASED_TYPES and category is not None and has_phrases(category) and rng.random() < REPHRASED_SHARE:
        language, subject, description = phrase(category, values, rng)
        if language != template.language:
            reply = GENERIC_REPLIES[type_][language].format(**values)
    return PlannedTicket(
        index=index,
        submission_key=submission_key(index),
        age=age,
        category=template.category,
        district=district,
        type=type_,
        language=language,
        subject=subject,
        description=description,
        identity=identity,
        name=name,
        email=email,
        phone=phone,
        status=status,
        steps=_steps(type_, status, language, reply, age, rng),
    )


def _district(scope: Scope, rng: random.Random) -> str | None:
    """The district code a ticket of `scope` happens in, if any."""
    choices = {
        Scope.NONE: (),
        Scope.ANY: TICKET_DISTRICTS,
        Scope.LOCAL: TICKET_DISTRICTS,
        Scope.DAR: DAR_ES_SALAAM_DISTRICTS,
        Scope.RURAL: RURAL_DISTRICTS,
    }[scope]
    return rng.choice(choices) if choices else None


def _placeholders(district: str | None, language: str, rng: random.Random) -> dict[str, object]:
    """The values of a template's placeholders; place names only when the ticket has a district."""
    values: dict[str, object] = {"n": rng.randint(2, 6), "namba": f"99{rng.randint(10**9, 10**10 - 1)}"}
    if district is None:
        return values
    name = district_names()[district]
    wards = WARDS.get(district)
    ward = rng.choice(wards) if wards else None
    if language == "en":
        eneo = f"{ward}, {name} district" if ward else f"{name} district"
    else:
        eneo = f"{ward}, wilaya ya {name}" if ward else f"wilaya ya {name}"
    values.update(eneo=eneo, wilaya=name, mkoa=region_of_district()[district])
    return values


def _identity(rng: random.Random) -> tuple[Identity, str | None, str | None, str | None]:
    """How the citizen identifies: named, contact hidden or anonymous, with plausible contact details."""
    draw = rng.random()
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    suffix = rng.choice(["", str(rng.randint(1, 99))])
    email: str | None = f"{first}.{last}{suffix}@{rng.choice(EMAIL_DOMAINS)}".lower()
    phone: str | None = f"+255{rng.choice(MOBILE_PREFIXES)}000{rng.randint(0, 9999):04d}"
    contact = rng.random()
    if contact < 0.3:
        phone = None
    elif contact < 0.7:
        email = None
    if draw < 0.55:
        return Identity.NAMED, f"{first} {last}", email, phone
    if draw < 0.8:
        return Identity.CONTACT_HIDDEN, f"{first} {last}" if rng.random() < 0.5 else None, email, phone
    return Identity.ANONYMOUS, None, None, None


def _steps(
    type_: TicketType, status: TicketStatus, language: str, reply: str, age: dt.timedelta, rng: random.Random
) -> tuple[Step, ...]:
    """The history that leads a ticket to `status`, squeezed into the time since it was submitted."""
    officer = rng.choice(OFFICERS)
    planned: list[tuple[Action, float, str, str]] = []  # action, hours since the previous step, actor, body

    def add(action: Action, low: float, high: float, actor: str = officer, body: str = "") -> None:
        """Plan `action` between `low` and `high` hours after the previous step."""
        planned.append((action, rng.uniform(low, high), actor, body))

    question, answer = rng.choice(INFO_EXCHANGES[language])

    def ask_and_answer() -> None:
        """Plan a request for information and the citizen's answer."""
        add(Action.INFO_REQUEST, 1, 48, body=question)
        add(Action.CITIZEN, 2, 72, actor=CITIZEN, body=answer.format(namba=f"99{rng.randint(10**9, 10**10 - 1)}"))

    if status != TicketStatus.RECEIVED:
        add(Action.START, 1, 40)
        if rng.random() < 0.3:
            add(Action.NOTE, 0.5, 24, body=rng.choice(NOTES))
        may_ask = type_ in (TicketType.COMPLAINT, TicketType.QUESTION)
        if status == TicketStatus.AWAITING_CITIZEN:
            add(Action.INFO_REQUEST, 1, 48, body=question)
        elif status == TicketStatus.IN_PROGRESS:
            if may_ask and rng.random() < 0.3:
                ask_and_answer()
        else:
            if may_ask and rng.random() < 0.3:
                ask_and_answer()
            add(Action.REPLY, 4, 96, body=reply)
            if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.REOPENED):
                add(Action.RESOLVE, 24, 120)
            if status == TicketStatus.CLOSED:
                add(Action.CLOSE, 48, 336)
            if status == TicketStatus.REOPENED:
                add(Action.CITIZEN, 24, 240, actor=CITIZEN, body=rng.choice(REOPEN_MESSAGES[language]))
                add(Action.REOPEN, 0, 0.1, actor=CITIZEN)
                add(Action.NOTE, 1, 24, actor=rng.choice(SUPERVISORS), body=rng.choice(REOPEN_NOTES))

    total_hours = sum(gap for _action, gap, _actor, _body in planned)
    available_hours = age.total_seconds() / 3600 * 0.9
    scale = min(1.0, available_hours / total_hours) if total_hours else 1.0
    steps, elapsed = [], 0.0
    for action, gap, actor, body in planned:
        elapsed += gap * scale
        steps.append(Step(action, dt.timedelta(hours=elapsed), actor, body))
    return tuple(steps)
