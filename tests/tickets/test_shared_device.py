"""A shared phone stays private: a ticket opened in a browser stays open only for that browser session (the session
cookie is never permanent), every citizen ticket page and receipt can close the ticket on this device, and the
receipt of an anonymous ticket says that a lost code can never be replaced."""

from __future__ import annotations

import re

import pytest

from tests.helpers import hidden_fields, post_submission
from tests.world import build_world

REFERENCE = re.compile(r'id="reference">(WN-[0-9-]+)<')
CODE = re.compile(r'id="tracking-code">([0-9A-Z-]+)<')


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def submit(client, **overrides):
    """Submit a ticket in `client`'s browser; its reference, tracking code and receipt page."""
    response = post_submission(client, **overrides)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    return REFERENCE.search(receipt).group(1), CODE.search(receipt).group(1), receipt


def track(client, reference, code):
    page = client.get("/fuatilia")
    return client.post("/fuatilia", data={**hidden_fields(page.data), "reference": reference, "code": code})


def test_the_session_cookie_lasts_only_while_the_browser_is_open(client, world):
    submitted = post_submission(client)
    cookie = submitted.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "HttpOnly" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # a browser session's cookie, not 31 days'


def test_close_this_ticket_on_this_device_ends_the_access_of_this_browser_only(client, world, app):
    reference, code, receipt = submit(client)
    other, other_code, _receipt = submit(client, subject="Mita ya maji imeharibika")
    assert "Funga hoja hii kwenye kifaa hiki" in receipt
    page = client.get(f"/hoja/{reference}").get_data(as_text=True)
    assert "Funga hoja hii kwenye kifaa hiki" in page and f'action="/hoja/{reference}/funga-kifaa"' in page

    closed = client.post(f"/hoja/{reference}/funga-kifaa", data={"csrf_token": hidden_fields(page)["csrf_token"]})
    assert closed.status_code == 303 and closed.headers["Location"] == "/fuatilia"
    notice = client.get("/fuatilia").get_data(as_text=True)
    assert f"Hoja {reference} imefungwa kwenye kifaa hiki" in notice
    for address in (f"/hoja/{reference}", f"/wasilisha/{reference}/imepokelewa"):
        gone = client.get(address)
        assert gone.status_code == 302 and gone.headers["Location"].startswith("/fuatilia?ref=")
    assert client.get(f"/hoja/{other}").status_code == 200  # the other ticket opened here stays open

    elsewhere = app.test_client()
    assert track(elsewhere, other, other_code).status_code == 303  # nothing changed for other browsers
    assert elsewhere.get(f"/hoja/{other}").status_code == 200
    assert track(client, reference, code).status_code == 303  # the code opens it here again
    assert client.get(f"/hoja/{reference}").status_code == 200


def test_closing_on_the_device_needs_the_forms_security_token(client, world):
    reference, _code, _receipt = submit(client)
    refused = client.post(f"/hoja/{reference}/funga-kifaa", data={})
    assert refused.status_code == 400
    assert client.get(f"/hoja/{reference}").status_code == 200
    unknown = client.post(
        "/hoja/WN-2026-999999/funga-kifaa", data={"csrf_token": hidden_fields(_receipt)["csrf_token"]}
    )
    assert unknown.status_code == 303


def test_an_anonymous_receipt_says_a_lost_code_can_never_be_replaced(client, world):
    _reference, _code, anonymous = submit(client, identity="anonymous")
    assert 'id="code-cannot-be-replaced"' in anonymous
    assert "Ukipoteza msimbo wa ufuatiliaji, hautaweza kubadilishwa kamwe" in anonymous
    _reference, _code, named = submit(client, subject="Mita ya maji imeharibika")
    assert 'id="code-cannot-be-replaced"' not in named
