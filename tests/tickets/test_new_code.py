"""A citizen who lost the tracking code gets a new one at the contact given with the ticket; nobody else can."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.helpers import hidden_fields, post_submission
from tests.notifications.conftest import SmtpServer, sms_gateway, smtp_server  # noqa: F401  (the real peers)
from tests.notifications.test_delivery import assert_no_code_stored
from tests.world import build_world
from wananchi.core.tasks import huey
from wananchi.notifications.deferred import render_when_sent
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.notifications.outbox import sweep
from wananchi.tickets.models import EventKind, Ticket
from wananchi.tickets.references import format_tracking_code
from wananchi.tickets.services import current_tracking_code, find_tracked_ticket, reissue_tracking_code

SENT = "tumetuma huko msimbo mpya wa ufuatiliaji"


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def submit(app, **overrides: object) -> tuple[str, str]:
    """A ticket submitted in another browser: (reference, tracking code); asha@example.co.tz, 0712 345 678."""
    citizen = app.test_client()
    receipt = citizen.get(post_submission(citizen, **overrides).headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', receipt).group(1)
    return reference, re.search(r'id="tracking-code">([0-9A-Z-]+)<', receipt).group(1)


def ask(client, reference: str, contact: str):
    page = client.get(f"/fuatilia/msimbo-mpya?ref={reference}")
    assert f'value="{reference}"' in page.get_data(as_text=True)  # filled in from the tracking page's link
    return client.post(
        "/fuatilia/msimbo-mpya", data={**hidden_fields(page.data), "reference": reference, "contact": contact}
    )


def messages(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "tracking_code")))


def test_a_new_code_reaches_the_email_given_and_the_old_one_stops_working(app, client, world, db, smtp_server):  # noqa: F811
    reference, old_code = submit(app)
    version = db.session.scalar(select(Ticket.version).where(Ticket.reference == reference))
    response = ask(client, reference, " ASHA@Example.co.tz ")
    assert response.status_code == 200 and SENT in response.get_data(as_text=True)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    new_code = format_tracking_code(current_tracking_code(ticket))
    assert new_code != old_code and ticket.tracking_code_version == 1
    assert find_tracked_ticket(reference, old_code) is None
    assert find_tracked_ticket(reference, new_code) == ticket
    assert ticket.version == version  # an officer working on the ticket is not told it changed
    assert [(e.kind, e.actor, e.data) for e in ticket.events][-1] == (
        EventKind.TRACKING_CODE_REISSUED,
        "mwananchi",
        {"channel": "email"},
    )
    assert [(m.channel, m.recipient) for m in messages(db)] == [(Channel.EMAIL, "asha@example.co.tz")]
    sweep()
    [mail] = smtp_server.mailbox.to("asha@example.co.tz")[-1:]
    assert mail["Subject"] == f"Msimbo mpya wa ufuatiliaji wa hoja yako {reference}"
    text = mail.get_body(("plain",)).get_content()
    assert new_code in text and old_code not in text and f"/fuatilia?ref={reference}" in text
    assert new_code in mail.get_body(("html",)).get_content()


def test_a_phone_number_written_another_way_gets_the_code_by_sms_only(app, client, world, db):
    reference, _code = submit(app)
    assert SENT in ask(client, reference, "+255 712 345 678").get_data(as_text=True)
    [message] = messages(db)
    assert (message.channel, message.recipient, message.body_text) == (Channel.SMS, "+255712345678", "")
    sms = render_when_sent(message).text  # what the worker sends: the code is never stored
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    code = format_tracking_code(current_tracking_code(ticket))
    assert sms.startswith(f"Hoja {reference}: msimbo mpya wa ufuatiliaji ni {code}.")
    assert len(sms) <= 160


def test_no_tracking_code_is_stored_in_the_outbox(app, client, world, db, smtp_server, sms_gateway):  # noqa: F811
    reference, first_code = submit(app)
    sweep()
    ask(client, reference, "0712 345 678")
    sweep()
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    new_code = format_tracking_code(current_tracking_code(ticket))
    texts = [sms["message"] for sms in sms_gateway.received]
    assert len(texts) == 2 and first_code in texts[0] and new_code in texts[1]  # both were sent
    db.session.expire_all()
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert {(row.event, row.status) for row in rows} == {("receipt", "sent"), ("tracking_code", "sent")}
    assert all((row.subject, row.body_text, row.body_html) == ("", "", None) for row in rows)
    assert_no_code_stored(db, first_code, new_code)


@pytest.mark.parametrize(
    ("case", "contact"),
    [("wrong contact", "mtu@mwingine.go.tz"), ("unknown ticket", "asha@example.co.tz"), ("anonymous", "")],
)
def test_anyone_else_gets_the_same_answer_and_nothing_changes(app, client, world, db, case, contact):
    reference, code = submit(app, **({"identity": "anonymous"} if case == "anonymous" else {}))
    asked = "WN-2026-999999" if case == "unknown ticket" else reference
    response = ask(client, asked, contact or "asha@example.co.tz")
    assert response.status_code == 200 and SENT in response.get_data(as_text=True)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket.tracking_code_version == 0 and find_tracked_ticket(reference, code) == ticket
    assert messages(db) == []


def test_the_request_only_queues_what_was_written(app, client, world, db):
    """No query while the citizen waits, for a ticket's contact or anyone's: the timing tells nothing."""
    reference, _code = submit(app)
    statements: list[str] = []

    def record(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        statements.append(statement)

    huey.immediate = False  # queued tasks wait in memory instead of running at once
    try:
        for contact in ("asha@example.co.tz", "mtu@mwingine.go.tz"):
            page = client.get("/fuatilia/msimbo-mpya")
            sa.event.listen(sa.Engine, "before_cursor_execute", record)
            try:
                data = {**hidden_fields(page.data), "reference": reference, "contact": contact}
                response = client.post("/fuatilia/msimbo-mpya", data=data)
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", record)
            assert response.status_code == 200 and statements == []
            task = huey.dequeue()
            assert huey.dequeue() is None and task.name.endswith("send_new_tracking_code")
            assert task.args == (reference, contact)
            huey.execute(task)
    finally:
        huey.flush()
        huey.immediate = True
    assert [m.recipient for m in messages(db)] == ["asha@example.co.tz"]  # the ticket's contact only


def test_a_new_code_also_closes_the_ticket_to_browsers_the_old_one_opened(app, client, world, db):
    reference, old_code = submit(app)
    other = app.test_client()  # someone who had the old code, and opened the ticket with it
    page = other.get("/fuatilia")
    data = {**hidden_fields(page.data), "reference": reference, "code": old_code}
    assert other.post("/fuatilia", data=data).status_code == 303
    assert other.get(f"/hoja/{reference}").status_code == 200
    ask(client, reference, "asha@example.co.tz")
    closed = other.get(f"/hoja/{reference}")
    assert closed.status_code == 302 and closed.headers["Location"] == f"/fuatilia?ref={reference}"


def test_a_form_sent_again_after_a_new_code_never_shows_the_new_code(app, client, world, db):
    page = client.get("/wasilisha")
    data = {**hidden_fields(page.data), "type": "complaint", "category": "maji-bili", "district": ""}
    data |= {"subject": "Bili ya maji si sahihi", "identity": "named", "name": "Asha Juma"}
    data |= {"description": "Nimepokea bili ya maji ya shilingi laki mbili ingawa nyumba imefungwa mwezi mzima."}
    data |= {"email": "asha@example.co.tz", "phone": ""}
    first = client.post("/wasilisha", data=data)
    reference = first.headers["Location"].split("/")[2]
    ask(app.test_client(), reference, "asha@example.co.tz")
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    new_code = format_tracking_code(current_tracking_code(ticket))
    again = client.post("/wasilisha", data=data)  # the browser sends the form once more, days later
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert f"Fomu hii ilishatumwa: ni hoja {reference}." in html
    assert "msimbo mpya umetumwa kwa barua pepe au namba ya simu iliyotolewa pamoja na hoja" in html
    assert new_code not in html and new_code.replace("-", "") not in html
    assert client.get(f"/hoja/{reference}").status_code == 302  # and the ticket stays closed to this browser
    assert client.get(f"/wasilisha/{reference}/imepokelewa").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)) == 1


def test_new_codes_for_one_ticket_are_limited(app, client, world, db):
    reference, _code = submit(app)
    previous, app.config["NEW_CODE_PER_REFERENCE_LIMIT"] = app.config["NEW_CODE_PER_REFERENCE_LIMIT"], "2 per day"
    try:  # each from another address: the limit is the ticket's
        statuses = [ask(app.test_client(), reference, "asha@example.co.tz").status_code for _ in range(3)]
    finally:
        app.config["NEW_CODE_PER_REFERENCE_LIMIT"] = previous
    assert statuses == [200, 200, 429]
    assert len(messages(db)) == 2


def test_the_tracking_page_links_to_it_and_the_fields_are_checked(client, world):
    track = client.get("/fuatilia?ref=WN-2026-000123").get_data(as_text=True)
    assert 'href="/fuatilia/msimbo-mpya?ref=WN-2026-000123"' in track and "Umepoteza msimbo wa ufuatiliaji?" in track
    page = client.get("/fuatilia/msimbo-mpya")
    response = client.post("/fuatilia/msimbo-mpya", data={**hidden_fields(page.data), "reference": "", "contact": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Andika barua pepe au namba ya simu uliyotoa pamoja na hoja yako." in html


def test_two_requests_at_the_same_moment_give_one_new_code(app, world, db):
    reference, _code = submit(app)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    db.session.execute(  # another worker gave the ticket a new code after this one read it
        sa.update(Ticket)
        .where(Ticket.id == ticket.id)
        .values(tracking_code_version=1, tracking_code_hash="x" * 64)
        .execution_options(synchronize_session=False)
    )
    assert ticket.tracking_code_version == 0
    assert reissue_tracking_code(reference, "asha@example.co.tz") is None
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Ticket, ticket.id)
    assert (stored.tracking_code_version, stored.tracking_code_hash) == (1, "x" * 64)
    assert messages(db) == []
    assert not [e for e in stored.events if e.kind == EventKind.TRACKING_CODE_REISSUED]
