"""Publishing answered questions: consent, personal details checked against the ticket, a supervisor's approval,
the public pages, search in both languages, out of date and review, the sitemap."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import CategoryFactory
from tests.helpers import hidden_fields, post_form
from tests.tickets.test_staff_actions import act, load, officer, submit
from tests.world import build_staff, build_world
from wananchi.core.audit import AuditEntry
from wananchi.core.errors import DomainError
from wananchi.maswali import services
from wananchi.maswali.models import AnswerStatus, PublishedAnswer

REPLY = (
    "Habari Asha Juma, kwa namba WN-2026-000001: ada ya kuunganisha maji ni shilingi 50,000. "
    "Tupigie 0712 345 678 au andika asha@example.co.tz."
)
CLEAN_SW = "Ada ya kuunganisha maji ni shilingi 50,000, inalipwa kwa namba ya malipo (control number)."
CLEAN_EN = "The water connection fee is 50,000 shillings, paid with a control number."


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def answered_question(app, db, staff, *, consent: bool) -> str:
    """A named citizen's question to the agency (A), answered by its officer; returns the reference."""
    fields = {"type": "question", "subject": "Ada ya kuunganisha maji ni kiasi gani?"}
    if consent:
        fields["publication_consent"] = "y"
    _citizen, reference, _code = submit(app, **fields)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "claim").status_code == 303
    assert act(asha, reference, "reply", body=REPLY.replace("WN-2026-000001", reference)).status_code == 303
    return reference


def draft_from(client, reference: str):
    fields = hidden_fields(client.get(f"/afisa/hoja/{reference}").data)
    return client.post(f"/afisa/maswali/kutoka/{reference}", data={"csrf_token": fields["csrf_token"]})


def step(client, answer_id: int, path: str):
    return post_form(client, f"/afisa/maswali/{answer_id}", f"/afisa/maswali/{answer_id}/{path}")


def save(client, answer_id: int, **text: str):
    return post_form(client, f"/afisa/maswali/{answer_id}", f"/afisa/maswali/{answer_id}", **text)


def test_only_a_consenting_ticket_can_be_published(app, db, setting):
    _world, staff = setting
    reference = answered_question(app, db, staff, consent=False)
    asha = officer(app, staff.officer_a)
    page = asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    assert "/afisa/maswali/kutoka/" not in page
    response = draft_from(asha, reference)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/afisa/hoja/{reference}")
    assert db.session.scalar(select(PublishedAnswer)) is None
    with pytest.raises(DomainError):
        services.draft_from_ticket(load(db, reference), actor=staff.officer_a)


def test_an_anonymous_ticket_is_never_published(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="question", publication_consent="y", identity="anonymous")
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "claim").status_code == 303
    assert act(asha, reference, "reply", body="Ada ni shilingi 50,000.").status_code == 303
    with pytest.raises(DomainError):
        services.draft_from_ticket(load(db, reference), actor=staff.officer_a)


def test_an_unanswered_ticket_cannot_be_published(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="question", publication_consent="y")
    with pytest.raises(DomainError):
        services.draft_from_ticket(load(db, reference), actor=staff.officer_a)


def test_a_published_answer_never_holds_the_citizens_details(app, db, setting):
    _world, staff = setting
    reference = answered_question(app, db, staff, consent=True)
    asha = officer(app, staff.officer_a)
    assert f'action="/afisa/maswali/kutoka/{reference}"' in asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    response = draft_from(asha, reference)
    assert response.status_code == 303
    answer = db.session.scalar(select(PublishedAnswer))
    assert answer.status == AnswerStatus.DRAFT and answer.ticket.reference == reference
    assert "Asha" in answer.answer_sw  # the reply as written, for the officer to edit

    # The editor marks the ticket's name, reference, phone and e-mail.
    page = asha.get(f"/afisa/maswali/{answer.id}").get_data(as_text=True)
    marked = re.findall(r'<mark class="personal from-ticket" data-kind="(\w+)">([^<]*)</mark>', page)
    assert {kind for kind, _text in marked} == {"name", "reference", "phone", "email"}
    assert ("reference", reference) in marked and ("phone", "0712 345 678") in marked

    # Complete in both languages but still holding them: refused.
    assert (
        save(
            asha,
            answer.id,
            question_sw="Ada ya maji?",
            answer_sw=answer.answer_sw,
            question_en="Water fee?",
            answer_en=CLEAN_EN,
        ).status_code
        == 303
    )
    assert step(asha, answer.id, "omba-idhini").status_code == 422
    db.session.expire_all()
    assert answer.status == AnswerStatus.DRAFT
    # Any single detail left is refused: the phone number written differently.
    assert (
        save(
            asha,
            answer.id,
            question_sw="Ada ya maji?",
            answer_sw=CLEAN_SW + " Simu +255 712-345-678.",
            question_en="Water fee?",
            answer_en=CLEAN_EN,
        ).status_code
        == 303
    )
    assert step(asha, answer.id, "omba-idhini").status_code == 422

    assert (
        save(
            asha,
            answer.id,
            question_sw="Ada ya maji?",
            answer_sw=CLEAN_SW,
            question_en="Water fee?",
            answer_en=CLEAN_EN,
        ).status_code
        == 303
    )
    assert step(asha, answer.id, "omba-idhini").status_code == 303
    neema = officer(app, staff.supervisor_a)
    assert step(neema, answer.id, "idhinisha").status_code == 303
    db.session.expire_all()
    assert answer.status == AnswerStatus.PUBLISHED
    ticket = load(db, reference)
    public = app.test_client().get(f"/maswali/dawasa/{answer.id}").get_data(as_text=True)
    for detail in (ticket.citizen_name, "Asha", ticket.citizen_email, ticket.reference, "345 678", "345678"):
        assert detail not in public
    assert "Ada ya kuunganisha maji ni shilingi 50,000" in public


def test_approval_is_required_recorded_and_by_another_supervisor(app, db, setting):
    world, staff = setting
    text = services.AnswerText("Saa za kazi?", "Saa 1:30 hadi 9:30.", "Office hours?", "07:30 to 15:30.")
    answer = services.write_article(world.agency, text, actor=staff.officer_a)
    db.session.commit()
    client = app.test_client()
    assert client.get(f"/maswali/dawasa/{answer.id}").status_code == 404  # a draft is not public
    asha = officer(app, staff.officer_a)
    assert step(asha, answer.id, "idhinisha").status_code == 422  # an officer cannot approve
    assert step(asha, answer.id, "omba-idhini").status_code == 303
    assert client.get(f"/maswali/dawasa/{answer.id}").status_code == 404  # awaiting approval is not public
    assert step(asha, answer.id, "idhinisha").status_code == 422
    neema = officer(app, staff.supervisor_a)
    assert step(neema, answer.id, "idhinisha").status_code == 303
    db.session.expire_all()
    assert answer.status == AnswerStatus.PUBLISHED and answer.approved_by_id == staff.supervisor_a.id
    assert answer.reviewed_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "answer_approved"))
    assert entry.actor_id == staff.supervisor_a.id and entry.object_id == str(answer.id)
    assert client.get(f"/maswali/dawasa/{answer.id}").status_code == 200

    # A supervisor's own article needs another supervisor.
    own = services.write_article(world.agency, text, actor=staff.supervisor_a)
    services.request_approval(own, actor=staff.supervisor_a)
    with pytest.raises(DomainError):
        services.approve_answer(own, actor=staff.supervisor_a)


def test_another_institution_cannot_touch_an_answer(app, db, setting):
    world, staff = setting
    text = services.AnswerText("Saa za kazi?", "Saa 1:30 hadi 9:30.", "Office hours?", "07:30 to 15:30.")
    answer = services.write_article(world.agency, text, actor=staff.officer_a)
    db.session.commit()
    juma = officer(app, staff.officer_b)
    assert juma.get(f"/afisa/maswali/{answer.id}").status_code == 404
    assert step(juma, answer.id, "omba-idhini").status_code == 404
    with pytest.raises(DomainError):
        services.write_article(world.agency, text, actor=staff.officer_b)
    with pytest.raises(DomainError):  # a service of another institution
        services.write_article(
            world.agency, services.AnswerText("a", "b", "c", "d", category=world.local_service), actor=staff.officer_a
        )


def publish(world, staff, question_sw, answer_sw, question_en, answer_en, category=None) -> PublishedAnswer:
    text = services.AnswerText(question_sw, answer_sw, question_en, answer_en, category=category)
    answer = services.write_article(world.agency, text, actor=staff.officer_a)
    services.request_approval(answer, actor=staff.officer_a)
    services.approve_answer(answer, actor=staff.supervisor_a)
    return answer


def test_public_pages_search_in_swahili_and_english(app, db, setting):
    world, staff = setting
    bill = publish(
        world,
        staff,
        "Nifanyeje bili yangu ya maji ikiwa kubwa mno?",
        "Omba usomaji upya wa mita katika ofisi ya huduma kwa wateja.",
        "What do I do if my water bill is too high?",
        "Ask for the meter to be read again at the customer service office.",
        category=world.national_service,
    )
    hours = publish(
        world, staff, "Ofisi hufunguliwa saa ngapi?", "Saa 1:30 asubuhi.", "When do offices open?", "07:30."
    )
    db.session.commit()
    client = app.test_client()

    index = client.get("/maswali").get_data(as_text=True)
    assert 'href="/maswali/dawasa"' in index
    found = client.get("/maswali?q=mita").get_data(as_text=True)
    assert f"/maswali/dawasa/{bill.id}" in found and f"/maswali/dawasa/{hours.id}" not in found
    client.get("/lugha/en")
    found = client.get("/maswali/dawasa?q=meter+read").get_data(as_text=True)
    assert "What do I do if my water bill is too high?" in found and f"/maswali/dawasa/{hours.id}" not in found
    assert "No published answer matches" in client.get("/maswali/dawasa?q=umeme").get_data(as_text=True)
    # Odd input never fails.
    for query in ("%", "_", "'", "\\", "a" * 5000, "Ω bili"):
        assert client.get("/maswali", query_string={"q": query}).status_code == 200

    service = client.get("/maswali/dawasa/huduma/maji-bili").get_data(as_text=True)
    assert f"/maswali/dawasa/{bill.id}" in service and f"/maswali/dawasa/{hours.id}" not in service
    assert client.get("/maswali/dawasa/huduma/usafi-taka").status_code == 404  # not the agency's service
    assert client.get("/maswali/hakuna").status_code == 404
    assert client.get("/maswali/dawasa/999999").status_code == 404
    assert client.get(f"/maswali/jiji-dodoma/{bill.id}").status_code == 404  # not the council's answer


def test_out_of_date_and_review(app, db, setting):
    world, staff = setting
    answer = publish(world, staff, "Ada ya maji?", "Shilingi 50,000.", "Water fee?", "50,000 shillings.")
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/maswali/dawasa/{answer.id}").get_data(as_text=True)
    assert 'id="reviewed"' in page and 'id="out-of-date"' not in page
    asha = officer(app, staff.officer_a)
    assert step(asha, answer.id, "imepitwa-na-wakati").status_code == 303
    assert 'id="out-of-date"' in client.get(f"/maswali/dawasa/{answer.id}").get_data(as_text=True)
    assert step(asha, answer.id, "imehakikiwa").status_code == 422  # a supervisor confirms
    neema = officer(app, staff.supervisor_a)
    assert step(neema, answer.id, "imehakikiwa").status_code == 303
    assert 'id="out-of-date"' not in client.get(f"/maswali/dawasa/{answer.id}").get_data(as_text=True)
    assert step(asha, answer.id, "rudisha").status_code == 303
    assert client.get(f"/maswali/dawasa/{answer.id}").status_code == 404


def test_sitemap_lists_the_public_pages(app, db, setting):
    world, staff = setting
    answer = publish(world, staff, "Ada?", "Shilingi 50,000.", "Fee?", "50,000.", category=world.national_service)
    draft = services.write_article(world.agency, services.AnswerText("Rasimu?", "Bado.", "", ""), actor=staff.officer_a)
    db.session.commit()
    response = app.test_client().get("/sitemap.xml")
    assert response.status_code == 200 and response.content_type.startswith("application/xml")
    body = response.get_data(as_text=True)
    assert f"http://localhost/maswali/dawasa/{answer.id}</loc><lastmod>" in body
    assert "http://localhost/maswali/dawasa/huduma/maji-bili</loc>" in body
    assert f"/maswali/dawasa/{draft.id}<" not in body


def test_services_are_listed_alphabetically_in_the_page_language(app, db, setting):
    world, staff = setting
    meters = CategoryFactory(code="maji-mita", institution=world.agency, name_sw="Mita za maji", name_en="Water meters")
    leaks = CategoryFactory(code="maji-uvujaji", institution=world.agency, name_sw="Uvujaji", name_en="leaks")
    for number, service in enumerate((world.national_service, meters, leaks)):
        publish(world, staff, f"Swali {number}?", "Jibu.", f"Question {number}?", "Answer.", category=service)
    db.session.commit()
    asha = officer(app, staff.officer_a)
    visitor = app.test_client()

    def editor_services():
        page = asha.get("/afisa/maswali/mpya").get_data(as_text=True)
        select = re.search(r'<select[^>]*id="category"[^>]*>(.*?)</select>', page, re.S).group(1)
        return re.findall(r'<option value="\d+">([^<]*)</option>', select)

    def public_services():
        page = visitor.get("/maswali/dawasa").get_data(as_text=True)
        return re.findall(r'<a href="/maswali/dawasa/huduma/[^"]+">([^<]*)</a>', page)

    assert editor_services() == public_services() == ["Bili ya maji", "Mita za maji", "Uvujaji"]
    asha.get("/lugha/en")
    visitor.get("/lugha/en")
    assert editor_services() == public_services() == ["leaks", "Water bills", "Water meters"]
