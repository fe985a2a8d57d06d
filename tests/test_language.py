"""Swahili first whatever the browser asks; English one click away and remembered."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from wananchi.core.templating import local_datetime


@pytest.mark.parametrize("accept", [None, "en-US,en;q=0.9", "sw-TZ,en;q=0.5", "fr-FR", "*"])
def test_every_page_opens_in_swahili(client, accept):
    headers = {"Accept-Language": accept} if accept else {}
    for path in ("/", "/wasilisha", "/fuatilia", "/haipo"):
        html = client.get(path, headers=headers).get_data(as_text=True)
        assert '<html lang="sw">' in html, path
        assert "Mwanzo" in html


def test_switching_to_english_is_remembered_and_switching_back_works(client):
    response = client.get("/lugha/en?next=/fuatilia")
    assert response.status_code == 302 and response.headers["Location"] == "/fuatilia"
    cookie = response.headers["Set-Cookie"]
    assert "lugha=en" in cookie and "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    html = client.get("/fuatilia").get_data(as_text=True)
    assert '<html lang="en">' in html and "Track a ticket" in html
    assert 'href="/lugha/sw?next=/fuatilia"' in html and ">Kiswahili<" in html
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    client.get("/lugha/sw?next=/")
    assert '<html lang="sw">' in client.get("/").get_data(as_text=True)


def test_the_switch_is_on_every_page_and_returns_to_it(client):
    for path in ("/", "/wasilisha", "/fuatilia", "/fuatilia?ref=WN-2026-000001"):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/lugha/en?next=' in html, path


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "fuatilia"])
def test_the_switch_never_redirects_to_another_site(client, target):
    response = client.get("/lugha/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_ignored(client):
    response = client.get("/lugha/fr?next=/")
    assert "Set-Cookie" not in response.headers or "lugha=" not in response.headers["Set-Cookie"]
    client.set_cookie("lugha", "fr")
    assert '<html lang="sw">' in client.get("/").get_data(as_text=True)


def test_dates_are_written_in_the_language_and_dar_es_salaam_time(app):
    instant = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)
    with app.test_request_context():
        with force_locale("sw"):
            assert local_datetime(instant) == "2 Machi 2026, 09:30"
        with force_locale("en"):
            assert local_datetime(instant) == "2 March 2026, 09:30"
