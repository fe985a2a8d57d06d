"""Messages to a citizen's e-mail address or phone number, which was never proved to be theirs: anyone can type
someone else's, so nothing the submitter wrote travels in them, and their only links are the service's own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.helpers import log_in, post_submission
from tests.notifications.setting import (
    CITIZEN_EMAIL,
    CITIZEN_PHONE,
    build_setting,
    eat,
    rows,
    submit,
    work_through,
)
from tests.world import PASSWORD, complaint
from wananchi.extensions import db as _db
from wananchi.notifications.outbox import sweep
from wananchi.tickets.models import EventKind, Identity, Ticket
from wananchi.tickets.services import reissue_tracking_code, submit_ticket

BAIT = "Thibitisha akaunti yako: http://evil.example/ingia"
LINK = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+", re.IGNORECASE)


@pytest.fixture
def setting(db):
    return build_setting()


def test_nothing_the_submitter_wrote_reaches_the_contact_they_gave(app, setting, db, smtp_server, sms_gateway):
    citizen = app.test_client()
    written = {
        "subject": BAIT,
        "description": f"{BAIT} — fungua kiungo hiki haraka, la sivyo akaunti yako itafungwa.",
        "name": "Benki Kuu www.evil.example",
    }
    assert post_submission(citizen, **written).status_code == 303
    ticket = db.session.scalar(select(Ticket))
    work_through(setting, ticket)  # every message a citizen is sent: reply, request, transfer, resolution
    reissue_tracking_code(ticket.reference, CITIZEN_EMAIL)
    _db.session.commit()
    sweep()
    mails = smtp_server.mailbox.to(CITIZEN_EMAIL)
    texts = [sms["message"] for sms in sms_gateway.received if sms["to"] == CITIZEN_PHONE]
    assert len(mails) == 6 and len(texts) == 5  # receipt, 4 steps, the new code (e-mailed, as it was asked)
    parts = [mail["Subject"] for mail in mails] + texts
    parts += [mail.get_body((kind,)).get_content() for mail in mails for kind in ("plain", "html")]
    everything = "\n".join(parts)
    assert ticket.reference in everything
    for words in (written["subject"], written["description"], "Benki Kuu", "evil", "Thibitisha"):
        assert words not in everything, words
    public_url = current_app.config["PUBLIC_URL"]
    links = LINK.findall(everything)
    assert links and all(link.startswith(public_url + "/") for link in links), set(links)


def receipts(db) -> list[tuple[int, str]]:
    """The receipts written: (ticket id, recipient)."""
    db.session.expire_all()
    return [(row.ticket_id, row.recipient) for row in rows("receipt")]


def withheld(db, ticket: Ticket) -> list[str]:
    """The channels the receipt of `ticket` was not sent on."""
    db.session.expire_all()
    stored = db.session.get(Ticket, ticket.id)
    return sorted(event.data["channel"] for event in stored.events if event.kind == EventKind.RECEIPT_WITHHELD)


@pytest.fixture
def few_receipts(app):
    previous = app.config["RECEIPTS_PER_CONTACT_LIMIT"]
    app.config["RECEIPTS_PER_CONTACT_LIMIT"] = "2 per hour;3 per day"
    yield
    app.config["RECEIPTS_PER_CONTACT_LIMIT"] = previous


def test_receipts_to_one_contact_are_limited_and_the_tickets_still_stored(setting, db, few_receipts):
    monday = eat(2026, 11, 23, 8, 0)
    first, second, third = (submit(setting.world, now=monday + dt.timedelta(minutes=i)) for i in range(3))
    _db.session.commit()
    both = {CITIZEN_EMAIL, CITIZEN_PHONE}
    assert {recipient for ticket_id, recipient in receipts(db) if ticket_id == first.id} == both
    assert {recipient for ticket_id, recipient in receipts(db) if ticket_id == second.id} == both
    assert [recipient for ticket_id, recipient in receipts(db) if ticket_id == third.id] == []
    assert (withheld(db, second), withheld(db, third)) == ([], ["email", "sms"])
    an_hour_later = submit(setting.world, now=monday + dt.timedelta(minutes=61))  # the hour's count is over
    a_day_later = submit(setting.world, now=monday + dt.timedelta(minutes=62))  # but the day's is not
    _db.session.commit()
    assert {recipient for ticket_id, recipient in receipts(db) if ticket_id == an_hour_later.id} == both
    assert withheld(db, a_day_later) == ["email", "sms"]
    someone_else = complaint(setting.world, identity=Identity.NAMED, name="Juma", email="mwingine@example.co.tz")
    other = submit_ticket(someone_else, now=monday + dt.timedelta(minutes=63)).ticket
    _db.session.commit()  # another contact has a count of its own
    assert [recipient for ticket_id, recipient in receipts(db) if ticket_id == other.id] == ["mwingine@example.co.tz"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 6


def test_the_citizen_and_the_officers_are_told_no_receipt_was_sent(app, setting, db, few_receipts):
    citizen = app.test_client()
    pages = []
    for number in range(3):
        response = post_submission(citizen, subject=f"Bili ya maji si sahihi {number}")
        assert response.status_code == 303
        pages.append(citizen.get(response.headers["Location"]).get_data(as_text=True))
    assert 'id="receipt-sent"' in pages[1] and 'id="receipt-withheld"' not in pages[1]
    assert 'id="receipt-withheld"' in pages[2] and 'id="receipt-sent"' not in pages[2]
    assert "safari hii hatukutuma uthibitisho wa kupokelewa" in pages[2]
    assert re.search(r'id="tracking-code">[0-9A-Z-]+<', pages[2])  # the numbers are on the page all the same
    third = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    officer = app.test_client()
    assert log_in(officer, setting.staff.officer_a.email, PASSWORD).status_code == 303
    history = officer.get(f"/afisa/hoja/{third.reference}").get_data(as_text=True)
    assert "Uthibitisho wa kupokelewa haukutumwa" in history
