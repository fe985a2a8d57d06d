"""Tickets staff record for citizens who call, visit the desk or write: routed, timed and told like any other, with
the channel and the recording officer in their history."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.notifications.conftest import sms_gateway  # noqa: F401 - the outbound SMS gateway on loopback
from tests.notifications.setting import build_setting
from tests.world import PASSWORD
from wananchi.notifications.outbox import sweep
from wananchi.tickets.models import Channel, EventKind, Identity, Ticket
from wananchi.tickets.references import normalise_tracking_code

CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


@pytest.fixture
def setting(db):
    return build_setting()


def record(client, **overrides: str):
    page = client.get("/afisa/hoja-mpya")
    assert page.status_code == 200
    data = {
        **hidden_fields(page.data),
        "channel": "telephone",
        "type": "complaint",
        "category": "maji-bili",
        "district": "",
        "subject": "Bili ya maji si sahihi",
        "description": "Mwananchi amepiga simu: bili ya mwezi huu ni kubwa mara tatu ya kawaida.",
        "identity": "contact_hidden",
        "name": "",
        "phone": "0754 111 222",
        "email": "",
        "language": "sw",
        "identity_consent": "y",
        **overrides,
    }
    return client.post("/afisa/hoja-mpya", data=data, content_type="multipart/form-data")


def officer(app, setting):
    client = app.test_client()
    assert log_in(client, setting.staff.officer_a.email, PASSWORD).status_code == 303
    return client


def test_a_telephone_complaint_reaches_the_citizen_by_sms_and_opens_on_the_web(app, setting, db, sms_gateway):  # noqa: F811
    client = officer(app, setting)
    response = record(client)
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    [ticket] = db.session.scalars(select(Ticket))
    assert ticket.reference in page.get_data(as_text=True) and 'id="tracking-code"' not in page.get_data(as_text=True)
    assert ticket.channel == Channel.TELEPHONE and ticket.identity == Identity.CONTACT_HIDDEN
    assert ticket.citizen_phone == "+255754111222" and ticket.institution_id == setting.world.agency.id
    assert ticket.first_response_due_at is not None
    [recorded] = [event for event in ticket.events if event.kind == EventKind.RECORDED_BY_STAFF]
    assert recorded.actor_id == setting.staff.officer_a.id and recorded.data["channel"] == "telephone"
    sweep()
    [sms] = [s["message"] for s in sms_gateway.received if s["to"] == "+255754111222"]
    assert ticket.reference in sms
    code = CODE.search(sms).group(0)
    citizen = app.test_client()
    track = citizen.get("/fuatilia")
    opened = citizen.post(
        "/fuatilia", data={**hidden_fields(track.data), "reference": ticket.reference, "code": code.lower()}
    )
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/hoja/{ticket.reference}")
    assert "Simu (kituo cha huduma kwa simu)" in client.get(f"/afisa/hoja/{ticket.reference}").get_data(as_text=True)


def test_an_anonymous_visitor_is_given_the_code_on_the_officers_page(app, setting, db):
    client = officer(app, setting)
    response = record(client, channel="walk_in", identity="anonymous", phone="")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    [ticket] = db.session.scalars(select(Ticket))
    code = CODE.search(page.split('id="tracking-code"')[1]).group(0)
    assert ticket.channel == Channel.WALK_IN and ticket.citizen_phone is None
    assert ticket.tracking_code_hash and normalise_tracking_code(code)


def test_the_citizens_consent_and_a_staff_channel_are_required(app, setting, db):
    client = officer(app, setting)
    assert record(client, identity_consent="").status_code == 422
    assert record(client, channel="web").status_code == 422
    assert record(client, channel="ussd").status_code == 422
    assert not db.session.scalars(select(Ticket)).all()
    assert record(client, channel="letter", phone="", email="asha@example.co.tz").status_code == 303


def test_the_form_speaks_to_the_officer_about_the_citizen(app, setting, db):
    client = officer(app, setting)
    empty = record(client, type="", category="", description="", identity="").get_data(as_text=True)
    for message in (
        "Chagua aina ya hoja.",
        'Chagua huduma ambayo hoja inahusu, au "Sijui".',
        "Andika maelezo ya hoja.",
        "Chagua namna mwananchi anavyotaka kujitambulisha.",
    ):
        assert message in empty
    assert "yako" not in empty.split('class="error-summary"')[1].split("</ul>")[0]
    unnamed = record(client, identity="named", name="").get_data(as_text=True)
    assert "Andika jina la mwananchi, au chagua njia nyingine ya kujitambulisha." in unnamed
    no_contact = record(client, phone="").get_data(as_text=True)
    assert "Weka barua pepe au namba ya simu ya mwananchi ili ajulishwe maendeleo ya hoja" in no_contact
    client.get("/lugha/en")
    english = record(client, type="", identity="named", name="").get_data(as_text=True)
    assert "Choose the type of ticket." in english
    form = english.split('class="error-summary"')[1].split("</form>")[0]  # the messages, labels and hints
    assert not re.search(r"\b(your|my)\b", form, re.IGNORECASE), form


def test_oversight_records_nothing(app, setting, db):
    client = app.test_client()
    assert log_in(client, setting.staff.oversight_above_a.email, PASSWORD).status_code == 303
    assert client.get("/afisa/hoja-mpya").status_code == 404
