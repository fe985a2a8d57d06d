"""The report pages: who sees what, the exports read back equal the page, text never becomes a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import openpyxl
import pytest
import time_machine
from babel.dates import format_date

from tests.factories import InstitutionFactory
from tests.helpers import log_in
from tests.reports.data import NOW, due_ticket, seed_tickets
from tests.world import PASSWORD, build_staff, build_world
from wananchi.tickets.models import Ticket, TicketStatus

FORMULA = '=HYPERLINK("http://x","y")'


class TableReader(HTMLParser):
    """The cells of every `<table data-table=...>` of a page, as text; notes beside a value (its number of tickets,
    a mark) are kept apart, by (table, row, column)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.notes: dict[tuple[str, int, int], str] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.note: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.cell is not None and tag == "span" and "cell-note" in (dict(attrs).get("class") or ""):
            self.note = []
        elif tag == "table" and dict(attrs).get("data-table"):
            self.current = dict(attrs)["data-table"]
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.tables[self.current].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.note is not None and self.current is not None:
            rows = self.tables[self.current]
            self.notes[self.current, len(rows) - 1, len(rows[-1])] = " ".join("".join(self.note).split())
            self.note = None
        elif tag == "table":
            self.current = None
        elif self.current and tag in ("td", "th") and self.cell is not None:
            text = " ".join("".join(self.cell).split()).replace(" ▼", "").replace(" ▲", "")
            self.tables[self.current][-1].append(text)
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.note is not None:
            self.note.append(data)
        elif self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def same(page_text: str, value: object) -> bool:
    """Whether a page cell (of a Swahili page) shows an exported value."""
    if value is None:
        return page_text == "—"
    if isinstance(value, dt.date):
        return page_text == format_date(value, "d MMMM y", locale="sw")
    if isinstance(value, (int, float)):
        return float(page_text.replace(",", "")) == float(value)
    return page_text == value


@pytest.fixture
def setting(db):  # type: ignore[no-untyped-def]
    world = build_world()
    staff = build_staff(world)
    seed_tickets(world, count=150)
    oldest = db.session.query(Ticket).filter(Ticket.institution_id == world.agency.id).order_by(Ticket.created_at)
    first = oldest.first()
    first.subject = FORMULA
    first.status = TicketStatus.IN_PROGRESS
    db.session.commit()
    return world, staff


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_supervisor_sees_only_their_institution(client, setting):
    world, staff = setting
    log_in(client, staff.supervisor_a.email, PASSWORD)
    page = client.get(f"/ripoti/taasisi/{world.agency.id}?period=quarter")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "chart-volume" in html and "<svg" in html and "<script" not in html
    assert client.get(f"/ripoti/taasisi/{world.council.id}").status_code == 404
    assert client.get(f"/ripoti/ngazi/{world.agency.id}").status_code == 404
    assert client.get("/ripoti/").headers["Location"].startswith(f"/ripoti/taasisi/{world.agency.id}")


def test_a_range_with_one_date_comes_back_as_typed_with_the_message(client, setting):
    world, staff = setting
    log_in(client, staff.supervisor_a.email, PASSWORD)
    html = client.get(f"/ripoti/taasisi/{world.agency.id}?period=range&from=2026-11-01").get_data(as_text=True)
    assert "Chagua tarehe zote mbili za kipindi" in html
    assert '<option value="range" selected>' in html and '<option value="month" selected>' not in html
    assert 'id="from" name="from" value="2026-11-01"' in html and 'id="to" name="to" value=""' in html
    html = client.get(f"/ripoti/taasisi/{world.agency.id}?period=quarter").get_data(as_text=True)
    assert '<option value="quarter" selected>' in html and 'id="to" name="to" value="2026-' in html


def test_the_first_column_names_its_rows_and_reads_from_the_left(client, setting):
    world, staff = setting
    log_in(client, staff.supervisor_a.email, PASSWORD)
    html = client.get(f"/ripoti/taasisi/{world.agency.id}?period=quarter").get_data(as_text=True)
    tables = html.split('data-table="')[1:]
    assert "satisfaction" in [table.split('"', 1)[0] for table in tables]
    for table in tables:
        # A week, an age, a rating: the row's name, in a left-aligned cell under a left-aligned heading.
        first_heading = table.split('<th scope="col"', 2)[1].split(">", 1)[0]
        assert 'class="num"' not in first_heading, table.split('"', 1)[0]


def test_oversight_sees_only_its_subtree(client, setting):
    world, staff = setting
    log_in(client, staff.oversight_above_a.email, PASSWORD)
    page = client.get(f"/ripoti/ngazi/{world.ministry.id}?period=year")
    assert page.status_code == 200
    tables = page_tables(page.get_data(as_text=True))
    names = [row[0] for row in tables["league"][1:]]
    assert sorted(names) == sorted([world.ministry.name_sw, world.agency.name_sw])
    assert client.get(f"/ripoti/taasisi/{world.agency.id}").status_code == 200
    for other in (world.council, world.tamisemi, world.national):
        assert client.get(f"/ripoti/taasisi/{other.id}").status_code == 404
        assert client.get(f"/ripoti/ngazi/{other.id}").status_code == 404
    sorted_page = client.get(f"/ripoti/ngazi/{world.ministry.id}?period=year&sort=resolved&dir=asc")
    league = page_tables(sorted_page.get_data(as_text=True))["league"]
    resolved = [float(row[6].replace(",", "")) for row in league[1:]]
    assert resolved == sorted(resolved)


def test_officers_and_administrators_get_no_reports(client, setting):
    world, staff = setting
    for user in (staff.officer_a, staff.admin):
        other = client.application.test_client()
        log_in(other, user.email, PASSWORD)
        assert other.get("/ripoti/").status_code == 404
        assert other.get(f"/ripoti/taasisi/{world.agency.id}").status_code == 404


def test_the_xlsx_matches_the_page_and_keeps_formulas_as_text(client, setting):
    world, staff = setting
    log_in(client, staff.oversight_above_a.email, PASSWORD)
    query = "period=range&from=2026-06-01&to=2026-11-18"
    tables = page_tables(client.get(f"/ripoti/ngazi/{world.ministry.id}?{query}").get_data(as_text=True))
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/ripoti/ngazi/{world.ministry.id}/xlsx?{query}").data))
    assert len(workbook.worksheets) == len(tables)
    for sheet, (name, rows) in zip(workbook.worksheets, tables.items(), strict=True):
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert len(values) == len(rows), name
        for page_row, sheet_row in zip(rows, values, strict=True):
            assert all(same(text, value) for text, value in zip(page_row, sheet_row, strict=True)), (
                name,
                page_row,
                sheet_row,
            )
    oldest = workbook.worksheets[-1]
    cells = [cell for row in oldest.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert FORMULA in [row[1] for row in tables["oldest"]]


def test_every_table_as_csv_with_formulas_neutralised(client, setting):
    world, staff = setting
    log_in(client, staff.supervisor_a.email, PASSWORD)
    html = client.get(f"/ripoti/taasisi/{world.agency.id}?period=year").get_data(as_text=True)
    tables = page_tables(html)
    for name, rows in tables.items():
        response = client.get(f"/ripoti/taasisi/{world.agency.id}/csv?period=year&table={name}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        parsed = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert len(parsed) == len(rows)
        for page_row, csv_row in zip(rows[1:], parsed[1:], strict=True):
            for column, (text, value) in enumerate(zip(page_row, csv_row, strict=True)):
                if value.startswith("'="):
                    assert text == value[1:]
                elif name == "weekly" and column == 0:
                    assert same(text, dt.date.fromisoformat(value)), (text, value)
                else:
                    assert same(text, float(value) if value and text != value else value or None), (name, text, value)
    oldest = client.get(f"/ripoti/taasisi/{world.agency.id}/csv?period=year&table=oldest").get_data(as_text=True)
    assert "'" + FORMULA.replace('"', '""') in oldest
    assert "\n" + FORMULA not in oldest and "," + FORMULA not in oldest


def test_weeks_are_dated_in_the_page_language_and_iso_in_the_exports(client, setting):
    world, staff = setting
    log_in(client, staff.supervisor_a.email, PASSWORD)
    page = f"/ripoti/taasisi/{world.agency.id}"
    query = "period=range&from=2026-09-07&to=2026-09-20"
    url = f"{page}?{query}"
    weeks = [row[0] for row in page_tables(client.get(url).get_data(as_text=True))["weekly"][1:]]
    assert weeks[-2:] == ["7 Septemba 2026", "14 Septemba 2026"]
    client.get("/lugha/en")
    weeks = [row[0] for row in page_tables(client.get(url).get_data(as_text=True))["weekly"][1:]]
    assert weeks[-2:] == ["7 September 2026", "14 September 2026"]
    exported = client.get(f"{page}/csv?{query}&table=weekly")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[0] for row in rows[-2:]] == ["2026-09-07", "2026-09-14"]
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{page}/xlsx?{query}").data))
    sheet = next(sheet for sheet in workbook.worksheets if sheet.title == "Week by week")
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells[-2:]] == [dt.datetime(2026, 9, 7), dt.datetime(2026, 9, 14)]
    assert all(cell.is_date and cell.number_format == "yyyy-mm-dd" for cell in cells)


@pytest.fixture
def league_setting(db):  # type: ignore[no-untyped-def]
    """Five agencies under the ministry with what fell due this month (on time, late), and one with nothing."""
    world = build_world()
    staff = build_staff(world)
    due = NOW - dt.timedelta(days=5)
    for name, (on_time, late) in {"A": (9, 1), "B": (5, 5), "C": (2, 8), "D": (7, 3), "E": (3, 0)}.items():
        agency = InstitutionFactory(slug=f"wakala-{name.lower()}", parent=world.ministry, name_sw=f"Wakala {name}")
        for _n in range(on_time):
            due_ticket(agency.id, due, resolved=due - dt.timedelta(hours=1))
        for _n in range(late):
            due_ticket(agency.id, due)
    InstitutionFactory(slug="wakala-tupu", parent=world.ministry, name_sw="Wakala Tupu")
    db.session.commit()
    return world, staff


def _league(client, world, query: str = "") -> tuple[list[list[str]], TableReader, str]:  # type: ignore[no-untyped-def]
    html = client.get(f"/ripoti/ngazi/{world.ministry.id}?period=month{query}").get_data(as_text=True)
    reader = TableReader()
    reader.feed(html)
    return reader.tables["league"], reader, html


def test_the_league_table_ranks_on_time_hides_empty_rows_and_marks_the_lowest(client, league_setting):
    world, staff = league_setting
    log_in(client, staff.oversight_above_a.email, PASSWORD)
    league, reader, html = _league(client, world)
    header = league[0]
    share = header.index("Zilizotatuliwa kwa wakati, kati ya zilizopaswa kutatuliwa (%)")
    assert [(row[0], row[share]) for row in league[1:]] == [
        ("Wakala A", "90"),
        ("Wakala D", "70"),
        ("Wakala B", "50"),
        ("Wakala C", "20"),
        ("Wakala E", "100"),  # 3 tickets: after those with enough, greyed
    ]
    assert reader.notes["league", 5, share] == "(hoja 3)"
    marked = [row for row in range(1, 6) if ("league", row, 0) in reader.notes]
    assert marked == [3, 4] and reader.notes["league", 4, 0] == "miongoni mwa za mwisho"
    assert "Imewekwa alama" not in html and "Zimewekwa alama: taasisi 2 zenye sehemu ndogo zaidi" in html
    assert "Taasisi 3 hazikuwa na hoja katika kipindi wala hoja zilizo wazi: hazijaorodheshwa." in html
    ascending, _reader, _html = _league(client, world, "&sort=on_time_share&dir=asc")
    assert [row[0] for row in ascending[1:]] == ["Wakala C", "Wakala B", "Wakala D", "Wakala A", "Wakala E"]
    exported = client.get(f"/ripoti/ngazi/{world.ministry.id}/csv?period=month&table=league").get_data(as_text=True)
    assert [row[0] for row in csv.reader(io.StringIO(exported.lstrip("\ufeff")))][1:] == [row[0] for row in league[1:]]
