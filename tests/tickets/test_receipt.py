"""The receipt page: the citizen sees the tracking code, and can reload it in this visit, but the session cookie
(signed, not encrypted, and kept until the browser is closed) never holds the code."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from flask import Flask

from tests.helpers import post_submission
from tests.world import build_world

CODE = re.compile(r'id="tracking-code">([0-9A-Z]{5})-([0-9A-Z]{5})<')


@pytest.fixture
def world(db):
    built = build_world()
    db.session.commit()
    return built


def session_contents(app: Flask, client) -> str:  # type: ignore[no-untyped-def]
    """The decoded session cookie of `client`, as text."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return json.dumps(app.session_interface.get_signing_serializer(app).loads(cookie.value))


@pytest.mark.parametrize("identity", ["named", "anonymous"])
def test_the_session_cookie_never_holds_the_tracking_code(app, world, identity):
    citizen = app.test_client()
    submitted = post_submission(citizen, identity=identity)
    assert submitted.status_code == 303
    after_submit = session_contents(app, citizen)
    receipt = citizen.get(submitted.headers["Location"])
    assert receipt.status_code == 200
    first, second = CODE.search(receipt.get_data(as_text=True)).groups()
    for contents in (after_submit, session_contents(app, citizen)):
        assert first + second not in contents and f"{first}-{second}" not in contents


def test_the_receipt_can_be_shown_again_in_this_visit_only(app, world):
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    citizen = app.test_client()
    with time_machine.travel(start, tick=False):
        submitted = post_submission(citizen)
        shown = CODE.search(citizen.get(submitted.headers["Location"]).get_data(as_text=True)).groups()
    with time_machine.travel(start + dt.timedelta(minutes=90), tick=False):
        again = citizen.get(submitted.headers["Location"])  # a reload, or the page lost on a slow network
        assert again.status_code == 200 and CODE.search(again.get_data(as_text=True)).groups() == shown
    with time_machine.travel(start + dt.timedelta(hours=2, seconds=1), tick=False):
        later = citizen.get(submitted.headers["Location"])
        assert later.status_code == 302 and later.headers["Location"].startswith("/fuatilia")
    stranger = app.test_client()
    assert stranger.get(submitted.headers["Location"]).status_code == 302
