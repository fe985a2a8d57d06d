"""A citizen who sends the same text twice in a day from the same contact is told the reference of the first, on
the web form and the API (SMS: tests/phone/test_sms_repeat.py); a resent form still gets its own receipt, and
anonymous or other senders are not affected."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from tests.api.conftest import api_submission
from tests.helpers import hidden_fields, valid_submission
from tests.world import build_world, complaint
from wananchi.core.db import utcnow
from wananchi.tickets.models import Identity, Ticket
from wananchi.tickets.services import RepeatedText, current_tracking_code, submit_ticket


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


def test_the_day_is_the_day_in_dar_es_salaam_and_the_answer_names_only_the_reference(db):
    world = build_world()
    named = {"identity": Identity.NAMED, "name": "Asha Juma", "phone": "+255754000111"}
    late = dt.datetime(2026, 12, 6, 20, 50, tzinfo=dt.UTC)  # 23:50 in Dar es Salaam
    first = submit_ticket(complaint(world, **named), now=late, refuse_repeats=True).ticket
    after_midnight = late + dt.timedelta(minutes=20)  # 00:10 on the next day there, 21:10 on the same day in UTC
    second = submit_ticket(complaint(world, **named), now=after_midnight, refuse_repeats=True).ticket
    assert second.id != first.id
    evening = after_midnight + dt.timedelta(hours=23, minutes=40)  # 23:50 of that day
    spaced = complaint(
        world, **named, subject="  BILI   ya maji ", description="bili ya MAJI si sahihi  kwa mwezi huu."
    )
    with pytest.raises(RepeatedText) as told:
        submit_ticket(spaced, now=evening, refuse_repeats=True)
    assert told.value.reference == second.reference and told.value.ticket_id == second.id
    # The answer names the reference only: not the text, not the tracking code (anyone can type a phone number).
    message = told.value.message
    assert second.reference in message and "sahihi" not in message and "Asha" not in message
    assert current_tracking_code(second) not in message
    # Anonymous submissions are never matched, nor is a repeat told to another contact.
    anonymous = complaint(world)
    assert submit_ticket(anonymous, now=evening, refuse_repeats=True).ticket.citizen_phone is None
    assert submit_ticket(complaint(world), now=evening, refuse_repeats=True).ticket.id
    other = {**named, "phone": "+255754000222"}
    assert submit_ticket(complaint(world, **other), now=evening, refuse_repeats=True).ticket.citizen_phone
    # Without refuse_repeats (staff recording on a citizen's behalf) the same text is stored.
    assert submit_ticket(complaint(world, **named), now=evening).ticket.id
