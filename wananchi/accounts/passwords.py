"""Passwords: hashed with argon2id, and what a new one must be: long enough, not one of the passwords guessed
first, not the user's own name.

The common passwords are the 20,000 most frequent in public breach corpora (Royce Williams' list, lowercased
and deduplicated), as Django ships it in django/contrib/auth/common-passwords.txt.gz (Django 5.2; its BSD
licence is beside the file in data/). It is read from the repository: nothing is looked up over the network.
"""

from __future__ import annotations

import functools
import gzip
import re
import string
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

from wananchi.core.errors import DomainError

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
# Words every Tanzanian guesser tries first here, which an English-language list does not hold.
LOCAL_COMMON_WORDS = frozenset({"wananchi", "nenosiri", "tanzania", "serikali", "karibu", "kiswahili"})
# A name part shorter than this is not looked for: "Ali" would refuse every password holding "halisi".
MIN_NAME_PART = 4
_DECORATION = string.digits + string.punctuation + string.whitespace


@functools.lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    # Checked when no password may be (an unknown address, a delayed account), so that costs the same time.
    return hasher, hasher.hash("not-a-real-password")


def _hasher() -> tuple[PasswordHasher, str]:
    """The argon2id hasher with the configured cost (the library's recommended one unless overridden)."""
    config = current_app.config
    return _hasher_for(
        config["PASSWORD_HASH_TIME_COST"], config["PASSWORD_HASH_MEMORY_COST"], config["PASSWORD_HASH_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher()[0].hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether `password` is the one `stored_hash` was made from."""
    try:
        return _hasher()[0].verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_no_password(password: str) -> None:
    """Do the work of checking a password where none may be checked, so that the answer takes the same time."""
    verify_password(_hasher()[1], password)


def needs_rehash(stored_hash: str) -> bool:
    """Whether `stored_hash` was made with another cost than the configured one."""
    return _hasher()[0].check_needs_rehash(stored_hash)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords, lowercased (read from the file once per process)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip()) | LOCAL_COMMON_WORDS


def _is_common(password: str) -> bool:
    """Whether the password, or its word without the digits and signs around it ("Password2026!"), is common."""
    lowered = password.casefold().strip()
    word = lowered.strip(_DECORATION)
    return lowered in common_passwords() or (bool(word) and word in common_passwords())


def _personal_parts(name: str, email: str) -> set[str]:
    """The parts of a name and of an e-mail address's local part that a password must not contain."""
    local = email.partition("@")[0]
    parts = re.split(r"[\W_]+", f"{name} {local}".casefold())
    return {part for part in parts if len(part) >= MIN_NAME_PART}


def check_password_strength(password: str, *, name: str = "", email: str = "") -> None:
    """DomainError unless the password has 12 characters or more, is not a common one, and does not contain
    the user's name or the local part of their e-mail address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("The password must have at least %(count)d characters.", count=MIN_PASSWORD_LENGTH), field="password"
        )
    if _is_common(password):
        raise DomainError(
            _("This password is one of the most common ones, which are tried first. Choose another."),
            field="password",
        )
    lowered = password.casefold()
    if any(part in lowered for part in _personal_parts(name, email)):
        raise DomainError(
            _("The password must not contain your name or your e-mail address."),
            field="password",
        )
