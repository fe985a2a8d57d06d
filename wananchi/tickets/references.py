"""Reference numbers (WN-YYYY-NNNNNN) and tracking codes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import Integer, cast, func, select, update

from wananchi.core.db import upsert_insert
from wananchi.extensions import db
from wananchi.tickets.models import ReferenceCounter, Ticket

REFERENCE_RE = re.compile(r"^WN-(\d{4})-(\d{6,})$")
# Crockford's base32: no I, L, O or U, so codes survive being read aloud or copied by hand.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits
_CODE_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def allocate_reference(year: int) -> str:
    """The next reference number of `year`, drawn in the caller's transaction.

    One atomic upsert of the year's counter row (created at 1, or increased by 1), which then stays locked
    until the transaction ends: concurrent submissions never share a number, and take their turns at this
    row while they are written. A number drawn for a submission that is then not stored (a resent form, an
    error) stays unused: references may have gaps. A number can still be taken already, by a ticket stored
    without the counter (an import); see `skip_taken_references`.
    """
    statement = (
        upsert_insert(ReferenceCounter)
        .values(year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.year], set_={"last_value": ReferenceCounter.last_value + 1}
        )
        .returning(ReferenceCounter.last_value)
    )
    number = db.session.execute(statement).scalar_one()
    return f"WN-{year}-{number:06d}"


def reference_taken(reference: str) -> bool:
    """Whether a stored ticket already has this reference number."""
    return db.session.scalar(select(Ticket.id).where(Ticket.reference == reference)) is not None


def skip_taken_references(year: int) -> None:
    """Move the year's counter past the highest number of the year a stored ticket has: after tickets were
    stored with references the counter did not give (an import, a loader), the next number drawn is free."""
    prefix = f"WN-{year}-"
    highest = (
        select(func.max(cast(func.substr(Ticket.reference, len(prefix) + 1), Integer)))
        .where(Ticket.reference.like(prefix + "%"))
        .scalar_subquery()
    )
    db.session.execute(
        update(ReferenceCounter)
        .where(ReferenceCounter.year == year, ReferenceCounter.last_value < highest)
        .values(last_value=highest)
    )


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
