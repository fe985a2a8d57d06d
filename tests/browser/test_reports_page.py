"""The report pages in a real browser: a manager's first screen, charts drawn without script, a league table whose
header stays in view, accessible (axe-core finds nothing of any impact), usable on a 360-px phone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from io import BytesIO

import pytest
from flask_sqlalchemy import SQLAlchemy
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import Camera, axe_violations
from tests.browser.test_officer_pages import PHONE_WIDTH
from tests.factories import InstitutionFactory
from tests.reports.data import due_ticket, seed_tickets
from tests.world import PASSWORD, Staff, World, build_staff
from wananchi.core.db import utcnow

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OpenContext = Callable[..., BrowserContext]
DESK = {"width": 1366, "height": 768}
MORE_AGENCIES = 30


@pytest.fixture
def staff(world: World, db: SQLAlchemy) -> Staff:
    """The staff of tests/world.py and a few hundred tickets of the last months, committed for the live server."""
    built = build_staff(world)
    seed_tickets(world, count=300, now=utcnow())
    db.session.commit()
    return built


@pytest.fixture
def many_agencies(world: World, db: SQLAlchemy) -> None:
    """Thirty more agencies under the ministry, each with tickets that fell due this year (some late)."""
    now = utcnow()
    for number in range(MORE_AGENCIES):
        agency = InstitutionFactory(parent=world.ministry, name_sw=f"Wakala wa Majaribio {number + 1:02d}")
        for late in range(8):
            due = now - dt.timedelta(days=10 + late)
            due_ticket(agency.id, due, resolved=due - dt.timedelta(hours=1) if late >= number % 8 else None)
    db.session.commit()


def log_in(page: Page, site: str, email: str) -> None:
    """Log in through the login form."""
    page.goto(site + "/ingia")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).to_have_url(site + "/afisa/")


def violations_without_script(page: Page) -> list[dict[str, object]]:
    """axe needs script: run it on the same page in a context with JavaScript."""
    context = (
        page.context.browser.new_context(locale="en-US", viewport=page.viewport_size) if page.context.browser else None
    )
    assert context is not None
    try:
        other = context.new_page()
        context.add_cookies(page.context.cookies())  # type: ignore[arg-type]
        other.goto(page.url)
        return axe_violations(other)
    finally:
        context.close()


def test_the_node_report_shows_its_charts(
    site: str, staff: Staff, world: World, new_context: OpenContext, camera: Camera
) -> None:
    """Oversight opens the report from the menu, picks a quarter, sorts the league table; no script is needed."""
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, site, staff.oversight_above_a.email)
    page.locator("header nav a[href='/ripoti/']").click()
    expect(page).to_have_url(site + f"/ripoti/ngazi/{world.ministry.id}")
    page.locator("#period").select_option("quarter")
    page.locator("form.period-form button[type='submit']").click()
    expect(page).to_have_url(re.compile(rf"/ripoti/ngazi/{world.ministry.id}\?period=quarter&"))
    for chart in ("chart-volume", "chart-share", "chart-backlog"):
        svg = page.locator(f"svg#{chart}")
        expect(svg).to_be_visible()
        assert svg.get_attribute("role") == "img"
        assert page.locator(f"#{chart}-title").text_content()
    assert page.locator("svg#chart-volume rect").count() > 12
    assert page.locator("svg#chart-share line[stroke-dasharray]").count() == 1  # the target line
    page.locator(".charts").screenshot(path=camera.folder / "charts.png")
    camera.shoot(page, "node-report")
    assert violations_without_script(page) == []


def test_a_manager_reads_overdue_targets_and_trends_on_the_first_screen(
    site: str, staff: Staff, world: World, new_context: OpenContext, camera: Camera
) -> None:
    """At 1366×768, without scrolling: overdue now and the oldest ticket's age, then every headline figure with its
    target, its state and its trend against the previous period."""
    page = new_context(viewport=DESK).new_page()
    log_in(page, site, staff.supervisor_a.email)
    page.goto(site + f"/ripoti/taasisi/{world.agency.id}?period=quarter")
    overdue = page.locator("#overdue-now")
    expect(overdue).to_contain_text("Zilizochelewa sasa")
    expect(overdue).to_contain_text(re.compile(r"siku \d+ za kazi|siku 1 ya kazi"))
    shown = [overdue]
    for key in ("first_response_share", "on_time_share", "first_response_p90", "resolution_p90"):
        tile = page.locator(f"#tile-{key}")
        expect(tile.locator(".tile-target")).to_contain_text("Lengo")
        expect(tile.locator(".tile-state")).to_have_text(re.compile("Kijani|Njano|Nyekundu|Hoja chache mno kupima"))
        expect(tile.locator(".tile-trend")).to_contain_text(re.compile("awali|hakuna cha kulinganisha"))
        shown.append(tile)
    for key in ("first_response_share", "on_time_share"):
        expect(page.locator(f"#tile-{key} .tile-trend")).to_contain_text(
            re.compile("(Imepanda|Imeshuka|Haijabadilika): awali")
        )
    assert page.locator("#tile-first_response_p90 .tile-label").text_content() == (
        "Hoja 9 kati ya 10 zilijibiwa ndani ya"
    )
    for element in shown:
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= DESK["height"], element
    page.screenshot(path=camera.folder / "01-first-screen-1366x768.png")
    camera.shoot(page, "institution-report")
    assert axe_violations(page) == []


def test_the_league_table_keeps_its_header_and_names_in_view(
    site: str, staff: Staff, world: World, many_agencies: None, new_context: OpenContext, camera: Camera
) -> None:
    """The league table of 32 institutions sorts by performance, marks the lowest ten, and keeps its header row and
    its first column in view while it scrolls."""
    page = new_context(viewport=DESK).new_page()
    log_in(page, site, staff.oversight_above_a.email)
    page.goto(site + f"/ripoti/ngazi/{world.ministry.id}?period=year")
    box = page.locator("#table-league .table-scroll")
    box.scroll_into_view_if_needed()
    rows = page.locator("#table-league tbody tr")
    assert rows.count() == MORE_AGENCIES + 2
    marked = page.locator("#table-league tbody tr.marked")
    assert marked.count() >= 10
    best = page.locator("#table-league tbody tr").first
    expect(best.locator("th")).to_have_text("Wakala wa Majaribio 01")  # all 8 on time; tied with 09, 17 and 25
    assert best.get_attribute("class") is None
    expect(marked.last.locator("th")).to_contain_text("miongoni mwa za mwisho")
    header = page.locator("#table-league thead th").first
    name = page.locator("#table-league tbody th").nth(20)
    box.evaluate("element => { element.scrollTop = 600; element.scrollLeft = 900; }")
    page.wait_for_timeout(100)
    frame, head, first = box.bounding_box(), header.bounding_box(), name.bounding_box()
    assert frame and head and first
    assert abs(head["y"] - frame["y"]) < 2, (head, frame)
    assert abs(first["x"] - frame["x"]) < 2, (first, frame)
    assert page.locator("#table-league thead th").nth(6).bounding_box()["y"] == head["y"]  # type: ignore[index]
    page.screenshot(path=camera.folder / "01-league-scrolled.png")
    assert axe_violations(page) == []


def test_the_public_statistics_rank_and_draw_months(
    site: str, staff: Staff, many_agencies: None, new_context: OpenContext, camera: Camera
) -> None:
    """The public page at 1366×768: the ranking, the monthly chart, the open data; axe finds nothing."""
    page = new_context(viewport=DESK).new_page()
    page.goto(site + "/takwimu/")
    expect(page.locator("svg#chart-due")).to_be_visible()
    expect(page.locator("#ranking tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="Takwimu zote (JSON)")).to_be_visible()
    camera.shoot(page, "public-statistics")
    assert axe_violations(page) == []


def test_the_report_fits_a_phone(
    site: str, staff: Staff, world: World, new_context: OpenContext, camera: Camera
) -> None:
    """A supervisor's report and the public statistics are no wider than a 360-px phone, and pass axe."""
    phone = {"width": PHONE_WIDTH, "height": 640}
    page = new_context(viewport=phone, is_mobile=True, has_touch=True).new_page()
    log_in(page, site, staff.supervisor_a.email)
    page.goto(site + f"/ripoti/taasisi/{world.agency.id}?period=quarter")
    expect(page.locator("svg#chart-volume")).to_be_visible()
    camera.shoot(page, "institution-report-phone")
    widths = {"report": page.evaluate("document.documentElement.scrollWidth")}
    assert axe_violations(page) == []
    page.goto(site + "/takwimu/")
    camera.shoot(page, "public-statistics-phone")
    widths["public"] = page.evaluate("document.documentElement.scrollWidth")
    assert axe_violations(page) == []
    too_wide = {name: width for name, width in widths.items() if width > PHONE_WIDTH}
    assert not too_wide, f"pages wider than {PHONE_WIDTH} px (scrollWidth): {too_wide}"


def test_no_blank_band_above_a_tables_headings_on_a_phone(
    site: str, staff: Staff, world: World, new_context: OpenContext
) -> None:
    """On a 360-px phone a long heading off to the side (the median time to a first response) wraps over a few lines
    at most, and the headings in view sit at the top of the header row, straight under the table's caption."""
    page = new_context(viewport={"width": PHONE_WIDTH, "height": 640}, is_mobile=True, has_touch=True).new_page()
    log_in(page, site, staff.supervisor_a.email)
    for url in ("/takwimu/", "/afisa/timu", f"/ripoti/taasisi/{world.agency.id}"):
        page.goto(site + url)
        heads = page.evaluate(
            """() => [...document.querySelectorAll('table.report thead')].map(head => {
                const text = document.createRange();
                text.selectNodeContents(head.querySelector('th'));
                return {top: head.getBoundingClientRect().top, height: head.getBoundingClientRect().height,
                        first: text.getBoundingClientRect().top};
            })"""
        )
        assert heads, url
        for head in heads:
            assert head["first"] - head["top"] < 12, (url, head)  # no blank band above the first heading
            assert head["height"] < 100, (url, head)


def test_a_phone_is_told_that_a_wide_table_slides_sideways(
    site: str, staff: Staff, new_context: OpenContext, camera: Camera
) -> None:
    """On a 360-px phone the columns of a wide table run off its right edge: a line above it says to slide it, and a
    shadow marks the edge until the table is slid to its end. On a wide screen, where every column is in view,
    neither shows."""
    hint = "Jedwali ni pana kuliko skrini: lisogeze kando kuona safu zote."
    phone = new_context(viewport={"width": PHONE_WIDTH, "height": 640}, is_mobile=True, has_touch=True).new_page()
    phone.goto(site + "/takwimu/")
    months = phone.locator("#months")
    region = phone.get_by_role("region", name="Mwezi kwa mwezi")
    expect(region.locator("xpath=preceding-sibling::p[1]")).to_have_text(hint)
    assert months.evaluate("table => table.scrollWidth") > PHONE_WIDTH
    camera.shoot(phone, "months-phone")

    def edge_shaded() -> bool:
        """Whether the shadow at the right edge of the region shows: the last pixel column of a body row is grey."""
        shot = region.screenshot()
        return _right_edge_darkness(shot) > 8

    assert edge_shaded()
    region.evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    assert not edge_shaded()
    desk = new_context(viewport=DESK).new_page()
    desk.goto(site + "/takwimu/")
    hints = desk.get_by_text(hint)
    assert hints.count() == 3  # the months, the ranking, the institutions not ranked
    for number in range(hints.count()):
        expect(hints.nth(number)).to_be_hidden()
    assert not desk.get_by_role("region", name="Mwezi kwa mwezi").evaluate("r => r.scrollWidth > r.clientWidth")


def _right_edge_darkness(png: bytes) -> int:
    """How far below white the pixels just inside the right edge of a screenshot go, at mid-height (0: white)."""
    image = Image.open(BytesIO(png)).convert("L")
    x, y = image.width - 2, image.height // 2
    return 255 - min(image.getpixel((x, y + dy)) for dy in range(-3, 4))  # type: ignore[operator]
