"""The trained routing model: where a ticket probably belongs, learned by scikit-learn from where past tickets were
finally answered (after any transfers).

Features are TF-IDF weights of words (and word pairs) and of character n-grams within words (3 to 5 letters), which
catch Swahili's prefixes and suffixes, spelling variations and words mixed in from English; the ticket's district
is one more word, so a council's local services can be told apart. Two linear classifiers (scikit-learn's
SGDClassifier with logistic loss, which gives probabilities) share those features, kept to the 6,000 that tell
institutions apart best and the 6,000 that tell services apart best (chi-squared): one predicts the institution,
the other the service. The worker retrains it every night (`tasks.py`; `flask --app wsgi wananchi train-routing`
by hand): the newest tickets (ROUTING_HOLD_OUT_PERCENT) are held out to measure it, then it learns from all of
them, and the version is stored as a row of routing_model with its figures.

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
from typing import Any

import joblib
import numpy as np
import sklearn
from flask import current_app
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import chi2
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion
from sqlalchemy import select, update

from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets.models import RoutingModel, Ticket, TicketStatus

log = logging.getLogger(__name__)

TOP = 3
FEATURES_KEPT = 6_000  # per target (institution, service): their union is kept
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


def _features(words: list[str] | None = None, letters: list[str] | None = None) -> FeatureUnion:
    """TF-IDF of words and word pairs, and of 3 to 5 letters within words; over the given vocabularies, if any."""
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode", min_df=1, vocabulary=words
                ),
            ),
            (
                "letters",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    strip_accents="unicode",
                    min_df=2,
                    vocabulary=letters,
                ),
            ),
        ]
    )


def _telling(matrix: Any, labels: list[int], names: Any) -> set[str]:
    """The FEATURES_KEPT feature names that tell `labels` apart best (chi-squared)."""
    scores = np.nan_to_num(chi2(matrix, labels)[0])
    return {str(names[j]) for j in np.argsort(-scores, kind="stable")[:FEATURES_KEPT]}


class Router:
    """Shared text features and the two classifiers (institution, service); what the artefact holds."""

    def __init__(self) -> None:
        self.features = _features()
        self.institutions: SGDClassifier | None = None
        self.services: SGDClassifier | None = None
        self.only_service = -1  # the one service learned from, when there was only one

    def fit(self, examples: list[Example]) -> Router:
        """Learn from `examples` (at least two institutions among them). The features are learned twice: over
        every word and letter group, then over only those that tell institutions or services apart best, which
        keeps the artefact small and a suggestion quick."""
        texts = [e.text for e in examples]
        institutions = [e.institution_id for e in examples]
        services = [e.category_id if e.category_id is not None else -1 for e in examples]
        everything = _features()
        matrix = everything.fit_transform(texts)
        names = everything.get_feature_names_out()
        kept = _telling(matrix, institutions, names) | _telling(matrix, services, names)
        self.features = _features(
            sorted(n.removeprefix("words__") for n in kept if n.startswith("words__")),
            sorted(n.removeprefix("letters__") for n in kept if n.startswith("letters__")),
        )
        matrix = self.features.fit_transform(texts)
        self.institutions = _classifier().fit(matrix, institutions)
        if len(set(services)) > 1:
            self.services = _classifier().fit(matrix, services)
        else:
            self.services, self.only_service = None, services[0]
        return self

    def rank(self, texts: list[str], top: int = TOP) -> list[Ranked]:
        """The `top` institutions and services for each text, with their probabilities."""
        if self.institutions is None:
            raise RuntimeError("the router has not learned anything yet")
        matrix = self.features.transform(texts)
        institutions = _best(self.institutions, matrix, top)
        if self.services is None:
            services: list[list[tuple[Any, float]]] = [[(self.only_service, 1.0)] for _text in texts]
        else:
            services = _best(self.services, matrix, top)
        return [
            Ranked([(int(i), p) for i, p in found], [(None if s == -1 else int(s), p) for s, p in offered])
            for found, offered in zip(institutions, services, strict=True)
        ]


def _classifier() -> SGDClassifier:
    return SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0)


def _best(classifier: SGDClassifier, matrix: Any, top: int) -> list[list[tuple[Any, float]]]:
    probabilities = classifier.predict_proba(matrix)
    classes = classifier.classes_
    found = []
    for row in probabilities:
        order = np.argsort(-row, kind="stable")[:top]
        found.append([(classes[j], float(row[j])) for j in order if row[j] > 0])
    return found


@dataclass(frozen=True)
class Accuracy:
    """Top-1 and top-3 accuracy of institution and service on tickets the model did not learn from."""

    institution_top1: float
    institution_top3: float
    service_top1: float
    service_top3: float


def measure(router: Router, examples: list[Example]) -> Accuracy:
    """How often the right institution and service are the first guess, and among the first three."""
    ranked = router.rank([e.text for e in examples])
    hits = np.zeros(4)
    for example, guess in zip(examples, ranked, strict=True):
        institutions = [i for i, _p in guess.institutions]
        services = [s for s, _p in guess.services]
        hits += [
            institutions[:1] == [example.institution_id],
            example.institution_id in institutions[:TOP],
            services[:1] == [example.category_id],
            example.category_id in services[:TOP],
        ]
    shares = hits / max(len(examples), 1)
    return Accuracy(*(float(share) for share in shares))


def training_examples() -> list[Example]:
    """Every resolved or closed ticket (not merged away, not left at a triage desk), oldest first, with the
    institution and service it ended at."""
    triage = select(Institution.id).where(Institution.is_triage.is_(True))
    rows = db.session.execute(
        select(Ticket.subject, Ticket.description, Ticket.district_id, Ticket.institution_id, Ticket.category_id)
        .where(
            Ticket.status.in_((TicketStatus.RESOLVED, TicketStatus.CLOSED)),
            Ticket.merged_into_id.is_(None),
            Ticket.institution_id.not_in(triage),
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    return [Example(model_text(r.subject, r.description, r.district_id), r.institution_id, r.category_id) for r in rows]


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
        library_version=sklearn.__version__,
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
    if newest.library_version != sklearn.__version__:
        log.warning("routing model %d was written by scikit-learn %s: retrain it", newest.id, newest.library_version)
        return None
    artefact = db.session.scalar(select(RoutingModel.artefact).where(RoutingModel.id == newest.id))
    if artefact is None or not _signed(artefact, newest.signature):
        log.warning("routing model %d: the artefact's signature does not match; not loaded", newest.id)
        return None
    router = joblib.load(io.BytesIO(artefact))
    _loaded.clear()
    _loaded[newest.signature] = (newest.id, router)
    return newest.id, router
