"""CSV exports: no text cell becomes a formula, however it starts, whichever separator a spreadsheet splits on."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from wananchi.reports.exports import safe_text, table_csv
from wananchi.reports.tables import Column, Table


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+255712345678",
        "-5",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "\tmaji",
        "\rmaji",
        ";=1+1",
        ";;=cmd|' /C calc'!A0",
        ",=1+1",
        ", @SUM(A1)",
        " =1+1",
        "\n-2+3",
        "\u00a0=1+1",
        "; \t+1",
    ],
)
def test_text_a_spreadsheet_could_run_gets_an_apostrophe(text: str) -> None:
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Maji", "Bili ya maji; =1", "a-b", "100", "'=1+1", "WN-2026-000123", ";;"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert safe_text(text) == text


def _table() -> Table:
    return Table(
        name="oldest",
        title="Oldest",
        columns=[Column("subject", ";=Kichwa", numeric=False), Column("week", "Wiki", numeric=False), Column("n", "N")],
        rows=[
            [';=HYPERLINK("http://x","y")', dt.date(2026, 9, 7), 3],
            ["Maji;=1+1\tkisha\r\n@SUM(A1)", None, -2.5],
        ],
    )


def test_every_text_cell_is_quoted_so_no_separator_inside_starts_a_cell() -> None:
    """OWASP: quote every field (RFC 4180), so a reader that splits on ";" or a tab keeps "Maji;=1+1" whole."""
    assert table_csv(_table()) == (
        '"\';=Kichwa","Wiki","N"\r\n'
        '"\';=HYPERLINK(""http://x"",""y"")","2026-09-07",3\r\n'
        '"Maji;=1+1\tkisha\r\n@SUM(A1)","",-2.5\r\n'
    )


def test_the_file_reads_back_as_the_neutralised_cells() -> None:
    rows = list(csv.reader(io.StringIO(table_csv(_table()), newline="")))
    assert rows == [
        ["';=Kichwa", "Wiki", "N"],
        ['\';=HYPERLINK("http://x","y")', "2026-09-07", "3"],
        ["Maji;=1+1\tkisha\r\n@SUM(A1)", "", "-2.5"],
    ]
