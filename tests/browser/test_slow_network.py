"""A citizen on a slow phone network, at 360×740, with scripts on and off: a photo sent with a mistake is uploaded
once, a 12 MB photo is taken and stored redrawn, a council service asks for the place, and "close this ticket on
this device" ends the browser's access."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask_sqlalchemy import SQLAlchemy
from PIL import Image
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from tests.browser.conftest import Received, throttle
from tests.browser.support import SUBJECT, Camera, fill_submission, phone_photo, press_submit, read_receipt
from wananchi.tickets.models import Attachment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SCRIPTS = pytest.mark.parametrize("scripts", [True, False], ids=["scripts", "no-scripts"])
OpenContext = Callable[..., BrowserContext]


def stored_photo(app, db: SQLAlchemy) -> tuple[int, int]:
    """The size in pixels of the one photo stored."""
    db.session.expire_all()
    [attachment] = db.session.scalars(select(Attachment)).all()
    with Image.open(Path(app.config["UPLOAD_FOLDER"], attachment.stored_name)) as image:
        return image.size


@SCRIPTS
def test_a_photo_sent_with_a_mistake_is_uploaded_once(
    recorded_site: tuple[str, list[Received]],
    new_context: OpenContext,
    camera: Camera,
    tmp_path: Path,
    app,
    db: SQLAlchemy,
    scripts: bool,
) -> None:
    site, received = recorded_site
    photo = tmp_path / "IMG_20261207_0815.jpg"
    photo.write_bytes(phone_photo(2448, 3264, quality=72))  # a phone camera's 8 megapixels
    size = photo.stat().st_size
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    page.set_default_timeout(60_000)  # without scripts the photo goes whole: 15 s at 750 kbit/s
    throttle(page)
    page.goto(site + "/wasilisha")
    fill_submission(page, photo, subject="abc")  # one mistake: the subject is too short
    press_submit(page)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#kept-files")).to_contain_text(photo.name)
    expect(page.locator("#subject")).to_have_value("abc")
    camera.shoot(page, "returned-with-the-photo-kept")

    page.locator("#subject").fill(SUBJECT)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    read_receipt(page)
    camera.shoot(page, "receipt")

    posts = [request for request in received if (request.method, request.path) == ("POST", "/wasilisha")]
    assert len(posts) == 2
    first, correction = (request.length for request in posts)
    assert correction < 20_000, "the corrected form carried the photo again"
    if scripts:  # drawn again in the browser, at most 1,600 pixels long, before it was sent
        assert first < size / 2
        assert max(stored_photo(app, db)) <= 1600
    else:  # sent as it was, once
        assert size < first < size + 20_000
        assert max(stored_photo(app, db)) == 2560


@SCRIPTS
def test_a_12_megabyte_phone_photo_is_taken_and_stored_redrawn(
    site: str, new_context: OpenContext, camera: Camera, tmp_path: Path, app, db: SQLAlchemy, scripts: bool
) -> None:
    photo = tmp_path / "IMG_20261207_0900.jpg"
    noise = Image.effect_noise((4000, 3000), 90).convert("RGB")
    output = io.BytesIO()
    noise.save(output, "JPEG", quality=97)
    photo.write_bytes(output.getvalue())
    assert 11 * 1024 * 1024 < photo.stat().st_size < 15 * 1024 * 1024
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    page.goto(site + "/wasilisha")
    fill_submission(page, photo)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"), timeout=30_000)
    camera.shoot(page, "receipt")
    assert stored_photo(app, db) == ((1600, 1200) if scripts else (2560, 1920))


@SCRIPTS
def test_a_council_service_asks_for_the_place(
    site: str, new_context: OpenContext, camera: Camera, scripts: bool
) -> None:
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    throttle(page)
    page.goto(site + "/wasilisha")
    fill_submission(page, None)
    page.locator("#place").fill("")
    press_submit(page)
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Andika mtaa au kijiji, na kata, mahali lilipo tatizo.")
    camera.shoot(page, "place-needed")
    summary.get_by_role("link", name=re.compile("Andika mtaa")).click()
    expect(page.locator("#place")).to_be_focused()
    page.locator("#place").fill("Mtaa wa Kisasa, Kata ya Nzuguni")
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))


@SCRIPTS
def test_close_this_ticket_on_this_device_ends_its_access(
    site: str, new_context: OpenContext, camera: Camera, scripts: bool
) -> None:
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    throttle(page)
    page.goto(site + "/wasilisha")
    fill_submission(page, None)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    reference, _code = read_receipt(page)
    page.get_by_role("link", name="Fungua hoja yangu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hoja {reference}")
    page.get_by_role("button", name="Funga hoja hii kwenye kifaa hiki").click()
    expect(page).to_have_url(site + "/fuatilia")
    expect(page.locator("main")).to_contain_text(f"Hoja {reference} imefungwa kwenye kifaa hiki")
    camera.shoot(page, "closed")
    for address in (f"/hoja/{reference}", f"/wasilisha/{reference}/imepokelewa"):
        page.goto(site + address)
        expect(page).to_have_url(site + f"/fuatilia?ref={reference}")
    page.go_back()  # the pages seen before are not kept by the browser (no-store): they ask again, and are refused
    expect(page.locator("#tracking-code")).to_have_count(0)
    expect(page.locator("#status")).to_have_count(0)


@SCRIPTS
def test_switching_the_language_keeps_what_was_typed_and_the_photo(
    site: str, new_context: OpenContext, camera: Camera, photo: Path, scripts: bool
) -> None:
    page = new_context(**PHONE, java_script_enabled=scripts).new_page()
    page.goto(site + "/wasilisha")
    fill_submission(page, photo)
    if scripts:  # the header's link presses the form's own language button
        page.locator("header a[hreflang='en']").click()
    else:
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a ticket")
    expect(page.locator("#subject")).to_have_value(SUBJECT)
    expect(page.locator("#place")).to_have_value("Mtaa wa Kisasa, Kata ya Nzuguni")
    expect(page.locator("#kept-files")).to_contain_text(photo.name)
    expect(page.locator("#error-summary")).to_have_count(0)
    camera.shoot(page, "english")
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ticket has been received")


def test_a_photo_added_to_a_ticket_is_made_smaller_before_it_is_sent(
    recorded_site: tuple[str, list[Received]], new_context: OpenContext, camera: Camera, tmp_path: Path
) -> None:
    site, received = recorded_site
    photo = tmp_path / "mita.jpg"
    photo.write_bytes(phone_photo(2448, 3264, quality=72))
    page = new_context(**PHONE).new_page()
    throttle(page)
    page.goto(site + "/wasilisha")
    fill_submission(page, None)
    press_submit(page)
    reference, _code = read_receipt(page)
    page.get_by_role("link", name="Fungua hoja yangu").click()
    page.locator("#body").fill("Picha ya mita iliyoharibika.")
    page.locator("#attachments").set_input_files(photo)
    page.get_by_role("button", name="Tuma", exact=True).click()
    expect(page.locator("#thread ~ article")).to_contain_text("Picha ya mita iliyoharibika.")
    expect(page.locator("#thread ~ article ul.files")).to_contain_text("mita.jpg")
    camera.shoot(page, "information-added")
    [added] = [r for r in received if (r.method, r.path) == ("POST", f"/hoja/{reference}")]
    assert added.length < photo.stat().st_size / 2
