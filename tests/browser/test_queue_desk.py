"""The officer's queue in a real browser, on a desk (1366×768) and on a phone (360×740): the overdue ticket on top,
five tickets assigned at once, a saved filter, counts that refresh without a reload, and no axe-core violation.
The pages speak Swahili."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import Camera, axe_violations
from tests.world import PASSWORD, Staff, World, build_staff, complaint
from wananchi.core.db import utcnow
from wananchi.tickets.models import Ticket
from wananchi.tickets.services import submit_ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
OpenContext = Callable[..., BrowserContext]


@pytest.fixture
def staff(world: World, db: SQLAlchemy) -> Staff:
    built = build_staff(world)
    db.session.commit()
    return built


def tickets(
    world: World, db: SQLAlchemy, count: int, *, days_ago: int = 0, subject: str = "Bili ya maji"
) -> list[Ticket]:
    """`count` complaints submitted `days_ago` (their first response long overdue when that is weeks)."""
    when = utcnow() - dt.timedelta(days=days_ago)
    made = [
        submit_ticket(complaint(world, subject=f"{subject} {n + 1}"), now=when + dt.timedelta(minutes=n)).ticket
        for n in range(count)
    ]
    db.session.commit()
    return made


def open_page(new_context: OpenContext, viewport: dict[str, int]) -> Page:
    phone = viewport["width"] < 600
    return new_context(viewport=viewport, is_mobile=phone, has_touch=phone).new_page()


def log_in(page: Page, site: str, email: str) -> None:
    page.goto(site + "/ingia")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).to_have_url(site + "/afisa/")


def rows(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#queue tbody tr")


def test_an_officer_clears_an_overdue_ticket_from_the_top_of_the_default_tab(
    site: str, world: World, staff: Staff, db: SQLAlchemy, new_context: OpenContext, camera: Camera
) -> None:
    tickets(world, db, 3, subject="Bili mpya")
    (late,) = tickets(world, db, 1, days_ago=30, subject="Bili ya zamani")
    page = open_page(new_context, DESK)
    log_in(page, site, staff.officer_a.email)
    page.get_by_role("navigation", name="Menyu kuu").get_by_role("link", name="Foleni").click()
    expect(page.locator("#tab-open")).to_have_attribute("aria-current", "page")
    expect(page.locator("#queue thead")).to_be_visible()  # a table with its header on a desk
    # The header, the wide page and the footer share one left edge.
    edges = {page.locator(where).bounding_box()["x"] for where in (".top-row", "main", "footer.foot")}
    assert len(edges) == 1, edges
    first = rows(page).first
    expect(first.locator("a.reference")).to_have_text(late.reference)
    expect(first.locator(".sla")).to_have_text("Imechelewa")
    expect(first.locator(".time-left strong")).to_contain_text("Imechelewa")
    expect(page.locator("#tab-overdue .count")).to_have_text("1")
    camera.shoot(page, "queue-overdue-first")
    first.get_by_role("link", name="Bili ya zamani 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{late.reference}: Bili ya zamani 1")
    page.locator("main details > summary", has_text=re.compile(r"^Tatua$")).click()
    page.locator("#resolve-summary").fill("Bili imerekebishwa; utapokea bili mpya wiki hii.")
    page.locator("#resolve-form").get_by_role("button", name="Tatua").click()
    expect(page.locator("#status")).to_have_text("Imetatuliwa")
    camera.shoot(page, "ticket-resolved")
    page.get_by_role("navigation", name="Menyu kuu").get_by_role("link", name="Foleni").click()
    expect(page.locator("#tab-overdue .count")).to_have_text("0")
    expect(rows(page)).to_have_count(3)
    expect(page.locator("#queue")).not_to_contain_text(late.reference)
    # The subject's header sorts by it, then the other way; the tab and its count stay.
    subjects = page.locator("#queue tbody td.subject")
    page.get_by_role("columnheader", name="Kichwa cha hoja").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Kichwa cha hoja")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("columnheader", name="Muda uliobaki")).to_have_attribute("aria-sort", "none")
    expect(subjects).to_have_text(["Bili mpya 1", "Bili mpya 2", "Bili mpya 3"])
    camera.shoot(page, "sorted-by-subject")
    page.get_by_role("columnheader", name="Kichwa cha hoja").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Kichwa cha hoja")).to_have_attribute("aria-sort", "descending")
    expect(subjects).to_have_text(["Bili mpya 3", "Bili mpya 2", "Bili mpya 1"])
    expect(page.locator("#tab-open")).to_have_attribute("aria-current", "page")
    expect(page).to_have_url(re.compile(r"tab=open.*sort=-subject"))


def test_a_supervisor_assigns_five_tickets_at_once(
    site: str, world: World, staff: Staff, db: SQLAlchemy, new_context: OpenContext, camera: Camera
) -> None:
    made = tickets(world, db, 6)
    page = open_page(new_context, DESK)
    log_in(page, site, staff.supervisor_a.email)
    page.goto(site + "/afisa/foleni?tab=new")
    for ticket in made[:5]:
        page.get_by_role("checkbox", name=f"Chagua {ticket.reference}").check()
    page.locator("summary", has_text="Shughulikia hoja ulizochagua").click()
    page.get_by_role("radio", name="Kabidhi kwa afisa").check()
    page.get_by_role("combobox", name="Afisa").select_option(label="Baraka Afisa")
    camera.shoot(page, "five-chosen")
    page.get_by_role("button", name="Tekeleza kwa hoja ulizochagua").click()
    expect(page.get_by_role("status").first).to_have_text("Hoja 5 zimekabidhiwa kwa Baraka Afisa.")
    expect(page).to_have_url(re.compile(r"/afisa/foleni\?tab=new$"))
    expect(rows(page)).to_have_count(1)  # the five left the "new" tab: they have an officer now
    expect(page.locator("#tab-new .count")).to_have_text("1")
    camera.shoot(page, "five-assigned")
    page.goto(site + "/afisa/foleni?tab=open")
    for ticket in made[:5]:
        expect(rows(page).filter(has_text=ticket.reference)).to_contain_text("Baraka Afisa")


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_an_officer_saves_a_filter_and_reopens_it(
    site: str,
    world: World,
    staff: Staff,
    db: SQLAlchemy,
    new_context: OpenContext,
    camera: Camera,
    viewport: dict[str, int],
) -> None:
    tickets(world, db, 2)
    page = open_page(new_context, viewport)
    log_in(page, site, staff.officer_a.email)
    page.goto(site + "/afisa/foleni")
    page.locator("summary", has_text=re.compile(r"^Vichujio$")).click()
    page.get_by_role("combobox", name="Aina ya hoja").select_option("complaint")
    page.get_by_role("combobox", name="Mpangilio").select_option("newest")
    page.get_by_role("button", name="Tumia vichujio").click()
    page.locator("summary", has_text="Hifadhi mwonekano huu kama kichujio").click()
    page.get_by_role("textbox", name="Jina la kichujio").fill("Malalamiko mapya")
    page.get_by_role("button", name="Hifadhi kichujio").click()
    expect(page.get_by_role("status").first).to_have_text("Kichujio “Malalamiko mapya” kimehifadhiwa.")
    camera.shoot(page, "saved")
    page.locator("#tab-overdue").click()
    expect(page.locator("#tab-overdue")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Malalamiko mapya").click()
    expect(page).to_have_url(re.compile(r"tab=open"))
    expect(page.get_by_role("combobox", name="Aina ya hoja")).to_have_value("complaint")
    expect(page.get_by_role("combobox", name="Mpangilio")).to_have_value("newest")
    expect(rows(page)).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    camera.shoot(page, "reopened")


def test_the_counts_refresh_without_reloading_the_list(
    app: Flask, site: str, world: World, staff: Staff, db: SQLAlchemy, new_context: OpenContext
) -> None:
    app.config["QUEUE_COUNTS_REFRESH_SECONDS"] = 1
    tickets(world, db, 2)
    page = open_page(new_context, DESK)
    log_in(page, site, staff.officer_a.email)
    page.goto(site + "/afisa/foleni?tab=open")
    expect(page.locator("#tab-open .count")).to_have_text("2")
    page.locator("#q").fill("maandishi yaliyoandikwa")  # the page is not reloaded: what was typed stays
    page.evaluate("window.stillTheSamePage = true")
    tickets(world, db, 3)
    expect(page.locator("#tab-open .count")).to_have_text("5", timeout=8_000)
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.locator("#q")).to_have_value("maandishi yaliyoandikwa")
    expect(rows(page)).to_have_count(2)  # the list stays where the officer is; the link reloads it
    page.locator("#refresh").click()
    expect(rows(page)).to_have_count(5)


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_the_queue_has_no_accessibility_violation(
    site: str,
    world: World,
    staff: Staff,
    db: SQLAlchemy,
    new_context: OpenContext,
    camera: Camera,
    viewport: dict[str, int],
) -> None:
    """axe-core finds nothing of any impact on the queue, with its table, saved filters and the open bulk form."""
    tickets(world, db, 3)
    tickets(world, db, 1, days_ago=30)
    page = open_page(new_context, viewport)
    log_in(page, site, staff.supervisor_a.email)
    page.goto(site + "/afisa/foleni")
    page.locator("summary", has_text="Hifadhi mwonekano huu kama kichujio").click()
    page.get_by_role("textbox", name="Jina la kichujio").fill("Zote")
    page.get_by_role("button", name="Hifadhi kichujio").click()
    page.locator("summary", has_text="Shughulikia hoja ulizochagua").click()
    page.locator("summary", has_text=re.compile(r"^Vichujio$")).click()
    camera.shoot(page, "queue")
    found = axe_violations(page)
    assert not found, "axe violations on the queue:\n" + json.dumps(found, indent=2)
    page.get_by_role("button", name="Tekeleza kwa hoja ulizochagua").click()  # nothing chosen: the form comes back
    expect(page.locator("#bulk-error-summary")).to_be_visible()
    camera.shoot(page, "queue-bulk-error")
    found = axe_violations(page)
    assert not found, "axe violations on the queue's error page:\n" + json.dumps(found, indent=2)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
