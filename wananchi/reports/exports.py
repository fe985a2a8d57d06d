"""CSV and XLSX files of a report's tables, with the numbers the page shows; text never becomes a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence

import xlsxwriter

from wananchi.core.spreadsheets import csv_cell, safe_text
from wananchi.reports.tables import Table

SHEET_NAME_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def table_csv(table: Table) -> str:
    """One table as CSV text: a header row, then the rows.

    Every text cell is written in double quotes (RFC 4180), as OWASP advises, so that a separator inside one
    (";", a tab) never starts a new cell in a reader that splits on it; numbers are written bare.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([safe_text(str(column.heading)) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
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
