"""Tickets created per second through the JSON API and through the HTML form, on the same set-up.

Run from the repository root: `.venv/bin/python benchmarks/api.py [--duration 10] [--clients 4]`.
One temporary SQLite database (migrated, demo data seeded without tickets), the application served by
Werkzeug's threaded server on loopback, rate limits off; each client thread submits valid tickets in a loop.
The form path includes the GET of the form (for the session cookie and CSRF token), as a browser does.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
# Import the application from the repository root and keep this folder (scripts, not packages) off the path.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR)]

from werkzeug.serving import make_server  # noqa: E402

from wananchi import create_app  # noqa: E402

SUBJECT = "Bili ya maji si sahihi"
DESCRIPTION = "Nimepokea bili ya maji ya shilingi laki mbili ingawa nyumba imefungwa mwezi mzima."


def _national_categories(app) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from wananchi.extensions import db
    from wananchi.institutions.models import Category

    with app.app_context():
        return list(db.session.scalars(select(Category.code).where(Category.is_local.is_(False))))


class _HiddenFields(HTMLParser):
    """Collects a page's hidden inputs (the CSRF token and the submission key)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""


def _submission(categories: list[str]) -> dict[str, str]:
    return {
        "type": "complaint",
        "category": random.choice(categories),
        "subject": SUBJECT,
        "description": DESCRIPTION,
        "identity": "named",
        "name": "Asha Juma",
        "email": "asha@example.co.tz",
    }


def _api_client(port: int, categories: list[str]) -> Callable[[], bool]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def once() -> bool:
        connection.request(
            "POST",
            "/api/v1/tickets",
            body=json.dumps(_submission(categories)),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        return response.status == 201

    return once


def _form_client(port: int, categories: list[str]) -> Callable[[], bool]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookies: dict[str, str] = {}

    def once() -> bool:
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        connection.request("GET", "/wasilisha", headers=header)
        page = connection.getresponse()
        html = page.read().decode()
        for value in page.headers.get_all("Set-Cookie") or []:
            cookies.update({k: m.value for k, m in SimpleCookie(value).items()})
        parser = _HiddenFields()
        parser.feed(html)
        body = urlencode({**parser.fields, **_submission(categories), "district": ""})
        header = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        }
        connection.request("POST", "/wasilisha", body=body, headers=header)
        response = connection.getresponse()
        response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies.update({k: m.value for k, m in SimpleCookie(value).items()})
        return response.status == 303

    return once


def _measure(make: Callable[[], Callable[[], bool]], clients: int, duration: float) -> tuple[int, int, float]:
    counts = [[0, 0] for _ in range(clients)]
    stop = time.perf_counter() + duration

    def work(index: int) -> None:
        once = make()
        while time.perf_counter() < stop:
            counts[index][0 if once() else 1] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return sum(c[0] for c in counts), sum(c[1] for c in counts), elapsed


def main() -> None:
    """Set up, measure the API and the form in turn, print tickets per second."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            "development",
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.sqlite3",
            UPLOAD_FOLDER=folder,
            RATELIMIT_ENABLED=False,
            SECRET_KEY="benchmark",
            DEBUG=False,
        )
        from flask_migrate import upgrade

        from wananchi.demo.seed import seed_demo
        from wananchi.extensions import db

        with app.app_context():
            upgrade()
            seed_demo(ticket_count=0)
            db.session.commit()
        categories = _national_categories(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        port = server.server_port
        print(f"SQLite, Werkzeug threaded server, {options.clients} clients, {options.duration:.0f} s each")
        for name, factory in (("API  POST /api/v1/tickets", _api_client), ("form GET+POST /wasilisha", _form_client)):
            ok, failed, elapsed = _measure(lambda f=factory: f(port, categories), options.clients, options.duration)
            print(f"{name}: {ok / elapsed:7.1f} tickets/s  ({ok} created, {failed} failed, {elapsed:.1f} s)")
        server.shutdown()


if __name__ == "__main__":
    main()
