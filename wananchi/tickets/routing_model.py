"""The trained routing model: where a ticket probably belongs, learned by scikit-learn from where past tickets were
finally answered (after any transfers).

Features are TF-IDF weights of words (and word pairs) and of character n-grams within words (3 to 5 letters), which
catch Swahili's prefixes and suffixes, spelling variations and words mixed in from English; the ticket's district
is one more word, so a council's local services can be told apart. Two linear classifiers (scikit-learn's
SGDClassifier with logistic loss, which gives probabilities) share those features, kept to the 6,000 that tell
institutions apart best and the 6,000 that tell services apart best (chi-squared): one predicts the institution,
the other the service. The worker retrains it every night (`tasks.py`; `flask --app wsgi wananchi train-routing`
by hand): the newest tickets (ROUTING_HOLD_OUT_PERCENT) are held out to measure it, then it learns from all of
them, and the version is stored as a row of routing_model with its figures. The learning itself (scikit-learn) is
in `routing_learner.py`, loaded only when a model is trained or first asked for a suggestion.

The artefact is a joblib file, which is a pickle: loading it can run code. It is written only by this module,
into the database, with an HMAC-SHA256 signature keyed by the service's SECRET_KEY (or one of its
SECRET_KEY_FALLBACKS); an artefact whose signature does not match is never loaded, so write access to the database
alone cannot run code in the service. No page, API or command reads a model from anywhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import time
from dataclasses import dataclass
from importlib.metadata import version as installed_version
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select, update

from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets.models import CITIZEN_TYPES, RoutingModel, Ticket, TicketStatus

if TYPE_CHECKING:
    from wananchi.tickets.routing_learner import Router

log = logging.getLogger(__name__)

TOP = 3
KEPT_ARTEFACTS = 3  # older versions keep their figures; their artefacts are emptied
_SIGNING_CONTEXT = b"wananchi routing model artefact v1"


def model_text(subject: str, description: str, district_id: int | None) -> str:
    """What the model reads of a ticket: its subject, description and district (as a word of its own)."""
    district = f" wilaya{district_id}" if district_id is not None else ""
    return f"{subject}\n{description}{district}"


@dataclass(frozen=True)
class Example:
    """A ticket the model learns from: its text and where it was finally answered."""

    text: str
    institution_id: int
    category_id: int | None


@dataclass(frozen=True)
class Ranked:
    """The model's best guesses for one ticket: (institution id, probability) and (service id or None,
    probability), best first."""

    institutions: list[tuple[int, float]]
    services: list[tuple[int | None, float]]


def training_examples() -> list[Example]:
    """The newest ROUTING_MAX_TICKETS resolved or closed citizens' tickets (not merged away, not left at a triage
    desk), oldest first, with the institution and service each ended at."""
    triage = select(Institution.id).where(Institution.is_triage.is_(True))
    rows = db.session.execute(
        select(Ticket.subject, Ticket.description, Ticket.district_id, Ticket.institution_id, Ticket.category_id)
        .where(
            Ticket.status.in_((TicketStatus.RESOLVED, TicketStatus.CLOSED)),
            Ticket.merged_into_id.is_(None),
            Ticket.institution_id.not_in(triage),
            Ticket.type.in_(CITIZEN_TYPES),  # a request about personal data is placed by its ticket, not routed
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(current_app.config["ROUTING_MAX_TICKETS"])
    ).all()
    return [
        Example(model_text(r.subject, r.description, r.district_id), r.institution_id, r.category_id)
        for r in reversed(rows)
    ]


def split(examples: list[Example], hold_out: float) -> tuple[list[Example], list[Example]]:
    """The older part to learn from and the newer part to measure on (`examples` oldest first)."""
    cut = len(examples) - int(len(examples) * hold_out)
    return examples[:cut], examples[cut:]


def can_learn(examples: list[Example]) -> bool:
    """Whether there is enough to learn from: ROUTING_MIN_TICKETS tickets of at least two institutions."""
    return len(examples) >= current_app.config["ROUTING_MIN_TICKETS"] and len({e.institution_id for e in examples}) > 1


def train_routing_model() -> RoutingModel | None:
    """Train a new version from the database, measured on the newest tickets held out, and store it (flushed,
    not committed); None when there are too few tickets to learn from (suggestions then come from word votes)."""
    import joblib

    from wananchi.tickets.routing_learner import Router, measure

    started = time.perf_counter()
    examples = training_examples()
    if not can_learn(examples):
        log.info("routing model: %d tickets to learn from, not enough; word votes stay in use", len(examples))
        return None
    older, newer = split(examples, current_app.config["ROUTING_HOLD_OUT_PERCENT"] / 100)
    accuracy = None
    if newer and can_learn(older):
        accuracy = measure(Router().fit(older), newer)
    router = Router().fit(examples)
    buffer = io.BytesIO()
    joblib.dump(router, buffer, compress=3)
    artefact = buffer.getvalue()
    version = RoutingModel(
        ticket_count=len(examples),
        held_out_count=len(newer) if accuracy else 0,
        institution_top1=accuracy.institution_top1 if accuracy else None,
        institution_top3=accuracy.institution_top3 if accuracy else None,
        service_top1=accuracy.service_top1 if accuracy else None,
        service_top3=accuracy.service_top3 if accuracy else None,
        institution_count=len({e.institution_id for e in examples}),
        service_count=len({e.category_id for e in examples}),
        training_seconds=time.perf_counter() - started,
        library_version=installed_version("scikit-learn"),
        artefact=artefact,
        signature=_sign(artefact, current_app.config["SECRET_KEY"]),
    )
    db.session.add(version)
    db.session.flush()
    kept = select(RoutingModel.id).order_by(RoutingModel.id.desc()).limit(KEPT_ARTEFACTS).subquery()
    db.session.execute(
        update(RoutingModel)
        .where(RoutingModel.id.not_in(select(kept.c.id)), RoutingModel.artefact.is_not(None))
        .values(artefact=None)
        .execution_options(synchronize_session=False)
    )
    log.info(
        "routing model %d: %d tickets, %d KB, institution top-3 %s, in %.1f s",
        version.id,
        version.ticket_count,
        len(artefact) // 1024,
        f"{accuracy.institution_top3:.0%}" if accuracy else "not measured",
        version.training_seconds,
    )
    return version


def _sign(artefact: bytes, key: str) -> str:
    derived = hmac.new(key.encode(), _SIGNING_CONTEXT, hashlib.sha256).digest()
    return hmac.new(derived, artefact, hashlib.sha256).hexdigest()


def _signed(artefact: bytes, signature: str) -> bool:
    keys = [current_app.config["SECRET_KEY"], *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    return any(hmac.compare_digest(_sign(artefact, key), signature) for key in keys)


# The newest version, loaded: its signature -> (version id, router). Loading an artefact takes far longer than
# asking the database which version is newest, so the one loaded is kept while it stays the newest.
_loaded: dict[str, tuple[int, Router]] = {}


def newest_router() -> tuple[int, Router] | None:
    """The newest stored version and its model, loaded once per process; None without a usable version."""
    newest = db.session.execute(
        select(RoutingModel.id, RoutingModel.signature, RoutingModel.library_version)
        .where(RoutingModel.artefact.is_not(None))
        .order_by(RoutingModel.id.desc())
        .limit(1)
    ).first()
    if newest is None:
        return None
    held = _loaded.get(newest.signature)
    if held is not None and held[0] == newest.id:
        return held
    if newest.library_version != installed_version("scikit-learn"):
        log.warning("routing model %d was written by scikit-learn %s: retrain it", newest.id, newest.library_version)
        return None
    artefact = db.session.scalar(select(RoutingModel.artefact).where(RoutingModel.id == newest.id))
    if artefact is None or not _signed(artefact, newest.signature):
        log.warning("routing model %d: the artefact's signature does not match; not loaded", newest.id)
        return None
    import joblib  # and with the artefact, scikit-learn: only once a model is there to load

    router = joblib.load(io.BytesIO(artefact))
    _loaded.clear()
    _loaded[newest.signature] = (newest.id, router)
    return newest.id, router
