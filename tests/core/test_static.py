"""Fast on a slow network: responses are compressed (brotli where the browser asks, gzip otherwise), static files
are addressed by their content and cached for a year, and a printed receipt shows its numbers large."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from tests.world import build_world
from wananchi.core.static import file_versions

STATIC = Path(__file__).resolve().parents[2] / "static"
STATIC_LINK = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]{12})"')


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def test_pages_are_compressed_with_brotli_or_gzip_as_the_browser_asks(client, world):
    plain = client.get("/wasilisha", headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    html = plain.get_data()
    for asked, encoding, decompress in (
        ("gzip, deflate, br, zstd", "br", brotli.decompress),  # a browser over HTTPS
        ("gzip, deflate", "gzip", gzip.decompress),  # an older one, or over plain HTTP
    ):
        response = client.get("/wasilisha", headers={"Accept-Encoding": asked})
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        body = decompress(response.get_data())
        # The same page but its per-request values (CSRF token, submission key), several times smaller.
        hidden = re.compile(rb'(name="(?:csrf_token|submission_key)"[^>]*value=")[^"]*"')
        assert hidden.sub(rb"\1", body) == hidden.sub(rb"\1", html)
        assert len(response.get_data()) * 3 < len(html)


def test_the_stylesheet_and_script_are_compressed_too(client, world):
    page = client.get("/wasilisha").get_data(as_text=True)
    for path, version in STATIC_LINK.findall(page):
        response = client.get(f"{path}?v={version}", headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == (STATIC / path.removeprefix("/static/")).read_bytes()


def test_static_files_are_addressed_by_their_content_and_cached_for_a_year(client, world):
    page = client.get("/wasilisha").get_data(as_text=True)
    links = dict(STATIC_LINK.findall(page))
    assert {"/static/css/site.css", "/static/js/fomu.js"} <= set(links)
    versions = file_versions(STATIC)
    for path, version in links.items():
        assert versions[path.removeprefix("/static/")] == version
        cached = client.get(f"{path}?v={version}")
        assert cached.status_code == 200
        assert set(cached.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    # An address without the current version (an old page, typed by hand) is asked for again each time.
    for stale in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_address(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "site.css"
    sheet.write_text("body{color:#000}")
    first = file_versions(tmp_path)["css/site.css"]
    sheet.write_text("body{color:#111}")
    assert file_versions(tmp_path)["css/site.css"] != first and len(first) == 12


def test_a_printed_receipt_shows_its_numbers_large_and_no_navigation():
    sheet = (STATIC / "css" / "site.css").read_text()
    printed = sheet[sheet.index("@media print{") :]
    assert re.search(r"#reference,#tracking-code\{font-size:3\dpt", printed)
    hidden = re.search(r"\n([^{\n]*)\{display:none\}", printed).group(1).split(",")
    assert {".top .menu", ".top .lang", ".foot", "form"} <= set(hidden)
