"""Database helpers: UTC timestamps, the per-request transaction boundary, engine tuning."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, g, has_app_context
from sqlalchemy import DateTime, Enum, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import TypeDecorator

from wananchi.extensions import REPORTS_BIND, db, reading_replica_now


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def str_enum(enum_class: type[enum.StrEnum]) -> Enum:
    """A column type for a StrEnum: stored as its value in a VARCHAR, read back as the member."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=30,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


# Schema objects that migrations create by hand and the models do not describe (full-text search).
SEARCH_OBJECTS = ("ticket_fts", "ix_ticket_search", "ix_published_answer_search")


def include_in_autogenerate(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic filter: leave the hand-made search objects out of model comparisons."""
    return not (name or "").startswith(SEARCH_OBJECTS)


def render_type_for_migration(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Alembic: write UTCDateTime as a plain timezone-aware DateTime, so migrations need no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def is_postgresql() -> bool:
    """Whether the session's database is PostgreSQL (else SQLite): the few places that differ ask this."""
    return db.session.get_bind().dialect.name == "postgresql"


def upsert_insert(table: Any) -> Any:
    """An INSERT into `table` that takes ON CONFLICT clauses, in the session's dialect (PostgreSQL or SQLite)."""
    return (postgresql.insert if is_postgresql() else sqlite.insert)(table)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever scheme the environment gives."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str, options: dict[str, Any], connect_timeout: int = 5) -> dict[str, Any]:
    """The engine's options for `url`. PostgreSQL: psycopg prepares no statements (prepare_threshold None), so each
    query is planned for its own values (a generic plan picks one way to search for every word, common or rare),
    and a pool such as PgBouncer in transaction mode can stand between; a server that does not answer fails the
    connection after `connect_timeout` seconds (a request then answers 503) instead of holding the request."""
    if not url.startswith("postgresql"):
        return options
    connect_args = {"connect_timeout": connect_timeout, **options.get("connect_args", {}), "prepare_threshold": None}
    return {**options, "connect_args": connect_args}


def tune_sqlite_connections() -> None:
    """Tune every new SQLite connection (`_tune_sqlite`); called once per application, connected once."""
    if not event.contains(Engine, "connect", _tune_sqlite):
        event.listen(Engine, "connect", _tune_sqlite)


def _tune_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: enforce foreign keys, wait for locks, and let readers run beside the writer (WAL)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the current request's transaction does not commit (e.g. delete written files)."""
    if has_app_context():
        g.setdefault("rollback_callbacks", []).append(callback)


AFTER_COMMIT = "after_commit_callbacks"


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the session's current transaction has committed, and never if it is rolled back (e.g.
    delete the files of rows that are deleted: a failed commit must not lose files whose rows are still there).
    Works in a request and in a background task alike, since it keys on the session, not the request."""
    _listen_for_commits()
    db.session().info.setdefault(AFTER_COMMIT, []).append(callback)


def _run_commit_callbacks(session: Any) -> None:
    for callback in session.info.pop(AFTER_COMMIT, []):
        callback()


def _drop_commit_callbacks(session: Any, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint, was rolled back
        session.info.pop(AFTER_COMMIT, None)


def _listen_for_commits() -> None:
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _run_commit_callbacks):
        event.listen(Session, "after_commit", _run_commit_callbacks)
        event.listen(Session, "after_soft_rollback", _drop_commit_callbacks)


def _run_rollback_callbacks() -> None:
    for callback in g.pop("rollback_callbacks", []):
        callback()


def rollback() -> None:
    """Roll the current transaction back now, with its rollback callbacks; the request may go on."""
    db.session.rollback()
    if has_app_context():
        _run_rollback_callbacks()


def _commit() -> None:
    db.session.commit()
    if has_app_context():
        g.pop("rollback_callbacks", None)  # what is committed is no longer rolled back


def commit_now() -> None:
    """Commit what this request has written so far, before it answers; the rest runs in a new transaction.

    Only for a write that must be seen by other requests before this one goes on: a login attempt is counted
    and committed before its password is checked, so that concurrent guesses see each other's count.
    Everything else is committed once, by the boundary (`init_transaction_boundary`).
    """
    _commit()


ROLL_BACK_AT_END = "roll_back_at_end"


def roll_back_at_end() -> None:
    """The named opt-out of the request's commit: when the view returns, its transaction is rolled back instead of
    committed, whatever it answers.

    For a view that answers a refused change with its form, since the service may have written part of the change
    before it refused (wananchi.core.forms.refuse does both). A view that must keep what a refusal recorded (a
    failed login's count and audit entry) simply does not call it.
    """
    g.setdefault(ROLL_BACK_AT_END, True)


T = TypeVar("T")
CONFLICT_ATTEMPTS = 5


def retry_on_conflict(change: Callable[[], T], attempts: int = CONFLICT_ATTEMPTS) -> T:
    """Run `change`, and again (`attempts` times in all) while a row it writes was changed by another transaction
    after it was read (SQLAlchemy's StaleDataError, from a version counter): each refused try is rolled back first,
    so the next one reads its rows afresh. The last refusal is rolled back and raised.

    For a change that does not depend on what its user saw, such as a citizen adding information; an officer's
    action on the version they read is refused instead.
    """
    attempt = 1
    while True:
        try:
            return change()
        except StaleDataError:
            rollback()
            if attempt >= attempts:
                raise
            attempt += 1


View = Callable[..., Any]


def in_one_transaction(view: View) -> View:
    """`view`, run as its request's one transaction: committed when the view returns, rolled back when an exception
    escapes it (an abort, a refusal it does not catch, a fault, a failed commit) or when it called
    `roll_back_at_end`."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            answer = view(*args, **kwargs)
            if g.pop(ROLL_BACK_AT_END, False):
                rollback()
            else:
                _commit()
        except Exception:
            rollback()
            raise
        return answer

    return run


def init_transaction_boundary(app: Flask) -> None:
    """One transaction per request, ended in one place: every view of `app` runs `in_one_transaction`. The HTTP
    status plays no part: a refused login answers 422 and its count stands; a view that raises is rolled back
    whatever its error page answers. Call it once every view is registered."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = in_one_transaction(view)


# --- the reports' replica --------------------------------------------------------------------------------------------


@contextmanager
def reading_replica() -> Iterator[None]:
    """Read from the reports' replica inside this block (the primary when none is configured)."""
    token = reading_replica_now.set(True)
    try:
        yield
    finally:
        reading_replica_now.reset(token)


# How far a PostgreSQL standby's data is behind its primary: none when it has replayed all it received.
REPLICA_LAG = text(
    "SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_lag_seconds() -> float | None:
    """How many seconds the reports' replica is behind the primary, or None when reports read the primary."""
    engines = db.engines
    if REPORTS_BIND not in engines:
        return None
    with engines[REPORTS_BIND].connect() as connection:
        if connection.dialect.name != "postgresql":
            return 0.0
        return float(connection.execute(REPLICA_LAG).scalar_one())
