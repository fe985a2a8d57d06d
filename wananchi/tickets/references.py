"""Reference numbers (WN-YYYY-NNNNNN) and tracking codes."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

from flask import current_app
from sqlalchemy import Engine, Insert, bindparam, create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from wananchi.extensions import db
from wananchi.tickets.models import ReferenceCounter

REFERENCE_RE = re.compile(r"^WN-(\d{4})-(\d{6,})$")
# Crockford's base32: no I, L, O or U, so codes survive being read aloud or copied by hand.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits
COUNTER_ENGINE = "wananchi.reference_counter_engine"
_CODE_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def allocate_reference(year: int) -> str:
    """The next reference number of `year`: one atomic upsert, so concurrent submissions never share a number.

    On PostgreSQL it is drawn in a short transaction of its own, on a connection of its own, so the
    counter row is locked for one statement, never while a submission is being written: submissions
    do not queue behind each other. SQLite lets one connection write at a time, so a transaction of
    its own would only take the database's write lock twice per submission: there the number is drawn
    inside the submission's transaction, which holds that lock until it commits anyway. Call it just
    before writing the ticket. A number drawn for a submission that is then not stored (a double
    submit, an error) stays unused: references may have gaps.
    """
    dialect = db.session.get_bind().dialect.name
    statement = _counter_upsert(dialect)
    if dialect == "sqlite":
        number = db.session.connection().execute(statement, {"year": year}).scalar_one()
    else:
        number = _draw_apart(statement, year)
    return f"WN-{year}-{number:06d}"


def _draw_apart(statement: Insert, year: int) -> int:
    """Run the upsert on the counter pool, once more on a new connection if the pooled one had died.

    The pool does not ping a connection before lending it (a round trip on every submission): a
    connection lost since (a database restart) fails, the pool drops its connections, and the
    second try opens a fresh one.
    """
    engine = _counter_engine()
    try:
        with engine.connect() as connection:
            return connection.execute(statement, {"year": year}).scalar_one()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    with engine.connect() as connection:
        return connection.execute(statement, {"year": year}).scalar_one()


@functools.cache
def _counter_upsert(dialect: str) -> Insert:
    """INSERT the year's counter at 1, or add 1 to it, and return it: one atomic statement (built once)."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(ReferenceCounter)
        .values(year=bindparam("year"), last_value=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.year],
            set_={"last_value": ReferenceCounter.last_value + 1},
        )
        .returning(ReferenceCounter.last_value)
    )


def _counter_engine() -> Engine:
    """The small pool PostgreSQL numbers are drawn from, apart from the requests' pool.

    A request holds a connection of the main pool while it draws: if it drew from that pool too,
    a burst of requests could hold every connection and all wait for one more. A connection of this
    pool is held for one statement and never waits for anything but that statement, which commits
    by itself (autocommit: no BEGIN or COMMIT round trips).

    That commit does not wait for its WAL record to reach the disk (synchronous_commit
    off), which spares every submission one disk flush. No number can be given twice for it: a
    ticket is only confirmed once its own commit is flushed, and that flush carries every earlier
    WAL record, the drawing of its number included. A crash can only forget numbers whose tickets
    were never stored.
    """
    engine = current_app.extensions.get(COUNTER_ENGINE)
    if engine is None:
        engine = current_app.extensions.setdefault(
            COUNTER_ENGINE,
            create_engine(
                db.engine.url,
                isolation_level="AUTOCOMMIT",
                pool_size=1,
                max_overflow=4,
                connect_args={"options": "-c synchronous_commit=off"},
            ),
        )
    return engine


def new_submission_key() -> str:
    """A random key that makes a submission idempotent (a form's hidden field, an API header)."""
    return secrets.token_urlsafe(24)


def tracking_code_for(key: str, submission_key: str, version: int = 0) -> str:
    """The tracking code of a submission: unpredictable without the key (TRACKING_CODE_KEY), and the same on a retry.

    Derived by HMAC from the random submission key, so a double-submitted form shows the same
    confirmation; only its hash is stored. Each new code the citizen asks for has the next `version`.
    """
    message = b"tracking-code:" + submission_key.encode() + (f":{version}".encode() if version else b"")
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    chars = []
    for _position in range(CODE_LENGTH):
        value, index = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def format_tracking_code(code: str) -> str:
    """A code as shown to people: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalise_tracking_code(raw: str) -> str:
    """A typed code made comparable: case, spaces, dashes and look-alike letters forgiven."""
    cleaned = re.sub(r"[\s\-]", "", raw or "").upper().translate(_CODE_CONFUSABLES)
    return cleaned


def normalise_reference(raw: str) -> str | None:
    """A typed reference number in its canonical form, or None if it cannot be one."""
    cleaned = re.sub(r"\s", "", raw or "").upper()
    if re.fullmatch(r"\d{4}-\d{1,}", cleaned):
        cleaned = "WN-" + cleaned
    match = re.fullmatch(r"WN-?(\d{4})-?(\d{1,10})", cleaned)
    if not match:
        return None
    return f"WN-{match.group(1)}-{int(match.group(2)):06d}"


def hash_tracking_code(reference: str, code: str) -> str:
    """The stored form of a tracking code, salted with the ticket's reference."""
    return hashlib.sha256(f"{reference}:{normalise_tracking_code(code)}".encode()).hexdigest()


def tracking_code_matches(reference: str, code: str, stored_hash: str) -> bool:
    """Whether a typed code opens the ticket, compared in constant time."""
    return hmac.compare_digest(hash_tracking_code(reference, code), stored_hash)
