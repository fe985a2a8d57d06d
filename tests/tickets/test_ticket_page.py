"""The officer's ticket page as a help desk: files on replies and requests, photo thumbnails, canned responses that
insert with their placeholders filled in, and the notice that a colleague is on the same ticket."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from PIL import Image
from sqlalchemy import select

from tests.helpers import hidden_fields, pdf_bytes
from tests.tickets.test_staff_actions import act, load, officer, submit
from tests.tickets.test_submit import jpeg_bytes
from tests.world import build_staff, build_world
from wananchi.core.storage import file_store
from wananchi.extensions import db as _db
from wananchi.tickets.canned import fill_canned_response
from wananchi.tickets.models import Attachment, CannedResponse, EventKind, Identity, MessageKind, TicketOpening


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def post_with_files(client, reference, action, files=(), **data):
    """Post an action of the ticket page with files, as the browser sends the form (multipart)."""
    fields = hidden_fields(client.get(f"/afisa/hoja/{reference}").data)
    payload = {"csrf_token": fields["csrf_token"], "version": fields["version"], **data}
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/afisa/hoja/{reference}/{action}", data=payload, content_type="multipart/form-data")


# --- files on replies and requests --------------------------------------------------------------------------


def test_a_reply_carries_a_pdf_the_citizen_opens_and_no_other_ticket_reaches(app, db, setting):
    _world, staff = setting
    citizen, reference, _code = submit(app)
    other_citizen, other_reference, _other_code = submit(app, subject="Bomba limepasuka mtaani")
    asha = officer(app, staff.officer_a)
    response = post_with_files(
        asha, reference, "reply", files=[("Barua_ya_majibu.pdf", pdf_bytes("Majibu ya DAWASA"))], body="Tazama barua."
    )
    assert response.status_code == 303
    ticket = load(db, reference)
    reply = [m for m in ticket.messages if m.kind == MessageKind.REPLY][0]
    [item] = reply.attachments
    assert item.filename == "Barua_ya_majibu.pdf" and item.content_type == "application/pdf"
    stored = file_store().read(item.stored_name)
    assert stored.startswith(b"%PDF") and b"Majibu ya DAWASA" not in pdf_bytes()  # rewritten, kept whole
    # Shown in the officer's thread and on the citizen's tracking page, which opens it.
    assert f"/afisa/hoja/{reference}/viambatisho/{item.id}" in asha.get(f"/afisa/hoja/{reference}").get_data(
        as_text=True
    )
    page = citizen.get(f"/hoja/{reference}").get_data(as_text=True)
    assert f"/hoja/{reference}/viambatisho/{item.id}" in page and "Barua_ya_majibu.pdf" in page
    download = citizen.get(f"/hoja/{reference}/viambatisho/{item.id}")
    assert download.status_code == 200 and download.data == stored
    # Another ticket's citizen, through their own ticket's address, gets nothing; nor does the officer of B.
    assert other_citizen.get(f"/hoja/{other_reference}/viambatisho/{item.id}").status_code == 404
    assert other_citizen.get(f"/hoja/{reference}/viambatisho/{item.id}").status_code in (302, 404)
    assert officer(app, staff.officer_b).get(f"/afisa/hoja/{reference}/viambatisho/{item.id}").status_code == 404


def test_a_request_for_information_carries_a_file(app, db, setting):
    _world, staff = setting
    citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    response = post_with_files(
        asha, reference, "request-info", files=[("fomu.pdf", pdf_bytes("Fomu ya maombi"))], body="Jaza fomu hii."
    )
    assert response.status_code == 303
    ticket = load(db, reference)
    request_message = [m for m in ticket.messages if m.kind == MessageKind.INFO_REQUEST][0]
    assert [a.filename for a in request_message.attachments] == ["fomu.pdf"]
    assert "fomu.pdf" in citizen.get(f"/hoja/{reference}").get_data(as_text=True)


def test_a_refused_reply_keeps_its_text_and_its_checked_file(app, db, setting):
    """No text: the page comes back with the error at the top, the file listed as attached, and is sent with it."""
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    response = post_with_files(asha, reference, "reply", files=[("jibu.pdf", pdf_bytes())], body="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.index('id="error-summary"') < page.index('id="ticket-main"')
    assert 'href="#reply-body"' in page and "jibu.pdf" in page
    token = re.search(r'<input type="hidden" name="kept" value="([^"]+)">', page).group(1)
    # A file that is not a photo or a PDF is refused with the reason, the typed text kept.
    refused = post_with_files(asha, reference, "reply", files=[("virusi.exe", b"MZ\x90\x00" * 50)], body="Jibu langu")
    assert refused.status_code == 422
    assert "si picha" in refused.get_data(as_text=True) and "Jibu langu" in refused.get_data(as_text=True)
    assert load(db, reference).messages == []
    fields = hidden_fields(page)
    sent = asha.post(
        f"/afisa/hoja/{reference}/reply",
        data={"csrf_token": fields["csrf_token"], "version": fields["version"], "kept": token, "body": "Tazama."},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    [reply] = load(db, reference).messages
    assert [a.filename for a in reply.attachments] == ["jibu.pdf"]


def test_an_officers_file_on_an_anonymous_ticket_keeps_its_name(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, identity="anonymous", name="", email="", phone="")
    asha = officer(app, staff.officer_a)
    assert (
        post_with_files(asha, reference, "reply", files=[("Ratiba.pdf", pdf_bytes())], body="Ratiba").status_code == 303
    )
    assert [a.filename for a in load(db, reference).attachments] == ["Ratiba.pdf"]


# --- thumbnails ---------------------------------------------------------------------------------------------


def test_a_photo_has_a_small_thumbnail_cached_by_the_browser_only(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, attachments=[(io.BytesIO(jpeg_bytes(1200, 900)), "picha.jpg")])
    _other_citizen, other_reference, _ = submit(app, email="juma@example.co.tz", phone="0713 000 111")
    item = load(db, reference).attachments[0]
    asha = officer(app, staff.officer_a)
    url = f"/afisa/hoja/{reference}/viambatisho/{item.id}/picha-ndogo"
    assert url in asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    response = asha.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == (160, 120)
    assert "private" in response.headers["Cache-Control"] and "max-age=86400" in response.headers["Cache-Control"]
    again = asha.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    # The same checks as the ticket page: another institution's officer, or another ticket's address, finds nothing.
    assert officer(app, staff.officer_b).get(url).status_code == 404
    assert asha.get(f"/afisa/hoja/{other_reference}/viambatisho/{item.id}/picha-ndogo").status_code == 404
    assert app.test_client().get(url).status_code == 302  # to the login page


# --- canned responses ---------------------------------------------------------------------------------------

CANNED_SW = "Ndugu {jina}, hoja yako {kumbukumbu} imepokelewa na {taasisi}; tutaitatua kabla ya {tarehe}. {other}"
CANNED_EN = "Dear {name}, your ticket {reference} was received by {institution}; we will resolve it by {due_date}."


@pytest.fixture
def canned(db, setting):
    world, _staff = setting
    response = CannedResponse(institution=world.agency, title="Tumepokea", body_sw=CANNED_SW, body_en=CANNED_EN)
    db.session.add(response)
    db.session.commit()
    return response


def test_placeholders_are_filled_in_the_tickets_language(app, db, setting, canned):
    _citizen, reference, _code = submit(app)
    ticket = load(db, reference)
    ticket.resolution_due_at = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
    filled = fill_canned_response(canned, ticket)
    assert filled.named
    assert filled.text.startswith(
        f"Ndugu Asha Juma, hoja yako {reference} imepokelewa na {ticket.institution.name_sw};"
    )
    assert "20 Machi 2026" in filled.text and filled.text.endswith("{other}")  # unknown placeholders left as written
    ticket.language = "en"
    english = fill_canned_response(canned, ticket)
    assert english.text.startswith(f"Dear Asha Juma, your ticket {reference} was received by ")
    assert english.text.endswith("we will resolve it by 20 March 2026.")
    ticket.identity = Identity.CONTACT_HIDDEN
    assert fill_canned_response(canned, ticket).text.startswith("Dear citizen, ")
    assert not fill_canned_response(canned, ticket).named
    ticket.language = "sw"
    assert fill_canned_response(canned, ticket).text.startswith("Ndugu mwananchi, ")


def test_insert_without_scripts_adds_the_text_after_what_was_typed_and_records_the_name_view(app, db, setting, canned):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    response = post_with_files(
        asha,
        reference,
        "reply",
        files=[("barua.pdf", pdf_bytes())],
        body="Habari.",
        canned=str(canned.id),
        insert_canned="1",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    box = re.search(r'<textarea[^>]*id="reply-body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert box.strip().startswith("Habari.") and f"Ndugu Asha Juma, hoja yako {reference}" in box
    assert "barua.pdf" in page and 'name="kept"' in page  # the file chosen before pressing Insert is kept
    ticket = load(db, reference)
    assert ticket.messages == []  # nothing sent
    assert [e.kind for e in ticket.events].count(EventKind.CONTACT_VIEWED) == 1  # the name was shown: recorded


def test_insert_with_scripts_answers_the_text_as_json(app, db, setting, canned):
    world, staff = setting
    _citizen, reference, _code = submit(app, identity="anonymous", name="", email="", phone="")
    asha = officer(app, staff.officer_a)
    token = hidden_fields(asha.get(f"/afisa/hoja/{reference}").data)["csrf_token"]
    response = asha.post(f"/afisa/hoja/{reference}/jibu-tayari", data={"csrf_token": token, "canned": canned.id})
    assert response.status_code == 200
    assert json.loads(response.data)["text"].startswith(f"Ndugu mwananchi, hoja yako {reference}")
    assert EventKind.CONTACT_VIEWED not in [e.kind for e in load(db, reference).events]
    # Another institution's canned response is not offered, and an officer of B cannot ask.
    foreign = CannedResponse(institution=world.council, title="Nyingine", body_sw="x", body_en="x")
    db.session.add(foreign)
    db.session.commit()
    refused = asha.post(f"/afisa/hoja/{reference}/jibu-tayari", data={"csrf_token": token, "canned": foreign.id})
    assert refused.status_code == 422
    juma = officer(app, staff.officer_b)
    juma_token = hidden_fields(juma.get("/akaunti").data)["csrf_token"]
    assert (
        juma.post(f"/afisa/hoja/{reference}/jibu-tayari", data={"csrf_token": juma_token, "canned": canned.id})
    ).status_code == 404


def test_insert_without_a_choice_says_what_to_choose(app, db, setting, canned):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    response = post_with_files(asha, reference, "reply", body="Habari.", canned="", insert_canned="1")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#reply-canned"' in page and "Habari." in page


# --- a colleague on the same ticket --------------------------------------------------------------------------


def test_the_page_says_when_a_colleague_opened_or_changed_the_ticket(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha, baraka = officer(app, staff.officer_a), officer(app, staff.officer_a2)
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        assert 'id="colleagues"' not in asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        page = baraka.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
        assert "Afisa Asha Afisa alifungua hoja hii dakika 2 zilizopita." in page
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        assert act(baraka, reference, "claim").status_code == 303
        page = asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
        assert "Afisa Baraka Afisa alibadilisha hoja hii chini ya dakika moja iliyopita." in page
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        page = asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
        assert 'id="colleagues"' not in page  # more than five minutes ago: no notice
    # One row per ticket and officer, written over at each opening.
    rows = _db.session.scalars(select(TicketOpening)).all()
    assert sorted(row.user_id for row in rows) == sorted([staff.officer_a.id, staff.officer_a2.id])


def test_attachment_rows_name_their_message(app, db, setting):
    """The reply's files belong to the reply (the thread shows them there), not to the ticket's description."""
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    post_with_files(asha, reference, "reply", files=[("a.pdf", pdf_bytes())], body="Tazama.")
    ticket = load(db, reference)
    assert ticket.ticket_attachments == []
    assert _db.session.scalar(select(Attachment.message_id)) == ticket.messages[0].id


def test_the_history_names_the_statuses_a_citizen_message_moved_the_ticket_between(app, db, setting):
    from wananchi.tickets.services import add_citizen_message

    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "request-info", body="Tafadhali tuambie namba ya mita.").status_code == 303
    add_citizen_message(load(db, reference), "Namba ya mita ni 12345.", [])
    db.session.commit()
    history = asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True).split('<ol class="history">')[1]
    assert "Mwananchi ameongeza taarifa za ziada: Inasubiri mwananchi → Inashughulikiwa" in history
    assert "in_progress" not in history and "awaiting_citizen" not in history


def test_the_history_names_the_citizen_and_the_system_in_the_pages_language(app, db, setting):
    from wananchi.sla.escalation import scan_batch

    _world, staff = setting
    _citizen, reference, _code = submit(app)
    scan_batch(load(db, reference).first_response_warn_at)
    db.session.commit()
    client = officer(app, staff.officer_a)
    swahili = client.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    assert "· mwananchi</span> — Imewasilishwa" in swahili and "· mfumo</span> — Lengo liko karibu" in swahili
    client.get("/lugha/en")
    english = client.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    assert "· citizen</span> — Submitted" in english and "· system</span> — Target at risk" in english


def test_the_history_names_the_target_each_warning_and_escalation_is_about(app, db, setting):
    from wananchi.sla.escalation import scan_batch

    _world, staff = setting
    _citizen, reference, _code = submit(app)
    ticket = load(db, reference)
    for moment in (ticket.first_response_warn_at, ticket.resolution_warn_at):  # each warning when it falls due
        scan_batch(moment)
        db.session.commit()
    scan_batch(ticket.resolution_due_at + dt.timedelta(days=30))  # then both targets missed, long ago
    db.session.commit()
    history = officer(app, staff.officer_a).get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    history = history.split('<ol class="history">')[1].split("</ol>")[0]
    # Each target climbs its own ladder: the lines say which one, not the same words twice.
    assert "Lengo liko karibu kuchelewa: tahadhari imetolewa (Jibu la kwanza)" in history
    assert "Lengo liko karibu kuchelewa: tahadhari imetolewa (Utatuzi)" in history
    assert "Imepandishwa ngazi (Jibu la kwanza)" in history and "Imepandishwa ngazi (Utatuzi)" in history
