"""Two SQL expressions the reports need that SQLite and PostgreSQL spell differently.

Both count from UTC instants in whole seconds, so the two backends put every ticket in the same week and month.
Weeks and months are those of East Africa Time, a fixed offset from UTC (Tanzania keeps no daylight saving).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

SECONDS_PER_WEEK = 7 * 24 * 3600


class week_index(FunctionElement[int]):  # noqa: N801  (an SQL function reads like one)
    """Whole weeks from an instant (seconds since 1970, UTC) to a timestamp column; rows before it are not asked."""

    type = Integer()
    inherit_cache = True
    name = "week_index"

    def __init__(self, column: ColumnElement[Any], start_epoch: int) -> None:
        """`start_epoch`: the first week's start as whole seconds since 1970 (bound as a parameter)."""
        super().__init__(column, literal(int(start_epoch), Integer()))


class local_month(FunctionElement[str]):  # noqa: N801
    """The "YYYY-MM" month of a timestamp column at a fixed offset from UTC."""

    type = String()
    inherit_cache = True
    name = "local_month"

    def __init__(self, column: ColumnElement[Any], offset_minutes: int) -> None:
        """`offset_minutes`: the local time zone's offset from UTC (bound as a parameter)."""
        super().__init__(column, literal(int(offset_minutes), Integer()))


def _arguments(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    """The compiled column and parameter of an element."""
    return [compiler.process(clause, **kw) for clause in element.clauses]


@compiles(week_index, "sqlite")
def _week_index_sqlite(element: week_index, compiler: Any, **kw: Any) -> str:
    column, start = _arguments(element, compiler, **kw)
    return f"((CAST(strftime('%s', {column}) AS INTEGER) - {start}) / {SECONDS_PER_WEEK})"


@compiles(week_index, "postgresql")
def _week_index_postgresql(element: week_index, compiler: Any, **kw: Any) -> str:
    column, start = _arguments(element, compiler, **kw)
    # date_part gives a double (extract gives a slower numeric): exact for whole seconds of these years.
    return f"CAST(floor((floor(date_part('epoch', {column})) - {start}) / {SECONDS_PER_WEEK}) AS INTEGER)"


@compiles(local_month, "sqlite")
def _local_month_sqlite(element: local_month, compiler: Any, **kw: Any) -> str:
    column, offset = _arguments(element, compiler, **kw)
    return f"strftime('%Y-%m', {column}, printf('%+d minutes', {offset}))"


@compiles(local_month, "postgresql")
def _local_month_postgresql(element: local_month, compiler: Any, **kw: Any) -> str:
    column, offset = _arguments(element, compiler, **kw)
    return f"to_char(({column} AT TIME ZONE 'UTC') + {offset} * interval '1 minute', 'YYYY-MM')"
