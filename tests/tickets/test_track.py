"""Tracking: reference and code open a ticket; wrong codes learn nothing; guessing is limited; adding information."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import hidden_fields, post_submission, valid_submission
from tests.tickets.test_submit import png_bytes
from tests.world import build_world
from wananchi.core.db import CONFLICT_ATTEMPTS
from wananchi.tickets.models import EventKind, KeptUpload, MessageKind, Ticket, TicketMessage, TicketStatus


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


@pytest.fixture
def submitted(app, world, db):
    """A submitted ticket: (reference, tracking code), made in another browser."""
    citizen = app.test_client()
    response = post_submission(citizen)
    receipt = citizen.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', receipt).group(1)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', receipt).group(1)
    return reference, code


def track(client, reference, code):
    page = client.get("/fuatilia")
    return client.post("/fuatilia", data={**hidden_fields(page.data), "reference": reference, "code": code})


def test_reference_and_code_open_the_ticket(client, submitted):
    reference, code = submitted
    response = track(client, reference, code.lower().replace("-", " "))
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert reference in html and "Imepokelewa" in html
    assert "Bili ya maji si sahihi" in html
    assert "Mamlaka ya Majisafi" in html


def test_the_ticket_page_says_when_the_institution_is_late(client, submitted, db):
    """The promise on the citizen's page: before its time, when the answer is expected; once it has passed, that the
    institution is late (not a date in the past read as a promise)."""
    reference, code = submitted
    track(client, reference, code)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    promise = re.compile(r'<p id="promise"[^>]*>([^<]+)</p>')
    assert (
        promise.search(client.get(f"/hoja/{reference}").get_data(as_text=True))
        .group(1)
        .startswith("Jibu linatarajiwa kabla ya ")
    )
    with time_machine.travel(ticket.first_response_due_at + dt.timedelta(minutes=1), tick=False):
        track(client, reference, code)  # days later: the page is opened with the code again
        late = promise.search(client.get(f"/hoja/{reference}").get_data(as_text=True)).group(1)
        assert late.startswith("Jibu lilitarajiwa kabla ya ") and late.endswith(": taasisi imechelewa.")
        ticket.holder_responded_at = ticket.first_response_due_at  # answered: the resolution is what is awaited
        db.session.commit()
        assert (
            promise.search(client.get(f"/hoja/{reference}").get_data(as_text=True))
            .group(1)
            .startswith("Hoja inatarajiwa kutatuliwa kabla ya ")
        )
    with time_machine.travel(ticket.resolution_due_at + dt.timedelta(minutes=1), tick=False):
        track(client, reference, code)
        late = promise.search(client.get(f"/hoja/{reference}").get_data(as_text=True)).group(1)
        assert late.startswith("Hoja ilitarajiwa kutatuliwa kabla ya ") and late.endswith(": taasisi imechelewa.")


def test_the_ticket_page_needs_the_code_first(client, submitted):
    reference, _code = submitted
    response = client.get(f"/hoja/{reference}")
    assert response.status_code == 302
    assert f"/fuatilia?ref={reference}" in response.headers["Location"]
    assert reference in client.get(response.headers["Location"]).get_data(as_text=True)


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)


def test_a_wrong_code_answers_exactly_like_an_unknown_reference(client, submitted):
    reference, code = submitted
    wrong_code = track(client, reference, "ABCDE-FGHJK")
    unknown = track(client, "WN-2026-999999", code)
    malformed = track(client, "siyo-namba", code)
    assert wrong_code.status_code == unknown.status_code == malformed.status_code == 422
    typed = {"WN-2026-999999": reference, "siyo-namba": reference, "ABCDE-FGHJK": code}
    bodies = set()
    for response in (wrong_code, unknown, malformed):
        body = _without_token(response.get_data(as_text=True))
        for value, replacement in typed.items():
            body = body.replace(value, replacement)
        bodies.add(body)
    assert len(bodies) == 1
    assert "Hatukupata hoja" in bodies.pop()
    assert client.get(f"/hoja/{reference}").status_code == 302


def test_guessing_is_rate_limited_per_address(client, submitted, app):
    reference, code = submitted
    app.config["TRACK_RATE_LIMIT"] = "5 per minute"
    try:
        statuses = [track(client, reference, f"AAAAA-AAAA{i}").status_code for i in range(6)]
        assert statuses[:5] == [422] * 5 and statuses[5] == 429
        assert track(client, reference, code).status_code == 429  # even the right code waits
    finally:
        app.config["TRACK_RATE_LIMIT"] = "1000 per minute"


def track_from(app, address, reference, code):
    """Track in a new browser from `address`."""
    browser = app.test_client()
    page = browser.get("/fuatilia", environ_base={"REMOTE_ADDR": address})
    data = {**hidden_fields(page.data), "reference": reference, "code": code}
    return browser.post("/fuatilia", data=data, environ_base={"REMOTE_ADDR": address})


def test_a_strangers_guesses_at_a_ticket_are_limited_and_never_lock_its_citizen_out(app, submitted):
    reference, code = submitted
    app.config["TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT"] = "3 per hour"
    try:
        guesses = [track_from(app, "10.0.0.66", reference, f"BBBBB-BBBB{i}").status_code for i in range(4)]
        assert guesses == [422, 422, 422, 429]
        assert track_from(app, "10.0.0.66", reference, code).status_code == 429  # this address waits
        assert track_from(app, "10.0.0.7", reference, code).status_code == 303  # the citizen, elsewhere, does not
        other_ticket = track_from(app, "10.0.0.66", "WN-2026-999999", "BBBBB-BBBBB")
        assert other_ticket.status_code == 422  # the limit is per ticket: the address's own limit is apart
    finally:
        app.config["TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT"] = "1000 per minute"


def test_empty_and_oversized_fields_are_explained(client, world):
    page = client.get("/fuatilia")
    response = client.post("/fuatilia", data={**hidden_fields(page.data), "reference": "", "code": "x" * 100})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#reference"' in html and 'href="#code"' in html


def test_citizen_adds_information_and_an_awaiting_ticket_goes_back_to_work(client, submitted, db):
    reference, code = submitted
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    ticket.status = TicketStatus.AWAITING_CITIZEN
    db.session.commit()
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}")
    assert "Inasubiri maelezo yako" in page.get_data(as_text=True)
    response = client.post(
        f"/hoja/{reference}",
        data={
            **hidden_fields(page.data),
            "body": "Namba ya mita ni 12345.",
            "attachments": [(io.BytesIO(png_bytes()), "mita.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.expire_all()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket.status == TicketStatus.IN_PROGRESS
    [message] = ticket.messages
    assert (message.kind, message.body) == (MessageKind.CITIZEN, "Namba ya mita ni 12345.")
    assert [a.filename for a in message.attachments] == ["mita.png"]
    assert ticket.events[-1].kind == EventKind.CITIZEN_MESSAGE
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Namba ya mita ni 12345." in html
    size = -(-message.attachments[0].size // 1024)  # whole KB, rounded up, as the description's files show theirs
    assert f'>mita.png</a> <span class="hint">({size} KB)</span>' in html


def test_adding_nothing_is_refused_with_a_message(client, submitted, db):
    reference, code = submitted
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}")
    response = client.post(f"/hoja/{reference}", data={**hidden_fields(page.data), "body": "   "})
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(TicketMessage.id)) is None


def test_a_closed_ticket_takes_no_more_information(client, submitted, db):
    reference, code = submitted
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    ticket.status = TicketStatus.CLOSED
    db.session.commit()
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}")
    assert 'name="body"' not in page.get_data(as_text=True)
    token = hidden_fields(client.get("/fuatilia").data)
    response = client.post(f"/hoja/{reference}", data={**token, "body": "Bado sijapata maji."})
    assert response.status_code == 422
    assert db.session.scalar(select(TicketMessage.id)) is None


def test_attachments_of_other_tickets_are_not_reachable(client, app, world, db):
    first = app.test_client()
    page = first.get("/wasilisha")
    data = {**hidden_fields(page.data), **valid_submission(), "attachments": [(io.BytesIO(png_bytes()), "a.png")]}
    first.post("/wasilisha", data=data, content_type="multipart/form-data")
    [ticket] = db.session.scalars(select(Ticket)).all()
    attachment_id = ticket.attachments[0].id
    assert first.get(f"/hoja/{ticket.reference}/viambatisho/{attachment_id}").status_code == 200
    assert client.get(f"/hoja/{ticket.reference}/viambatisho/{attachment_id}").status_code == 404
    assert first.get(f"/hoja/{ticket.reference}/viambatisho/{attachment_id + 999}").status_code == 404


def test_information_typed_into_an_expired_form_comes_back(client, submitted, db):
    reference, code = submitted
    track(client, reference, code)
    response = client.post(f"/hoja/{reference}", data={"csrf_token": "old", "body": "Mita iko nje ya nyumba."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "imepitwa na muda" in html and "Mita iko nje ya nyumba." in html
    retry = client.post(f"/hoja/{reference}", data={**hidden_fields(html), "body": "Mita iko nje ya nyumba."})
    assert retry.status_code == 303
    assert db.session.scalar(select(TicketMessage.body)) == "Mita iko nje ya nyumba."


def test_an_opened_ticket_stays_open_across_a_session_key_rotation_through_the_fallback(app, client, submitted):
    reference, code = submitted
    other = app.test_client()
    for browser in (client, other):
        track(browser, reference, code)
        assert browser.get(f"/hoja/{reference}").status_code == 200
    old_key = app.secret_key
    try:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "a-new-session-key-for-this-test-only", [old_key]
        assert client.get(f"/hoja/{reference}").status_code == 200  # opened with the old key, signed again with the new
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert client.get(f"/hoja/{reference}").status_code == 200
        assert other.get(f"/hoja/{reference}").status_code == 302  # its cookie still carries the retired key
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old_key, []


def add_information(client, reference, body, **environ):
    page = client.get(f"/hoja/{reference}", environ_base=environ)
    return client.post(f"/hoja/{reference}", data={**hidden_fields(page.data), "body": body}, environ_base=environ)


def test_adding_information_is_limited_per_address_and_the_typed_text_comes_back(client, submitted, app, db):
    reference, code = submitted
    track(client, reference, code)
    app.config["ADD_INFORMATION_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [add_information(client, reference, f"Taarifa namba {i}.").status_code for i in range(2)]
        limited = add_information(client, reference, "Mita imeibiwa usiku.")
    finally:
        app.config["ADD_INFORMATION_RATE_LIMIT"] = "1000 per minute"
    html = limited.get_data(as_text=True)
    assert statuses == [303, 303] and limited.status_code == 429
    assert "Taarifa za ziada zimeongezwa kwenye hoja hii mara nyingi kwa muda mfupi" in html
    assert "Mita imeibiwa usiku." in html and 'name="body"' in html
    assert db.session.scalars(select(TicketMessage.body).order_by(TicketMessage.id)).all() == [
        "Taarifa namba 0.",
        "Taarifa namba 1.",
    ]


def test_adding_information_to_one_ticket_is_limited_across_addresses_and_with_the_api(app, submitted, db):
    reference, code = submitted
    app.config["ADD_INFORMATION_PER_TICKET_LIMIT"] = "2 per hour"
    try:
        browsers = []
        for i in range(2):
            browser, address = app.test_client(), {"REMOTE_ADDR": f"10.0.1.{i + 1}"}
            page = browser.get("/fuatilia", environ_base=address)
            form = {**hidden_fields(page.data), "reference": reference, "code": code}
            browser.post("/fuatilia", data=form, environ_base=address)
            browsers.append((browser, address))
        web = add_information(browsers[0][0], reference, "Kutoka simu.", **browsers[0][1])
        api = app.test_client().post(
            "/api/v1/tickets/information",
            json={"reference": reference, "code": code, "body": "Kutoka mfumo mwingine."},
            environ_base={"REMOTE_ADDR": "10.0.1.9"},
        )
        limited = add_information(browsers[1][0], reference, "Kutoka simu nyingine.", **browsers[1][1])
    finally:
        app.config["ADD_INFORMATION_PER_TICKET_LIMIT"] = "1000 per minute"
    assert (web.status_code, api.status_code, limited.status_code) == (303, 201, 429)
    assert "Kutoka simu nyingine." in limited.get_data(as_text=True)
    assert len(db.session.scalars(select(TicketMessage.id)).all()) == 2


@pytest.fixture
def changed_at_every_try(app, db, backend):
    """Another writer changes the ticket after each try read it, before that try writes anything."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL: the citizen's change holds the ticket's row, so another writer waits for it")
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def change_first(session, _context, _instances):  # type: ignore[no-untyped-def]
        if "changed" not in session.info and any(isinstance(instance, Ticket) for instance in session.dirty):
            session.info["changed"] = True  # once per try: its own writes then hold SQLite's lock
            with other.begin() as connection:
                connection.execute(sa.update(Ticket).values(version=Ticket.version + 1))

    def next_try(session):  # type: ignore[no-untyped-def]
        session.info.pop("changed", None)

    sa.event.listen(Session, "before_flush", change_first)
    sa.event.listen(Session, "after_rollback", next_try)
    yield
    sa.event.remove(Session, "after_rollback", next_try)
    sa.event.remove(Session, "before_flush", change_first)
    other.dispose()


def test_information_the_ticket_kept_refusing_is_given_back_in_its_form(
    app, client, submitted, db, changed_at_every_try
):
    reference, code = submitted
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}")
    version = db.session.scalar(select(Ticket.version).where(Ticket.reference == reference))
    data = {
        **hidden_fields(page.data),
        "body": "Mita iko nje ya nyumba.",
        "attachments": [(io.BytesIO(png_bytes()), "mita.png")],
    }
    response = client.post(f"/hoja/{reference}", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "taarifa zako za ziada hazikuongezwa" in html and "Mita iko nje ya nyumba.</textarea>" in html
    db.session.expire_all()
    assert db.session.scalar(select(Ticket.version).where(Ticket.reference == reference)) == version + CONFLICT_ATTEMPTS
    assert db.session.scalar(select(TicketMessage.id)) is None
    # The photo stays kept for this browser and listed on the returned form: sent again without uploading it.
    [kept] = db.session.scalars(select(KeptUpload)).all()
    assert [path.name for path in Path(app.config["UPLOAD_FOLDER"]).iterdir()] == [kept.stored_name]
    assert "mita.png" in html and f'name="kept" value="{kept.token}"' in html
    api = client.post("/api/v1/tickets/information", json={"reference": reference, "code": code, "body": "Mita."})
    assert api.status_code == 409 and api.json["code"] == "conflict" and "hazikuongezwa" in api.json["message"]
