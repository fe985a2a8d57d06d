"""Small helpers: driving HTML forms through the test client, comparing photos, a free loopback port, and
production apps run in a child process."""

from __future__ import annotations

import io
import json
import os
import secrets
import socket
import struct
import subprocess
import sys
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn

import pytest
from PIL import Image


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"] or ""] = attributes.get("value") or ""


def hidden_fields(html: str | bytes) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, submission key), by name."""
    parser = _HiddenInputs()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.values


def valid_submission(**overrides: object) -> dict[str, object]:
    """A complete, valid submit form for the services of tests/world.py."""
    data: dict[str, object] = {
        "type": "complaint",
        "category": "maji-bili",
        "district": "",
        "place": "Mtaa wa Kisasa, Kata ya Nzuguni",
        "subject": "Bili ya maji si sahihi",
        "description": "Nimepokea bili ya maji ya shilingi laki mbili ingawa nyumba imefungwa mwezi mzima.",
        "identity": "named",
        "name": "Asha Juma",
        "email": "asha@example.co.tz",
        "phone": "0712 345 678",
    }
    data.update(overrides)
    return data


def post_submission(client, **overrides: object):
    """Open the submit page (for its CSRF token and submission key), then post a submission."""
    page = client.get("/wasilisha")
    fields = hidden_fields(page.data)
    data = {**fields, **valid_submission(**overrides)}
    return client.post("/wasilisha", data=data, content_type="multipart/form-data")


def log_in(client, email: str, password: str, **extra: str):
    """Log in through the real login form; returns the response to the form post."""
    page = client.get("/ingia")
    return client.post("/ingia", data={**hidden_fields(page.data), "email": email, "password": password, **extra})


def post_form(client, page_url: str, action_url: str, **data: object):
    """Open a page for its CSRF token and the ticket version, then post `data` to an action."""
    fields = hidden_fields(client.get(page_url).data)
    return client.post(
        action_url, data={"csrf_token": fields.get("csrf_token", ""), "version": fields.get("version", ""), **data}
    )


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pixels(content: bytes) -> tuple[tuple[int, int], bytes]:
    """An image's size and pixels, whatever its file carries besides (stored photos are drawn again)."""
    with Image.open(io.BytesIO(content)) as image:
        return image.size, image.convert("RGB").tobytes()


ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(message: str) -> NoReturn:
    """A service or program the test needs cannot be reached: the test skips, saying why, or fails with CI=true."""
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def production_environment(tmp_path: Path, **env: str) -> dict[str, str]:
    """The environment of a child process in the production configuration, on the SQLite file under `tmp_path`
    (every child given the same `tmp_path` shares its database), with `env` on top."""
    return {
        **os.environ,
        "WANANCHI_CONFIG": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "USSD_GATEWAY_SECRET": secrets.token_urlsafe(32),
        "SMS_GATEWAY_SECRET": secrets.token_urlsafe(32),
        "TRACKING_CODE_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wananchi.sqlite3'}",
        "FORCE_HTTPS": "0",
        "WANANCHI_INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        **env,
    }


def run_production_child(script: str, tmp_path: Path, **env: str) -> tuple[dict[str, Any], str]:
    """Run `script` in a child Python with the production configuration on a fresh SQLite file under `tmp_path`
    (and `env` on top); its last line of output, as JSON, and what it wrote to stderr."""
    child = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    return json.loads(child.stdout.strip().splitlines()[-1]), child.stderr


def world_client(app: Any) -> Any:
    """In a child process: the database of `app` migrated and holding tests/world.py, and a test client that
    speaks HTTPS with a same-site referrer, as production expects (its cookies are Secure)."""
    from flask_migrate import upgrade

    from tests.world import build_world
    from wananchi.extensions import db

    with app.app_context():
        upgrade()
        build_world()
        db.session.commit()
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/wasilisha"})
    return client


def pdf_bytes(text: str = "Barua kwa Halmashauri", **save: Any) -> bytes:
    """A valid one-page PDF document that shows `text`, written by pikepdf (with `save`'s options)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    pdf.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    pdf.pages[0].Contents = pdf.make_stream(b"BT /F1 14 Tf 72 760 Td (%s) Tj ET" % text.encode("latin-1"))
    output = io.BytesIO()
    pdf.save(output, **save)
    return output.getvalue()


def pdf_bomb(streams: int, inflated_mb: int) -> bytes:
    """A PDF of a few kilobytes per stream whose catalog points at `streams` objects, each in an object stream of
    its own that inflates to `inflated_mb` MB (all of them the same compressed bytes)."""
    compressor = zlib.compressobj(9)
    blob = b"".join(compressor.compress(b" " * 1024 * 1024) for _ in range(inflated_mb)) + compressor.flush()
    members = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(streams))
    rows = {0: (0, 0, 65535)}
    data = bytearray(b"%PDF-1.5\n")
    for number, body in ((1, b"<< /Type /Catalog /Pages 2 0 R /Bombs [%s] >>" % members),
                         (2, b"<< /Type /Pages /Kids [] /Count 0 >>")):  # fmt: skip
        rows[number] = (1, len(data), 0)
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    for index in range(streams):
        member, holder = 3 + 2 * index, 4 + 2 * index
        rows[member], rows[holder] = (2, holder, 0), (1, len(data), 0)
        data += b"%d 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % (
            holder,
            len(blob),
        )
        data += blob + b"\nendstream\nendobj\n"
    xref = 3 + 2 * streams
    rows[xref] = (1, len(data), 0)
    table = b"".join(struct.pack(">BIH", *rows.get(number, (0, 0, 0))) for number in range(xref + 1))
    data += b"%d 0 obj\n<< /Type /XRef /W [1 4 2] /Size %d /Root 1 0 R /Length %d >>\nstream\n" % (
        xref,
        xref + 1,
        len(table),
    )
    data += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % rows[xref][1]
    return bytes(data)
