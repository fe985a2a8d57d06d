"""Concurrency over real HTTP: submissions get distinct references and one ticket each; what citizens add, rate or
appeal at the same moment as others act on the ticket is stored, or given back in its form, never lost to an error."""

from __future__ import annotations

import functools
import http.cookiejar
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from tests.helpers import hidden_fields, valid_submission
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.core.db import utcnow
from wananchi.tickets.models import EventKind, MessageKind, Ticket, TicketStatus
from wananchi.tickets.services import submit_ticket


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
        status, location, _page = self.post_page(path, data)
        return status, location

    def post_page(self, path: str, data: dict) -> tuple[int, str, str]:
        """Post a form: the status, the redirect's target and the page answered."""
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()


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


def test_numbers_are_still_drawn_after_the_database_dropped_the_connections(client, world, db, backend):
    if backend != "postgresql":
        pytest.skip("a server-side disconnect is a PostgreSQL matter; SQLite has no server")
    first = client.post("/wasilisha", data={**hidden_fields(client.get("/wasilisha").data), **valid_submission()})
    others = text(  # every connection to this database but the test's own, the pooled one the first number came from
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    assert db.session.execute(others).all()
    db.session.commit()
    another = valid_submission(subject="Bili ya pili si sahihi")  # the same text again would repeat the first
    second = client.post("/wasilisha", data={**hidden_fields(client.get("/wasilisha").data), **another})
    assert first.status_code == second.status_code == 303
    references = sorted(db.session.scalars(select(Ticket.reference)))
    assert [reference.rsplit("-", 1)[1] for reference in references] == ["000001", "000002"]


def test_a_number_is_drawn_with_its_ticket_and_given_again_if_the_ticket_is_not_stored(app, world, db):
    """The counter moves in the submission's own transaction: a submission rolled back (a fault after its number was
    drawn) leaves its number to the next one."""
    with app.test_request_context():
        submit_ticket(complaint(world, subject="Haikuhifadhiwa"))
        db.session.rollback()
        stored = submit_ticket(complaint(world, subject="Imehifadhiwa")).ticket
        db.session.commit()
    assert stored.reference.endswith("-000001")
    assert db.session.scalars(select(Ticket.subject)).all() == ["Imehifadhiwa"]


# --- a citizen's information, rating and appeal at the same moment as others act on the ticket -------------------

SAME_MOMENT = 24


@pytest.fixture
def staff(world, db):
    staff = build_staff(world)
    db.session.commit()
    return staff


def submitted(live_server: str) -> tuple[str, str]:
    """A complaint to the agency submitted over HTTP: its reference and tracking code."""
    citizen = Browser(live_server)
    status, location = citizen.post("/wasilisha", {**hidden_fields(citizen.get("/wasilisha")), **valid_submission()})
    assert status == 303
    receipt = citizen.get(location.removeprefix(live_server))
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', receipt).group(1)
    return reference, re.search(r'id="tracking-code">([0-9A-Z-]+)<', receipt).group(1)


def citizen_browsers(live_server: str, reference: str, code: str, count: int) -> list[tuple[Browser, dict]]:
    """`count` browsers that opened the ticket with its code, each with its page's hidden fields."""
    opened = []
    for _index in range(count):
        browser = Browser(live_server)
        data = {**hidden_fields(browser.get("/fuatilia")), "reference": reference, "code": code}
        assert browser.post("/fuatilia", data)[0] == 303
        opened.append((browser, hidden_fields(browser.get(f"/hoja/{reference}"))))
    return opened


def at_once(posts: list) -> list[tuple[int, str, str]]:  # type: ignore[type-arg]
    """Run every post at the same moment; their answers, in order."""
    start = threading.Barrier(len(posts))

    def run(post):  # type: ignore[no-untyped-def]
        start.wait(timeout=60)
        return post()

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(run, posts))


def change_ticket(db, reference: str, **values: object) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    for name, value in values.items():
        setattr(ticket, name, value)
    db.session.commit()
    return ticket


def test_information_sent_at_the_same_moment_is_all_stored_or_given_back(live_server, staff, db):
    reference, code = submitted(live_server)
    change_ticket(db, reference, status=TicketStatus.AWAITING_CITIZEN)
    citizens = citizen_browsers(live_server, reference, code, SAME_MOMENT)
    officer = Browser(live_server)
    login = {**hidden_fields(officer.get("/ingia")), "email": staff.officer_a.email, "password": PASSWORD}
    assert officer.post("/ingia", login)[0] == 303
    seen = hidden_fields(officer.get(f"/afisa/hoja/{reference}"))  # a reply written on the version seen now
    texts = [f"Namba ya mita ni {10000 + index}." for index in range(SAME_MOMENT)]
    posts = [
        functools.partial(browser.post_page, f"/hoja/{reference}", {**fields, "body": text})
        for (browser, fields), text in zip(citizens, texts, strict=True)
    ]
    reply = {"csrf_token": seen["csrf_token"], "version": seen["version"], "body": "Tumepokea, tunashughulikia."}
    posts.append(functools.partial(officer.post_page, f"/afisa/hoja/{reference}/reply", reply))
    answers = at_once(posts)

    assert [status for status, _location, _page in answers if status >= 500] == []
    *added, (officer_status, _location, _page) = answers
    assert officer_status in (303, 409)  # an officer's action on an older version is refused, with its text kept
    given_back = [typed for typed, (status, _location, _page) in zip(texts, added, strict=True) if status != 303]
    for typed, (status, _location, page) in zip(texts, added, strict=True):
        assert status in (303, 409), (status, page[:500])
        if status == 409:
            assert f"{typed}</textarea>" in page and "hazikuongezwa" in page
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    stored = [m.body for m in ticket.messages if m.kind == MessageKind.CITIZEN]
    assert sorted(stored) == sorted(set(texts) - set(given_back))
    assert len(stored) >= SAME_MOMENT // 2, f"only {len(stored)} of {SAME_MOMENT} stored: retrying does not help"
    assert ticket.status in (TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)


def test_ratings_and_appeals_sent_at_the_same_moment_count_once(live_server, staff, db):
    reference, code = submitted(live_server)
    now = utcnow()
    change_ticket(db, reference, status=TicketStatus.RESOLVED, resolved_at=now, resolution_summary="Imerekebishwa.")
    citizens = citizen_browsers(live_server, reference, code, SAME_MOMENT)
    ratings = at_once(
        [
            functools.partial(browser.post_page, f"/hoja/{reference}/kiwango", {**fields, "rating": str(1 + i % 2)})
            for i, (browser, fields) in enumerate(citizens)
        ]
    )
    assert [status for status, _location, _page in ratings if status >= 500] == []
    assert sorted({status for status, _location, _page in ratings}) in ([303], [303, 409], [303, 422], [303, 409, 422])
    assert sum(status == 303 for status, _location, _page in ratings) >= 1
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket.satisfaction_rating in (1, 2)
    assert [e.kind for e in ticket.events].count(EventKind.RATED) == 1

    reasons = [f"Bili bado si sahihi, sababu {index}." for index in range(SAME_MOMENT)]
    pages = [hidden_fields(browser.get(f"/hoja/{reference}")) for browser, _fields in citizens]
    appeals = at_once(
        [
            functools.partial(browser.post_page, f"/hoja/{reference}/rufaa", {**fields, "reason": reason})
            for (browser, _fields), fields, reason in zip(citizens, pages, reasons, strict=True)
        ]
    )
    assert [status for status, _location, _page in appeals if status >= 500] == []
    for reason, (status, _location, page) in zip(reasons, appeals, strict=True):
        assert status in (303, 409, 422), (status, page[:500])
        if status == 409:
            assert f"{reason}</textarea>" in page
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket.status == TicketStatus.REOPENED
    assert [e.kind for e in ticket.events].count(EventKind.APPEALED) == 1
    [appeal] = [m.body for m in ticket.messages if m.kind == MessageKind.CITIZEN]
    assert appeal in reasons and appeals[reasons.index(appeal)][0] == 303


def test_information_sent_through_the_api_at_the_same_moment_is_stored_or_refused_with_409(live_server, world, db):
    reference, code = submitted(live_server)
    change_ticket(db, reference, status=TicketStatus.AWAITING_CITIZEN)
    texts = [f"Namba ya mita ni {20000 + index}." for index in range(SAME_MOMENT)]

    def add(text: str) -> tuple[int, dict]:  # type: ignore[type-arg]
        body = json.dumps({"reference": reference, "code": code, "body": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the live server
            live_server + "/api/v1/tickets/information", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - the live server
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    answers = at_once([functools.partial(add, text) for text in texts])
    assert {status for status, _body in answers} <= {201, 409}, answers
    for status, body in answers:
        if status == 409:
            assert body["code"] == "conflict" and "hazikuongezwa" in body["message"]
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    stored = sorted(m.body for m in ticket.messages if m.kind == MessageKind.CITIZEN)
    assert stored == sorted(text for text, (status, _body) in zip(texts, answers, strict=True) if status == 201)
    assert len(stored) >= SAME_MOMENT // 2
