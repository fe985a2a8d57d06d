"""A telephone complaint in a real browser: an officer records it for the caller, the caller's SMS receipt carries
the reference number and the tracking code, and they open the ticket on the web."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import BrowserContext, expect

from tests.browser.support import Camera
from tests.notifications.conftest import sms_gateway  # noqa: F401 - the outbound SMS gateway on loopback
from tests.world import PASSWORD, World, build_staff
from wananchi.notifications.outbox import sweep

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALLER = "+255754111222"
CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


def test_an_officer_records_a_telephone_complaint_and_the_caller_tracks_it(
    site: str,
    world: World,
    db: SQLAlchemy,
    new_context: Callable[..., BrowserContext],
    camera: Camera,
    sms_gateway,  # noqa: F811
) -> None:
    staff = build_staff(world)
    db.session.commit()
    officer = new_context().new_page()
    officer.goto(site + "/ingia")
    officer.locator("#email").fill(staff.officer_a.email)
    officer.locator("#password").fill(PASSWORD)
    officer.get_by_role("main").get_by_role("button", name="Ingia").click()
    officer.get_by_role("link", name="Sajili hoja").click()
    officer.locator("#channel").select_option("telephone")
    officer.get_by_label("Lalamiko").check()
    officer.locator("#category").select_option("maji-bili")
    officer.locator("#subject").fill("Bili ya maji imezidi")
    officer.locator("#description").fill("Mpigaji anasema bili ya mwezi huu ni mara tatu ya kawaida.")
    officer.locator("input[name=identity][value=contact_hidden]").check()
    officer.locator("#phone").fill("0754 111 222")
    officer.locator("#identity_consent").check()
    camera.shoot(officer, "record-form")
    officer.get_by_role("button", name="Sajili hoja").click()
    reference = officer.locator("#reference").inner_text().strip()
    expect(officer.locator("main")).to_contain_text("Hoja imesajiliwa")
    camera.shoot(officer, "recorded")
    sweep()
    [receipt] = [sms["message"] for sms in sms_gateway.received if sms["to"] == CALLER]
    assert reference in receipt
    code = CODE.search(receipt).group(0)
    caller = new_context().new_page()
    caller.goto(site + "/fuatilia")
    caller.locator("#reference").fill(reference)
    caller.locator("#code").fill(code)
    caller.locator("main form button[type='submit']").click()
    expect(caller.locator("h1")).to_contain_text(reference)
    camera.shoot(caller, "caller-tracks")
