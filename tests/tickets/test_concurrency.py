"""Concurrent submissions over real HTTP: distinct references, no errors, one ticket per submission."""

from __future__ import annotations

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world
from wananchi.tickets.models import Ticket
from wananchi.tickets.references import COUNTER_ENGINE


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    """A minimal browser: a cookie jar, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def test_fifty_concurrent_submissions_get_fifty_distinct_references(live_server, world, db):
    browsers = [Browser(live_server) for _ in range(50)]
    forms = [hidden_fields(b.get("/wasilisha")) for b in browsers]
    start = threading.Barrier(50)

    def submit(index: int) -> tuple[int, str]:
        data = {**forms[index], **valid_submission(subject=f"Hoja ya wakati mmoja {index}")}
        start.wait(timeout=30)
        return browsers[index].post("/wasilisha", data)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(submit, range(50)))

    assert [status for status, _ in results] == [303] * 50
    locations = {location for _, location in results}
    assert len(locations) == 50
    references = list(db.session.scalars(select(Ticket.reference)))
    assert len(references) == len(set(references)) == 50
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, 51))


def test_the_same_form_sent_many_times_at_once_creates_one_ticket(live_server, world, db):
    browser = Browser(live_server)
    data = {**hidden_fields(browser.get("/wasilisha")), **valid_submission()}
    start = threading.Barrier(10)

    def submit(_index: int) -> tuple[int, str]:
        start.wait(timeout=30)
        return browser.post("/wasilisha", data)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(submit, range(10)))

    assert {status for status, _ in results} == {303}
    assert len({location for _, location in results}) == 1
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_numbers_are_still_drawn_after_the_database_dropped_the_counter_connection(client, world, db, backend):
    if backend != "postgresql":
        pytest.skip("a server-side disconnect is a PostgreSQL matter; SQLite has no server")
    first = client.post("/wasilisha", data={**hidden_fields(client.get("/wasilisha").data), **valid_submission()})
    counter_pool = client.application.extensions[COUNTER_ENGINE]
    with counter_pool.connect() as connection:  # the pooled connection the first number came from
        backend_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend_pid})
    db.session.commit()
    second = client.post("/wasilisha", data={**hidden_fields(client.get("/wasilisha").data), **valid_submission()})
    assert first.status_code == second.status_code == 303
    references = sorted(db.session.scalars(select(Ticket.reference)))
    assert [reference.rsplit("-", 1)[1] for reference in references] == ["000001", "000002"]


def test_numbers_are_drawn_without_waiting_for_a_disk_flush_and_tickets_are_stored_with_one(client, world, db, backend):
    if backend != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    response = client.post("/wasilisha", data={**hidden_fields(client.get("/wasilisha").data), **valid_submission()})
    assert response.status_code == 303
    with client.application.extensions[COUNTER_ENGINE].connect() as connection:
        assert connection.execute(text("SHOW synchronous_commit")).scalar_one() == "off"
    assert db.session.execute(text("SHOW synchronous_commit")).scalar_one() == "on"
