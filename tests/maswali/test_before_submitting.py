"""Before a ticket is sent, the form offers the closest published answers once, keeps what was typed and the files,
and records whether the citizen still submitted."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests.helpers import hidden_fields, log_in, valid_submission
from tests.maswali.test_publishing import publish
from tests.tickets.test_submit import png_bytes
from tests.world import PASSWORD, build_staff, build_world
from wananchi.maswali.matching import closest_answers
from wananchi.maswali.models import AnswerOffer
from wananchi.maswali.queries import offer_figures
from wananchi.tickets.models import Ticket


@pytest.fixture
def answered(db):
    world = build_world()
    staff = build_staff(world)
    bill = publish(
        world,
        staff,
        "Nifanyeje bili yangu ya maji ikiwa kubwa mno?",
        "Omba usomaji upya wa mita ya maji katika ofisi ya huduma kwa wateja; bili itarekebishwa.",
        "What do I do if my water bill is too high?",
        "Ask for the water meter to be read again at the customer service office; the bill is corrected.",
        category=world.national_service,
    )
    publish(world, staff, "Ofisi hufunguliwa saa ngapi?", "Saa 1:30 asubuhi.", "When do offices open?", "07:30.")
    db.session.commit()
    return world, bill


def test_matching_is_by_shared_words_within_the_institution(db, answered):
    world, bill = answered
    found = closest_answers(world.national_service, "Bili kubwa mno. Mita yangu ya maji inasoma vibaya")
    assert [m.answer.id for m in found] == [bill.id]
    assert {"bili", "kubwa", "mita", "maji"} <= found[0].shared
    assert (
        closest_answers(world.national_service, "Water meter reading is wrong, my bill is too high")[0].answer == bill
    )
    assert closest_answers(world.national_service, "Barabara imeharibika vibaya sana") == []
    assert closest_answers(world.local_service, "Bili kubwa mno ya maji, mita mbovu") == []  # another institution
    assert closest_answers(None, "Bili kubwa mno ya maji, mita mbovu")[0].answer == bill  # Sijui: every institution


def test_the_form_offers_answers_once_keeps_everything_and_records_the_outcome(app, db, answered):
    world, bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    typed = valid_submission(
        subject="Bili ya maji kubwa mno", description="Mita ya maji inasoma vibaya, bili imekuwa kubwa mno mwezi huu."
    )
    response = citizen.post(
        "/wasilisha",
        data={**fields, **typed, "attachments": [(io.BytesIO(png_bytes()), "picha.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="answers-offered"' in page and f'href="/maswali/dawasa/{bill.id}"' in page
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    # Everything typed is there, and the photo is kept.
    shown = hidden_fields(page)
    assert shown["answers_offer"] and shown["kept"]
    assert 'value="Bili ya maji kubwa mno"' in page and "Mita ya maji inasoma vibaya" in page
    offer = db.session.scalar(select(AnswerOffer))
    assert offer.institution_id == world.agency.id and offer.answers_shown == 1 and offer.ticket_id is None

    # Sent again: no second stop, the ticket keeps its photo, and the offer knows it was submitted anyway.
    response = citizen.post("/wasilisha", data={**typed, **shown}, content_type="multipart/form-data")
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket))
    assert len(ticket.attachments) == 1
    db.session.expire_all()
    assert db.session.scalar(select(AnswerOffer)).ticket_id == ticket.id
    assert offer_figures(world.agency.id) == (1, 1)


def test_without_a_match_the_form_goes_straight_through(app, db, answered):
    world, _bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    data = {
        **fields,
        **valid_submission(subject="Barabara imeharibika", description="Barabara ya mtaa wetu imeharibika kabisa."),
    }
    assert citizen.post("/wasilisha", data=data, content_type="multipart/form-data").status_code == 303
    assert db.session.scalar(select(AnswerOffer)) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "", "phone": ""}, "Weka barua pepe au namba ya simu ili tukujulishe maendeleo ya hoja yako"),
        ({"name": ""}, "Andika jina lako"),
    ],
)
def test_a_form_that_cannot_be_sent_says_so_before_answers_are_offered(app, db, answered, overrides, message):
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    typed = valid_submission(
        subject="Bili ya maji kubwa mno",
        description="Mita ya maji inasoma vibaya, bili imekuwa kubwa mno mwezi huu.",
        **overrides,
    )
    response = citizen.post("/wasilisha", data={**fields, **typed}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'id="answers-offered"' not in page and 'value="Bili ya maji kubwa mno"' in page
    assert db.session.scalar(select(AnswerOffer)) is None and db.session.scalar(select(Ticket)) is None


def test_a_citizen_who_reads_and_leaves_counts_as_spared(app, db, answered):
    world, _bill = answered
    citizen = app.test_client()
    fields = hidden_fields(citizen.get("/wasilisha").data)
    data = {**fields, **valid_submission(subject="Bili kubwa mno", description="Mita ya maji na bili kubwa mno sana.")}
    page = citizen.post("/wasilisha", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert re.search(r'id="answers-offered"', page)
    assert offer_figures(world.agency.id) == (1, 0)


def test_the_institution_report_gives_the_figures(app, db, answered):
    world, _bill = answered
    citizen = app.test_client()
    for description in ("Mita ya maji na bili kubwa mno sana.", "Bili kubwa mno, mita ya maji mbovu."):
        fields = hidden_fields(citizen.get("/wasilisha").data)
        data = {**fields, **valid_submission(subject="Bili kubwa mno", description=description)}
        shown = hidden_fields(citizen.post("/wasilisha", data=data, content_type="multipart/form-data").data)
    assert citizen.post("/wasilisha", data={**data, **shown}, content_type="multipart/form-data").status_code == 303
    supervisor = app.test_client()
    assert log_in(supervisor, "neema.msimamizi@dawasa.go.tz", PASSWORD).status_code == 303
    page = supervisor.get(f"/ripoti/taasisi/{world.agency.id}").get_data(as_text=True)
    section = page[page.index('id="answer-offers"') :]
    assert re.search(r"2\D+1\D+1", section[: section.index("</section>")])


def test_the_report_says_nothing_of_offers_when_none_were_made(app, db, answered):
    world, _bill = answered
    supervisor = app.test_client()
    assert log_in(supervisor, "neema.msimamizi@dawasa.go.tz", PASSWORD).status_code == 303
    page = supervisor.get(f"/ripoti/taasisi/{world.agency.id}").get_data(as_text=True)
    assert 'id="export-xlsx"' in page and 'id="answer-offers"' not in page  # no card reading "0 ... 0 ... 0"
