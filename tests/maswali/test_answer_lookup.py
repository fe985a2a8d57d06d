"""The submit form's script asks for the closest published answers as the citizen types: a JSON endpoint that sends
only published answers, records the offer once per form like the form's own step, and is rate-limited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import hidden_fields, valid_submission
from tests.maswali.test_before_submitting import answered  # noqa: F401  (the fixture)
from wananchi.maswali.models import AnswerOffer
from wananchi.tickets.models import Ticket

URL = "/maswali/kabla-ya-kuwasilisha.json"
TYPED = {"subject": "Bili ya maji kubwa mno", "description": "Mita ya maji inasoma vibaya."}


def lookup(client, fields, **sent):
    return client.post(URL, data={"csrf_token": fields["csrf_token"], **sent})


def test_answers_come_back_as_typed_and_one_offer_is_recorded_per_form(app, db, answered):  # noqa: F811
    world, bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    response = lookup(citizen, fields, category=world.national_service.code, **TYPED)
    assert response.status_code == 200 and response.mimetype == "application/json"
    found = response.get_json()
    assert [a["url"] for a in found["answers"]] == [f"/maswali/dawasa/{bill.id}"]
    assert found["answers"][0]["question"] == bill.question_sw
    assert set(found["answers"][0]) == {"question", "url", "institution"}  # published answers only
    assert len(found["token"]) == 32
    # Typing on: the same offer, not another row; what was typed is not stored anywhere.
    again = lookup(
        citizen,
        fields,
        category=world.national_service.code,
        subject="Bili ya maji kubwa mno sana",
        description="Mita ya maji inasoma vibaya kila mwezi.",
        answers_offer=found["token"],
    ).get_json()
    assert again["token"] == found["token"]
    offers = list(db.session.scalars(select(AnswerOffer)))
    assert len(offers) == 1 and offers[0].institution_id == world.agency.id and offers[0].answers_shown == 1
    # The form sent with the offer's token does not stop again, and the offer knows the citizen still submitted.
    typed = valid_submission(subject=TYPED["subject"], description="Mita ya maji inasoma vibaya, bili ni kubwa mno.")
    sent = citizen.post("/wasilisha", data={**fields, **typed, "answers_offer": found["token"]})
    assert sent.status_code == 303
    ticket = db.session.scalar(select(Ticket))
    db.session.expire_all()
    offer = db.session.get(AnswerOffer, offers[0].id)
    assert offer.ticket_id == ticket.id and offer.submitted_at is not None


def test_nothing_close_or_an_unknown_service_offers_nothing_and_records_nothing(app, db, answered):  # noqa: F811
    world, _bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    unrelated = lookup(citizen, fields, category=world.national_service.code, subject="Barabara mbovu sana")
    assert unrelated.get_json() == {"answers": [], "token": ""}
    unknown = lookup(citizen, fields, category="hakuna-huduma-hii", **TYPED)
    assert unknown.status_code == 200 and unknown.get_json()["answers"] == []
    elsewhere = lookup(citizen, fields, category=world.local_service.code, **TYPED)  # the council publishes none
    assert elsewhere.get_json()["answers"] == []
    assert db.session.scalar(select(func.count(AnswerOffer.id))) == 0
    sijui = lookup(citizen, fields, category="sijui", **TYPED).get_json()  # every institution
    assert len(sijui["answers"]) == 1


def test_the_lookup_needs_the_forms_security_token_and_is_limited(app, db, answered, monkeypatch):  # noqa: F811
    world, _bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    assert citizen.post(URL, data={"category": world.national_service.code, **TYPED}).status_code == 400
    monkeypatch.setitem(app.config, "ANSWER_LOOKUP_RATE_LIMIT", "2 per minute")
    codes = [lookup(citizen, fields, category=world.national_service.code, **TYPED).status_code for _i in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize(
    "value", ["", "x" * 10_000, "\x00", "𝕏" * 200, "<script>alert(1)</script>", "' OR 1=1 --", "9" * 40, "%s%n"]
)
def test_garbage_in_any_field_is_answered_without_an_error(app, db, answered, value):  # noqa: F811
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    for name in ("category", "subject", "description", "answers_offer"):
        sent = {"category": "sijui", **TYPED, name: value}
        response = lookup(citizen, fields, **sent)
        assert response.status_code in (200, 400), (name, value)  # 400: a NUL byte, refused for every form
        assert "<script>" not in response.get_data(as_text=True)
