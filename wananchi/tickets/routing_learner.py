"""The learning part of the routing model (scikit-learn and numpy): the text features, the two classifiers and the
measure of their accuracy. It is imported only where a model is trained or loaded (`routing_model.py`), so that
starting the service, its worker or a command does not load scikit-learn (about a second of CPU per process).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.feature_selection import chi2
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import FeatureUnion

from wananchi.tickets.routing_model import TOP, Example, Ranked

FEATURES_KEPT = 6_000  # per target (institution, service): their union is kept


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
