"""Messages to a citizen's e-mail address or phone number, which was never proved to be theirs: anyone can type
someone else's, so nothing the submitter wrote travels in them, and their only links are the service's own."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from sqlalchemy import select

from tests.helpers import post_submission
from tests.notifications.setting import CITIZEN_EMAIL, CITIZEN_PHONE, build_setting, work_through
from wananchi.extensions import db as _db
from wananchi.notifications.outbox import sweep
from wananchi.tickets.models import Ticket
from wananchi.tickets.services import reissue_tracking_code

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
