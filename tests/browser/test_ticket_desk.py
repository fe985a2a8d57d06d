"""The officer's ticket page as a desk, in a real browser at 1366×768 and 360×740: two columns with the status and
actions kept in view, an error met at the top and fixed, a reply with a PDF the citizen opens, a canned reply
inserted at the cursor; the supervisor's team view; axe-core finds nothing on either page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import Camera, axe_violations
from tests.browser.test_officer_pages import DESCRIPTION, SUBJECT, log_in, submit_complaint, track
from tests.helpers import pdf_bytes
from tests.world import Staff, World, build_staff
from wananchi.tickets.models import CannedResponse

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
CANNED_SW = "Ndugu {jina}, tumepokea hoja yako {kumbukumbu} na tutaishughulikia."
REPLY = "Tumekagua bili yako: barua ya marekebisho imeambatishwa."

OpenContext = Callable[..., BrowserContext]


@pytest.fixture
def staff(world: World, db: SQLAlchemy) -> Staff:
    built = build_staff(world)
    db.session.add(
        CannedResponse(institution=world.agency, title="Tumepokea", body_sw=CANNED_SW, body_en="Dear {name}.")
    )
    db.session.commit()
    return built


def in_view(page: Page, selector: str) -> bool:
    """Whether the element's top is inside the window as it is scrolled now."""
    return bool(
        page.evaluate(
            "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }",
            selector,
        )
    )


def open_ticket(officer: Page, site: str, email: str, reference: str) -> None:
    officer.goto(site + "/ingia")
    log_in(officer, site, email)
    officer.goto(f"{site}/afisa/hoja/{reference}")
    expect(officer.locator("#status")).to_be_visible()


def test_an_officer_replies_with_a_pdf_after_an_error_and_a_canned_reply(
    site: str, staff: Staff, new_context: OpenContext, camera: Camera, tmp_path: Path
) -> None:
    citizen = new_context().new_page()
    reference, code = submit_complaint(citizen, site, SUBJECT, DESCRIPTION)
    officer = new_context(viewport=DESK).new_page()
    open_ticket(officer, site, staff.officer_a.email, reference)
    camera.shoot(officer, "ticket-desk")

    # Two columns: the thread on the left, the status and actions on the right, still in view at the end of a long
    # thread (five internal notes make it longer than the window).
    for number in range(1, 6):
        officer.locator("#note-form").locator("xpath=..").locator("summary").click()
        officer.locator("#note-body").fill(f"Dokezo namba {number}: " + "tumewasiliana na fundi wa eneo hili. " * 8)
        officer.locator("#note-form").get_by_role("button", name="Ongeza").click()
        expect(officer.locator("#ticket-main .message-note")).to_have_count(number)
    main, side = officer.locator("#ticket-main").bounding_box(), officer.locator("#ticket-side").bounding_box()
    assert main and side and side["x"] > main["x"] + main["width"] - 1
    assert main["height"] > DESK["height"]
    officer.evaluate(
        "window.scrollTo(0, document.querySelector('#ticket-main').getBoundingClientRect().bottom"
        " + window.scrollY - window.innerHeight)"
    )
    assert in_view(officer, "#status"), "the status scrolled out of view"
    camera.shoot(officer, "end-of-the-thread")
    assert not axe_violations(officer), json.dumps(axe_violations(officer), indent=2)

    # A PDF chosen, the reply box left empty: the error leads the page; the file stays attached.
    letter = tmp_path / "Barua_ya_marekebisho.pdf"
    letter.write_bytes(pdf_bytes("Marekebisho ya bili"))
    officer.locator("#reply-attachments").set_input_files(letter)
    officer.get_by_role("button", name="Tuma jibu").click()
    summary = officer.locator("#error-summary")
    expect(summary).to_be_visible()
    assert in_view(officer, "#error-summary")
    expect(officer.locator("#reply-kept-files")).to_contain_text("Barua_ya_marekebisho.pdf")
    camera.shoot(officer, "error-at-the-top")
    summary.get_by_role("link").first.click()
    expect(officer.locator("#reply-body")).to_be_focused()

    # A canned reply inserted where the cursor is, written for this citizen; then the officer's own words.
    officer.locator("#reply-body").fill("")
    officer.locator("#reply-canned").select_option(label="Tumepokea")
    officer.get_by_role("button", name="Ingiza").first.click()
    expect(officer.locator("#reply-body")).to_have_value(
        f"Ndugu Asha Juma, tumepokea hoja yako {reference} na tutaishughulikia."
    )
    officer.locator("#reply-body").press("End")
    officer.locator("#reply-body").press_sequentially(" " + REPLY)
    camera.shoot(officer, "canned-inserted")
    officer.get_by_role("button", name="Tuma jibu").click()
    expect(officer.locator(".notice.success")).to_have_text("Jibu lako limetumwa kwa mwananchi.")
    expect(officer.locator("#ticket-main .message-reply")).to_contain_text(REPLY)
    expect(officer.locator("#ticket-main .message-reply .files")).to_contain_text("Barua_ya_marekebisho.pdf")
    assert not axe_violations(officer), json.dumps(axe_violations(officer), indent=2)
    camera.shoot(officer, "replied")

    # The citizen reads the reply and opens the letter.
    track(citizen, site, reference, code)
    link = citizen.locator(".message-reply .files a")
    expect(link).to_have_text("Barua_ya_marekebisho.pdf")
    download = citizen.request.get(site + link.get_attribute("href"))
    assert download.status == 200 and download.body().startswith(b"%PDF")
    camera.shoot(citizen, "citizen-reads-the-letter")


def test_on_a_phone_the_ticket_page_is_one_column(
    site: str, staff: Staff, new_context: OpenContext, camera: Camera
) -> None:
    citizen = new_context().new_page()
    reference, _code = submit_complaint(citizen, site, SUBJECT, DESCRIPTION)
    officer = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    open_ticket(officer, site, staff.officer_a.email, reference)
    main, side = officer.locator("#ticket-main").bounding_box(), officer.locator("#ticket-side").bounding_box()
    assert main and side and abs(main["x"] - side["x"]) < 1 and main["y"] > side["y"]
    assert officer.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not axe_violations(officer), json.dumps(axe_violations(officer), indent=2)
    camera.shoot(officer, "ticket-phone")


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1366", "360"])
def test_a_supervisor_reads_the_team_view(
    site: str, staff: Staff, new_context: OpenContext, camera: Camera, viewport: dict[str, int]
) -> None:
    supervisor = new_context(viewport=viewport).new_page()
    supervisor.goto(site + "/ingia")
    log_in(supervisor, site, staff.supervisor_a.email)
    supervisor.locator("#team-link").click()
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text("Timu")
    rows = supervisor.locator("#team tbody tr")
    expect(rows).to_have_count(4)  # three people of the agency, then the tickets nobody holds
    expect(supervisor.locator("#team thead")).to_contain_text("Zilizochelewa")
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert not axe_violations(supervisor), json.dumps(axe_violations(supervisor), indent=2)
    camera.shoot(supervisor, f"team-{viewport['width']}")
