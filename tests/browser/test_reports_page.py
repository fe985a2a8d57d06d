"""The report pages in a real browser: charts drawn without script, accessible, usable on a 360-px phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import Camera
from tests.browser.test_officer_pages import PHONE_WIDTH, serious_violations
from tests.reports.data import seed_tickets
from tests.world import PASSWORD, Staff, World, build_staff
from wananchi.core.db import utcnow

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OpenContext = Callable[..., BrowserContext]


@pytest.fixture
def staff(world: World, db: SQLAlchemy) -> Staff:
    """The staff of tests/world.py and a few hundred tickets of the last months, committed for the live server."""
    built = build_staff(world)
    seed_tickets(world, count=300, now=utcnow())
    db.session.commit()
    return built


def log_in(page: Page, site: str, email: str) -> None:
    """Log in through the login form."""
    page.goto(site + "/ingia")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).to_have_url(site + "/afisa/")


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
    page.locator(".charts").screenshot(path=camera.folder / "charts.png")
    camera.shoot(page, "node-report")
    assert serious_violations_without_script(page) == []


def serious_violations_without_script(page: Page) -> list[dict[str, object]]:
    """axe needs script: run it on the same page in a context with JavaScript."""
    context = page.context.browser.new_context(locale="en-US") if page.context.browser else None
    assert context is not None
    try:
        other = context.new_page()
        cookies = page.context.cookies()
        context.add_cookies(cookies)  # type: ignore[arg-type]
        other.goto(page.url)
        return serious_violations(other)
    finally:
        context.close()


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
    assert serious_violations(page) == []
    page.goto(site + "/takwimu/")
    camera.shoot(page, "public-statistics-phone")
    widths["public"] = page.evaluate("document.documentElement.scrollWidth")
    assert serious_violations(page) == []
    too_wide = {name: width for name, width in widths.items() if width > PHONE_WIDTH}
    assert not too_wide, f"pages wider than {PHONE_WIDTH} px (scrollWidth): {too_wide}"
