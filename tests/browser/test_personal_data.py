"""A citizen, in Swahili, downloads everything held about their ticket (the printable page and the JSON file) and
asks for their personal data to be erased, from the tracking page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect
from sqlalchemy import select

from tests.browser.support import Camera, fill_submission, press_submit, read_receipt
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OpenContext = Callable[..., BrowserContext]


def test_a_citizen_downloads_their_data_and_asks_for_erasure_in_swahili(
    site: str, new_context: OpenContext, camera: Camera, photo: Path, db, tmp_path: Path
) -> None:
    page = new_context(accept_downloads=True).new_page()
    page.goto(site + "/wasilisha")
    fill_submission(page, photo)
    press_submit(page)
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    reference, code = read_receipt(page)

    page.goto(site + "/fuatilia")
    page.locator("#reference").fill(reference)
    page.locator("#code").fill(code)
    press_submit(page)
    expect(page).to_have_url(re.compile(rf"/hoja/{reference}$"))
    expect(page.locator("html")).to_have_attribute("lang", "sw")
    expect(page.locator("#personal-data")).to_have_text("Taarifa zako binafsi")

    # Everything held, as a page to print (in Swahili, then in English when the citizen switches) and as a file.
    page.locator("#my-data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Taarifa zinazohifadhiwa kuhusu hoja {reference}")
    expect(page.locator("#contact")).to_contain_text("Asha Juma")
    expect(page.locator("#contact")).to_contain_text("+255712345678")
    expect(page.locator("#attachments")).to_contain_text("image/png")
    camera.shoot(page, "my-data-sw")
    with page.expect_download() as download_info:
        page.locator("#download-json").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["reference"] == reference and data["name"] == "Asha Juma" and data["phone"] == "+255712345678"
    assert data["labels"]["sw"]["type"] == "Lalamiko" and data["labels"]["en"]["type"] == "Complaint"
    page.locator("header a[hreflang='en']").click()  # the header's switch, as on every page
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Data held about ticket {reference}")
    camera.shoot(page, "my-data-en")
    page.locator("header a[hreflang='sw']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Taarifa zinazohifadhiwa kuhusu hoja {reference}")

    # Erasure, asked in Swahili.
    page.goto(site + f"/hoja/{reference}")
    page.locator("#my-rights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Taarifa zako binafsi")
    page.locator("#erasure-reason").fill("Nimehamia mkoa mwingine.")
    page.locator("#ask-erasure").click()
    expect(page.locator("p.notice").first).to_contain_text("Ombi lako limepokelewa")
    expect(page.locator("#requests")).to_be_visible()
    expect(page.locator("ul.history")).to_contain_text("Linasubiri uamuzi wa msimamizi")
    camera.shoot(page, "erasure-asked")

    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.status, request.reason) == (
        RequestKind.ERASURE,
        RequestStatus.PENDING,
        "Nimehamia mkoa mwingine.",
    )
