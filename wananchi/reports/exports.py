"""CSV and XLSX files of a report's tables, with the numbers the page shows; text never becomes a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

import xlsxwriter

from wananchi.reports.tables import Cell, Table

# OWASP's guidance on CSV injection: a cell must not start with a formula's lead-in (= + - @), a tab or a carriage
# return; nor may a lead-in come after spaces or characters some reader takes for the end of a cell (a comma, a
# semicolon, a tab, a line break): ";=1+1" read where ";" separates cells is an empty cell and a formula.
NEEDS_APOSTROPHE = re.compile(r"[\t\r]|[\s,;]*[=+\-@]")
SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def safe_text(value: str) -> str:
    """Text a spreadsheet will not run: one that starts with a formula's lead-in (= + - @), also behind spaces or
    cell separators (";=1+1", ", @SUM(A1)"), or with a tab or carriage return, gets an apostrophe first."""
    return "'" + value if NEEDS_APOSTROPHE.match(value) else value


def _csv_cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def table_csv(table: Table) -> str:
    """One table as CSV text: a header row, then the rows.

    Every text cell is written in double quotes (RFC 4180), as OWASP advises, so that a separator inside one
    (";", a tab) never starts a new cell in a reader that splits on it; numbers are written bare.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([safe_text(str(column.heading)) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """A unique worksheet name of at most 31 characters without the characters Excel forbids."""
    base = SHEET_NAME_UNSAFE.sub(" ", title).strip("'")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def tables_xlsx(tables: Sequence[Table], title: str) -> bytes:
    """A workbook with one worksheet per table; strings are written as strings, never as formulas or links."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": title})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
    used: set[str] = set()
    for table in tables:
        sheet = workbook.add_worksheet(_sheet_name(str(table.title), used))
        for column_number, column in enumerate(table.columns):
            sheet.write_string(0, column_number, str(column.heading), bold)
            sheet.set_column(column_number, column_number, 30 if not column.numeric else 14)
        for row_number, row in enumerate(table.rows, start=1):
            for column_number, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(row_number, column_number, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(row_number, column_number, value, date)
                else:
                    sheet.write_number(row_number, column_number, value)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
