"""Messages reach a real SMTP server and a real SMS gateway, in the citizen's language; failures are retried."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.helpers import hidden_fields, post_submission
from tests.world import build_world, complaint
from wananchi.core.db import utcnow
from wananchi.extensions import db as _db
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import backoff, sweep


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def outbox(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_receipt_reaches_the_citizen_by_email_and_sms_in_swahili(client, world, db, smtp_server, sms_gateway):
    response = post_submission(client)
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', confirmation).group(1)
    rows = outbox(db)
    assert sorted(r.channel for r in rows) == [Channel.EMAIL, Channel.SMS]
    assert all(r.body_text == "" for r in rows)  # written unrendered: the worker renders it from the ticket
    assert sweep() == 2
    [mail] = smtp_server.mailbox.to("asha@example.co.tz")
    assert "imepokelewa" in mail["Subject"].lower()
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "WN-" in mail["Subject"] and "Namba ya kumbukumbu" in text and "/fuatilia?ref=WN-" in text
    assert "<strong>WN-" in html
    [sms] = sms_gateway.received
    assert sms["to"] == "+255712345678" and sms["username"] == "wananchi" and sms["apiKey"] == "siri-ya-majaribio"
    assert "WN-" in sms["message"] and len(sms["message"]) <= 160
    assert code in text and code in html and code in sms["message"]  # the code the confirmation page showed
    assert all(r.status == OutboxStatus.SENT and r.attempts == 1 for r in outbox(db))
    assert_no_code_stored(db, code)  # what was sent is not kept: the code is derived again for each attempt


def test_a_session_key_changed_between_submission_and_delivery_leaves_the_mailed_code_working(
    app, client, world, db, smtp_server
):
    """Tracking codes have their own key (TRACKING_CODE_KEY): rotating SECRET_KEY (the old one kept in
    SECRET_KEY_FALLBACKS) before the worker renders the receipt changes nothing in it."""
    response = post_submission(client, phone="")
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', confirmation).group(1)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', confirmation).group(1)
    old_key = app.secret_key
    try:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = "a-new-session-key-for-this-test-only", [old_key]
        assert sweep() == 1
        [mail] = smtp_server.mailbox.to("asha@example.co.tz")
        mailed = set(re.findall(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b", mail.get_body(("plain",)).get_content()))
        assert mailed == {code}
        other = app.test_client()  # a browser that never saw the ticket, with the mailed code
        fields = hidden_fields(other.get("/fuatilia").data)
        opened = other.post("/fuatilia", data={**fields, "reference": reference, "code": mailed.pop()})
        assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/hoja/{reference}")
    finally:
        app.secret_key, app.config["SECRET_KEY_FALLBACKS"] = old_key, []


def assert_no_code_stored(db, *codes: str) -> None:
    """No column of any outbox row holds one of `codes`, written either way (K7QM3-XHD9P, K7QM3XHD9P)."""
    table = OutboxMessage.__table__
    stored = " ".join(str(value) for row in db.session.execute(select(table)).all() for value in row)
    for code in codes:
        assert code not in stored and code.replace("-", "") not in stored


def test_a_receipt_that_cannot_be_rendered_is_retried_and_the_submission_stands(
    client, world, db, smtp_server, monkeypatch
):
    from wananchi.notifications import deferred

    def broken(*args, **kwargs):
        raise RuntimeError("a fault in the receipt's templates")

    monkeypatch.setattr(deferred, "render_notification", broken)
    assert post_submission(client, phone="").status_code == 303
    assert sweep() == 0
    [row] = outbox(db)
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "templates" in row.last_error
    monkeypatch.undo()
    assert sweep(row.next_attempt_at) == 1
    [mail] = smtp_server.mailbox.to("asha@example.co.tz")
    assert "WN-" in mail["Subject"]


def test_english_citizens_get_english_messages(client, world, db, smtp_server, sms_gateway):
    client.get("/lugha/en")
    post_submission(client)
    sweep()
    [mail] = smtp_server.mailbox.to("asha@example.co.tz")
    assert "has been received" in mail["Subject"]
    assert "Reference number" in mail.get_body(("plain",)).get_content()
    assert "received" in sms_gateway.received[0]["message"].lower()


def test_anonymous_citizens_get_nothing_and_hidden_contacts_get_everything(client, world, db):
    post_submission(client, identity="anonymous")
    assert outbox(db) == []
    post_submission(client, identity="contact_hidden", name="")
    assert len(outbox(db)) == 2


def test_a_change_that_rolls_back_leaves_no_message(app, world, db):
    from wananchi.tickets.models import Identity
    from wananchi.tickets.services import submit_ticket

    with app.test_request_context():
        submit_ticket(complaint(world, identity=Identity.NAMED, name="Juma", email="juma@example.co.tz"))
        assert _db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        _db.session.rollback()
    assert outbox(db) == []


def test_a_failed_send_is_retried_with_backoff_then_marked_failed(client, world, db, app, smtp_server, sms_gateway):
    smtp_server.stop()  # nothing listens on its port now
    sms_gateway.refuse = True
    try:
        post_submission(client)
        sweep()
        for row in outbox(db):
            assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error
            assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=50)
        assert sweep() == 0  # not due yet
        app.config["OUTBOX_MAX_ATTEMPTS"] = 2
        sweep(utcnow() + dt.timedelta(hours=1))
        assert {row.status for row in outbox(db)} == {OutboxStatus.FAILED}
        assert "refused" in next(r for r in outbox(db) if r.channel == Channel.SMS).last_error
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 8


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == dt.timedelta(hours=6)


def test_a_reply_with_a_long_paragraph_reaches_the_citizen(db, smtp_server):
    from wananchi.notifications.outbox import add_messages

    paragraph = "Tumepokea hoja yako kuhusu bili ya maji na tumeanza kuifanyia kazi pamoja na ofisi ya wilaya. " * 12
    add_messages(
        [
            {
                "event": "reply",
                "channel": Channel.EMAIL,
                "recipient": "asha@example.co.tz",
                "language": "sw",
                "subject": "Jibu la hoja yako",
                "body_text": f"Ndugu mwananchi,\n\n{paragraph}\n",
                "body_html": f"<p>{paragraph}</p>",
            }
        ]
    )
    db.session.commit()
    assert sweep() == 1, db.session.scalar(select(OutboxMessage.last_error))
    [mail] = smtp_server.mailbox.messages
    assert paragraph.strip() in " ".join(mail.get_body(("plain",)).get_content().split())
    assert paragraph.strip() in " ".join(mail.get_body(("html",)).get_content().split())


@pytest.mark.parametrize(
    "subject",
    [
        # fits on a line of its own, not after "Subject: " (the e-mail package moved it whole to the next line)
        "Hoja yako WN-2026-000048 imehamishiwa Halmashauri ya Manispaa ya Kinondoni",
        # non-ASCII: Flask-Mail's encoded words were refolded, read back as "Kin ondoni (Dar es Salaam)—"
        "Hoja yako WN-2026-000048 imehamishiwa Halmashauri ya Wilaya ya Kinondoni (Dar es Salaam) — Tanzania",
        "Hoja: " + "x" * 90 + " mwisho",  # a word longer than a line
    ],
)
def test_a_long_subject_is_folded_between_words_and_reads_back_exactly(db, smtp_server, subject):
    from wananchi.notifications.outbox import add_messages

    add_messages(
        [
            {
                "event": "transfer",
                "channel": Channel.EMAIL,
                "recipient": "asha@example.co.tz",
                "language": "sw",
                "subject": subject,
                "body_text": "Ndugu mwananchi,",
            }
        ]
    )
    db.session.commit()
    assert sweep() == 1, db.session.scalar(select(OutboxMessage.last_error))
    [mail] = smtp_server.mailbox.messages
    assert mail["Subject"] == subject


def test_an_unexpected_sending_error_is_retried_not_left_sending(db, monkeypatch):
    from wananchi.notifications import outbox as outbox_module

    def broken(message, content):
        raise ValueError("a bug in a channel")

    monkeypatch.setitem(outbox_module.SENDERS, Channel.EMAIL, broken)
    outbox_module.add_messages(
        [
            {
                "event": "reply",
                "channel": Channel.EMAIL,
                "recipient": "a@example.co.tz",
                "language": "sw",
                "body_text": "b",
            }
        ]
    )
    db.session.commit()
    sweep()
    [row] = outbox(db)
    assert row.status == OutboxStatus.PENDING and "a bug in a channel" in row.last_error
