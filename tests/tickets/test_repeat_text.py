"""A citizen who sends the same text twice in a day from the same contact is told the reference of the first, on
the web form and the API (SMS: tests/phone/test_sms_repeat.py); a resent form still gets its own receipt, and anonymous or other senders are not
affected."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from tests.api.conftest import api_submission
from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world
from wananchi.core.db import utcnow
from wananchi.tickets.models import Ticket


def count(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Ticket.id)))


def post_form(client, **overrides):
    fields = hidden_fields(client.get("/wasilisha").data)  # a new form: a new submission key
    return client.post("/wasilisha", data={**fields, **valid_submission(**overrides)})


def test_the_web_form_tells_the_first_reference(app, db):
    build_world()
    db.session.commit()
    citizen = app.test_client()
    assert post_form(citizen).status_code == 303
    first = db.session.scalar(select(Ticket))
    again = post_form(citizen, description="  " + valid_submission()["description"].upper() + " ")
    assert again.status_code == 422
    page = again.get_data(as_text=True)
    assert first.reference in page and valid_submission()["subject"] in page  # told, and what was typed is kept
    assert count(db) == 1
    # From another browser, the same phone with another e-mail address: still the same citizen.
    assert post_form(app.test_client(), email="mwingine@example.co.tz").status_code == 422
    # Another text, another contact, or anonymously: new tickets.
    assert post_form(citizen, subject="Maji hayatoki kabisa").status_code == 303
    assert post_form(app.test_client(), email="juma@example.co.tz", phone="0713 000 111").status_code == 303
    anonymous = {"identity": "anonymous", "name": "", "email": "", "phone": ""}
    assert post_form(citizen, **anonymous).status_code == 303
    assert post_form(citizen, **anonymous).status_code == 303
    assert count(db) == 5


def test_a_day_later_the_same_text_is_a_new_ticket_and_a_resent_form_its_own_receipt(app, db):
    build_world()
    db.session.commit()
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    sent = citizen.post("/wasilisha", data={**fields, **valid_submission()})
    resent = citizen.post("/wasilisha", data={**fields, **valid_submission()})  # a double click
    assert sent.status_code == resent.status_code == 303 and sent.location == resent.location
    db.session.execute(update(Ticket).values(created_at=utcnow() - dt.timedelta(days=1, minutes=1)))
    db.session.commit()
    assert post_form(citizen).status_code == 303
    assert count(db) == 2


def test_the_api_tells_the_first_reference(client, db):
    build_world()
    db.session.commit()
    first = client.post("/api/v1/tickets", json=api_submission(), headers={"Idempotency-Key": "ombi-0001"})
    assert first.status_code == 201
    again = client.post("/api/v1/tickets", json=api_submission(), headers={"Idempotency-Key": "ombi-0002"})
    assert again.status_code == 422
    assert first.get_json()["reference"] in again.get_json()["message"]
    retried = client.post("/api/v1/tickets", json=api_submission(), headers={"Idempotency-Key": "ombi-0001"})
    assert retried.status_code in (200, 201) and retried.get_json()["reference"] == first.get_json()["reference"]
    assert count(db) == 1
