"""Per-process caches of reference data that rarely changes: services, districts, routing rules, response targets.

Each process keeps what it read for at most CACHE_SECONDS (as the working calendars are kept, see
wananchi/sla/calendars.py), so another process's change is seen within that time. A change made in this
process is seen at once: a flush that adds, changes or deletes a row of a watched model empties the cache
(and again when that transaction commits or rolls back), and reading flushes such changes still pending in
the session first, as the query the cache replaces would have autoflushed them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from wananchi.extensions import db

T = TypeVar("T")
M = TypeVar("M")
CACHE_SECONDS = 60.0
_CHANGED = "wananchi.reference_cache.changed"
_caches: list[ReferenceCache[Any]] = []


class ReferenceCache(Generic[T]):
    """What `build` made of the watched models' rows, kept per process until it is too old or they change."""

    def __init__(self, models: tuple[type, ...], build: Callable[[], T]) -> None:
        self.models, self.build = models, build
        self._lock = threading.Lock()
        self._value: T | None = None
        self._built_at = 0.0
        self._generation = 0
        _caches.append(self)

    def get(self) -> T:
        """The cached value, built (in the current session) when there is none, it is too old, or rows changed."""
        session = db.session()
        if session.autoflush and _changed_models(session.new, session.dirty, session.deleted) & set(self.models):
            session.flush()
        now = time.monotonic()
        with self._lock:
            if self._value is not None and now - self._built_at < CACHE_SECONDS:
                return self._value
            generation = self._generation
        value = self.build()
        with self._lock:
            if generation == self._generation:  # not emptied while building: keep it
                self._value, self._built_at = value, now
        return value

    def clear(self) -> None:
        """Forget the value; the next read builds it again."""
        with self._lock:
            self._value = None
            self._generation += 1


def clear_reference_caches() -> None:
    """Empty every reference cache of this process (the test suite, after emptying the tables)."""
    for cache in _caches:
        cache.clear()


def detached(model: type[M], values: dict[str, Any]) -> M:
    """An instance of `model` with these column values, as if loaded and then detached: safe to share."""
    instance = model(**values)
    make_transient_to_detached(instance)
    return instance


def in_session(instance: M) -> M:
    """The current session's copy of a cached detached instance, without a query (its own if it has one)."""
    session = db.session()
    present = session.identity_map.get(inspect(instance).key)
    return present if present is not None else session.merge(instance, load=False)


def _changed_models(*groups: Any) -> set[type]:
    watched = {model for cache in _caches for model in cache.models}
    return {type(instance) for group in groups for instance in group if type(instance) in watched}


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, flush_context: Any) -> None:
    changed = _changed_models(session.new, session.dirty, session.deleted)
    if changed:
        session.info.setdefault(_CHANGED, set()).update(changed)
        _clear_watching(changed)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_at_transaction_end(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed:
        _clear_watching(changed)


def _clear_watching(models: set[type]) -> None:
    for cache in _caches:
        if models & set(cache.models):
            cache.clear()
