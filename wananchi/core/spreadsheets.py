"""CSV and XLSX files any domain can offer for download, whose text never becomes a formula in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

import xlsxwriter

# OWASP's guidance on CSV injection: a cell must not start with a formula's lead-in (= + - @), a tab or a carriage
# return; nor may a lead-in come after spaces or characters some reader takes for the end of a cell (a comma, a
# semicolon, a tab, a line break): ";=1+1" read where ";" separates cells is an empty cell and a formula.
NEEDS_APOSTROPHE = re.compile(r"[\t\r]|[\s,;]*[=+\-@]")

Value = str | int | float | dt.date | None


def safe_text(value: str) -> str:
    """Text a spreadsheet will not run: one that starts with a formula's lead-in (= + - @), also behind spaces or
    cell separators (";=1+1", ", @SUM(A1)"), or with a tab or carriage return, gets an apostrophe first."""
    return "'" + value if NEEDS_APOSTROPHE.match(value) else value


def csv_cell(value: Value) -> str | int | float:
    """A value as a CSV cell: text made safe, dates (and times) in ISO 8601, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def rows_csv(rows: Iterable[Sequence[Value]]) -> str:
    """Rows as CSV text, every text cell in double quotes (RFC 4180) and made safe, numbers bare; with a byte
    order mark, so that spreadsheet programs read the Swahili and English text as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def rows_xlsx(title: str, rows: Iterable[Sequence[Value]], *, header_rows: int = 1) -> bytes:
    """Rows as a one-sheet workbook; strings are written as strings, never as formulas or links; the first
    `header_rows` rows are bold and stay in view."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": title})
    bold = workbook.add_format({"bold": True, "valign": "top"})
    when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "align": "left"})
    sheet = workbook.add_worksheet()
    for row_number, row in enumerate(rows):
        for column_number, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(row_number, column_number, value, bold if row_number < header_rows else None)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(row_number, column_number, value.replace(tzinfo=None), when)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row_number, column_number, value, when)
            else:
                sheet.write_number(row_number, column_number, value)
    sheet.set_column(0, 20, 22)
    sheet.freeze_panes(header_rows, 0)
    workbook.close()
    return buffer.getvalue()
