"""The citizen pages in a real browser: the journey, accessibility, small screens, no JavaScript, weight."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.browser.support import (
    SUBJECT,
    Camera,
    fill_submission,
    png_bytes,
    press_submit,
    read_receipt,
)
from tests.helpers import pixels

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COUNCIL_SW = "Halmashauri ya Jiji la Dodoma"
COUNCIL_EN = "Dodoma City Council"
PAGE_WEIGHT_BUDGET = 30_000  # bytes sent over the network, compressed: the submit page on a slow 2G/3G connection
ENGLISH_INTERFACE = ["Submit a ticket", "Track a ticket", "Ask, complain, suggest", "How it works", "Home"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

OpenContext = Callable[..., BrowserContext]


def open_tracked_ticket(page: Page, reference: str, code: str) -> None:
    """On the tracking page, type the reference and code and open the ticket."""
    page.locator("#reference").fill(reference)
    page.locator("#code").fill(code)
    press_submit(page)
    expect(page).to_have_url(re.compile(rf"/hoja/{reference}$"))


CITIZEN_PAGES = 12


def every_page(page: Page, site: str, photo: Path) -> Iterator[str]:
    """Walk the citizen pages (CITIZEN_PAGES of them), yielding each page's name once it has loaded."""
    page.goto(site + "/")
    yield "home"
    page.goto(site + "/wasilisha")
    yield "submit"
    press_submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    yield "submit-with-errors"
    fill_submission(page, photo, subject="abc")
    press_submit(page)
    expect(page.locator("#kept-files")).to_contain_text(photo.name)
    yield "submit-with-a-kept-file"
    page.locator("#subject").fill(SUBJECT)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    yield "confirmation"
    reference, code = read_receipt(page)
    page.goto(site + f"/fuatilia/msimbo-mpya?ref={reference}")
    yield "new-code"
    page.goto(site + "/fuatilia")
    yield "track"
    open_tracked_ticket(page, reference, code)
    yield "ticket"
    page.get_by_role("button", name="Funga hoja hii kwenye kifaa hiki").click()
    expect(page).to_have_url(site + "/fuatilia")
    yield "closed-on-this-device"
    for name, address in (("help", "/msaada"), ("privacy", "/faragha"), ("accessibility", "/upatikanaji")):
        page.goto(site + address)
        yield name


def test_journey_submit_switch_language_and_track(
    site: str, new_context: OpenContext, camera: Camera, photo: Path
) -> None:
    """An en-US phone gets Swahili, submits a complaint with a photo, switches to English and tracks it."""
    context = new_context()
    page = context.new_page()

    with page.expect_request(site + "/") as first:
        page.goto(site + "/")
    assert first.value.headers["accept-language"].startswith("en-US")
    expect(page.locator("html")).to_have_attribute("lang", "sw")
    expect(page.locator("header a[hreflang='en']")).to_have_text("English")
    expect(page.get_by_role("navigation").get_by_role("link", name="Fuatilia hoja")).to_be_visible()
    shown = [phrase for phrase in ENGLISH_INTERFACE if phrase in page.locator("body").inner_text()]
    assert not shown, f"English interface text on the Swahili home page: {shown}"
    camera.shoot(page, "home-swahili")

    page.get_by_role("main").get_by_role("link", name="Wasilisha hoja").click()
    expect(page).to_have_url(site + "/wasilisha")
    expect(page.locator("html")).to_have_attribute("lang", "sw")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wasilisha hoja")
    expect(page.get_by_label("Lalamiko", exact=True)).to_have_value("complaint")
    expect(page.locator("#category")).to_contain_text("Usafi na ukusanyaji wa taka")
    camera.shoot(page, "submit-form")

    fill_submission(page, photo)
    expect(page.locator("input[name='type'][value='complaint']")).to_be_checked()
    camera.shoot(page, "submit-filled")
    press_submit(page)

    expect(page).to_have_url(re.compile(r"/wasilisha/WN-\d{4}-\d{6}/imepokelewa$"))
    reference, code = read_receipt(page)
    assert page.url.endswith(f"/wasilisha/{reference}/imepokelewa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoja yako imepokelewa")
    expect(page.locator("main")).to_contain_text(COUNCIL_SW)
    camera.shoot(page, "confirmation-swahili")

    page.locator("header a[hreflang='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(f"/wasilisha/{reference}/imepokelewa")
    expect(page.locator("h1")).to_have_text("Your ticket has been received")
    expect(page.locator("main")).to_contain_text(COUNCIL_EN)
    expect(page.locator("#reference")).to_have_text(reference)
    camera.shoot(page, "confirmation-english")

    page.get_by_role("link", name="Open my ticket").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header a[hreflang='sw']")).to_have_text("Kiswahili")
    expect(page.locator("#status")).to_have_text("Received")
    camera.shoot(page, "ticket-english-remembered")

    fresh = new_context().new_page()
    fresh.goto(site + "/")
    expect(fresh.locator("html")).to_have_attribute("lang", "sw")
    fresh.locator("header a[hreflang='en']").click()
    expect(fresh.locator("html")).to_have_attribute("lang", "en")
    fresh.get_by_role("link", name="Track a ticket").first.click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Track a ticket")
    fresh.get_by_label("Reference number").fill(reference)
    fresh.get_by_label("Tracking code").fill(code)
    camera.shoot(fresh, "track-filled")
    fresh.get_by_role("button", name="Open the ticket").click()

    expect(fresh).to_have_url(site + f"/hoja/{reference}")
    expect(fresh.get_by_role("heading", level=1)).to_have_text(f"Ticket {reference}")
    expect(fresh.locator("#status")).to_have_text("Received")
    expect(fresh.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(fresh.locator("main")).to_contain_text(COUNCIL_EN)
    expect(fresh.locator("main")).to_contain_text("Dodoma Jiji, Dodoma")
    attachment = fresh.locator("ul.files a", has_text="picha-taka.png")
    expect(attachment).to_be_visible()
    camera.shoot(fresh, "ticket-tracked")
    with fresh.expect_download() as download:
        attachment.click()
    sent, received = pixels(png_bytes()), pixels(Path(download.value.path()).read_bytes())
    assert received == sent, "the downloaded photo differs from the one sent"


def test_no_accessibility_violations(site: str, new_context: OpenContext, camera: Camera, photo: Path) -> None:
    """axe-core finds no violation of any impact on any citizen page, on a phone's screen."""
    page = new_context(**PHONE).new_page()
    axe = Axe()
    problems: dict[str, list[dict[str, object]]] = {}
    for name in every_page(page, site, photo):
        camera.shoot(page, name)
        results = axe.run(page, options={"resultTypes": ["violations"]}).response
        assert results["testEngine"]["name"] == "axe-core"
        found = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
        ]
        if found:
            problems[name] = found
    assert not problems, "axe violations:\n" + json.dumps(problems, indent=2)


def test_the_footer_links_are_tall_enough_to_tap_on_a_phone(site: str, new_context: OpenContext) -> None:
    """WCAG 2.5.8: each footer link is at least 24 px tall on a 360 px screen (axe lets smaller ones pass when they
    are spaced apart, as these are)."""
    page = new_context(**PHONE).new_page()
    page.goto(f"{site}/")
    heights = page.locator("footer .foot-links a").evaluate_all(
        "links => links.map(link => link.getBoundingClientRect().height)"
    )
    assert len(heights) == 4 and min(heights) >= 24, heights


@pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
def test_no_sideways_scrolling_at_360_px(
    site: str, new_context: OpenContext, camera: Camera, photo: Path, scripts: bool
) -> None:
    """On a 360×740 phone screen no citizen page is wider than the screen, with or without JavaScript."""
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    widths: dict[str, int] = {}
    for name in every_page(page, site, photo):
        camera.shoot(page, name)
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
    assert len(widths) == CITIZEN_PAGES
    too_wide = {name: width for name, width in widths.items() if width > 360}
    assert not too_wide, f"pages wider than 360 px (scrollWidth): {too_wide}"


def test_submit_and_track_without_javascript(site: str, new_context: OpenContext, camera: Camera, photo: Path) -> None:
    """With JavaScript off, a citizen can still submit a ticket with a photo and track it."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site + "/wasilisha")
    fill_submission(page, photo)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    reference, code = read_receipt(page)
    camera.shoot(page, "confirmation")

    tracker = new_context(java_script_enabled=False).new_page()
    tracker.goto(site + "/fuatilia")
    open_tracked_ticket(tracker, reference, code)
    expect(tracker.locator("#status")).not_to_be_empty()
    expect(tracker.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(tracker.locator("ul.files")).to_contain_text("picha-taka.png")
    camera.shoot(tracker, "ticket")


def test_every_request_goes_to_the_service(site: str, new_context: OpenContext, camera: Camera, photo: Path) -> None:
    """No page loads anything from another host: no CDN, fonts, analytics or trackers."""
    context = new_context()
    requests: list[Request] = []
    context.on("request", lambda request: requests.append(request))
    page = context.new_page()
    shots = [camera.shoot(page, name) for name in every_page(page, site, photo)]
    host = urlsplit(site).netloc
    assert len(shots) == CITIZEN_PAGES
    assert any(urlsplit(r.url).path == "/static/css/site.css" for r in requests)
    local = ("data", "blob")  # made in the page (a photo the form's script shrinks), never fetched
    elsewhere = sorted(
        {r.url for r in requests if urlsplit(r.url).netloc != host and urlsplit(r.url).scheme not in local}
    )
    assert not elsewhere, f"requests to other hosts: {elsewhere}"


def test_submit_page_weight(
    site: str, new_context: OpenContext, camera: Camera, capsys: pytest.CaptureFixture[str]
) -> None:
    """The submit page and everything it loads cross the network in at most 30 KB (compressed, headers included),
    and a repeat visit asks only for the page (the stylesheet, script and emblem are cached as immutable)."""
    page = new_context(**PHONE).new_page()
    sent: dict[str, int] = {}
    page.on("requestfinished", lambda request: sent.update({urlsplit(request.url).path: _transferred(request)}))
    page.goto(site + "/wasilisha", wait_until="load")
    camera.shoot(page, "submit")
    total = sum(sent.values())
    assert {"/wasilisha", "/static/css/site.css", "/static/js/fomu.js", "/static/img/nembo.svg"} <= set(sent)
    with capsys.disabled():
        print(f"\nsubmit page, cold: {total:,} bytes in {len(sent)} requests {sent}")
    assert total <= PAGE_WEIGHT_BUDGET, f"{total:,} bytes, over the {PAGE_WEIGHT_BUDGET:,} budget: {sent}"

    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    from_cache: list[str] = []
    session.on("Network.requestServedFromCache", lambda event: from_cache.append(event["requestId"]))
    page.goto(site + "/wasilisha", wait_until="load")
    over_the_network = len(asked) - len(from_cache)
    with capsys.disabled():
        print(f"submit page, warm: {over_the_network} request(s) over the network, {len(from_cache)} from the cache")
    assert over_the_network == 1, f"a repeat visit asked for {asked} ({len(from_cache)} from the cache)"


def _transferred(request: Request) -> int:
    """Bytes a finished request moved over the network: headers and (compressed) bodies, both ways."""
    sizes = request.sizes()
    return sum(
        sizes[key] for key in ("requestHeadersSize", "requestBodySize", "responseHeadersSize", "responseBodySize")
    )
