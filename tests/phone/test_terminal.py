"""The terminal phone of `make run`: a developer dials the USSD code and sends SMS through the running service's
real endpoints, and reads the SMS it sends back from the development SMS file."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.phone.conftest import PHONE
from wananchi.extensions import db as _db
from wananchi.notifications.outbox import sweep
from wananchi.tickets import actions
from wananchi.tickets.models import Channel, Ticket


@pytest.fixture
def instance(app, tmp_path):
    """The development SMS file in a folder of this test's own."""
    previous = app.instance_path
    app.instance_path = str(tmp_path)
    yield tmp_path
    app.instance_path = previous


def phone(app, live_server, *lines: str):
    result = app.test_cli_runner().invoke(
        args=["wananchi", "phone", "--url", live_server, "--number", "0712 345 678"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_complaint_by_ussd_answered_on_the_web_arrives_as_an_sms_with_its_text(
    app, live_server, setting, db, instance
):
    output = phone(
        app, live_server, "1", "2", "2", "1", "1", "Maji hayatoki mtaani kwetu tangu jumatatu", "1", "1", "0"
    )
    assert "Wasilisha hoja" in output and "END" not in output
    [ticket] = db.session.scalars(select(Ticket))
    assert ticket.reference in output and ticket.channel == Channel.USSD and ticket.citizen_phone == PHONE
    actions.reply_to_citizen(ticket, "Mafundi wamefika, maji yatarudi leo jioni.", actor=setting.staff.officer_a)
    _db.session.commit()
    sweep()
    inbox = phone(app, live_server, "3", "0")
    assert "Mafundi wamefika, maji yatarudi leo jioni." in inbox and re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}", inbox)
    status = phone(app, live_server, "2", f"HALI {ticket.reference}", "0")
    assert "OK" in status
    sweep()
    assert "Imejibiwa" in phone(app, live_server, "3", "0")


def test_make_runs_mail_page_shows_the_sms_phones_sent(app, live_server, setting, db, instance):
    from wananchi import create_app

    phone(app, live_server, "2", "Umeme umekatika tangu jana usiku Mbezi", "0")
    development = create_app(
        "testing", DEV_MAIL_PAGE=True, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
    )
    development.instance_path = str(instance)
    page = development.test_client().get("/dev/barua").get_data(as_text=True)
    assert "Umeme umekatika tangu jana usiku Mbezi" in page and PHONE in page
