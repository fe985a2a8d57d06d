"""Every page that staff, managers and administrators open, in a real browser at 1366×768: axe-core finds no
violation of any impact on any of them (the staff pages, the reports, the public statistics, the administration)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import Camera, axe_violations
from tests.world import PASSWORD, Staff, World, build_staff, complaint
from wananchi.api.tokens import create_api_token
from wananchi.tickets.models import CannedResponse
from wananchi.tickets.services import submit_ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1366, "height": 768}

OpenContext = Callable[..., BrowserContext]


def logged_in(new_context: OpenContext, site: str, email: str) -> Page:
    page = new_context(viewport=DESK).new_page()
    page.goto(site + "/ingia")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).not_to_have_url(site + "/ingia")
    return page


def check_pages(page: Page, site: str, paths: list[str], camera: Camera) -> dict[str, object]:
    """Open each page; the violations found on each, by path."""
    found: dict[str, object] = {}
    for path in paths:
        response = page.goto(site + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        camera.shoot(page, path.strip("/").replace("/", "-") or "home")
        problems = axe_violations(page)
        if problems:
            found[path] = problems
    return found


@pytest.fixture
def setting(world: World, db: SQLAlchemy) -> tuple[Staff, str]:
    staff = build_staff(world)
    ticket = submit_ticket(complaint(world)).ticket
    db.session.add(CannedResponse(institution=world.agency, title="Tumepokea", body_sw="Ndugu.", body_en="Dear."))
    db.session.commit()
    return staff, ticket.reference


def test_no_staff_page_has_an_accessibility_violation(
    site: str, world: World, setting: tuple[Staff, str], new_context: OpenContext, camera: Camera
) -> None:
    staff, reference = setting
    supervisor = logged_in(new_context, site, staff.supervisor_a.email)
    found = check_pages(
        supervisor,
        site,
        [
            "/afisa/",
            "/afisa/foleni",
            f"/afisa/hoja/{reference}",
            f"/afisa/hoja/{reference}/maombi-ya-taarifa",
            f"/afisa/hoja/{reference}/ombi-la-mwananchi",
            "/afisa/hoja-mpya",
            "/afisa/timu",
            "/afisa/upandishaji",
            "/afisa/maombi-ya-taarifa",
            "/afisa/funguo",
            "/afisa/maswali/",
            "/afisa/maswali/mpya",
            "/akaunti",
            "/akaunti/arifa",
            "/akaunti/tokeni",
            "/ripoti/",
            f"/ripoti/taasisi/{world.agency.id}",
            "/takwimu/",
            f"/takwimu/{world.agency.slug}",
        ],
        camera,
    )
    leader = logged_in(new_context, site, staff.oversight_above_a.email)
    found |= check_pages(leader, site, [f"/ripoti/ngazi/{world.ministry.id}"], camera)
    assert not found, "axe-core violations:\n" + json.dumps(found, indent=2)


def test_no_administration_page_has_an_accessibility_violation(
    site: str, setting: tuple[Staff, str], new_context: OpenContext, camera: Camera
) -> None:
    staff, _reference = setting
    admin = logged_in(new_context, site, staff.admin.email)
    lists = ["taasisi", "huduma", "watumiaji", "uelekezaji", "malengo", "kalenda", "sikukuu", "uhifadhi", "majibu"]
    found = check_pages(
        admin,
        site,
        [
            "/utawala/",
            *(f"/utawala/{name}" for name in lists),
            *(f"/utawala/{name}/mpya" for name in lists),
            "/utawala/funguo",
            "/utawala/ujumbe",
            "/utawala/usalama",
            "/utawala/uchakataji",
            "/utawala/kumbukumbu",
            "/akaunti/tokeni",
        ],
        camera,
    )
    assert not found, "axe-core violations:\n" + json.dumps(found, indent=2)


PHONE = {"width": 360, "height": 640}


def test_the_account_pages_fit_a_phone_in_both_languages(
    site: str, setting: tuple[Staff, str], new_context: OpenContext, db: SQLAlchemy
) -> None:
    """On a 360-px phone the account pages are no wider than the screen, in Swahili and English, with a token whose
    long name makes its table wider (it slides inside its own frame), and every notification column in view."""
    staff, _reference = setting
    create_api_token(staff.supervisor_a, "Ripoti ya kila wiki ya Excel kwa Mkurugenzi Mkuu wa Mamlaka", ["read"])
    db.session.commit()
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(site + "/ingia")
    page.locator("#email").fill(staff.supervisor_a.email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).not_to_have_url(site + "/ingia")
    too_wide: dict[str, int] = {}
    for language in ("sw", "en"):
        page.goto(site + f"/lugha/{language}")
        for path in ("/akaunti", "/akaunti/arifa", "/akaunti/tokeni"):
            page.goto(site + path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                too_wide[f"{language} {path}"] = width
        page.goto(site + "/akaunti/arifa")
        columns = page.locator("#notification-choices").evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        if columns[0] > columns[1]:
            too_wide[f"{language}: the notification columns in a frame of {columns[1]} px"] = columns[0]
    page.goto(site + "/akaunti/tokeni")  # a new token, shown once: its long secret wraps
    page.locator("#name").fill("Ripoti")
    page.locator("input[value=read]").check()
    page.get_by_role("main").get_by_role("button", name="Create").click()
    expect(page.locator("#new-token")).to_be_visible()
    if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
        too_wide["a new token shown"] = width
    assert not too_wide, too_wide
