"""Whole numbers that come from outside: ids, versions and page numbers in forms and addresses."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_DIGITS = 18  # fits a BIGINT and SQLite's INTEGER


def whole_number(value: object) -> int | None:
    """A row id, a version or a page number as sent by a form or an address, or None when it is not one: only
    ASCII digits, at most 18 of them (`str.isdigit` alone lets through "²" and numbers no database column holds)."""
    if isinstance(value, str) and 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None


class RowIdConverter(IntegerConverter):
    """`<int:...>` in the service's addresses: at most 18 digits, so a longer number matches no route (404)
    instead of reaching the database as a number no column holds."""

    regex = rf"\d{{1,{MAX_DIGITS}}}"
