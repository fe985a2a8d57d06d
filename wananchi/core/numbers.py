"""Numbers: whole numbers that come from outside (ids, versions and page numbers in forms and addresses), and sizes
and percentages as a reader writes them."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal, format_percent
from werkzeug.routing import IntegerConverter, Map

# The largest number the id and version columns hold (INTEGER: 32 bits, signed, on PostgreSQL).
MAX_ROW_ID = 2**31 - 1
MAX_DIGITS = len(str(MAX_ROW_ID))


def whole_number(value: object) -> int | None:
    """A row id, a version or a page number as sent by a form or an address, or None when it is not one: only
    ASCII digits (`str.isdigit` alone lets through "²"), and no larger than an id column holds."""
    if isinstance(value, str) and 0 < len(value) <= MAX_DIGITS and value.isascii() and value.isdigit():
        number = int(value)
        return number if number <= MAX_ROW_ID else None
    return None


class RowIdConverter(IntegerConverter):
    """`<int:...>` in the service's addresses: a number no id column can hold matches no route (404) instead of
    reaching the database, which would refuse it with an error."""

    regex = rf"\d{{1,{MAX_DIGITS}}}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)


def megabytes(size: int) -> str:
    """A size in bytes as a reader writes megabytes, in the page's language: "7.3", "16", never "0"."""
    return format_decimal(max(size / (1024 * 1024), 0.1), "#,##0.#")


def percent_text(value: float | None) -> str:
    """A percentage (0–100) as the page's language writes it, to one decimal: "47.8%", "80%"; "—" when there is none.
    Every percentage the service shows is written by this (reports, charts, public statistics, suggestions)."""
    return "—" if value is None else format_percent(value / 100, "#,##0.#%")
