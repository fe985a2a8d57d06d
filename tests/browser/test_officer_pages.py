"""The officer pages in a real browser: log in, search, reply, transfer; accessibility and small screens.

Three people use the service at once, each in their own browser context: a citizen, an officer of the
water agency (officer_a) and an officer of the Dodoma city council (officer_b). The pages speak Swahili.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import DUPLICATE_IDS, Camera
from tests.world import PASSWORD, Staff, World, build_staff

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REFERENCE = re.compile(r"^WN-\d{4}-\d{6}$")
TRACKING_CODE = re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")
SEARCH_WORD = "Kinondoni"
SUBJECT = f"Bili ya maji ya {SEARCH_WORD} imezidi mara tatu"
DESCRIPTION = "Bili ya mwezi huu ni shilingi laki mbili, ingawa nyumba ilikuwa imefungwa mwezi mzima."
SECOND_SUBJECT = "Mita ya maji haisomwi tangu Januari"
SECOND_DESCRIPTION = "Msomaji wa mita hajafika kwetu Dodoma; bili zinakadiriwa kila mwezi bila kusoma mita."
REPLY = "Tumekagua mita yako: bili imekosewa. Tumeirekebisha na utapokea bili mpya ndani ya siku saba."
TRANSFER_REASON = "Mwananchi yuko Dodoma: huduma ya maji huko haitolewi na DAWASA."
COUNCIL_SW = "Halmashauri ya Jiji la Dodoma"
ANSWERED_SW = "Imejibiwa"
RECEIVED_SW = "Imepokelewa"
REPLY_SENT_SW = "Jibu lako limetumwa kwa mwananchi."
TRANSFERRED_SW = f"Hoja imehamishiwa {COUNCIL_SW}."
INSTITUTION_REPLY_SW = "Jibu kutoka kwa taasisi"
# The labels of the text boxes of a new ticket's action forms, each of which must name its own box.
ACTION_BOXES_SW = [
    "Mjibu mwananchi",
    "Unahitaji nini kutoka kwa mwananchi?",
    "Muhtasari wa utatuzi (utasomwa na mwananchi)",
    "Sababu ya kuhamisha",
    "Namba ya kumbukumbu ya hoja itakayobaki",
    "Dokezo la ndani",
]
PHONE_WIDTH = 360

OpenContext = Callable[..., BrowserContext]


@pytest.fixture
def staff(world: World, db: SQLAlchemy) -> Staff:
    """One user per role around the agency (A) and the council (B), committed for the live server."""
    built = build_staff(world)
    db.session.commit()
    return built


# --- what the citizen does ------------------------------------------------------------------------


def ticket_page(site: str, reference: str) -> re.Pattern[str]:
    """The ticket page's address, with the queue's tab and filters the officer came from (kept in its links)."""
    return re.compile(re.escape(f"{site}/afisa/hoja/{reference}") + r"(\?.*)?$")


def submit_complaint(page: Page, site: str, subject: str, description: str) -> tuple[str, str]:
    """Submit a named complaint about water bills through the form; the reference and code of the receipt."""
    page.goto(site + "/wasilisha")
    page.locator("input[name='type'][value='complaint']").check()
    page.locator("#category").select_option("maji-bili")
    page.locator("#subject").fill(subject)
    page.locator("#description").fill(description)
    page.locator("input[name='identity'][value='named']").check()
    page.locator("#name").fill("Asha Juma")
    page.locator("#phone").fill("0712 345 678")
    page.get_by_role("button", name="Wasilisha", exact=True).click()
    expect(page).to_have_url(re.compile(r"/wasilisha/WN-\d{4}-\d{6}/imepokelewa$"))
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert REFERENCE.match(reference), f"reference {reference!r} is not WN-YYYY-NNNNNN"
    assert TRACKING_CODE.match(code), f"tracking code {code!r} is not XXXXX-XXXXX"
    return reference, code


def track(page: Page, site: str, reference: str, code: str) -> None:
    """Open a ticket from the tracking page with its reference and tracking code."""
    page.goto(site + "/fuatilia")
    page.locator("#reference").fill(reference)
    page.locator("#code").fill(code)
    page.locator("main form button[type='submit']").click()
    expect(page).to_have_url(site + f"/hoja/{reference}")


# --- what an officer does -------------------------------------------------------------------------


def log_in(page: Page, site: str, email: str) -> None:
    """Log in through the login form, which leads to the dashboard."""
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Ingia").click()
    expect(page).to_have_url(site + "/afisa/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashibodi")


def search_queue(page: Page, text: str) -> None:
    """Type into the queue's search box and search."""
    search = page.get_by_role("search")
    search.locator("#q").fill(text)
    search.get_by_role("button", name="Tafuta").click()
    expect(page.locator("#q")).to_have_value(text)


def queue_item(page: Page, reference: str) -> None:
    """Expect the queue to list exactly this one ticket."""
    items = page.locator("#queue tbody > tr")
    expect(items).to_have_count(1)
    expect(items.locator("a.reference")).to_have_text(reference)


def open_from_queue(page: Page, site: str, reference: str, subject: str) -> None:
    """Open a ticket from the queue by its subject link."""
    page.locator("#queue").get_by_role("link", name=subject).click()
    expect(page).to_have_url(ticket_page(site, reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {subject}")


def open_by_reference(page: Page, site: str, reference: str, subject: str) -> None:
    """Search the queue for a whole reference: it opens that ticket, whatever the tab."""
    search = page.get_by_role("search")
    search.locator("#q").fill(reference)
    search.get_by_role("button", name="Tafuta").click()
    expect(page).to_have_url(ticket_page(site, reference))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference}: {subject}")


def send_reply(page: Page, text: str) -> None:
    """Write a reply to the citizen on the ticket page and send it."""
    page.get_by_role("textbox", name="Mjibu mwananchi").fill(text)
    page.get_by_role("button", name="Tuma jibu").click()


def serious_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on the page as it is now."""
    results = Axe().run(page, options={"resultTypes": ["violations"]}).response
    assert results["testEngine"]["name"] == "axe-core"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def officer_pages(site: str, citizen: Page, officer: Page, staff: Staff) -> Iterator[str]:
    """Walk officer_a's pages around one citizen's complaint, yielding each page's name once it has loaded."""
    reference, _code = submit_complaint(citizen, site, SUBJECT, DESCRIPTION)
    officer.goto(site + "/ingia")
    yield "login"
    log_in(officer, site, staff.officer_a.email)
    yield "dashboard"
    officer.get_by_role("main").get_by_role("link", name="Fungua foleni").click()
    search_queue(officer, SEARCH_WORD)
    queue_item(officer, reference)
    yield "queue-search"
    open_from_queue(officer, site, reference, SUBJECT)
    yield "ticket"
    for summary in officer.locator("main details > summary").all():
        summary.click()
    for label in ACTION_BOXES_SW:
        expect(officer.get_by_role("textbox", name=label, exact=True)).to_be_visible()
    expect(officer.get_by_role("combobox", name="Taasisi", exact=True)).to_be_visible()
    yield "ticket-every-action-open"
    send_reply(officer, REPLY)
    expect(officer.locator("#status")).to_have_text(ANSWERED_SW)
    yield "ticket-replied"


# --- the tests ------------------------------------------------------------------------------------


def test_officer_replies_and_transfers(site: str, staff: Staff, new_context: OpenContext, camera: Camera) -> None:
    """An officer finds a citizen's ticket by search and replies; the citizen reads the reply in Swahili;
    a transferred ticket reaches the receiving institution's queue and leaves the sender read-only."""
    citizen = new_context().new_page()
    reference, code = submit_complaint(citizen, site, SUBJECT, DESCRIPTION)
    camera.shoot(citizen, "citizen-receipt")
    citizen.get_by_role("link", name="Fungua hoja yangu").click()
    expect(citizen).to_have_url(site + f"/hoja/{reference}")
    expect(citizen.locator("#status")).to_have_text(RECEIVED_SW)
    second, _second_code = submit_complaint(citizen, site, SECOND_SUBJECT, SECOND_DESCRIPTION)
    assert second != reference

    # officer_a logs in, finds the first ticket by a word of its subject and replies.
    officer_a = new_context().new_page()
    officer_a.goto(site + "/ingia")
    expect(officer_a.locator("html")).to_have_attribute("lang", "sw")
    expect(officer_a.get_by_role("heading", level=1)).to_have_text("Ingia")
    camera.shoot(officer_a, "officer-a-login")
    log_in(officer_a, site, staff.officer_a.email)
    expect(officer_a.locator("#tile-new .tile-count")).to_have_text("2")
    camera.shoot(officer_a, "officer-a-dashboard")
    officer_a.get_by_role("main").get_by_role("link", name="Fungua foleni").click()
    expect(officer_a.get_by_role("heading", level=1)).to_have_text("Foleni")
    expect(officer_a.locator("#queue tbody > tr")).to_have_count(2)
    search_queue(officer_a, SEARCH_WORD)
    queue_item(officer_a, reference)
    camera.shoot(officer_a, "officer-a-queue-search")
    open_from_queue(officer_a, site, reference, SUBJECT)
    expect(officer_a.locator("#status")).to_have_text(RECEIVED_SW)
    camera.shoot(officer_a, "officer-a-ticket")
    send_reply(officer_a, REPLY)
    expect(officer_a).to_have_url(ticket_page(site, reference))
    expect(officer_a.locator("main p.notice.success[role='status']")).to_have_text(REPLY_SENT_SW)
    expect(officer_a.locator("article.message-reply")).to_contain_text(REPLY)
    expect(officer_a.locator("#status")).to_have_text(ANSWERED_SW)
    camera.shoot(officer_a, "officer-a-replied")

    # The citizen reloads the tracking page, then tracks the ticket afresh: the reply, in Swahili.
    citizen.goto(site + f"/hoja/{reference}")
    expect(citizen.locator("#status")).to_have_text(ANSWERED_SW)
    reply = citizen.locator("article.message-reply")
    expect(reply).to_contain_text(INSTITUTION_REPLY_SW)
    expect(reply).to_contain_text(REPLY)
    camera.shoot(citizen, "citizen-sees-reply")
    tracker = new_context().new_page()
    track(tracker, site, reference, code)
    expect(tracker.locator("html")).to_have_attribute("lang", "sw")
    expect(tracker.locator("#status")).to_have_text(ANSWERED_SW)
    expect(tracker.locator("article.message-reply")).to_contain_text(REPLY)
    camera.shoot(tracker, "citizen-tracks-reply")

    # officer_a transfers the second ticket to the council.
    officer_a.get_by_role("link", name="Foleni").first.click()
    open_by_reference(officer_a, site, second, SECOND_SUBJECT)
    officer_a.get_by_text("Hamishia taasisi nyingine").click()
    officer_a.get_by_role("combobox", name="Taasisi", exact=True).select_option(label=COUNCIL_SW)
    officer_a.get_by_role("textbox", name="Sababu ya kuhamisha").fill(TRANSFER_REASON)
    camera.shoot(officer_a, "officer-a-transfer-filled")
    officer_a.get_by_role("button", name="Hamisha", exact=True).click()
    expect(officer_a).to_have_url(ticket_page(site, second))
    expect(officer_a.locator("main p.notice.success[role='status']")).to_have_text(TRANSFERRED_SW)
    expect(officer_a.locator("main")).to_contain_text(COUNCIL_SW)
    expect(officer_a.locator("main form.action")).to_have_count(0)
    expect(officer_a.locator("main textarea")).to_have_count(0)
    expect(officer_a.locator("ol.history")).to_contain_text(TRANSFER_REASON)
    camera.shoot(officer_a, "officer-a-transferred-read-only")

    # officer_b of the council finds it in the "new" tab and by its reference.
    officer_b = new_context().new_page()
    officer_b.goto(site + "/ingia")
    log_in(officer_b, site, staff.officer_b.email)
    camera.shoot(officer_b, "officer-b-dashboard")
    officer_b.get_by_role("navigation", name="Menyu kuu").get_by_role("link", name="Foleni").click()
    officer_b.locator("#tab-new").click()
    expect(officer_b.locator("#tab-new")).to_have_attribute("aria-current", "page")
    queue_item(officer_b, second)
    expect(officer_b.locator("#queue")).not_to_contain_text(reference)
    camera.shoot(officer_b, "officer-b-new-tab")
    open_by_reference(officer_b, site, second, SECOND_SUBJECT)
    camera.shoot(officer_b, "officer-b-search-reference")
    expect(officer_b.locator("#status")).to_have_text(RECEIVED_SW)
    expect(officer_b.locator("main")).to_contain_text(COUNCIL_SW)
    expect(officer_b.get_by_role("button", name="Tuma jibu")).to_be_visible()
    camera.shoot(officer_b, "officer-b-ticket")


def test_no_serious_accessibility_violations(site: str, staff: Staff, new_context: OpenContext, camera: Camera) -> None:
    """axe-core finds nothing serious or critical on the login page, dashboard, queue and ticket page.

    axe-core no longer reports duplicate ids, so they are checked here: a label pointing at a repeated id
    names only the first control, and leaves the others without a name.
    """
    citizen = new_context().new_page()
    officer = new_context().new_page()
    problems: dict[str, list[dict[str, object]]] = {}
    duplicates: dict[str, list[str]] = {}
    for name in officer_pages(site, citizen, officer, staff):
        camera.shoot(officer, name)
        serious = serious_violations(officer)
        if serious:
            problems[name] = serious
        repeated = officer.evaluate(DUPLICATE_IDS)
        if repeated:
            duplicates[name] = repeated
    assert not problems, "serious or critical axe violations:\n" + json.dumps(problems, indent=2)
    assert not duplicates, f"ids used more than once: {duplicates}"


def test_no_sideways_scrolling_at_360_px(site: str, staff: Staff, new_context: OpenContext, camera: Camera) -> None:
    """On a 360×640 phone screen no officer page is wider than the screen."""
    citizen = new_context().new_page()
    phone = {"width": PHONE_WIDTH, "height": 640}
    officer = new_context(viewport=phone, is_mobile=True, has_touch=True).new_page()
    widths: dict[str, int] = {}
    for name in officer_pages(site, citizen, officer, staff):
        camera.shoot(officer, name)
        widths[name] = officer.evaluate("document.documentElement.scrollWidth")
    assert len(widths) == 6
    too_wide = {name: width for name, width in widths.items() if width > PHONE_WIDTH}
    assert not too_wide, f"pages wider than {PHONE_WIDTH} px (scrollWidth): {too_wide}"
