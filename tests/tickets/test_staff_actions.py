"""Officers work tickets through the web pages: every action, its rules, the citizen's view, conflicts."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import time_machine
from sqlalchemy import select

from tests.factories import InstitutionFactory
from tests.helpers import hidden_fields, log_in, post_form, post_submission
from tests.world import PASSWORD, build_staff, build_world
from wananchi.accounts.models import Role
from wananchi.accounts.services import create_user
from wananchi.tickets.models import EventKind, MessageKind, SuggestionOutcome, Ticket, TicketStatus


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def submit(app, **overrides):
    """A citizen submits a ticket to the agency (A) in their own browser: (client, reference, code)."""
    citizen = app.test_client()
    response = post_submission(citizen, **overrides)
    html = citizen.get(response.headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', html).group(1)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', html).group(1)
    return citizen, reference, code


def officer(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 303
    return client


def act(client, ticket_reference, action, **data):
    return post_form(client, f"/afisa/hoja/{ticket_reference}", f"/afisa/hoja/{ticket_reference}/{action}", **data)


def load(db, reference) -> Ticket:
    db.session.expire_all()
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def test_claim_then_reply_reaches_the_citizen_in_swahili(app, db, setting):
    _world, staff = setting
    citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "claim").status_code == 303
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.IN_PROGRESS and ticket.assignee_id == staff.officer_a.id
    response = act(asha, reference, "reply", body="Tumerekebisha bili yako; salio jipya ni shilingi 12,000.")
    assert response.status_code == 303
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.ANSWERED and ticket.first_response_at is not None
    page = citizen.get(f"/hoja/{reference}").get_data(as_text=True)
    assert "Tumerekebisha bili yako" in page and "Imejibiwa" in page
    assert "Jibu kutoka kwa taasisi" in page or "taasisi" in page.lower()


def test_an_officer_reply_updates_the_ticket_row_once(app, db, setting):
    """The reply, its history, the met first-response target and the new status are one UPDATE of the ticket: its
    version (which the page carries, and every UPDATE raises) goes up by one."""
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "claim").status_code == 303
    claimed = load(db, reference).version
    assert act(asha, reference, "reply", body="Tumerekebisha bili yako.").status_code == 303
    ticket = load(db, reference)
    assert ticket.version == claimed + 1
    assert ticket.status == TicketStatus.ANSWERED and ticket.holder_responded_at is not None
    assert f'name="version" type="hidden" value="{claimed + 1}"' in asha.get(f"/afisa/hoja/{reference}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("overrides", "public", "reason"),
    [
        ({}, False, "Mwananchi hakutoa ridhaa ya kuchapishwa"),
        ({"publication_consent": "y"}, True, "Mwananchi ametoa ridhaa ya kuchapishwa"),
        ({"publication_consent": "y", "identity": "contact_hidden"}, True, "Mwananchi ametoa ridhaa ya kuchapishwa"),
        ({"publication_consent": "y", "identity": "anonymous"}, False, "Hoja ilitumwa bila kujitambulisha"),
    ],
)
def test_the_reply_form_says_whether_the_reply_will_be_public(app, db, setting, overrides, public, reason):
    _world, staff = setting
    _citizen, reference, _code = submit(app, **overrides)
    page = officer(app, staff.officer_a).get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    notice = re.search(r'<p class="notice" id="reply-publication">(.*?)</p>', page).group(1)
    assert ("Jibu hili litachapishwa hadharani." in notice) is public
    assert ("Jibu hili halitachapishwa hadharani." in notice) is not public
    assert reason in notice
    assert page.index('id="reply-publication"') < page.index('id="reply-body"')  # beside the reply form, above its box


def test_a_question_is_answered_and_resolved_in_one_step(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="question")
    response = act(
        officer(app, staff.officer_a), reference, "reply", body="Ofisi zetu hufunguliwa saa 1:30 asubuhi.", resolve="y"
    )
    assert response.status_code == 303
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution_summary.startswith("Ofisi zetu")
    assert {EventKind.REPLIED, EventKind.RESOLVED} <= {e.kind for e in ticket.events}


def test_only_a_question_resolves_with_its_reply(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="complaint")
    response = act(officer(app, staff.officer_a), reference, "reply", body="Jibu.", resolve="y")
    assert response.status_code == 422
    assert load(db, reference).status == TicketStatus.RECEIVED


def test_asking_for_information_waits_for_the_citizen_who_answers(app, db, setting):
    _world, staff = setting
    citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "request-info", body="Tafadhali tuma namba ya mita yako.").status_code == 303
    assert load(db, reference).status == TicketStatus.AWAITING_CITIZEN
    page = citizen.get(f"/hoja/{reference}")
    assert "Tafadhali tuma namba ya mita yako." in page.get_data(as_text=True)
    citizen.post(f"/hoja/{reference}", data={**hidden_fields(page.data), "body": "Namba ni 556677."})
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert "Namba ni 556677." in asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)


def test_resolving_needs_a_summary_and_a_suggestion_needs_its_outcome(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="suggestion")
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "resolve", summary="").status_code == 422
    no_outcome = act(asha, reference, "resolve", summary="Tumelipokea pendekezo lako.")
    assert no_outcome.status_code == 422
    assert load(db, reference).status == TicketStatus.RECEIVED
    assert act(asha, reference, "resolve", summary="Tumelipokea pendekezo lako.", outcome="accepted").status_code == 303
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.RESOLVED and ticket.outcome == SuggestionOutcome.ACCEPTED


def test_resolve_close_and_reopen(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "close").status_code == 422  # not resolved yet: refused with a message
    act(asha, reference, "resolve", summary="Bili imerekebishwa.")
    assert act(asha, reference, "reopen", reason="").status_code == 422
    assert act(asha, reference, "reopen", reason="Mwananchi amepiga simu, tatizo limerudi.").status_code == 303
    assert load(db, reference).status == TicketStatus.REOPENED
    act(asha, reference, "resolve", summary="Imerekebishwa tena.")
    assert act(asha, reference, "close").status_code == 303
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None


def test_an_illegal_action_is_refused_with_a_clear_message(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    response = act(officer(app, staff.officer_a), reference, "close")
    assert response.status_code == 422
    assert "Imepokelewa" in response.get_data(as_text=True)


def test_transfer_moves_the_ticket_and_the_sender_keeps_a_read_only_view(app, db, setting):
    world, staff = setting
    citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    assert act(asha, reference, "transfer", institution=str(world.council.id), reason="").status_code == 422
    response = act(
        asha, reference, "transfer", institution=str(world.council.id), reason="Bomba lililopasuka ni la halmashauri."
    )
    assert response.status_code == 303
    ticket = load(db, reference)
    assert ticket.institution_id == world.council.id and ticket.status == TicketStatus.RECEIVED
    assert ticket.assignee_id is None and ticket.transfers[0].reason == "Bomba lililopasuka ni la halmashauri."
    juma = officer(app, staff.officer_b)
    assert reference in juma.get("/afisa/foleni").get_data(as_text=True)
    assert act(juma, reference, "claim").status_code == 303
    sender_view = asha.get(f"/afisa/hoja/{reference}")
    assert sender_view.status_code == 200
    assert 'action="/afisa/hoja/' + reference + '/reply"' not in sender_view.get_data(as_text=True)
    assert act(asha, reference, "note", body="Bado naona?").status_code == 403
    assert "Halmashauri ya Jiji la Dodoma" in citizen.get(f"/hoja/{reference}").get_data(as_text=True)


PRIVATE_REPLY = "Asha, mita yako namba 12345 ya Mtaa wa Kisasa ina deni la shilingi 40,000."


def test_a_merged_citizen_reads_the_survivors_status_and_resolution_never_its_replies(app, db, setting):
    _world, staff = setting
    _first_citizen, survivor, _code = submit(app, subject="Maji hayatoki Kisasa")
    duplicate_citizen, duplicate, _code2 = submit(
        app, subject="Hakuna maji mtaa wa Kisasa", name="Juma Ali", email="juma@example.co.tz", phone="0754 111 222"
    )
    asha = officer(app, staff.officer_a)
    assert 'id="merge-explained"' in asha.get(f"/afisa/hoja/{duplicate}").get_data(as_text=True)
    assert act(asha, duplicate, "merge", reference=duplicate).status_code == 422
    assert act(asha, duplicate, "merge", reference=survivor).status_code == 303
    ticket = load(db, duplicate)
    assert ticket.status == TicketStatus.CLOSED and ticket.merged_into.reference == survivor
    assert act(asha, survivor, "reply", body=PRIVATE_REPLY).status_code == 303
    assert act(asha, survivor, "request-info", body="Asha, tuma picha ya bili yako.").status_code == 303
    page = duplicate_citizen.get(f"/hoja/{duplicate}").get_data(as_text=True)
    assert survivor in page and 'id="survivor-status">Inasubiri mwananchi<' in page  # not "awaiting your information"
    for private in (PRIVATE_REPLY, "tuma picha ya bili", "Maji hayatoki Kisasa", "Asha"):
        assert private not in page, private  # the other citizen's words, and the institution's to them
    assert 'name="body"' not in page  # information goes to the ticket being worked
    officer_page = asha.get(f"/afisa/hoja/{survivor}").get_data(as_text=True)
    [notice] = re.findall(r'<p class="hint" id="resolve-for-all">[^<]*</p>', officer_page)
    assert duplicate in notice and "muhtasari huu" in notice
    summary = "Bomba kuu la Kisasa limetengenezwa na maji yamerudi mtaa mzima."
    assert act(asha, survivor, "resolve", summary=summary).status_code == 303
    page = duplicate_citizen.get(f"/hoja/{duplicate}").get_data(as_text=True)
    assert 'id="survivor-status">Imetatuliwa<' in page and f'id="survivor-resolution">{summary}<' in page
    assert PRIVATE_REPLY not in page


def test_a_ticket_with_duplicates_is_not_answered_and_resolved_in_one_step(app, db, setting):
    _world, staff = setting
    _citizen, survivor, _code = submit(app, type="question")
    _other, duplicate, _code2 = submit(app, type="question", subject="Swali hilo hilo la bili")
    asha = officer(app, staff.officer_a)
    assert 'name="resolve"' in asha.get(f"/afisa/hoja/{survivor}").get_data(as_text=True)
    assert act(asha, duplicate, "merge", reference=survivor).status_code == 303
    assert 'name="resolve"' not in asha.get(f"/afisa/hoja/{survivor}").get_data(as_text=True)
    refused = act(asha, survivor, "reply", body=PRIVATE_REPLY, resolve="y")
    assert refused.status_code == 422 and "muhtasari ulioandikwa kwa ajili yao wote" in refused.get_data(as_text=True)
    ticket = load(db, survivor)
    assert ticket.status == TicketStatus.RECEIVED and ticket.resolution_summary is None and not ticket.messages


def test_a_commendation_is_passed_to_an_officer_and_counted(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app, type="commendation")
    supervisor = officer(app, staff.supervisor_a)
    assert act(supervisor, reference, "commend", officer="", unit="").status_code == 422
    both = act(supervisor, reference, "commend", officer=str(staff.officer_a2.id), unit="Kitengo cha Bili")
    page = both.get_data(as_text=True)
    assert both.status_code == 422 and "si vyote viwili" in page and 'value="Kitengo cha Bili"' in page
    assert load(db, reference).commended_to is None  # nothing passed on while one of the two would be dropped
    assert act(supervisor, reference, "commend", officer=str(staff.officer_a2.id)).status_code == 303
    ticket = load(db, reference)
    assert ticket.commended_user_id == staff.officer_a2.id and ticket.commended_to == staff.officer_a2.name


def test_assigning_is_for_supervisors_and_to_officers_of_the_institution(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    assert act(officer(app, staff.officer_a), reference, "assign", assignee=str(staff.officer_a2.id)).status_code == 403
    supervisor = officer(app, staff.supervisor_a)
    assert act(supervisor, reference, "assign", assignee=str(staff.officer_b.id)).status_code == 422
    assert act(supervisor, reference, "assign", assignee=str(staff.officer_a2.id)).status_code == 303
    ticket = load(db, reference)
    assert ticket.assignee_id == staff.officer_a2.id and ticket.status == TicketStatus.IN_PROGRESS


def test_contact_details_are_shown_on_request_and_every_view_is_recorded(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    page = asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
    assert "asha@example.co.tz" not in page
    shown = post_form(asha, f"/afisa/hoja/{reference}", f"/afisa/hoja/{reference}/mawasiliano")
    assert shown.status_code == 200 and "asha@example.co.tz" in shown.get_data(as_text=True)
    assert "+255712345678" in shown.get_data(as_text=True)
    events = [e for e in load(db, reference).events if e.kind == EventKind.CONTACT_VIEWED]
    assert [e.actor_id for e in events] == [staff.officer_a.id]


def test_hidden_contact_and_oversight_never_show_contact_details(app, db, setting):
    _world, staff = setting
    _citizen, hidden, _code = submit(app, identity="contact_hidden")
    asha = officer(app, staff.officer_a)
    assert "asha@example.co.tz" not in asha.get(f"/afisa/hoja/{hidden}").get_data(as_text=True)
    assert post_form(asha, f"/afisa/hoja/{hidden}", f"/afisa/hoja/{hidden}/mawasiliano").status_code == 403
    _citizen, named, _code = submit(app, subject="Mita ya maji imeharibika")  # another ticket of the same citizen
    leader = officer(app, staff.oversight_above_a)
    assert leader.get(f"/afisa/hoja/{named}").status_code == 200
    assert post_form(leader, f"/afisa/hoja/{named}", f"/afisa/hoja/{named}/mawasiliano").status_code == 403
    assert act(leader, named, "reply", body="Jibu").status_code == 403
    assert act(leader, named, "note", body="Shughulikieni ndani ya wiki hii.").status_code == 303


def test_other_institutions_tickets_answer_404(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    for user in (staff.officer_b, staff.oversight_elsewhere, staff.admin):
        client = officer(app, user)
        assert client.get(f"/afisa/hoja/{reference}").status_code == 404
        assert act(client, reference, "reply", body="x").status_code == 404


def test_two_officers_on_one_ticket_the_second_gets_the_conflict_page_and_keeps_the_text(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha, baraka = officer(app, staff.officer_a), officer(app, staff.officer_a2)
    asha_page = hidden_fields(asha.get(f"/afisa/hoja/{reference}").data)
    baraka_page = hidden_fields(baraka.get(f"/afisa/hoja/{reference}").data)
    first = asha.post(f"/afisa/hoja/{reference}/reply", data={**asha_page, "body": "Jibu la Asha."})
    assert first.status_code == 303
    second = baraka.post(f"/afisa/hoja/{reference}/reply", data={**baraka_page, "body": "Jibu refu la Baraka."})
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "imebadilika" in html.lower() and "Jibu refu la Baraka." in html and "Jibu la Asha." in html
    assert [m.body for m in load(db, reference).messages if m.kind == MessageKind.REPLY] == ["Jibu la Asha."]
    # Sending again from the conflict page (which carries the new version) works.
    retry = baraka.post(f"/afisa/hoja/{reference}/reply", data={**hidden_fields(html), "body": "Jibu refu la Baraka."})
    assert retry.status_code == 303


def test_the_citizen_rates_and_appeals_an_unsatisfactory_complaint_once(app, db, setting):
    _world, staff = setting
    citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    act(asha, reference, "resolve", summary="Tumekagua mita; bili ni sahihi.")
    page = citizen.get(f"/hoja/{reference}")
    assert "Tumekagua mita" in page.get_data(as_text=True)
    bad = citizen.post(f"/hoja/{reference}/kiwango", data={**hidden_fields(page.data), "rating": "9"})
    assert bad.status_code == 422
    citizen.post(f"/hoja/{reference}/kiwango", data={**hidden_fields(page.data), "rating": "1", "comment": "Hapana"})
    assert load(db, reference).satisfaction_rating == 1
    page = citizen.get(f"/hoja/{reference}")
    assert (
        citizen.post(
            f"/hoja/{reference}/rufaa", data={**hidden_fields(page.data), "reason": "Bili bado ni kubwa."}
        ).status_code
        == 303
    )
    ticket = load(db, reference)
    assert ticket.status == TicketStatus.REOPENED and ticket.appealed_at is not None
    act(asha, reference, "resolve", summary="Tumepunguza bili.")
    page = citizen.get(f"/hoja/{reference}")
    again = citizen.post(f"/hoja/{reference}/rufaa", data={**hidden_fields(page.data), "reason": "Tena."})
    assert again.status_code == 422  # only once


def test_an_appeal_after_14_days_is_refused(app, db, setting):
    _world, staff = setting
    citizen, reference, code = submit(app)
    act(officer(app, staff.officer_a), reference, "resolve", summary="Imekamilika.")
    page = citizen.get(f"/hoja/{reference}")
    citizen.post(f"/hoja/{reference}/kiwango", data={**hidden_fields(page.data), "rating": "2"})
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        track_page = citizen.get("/fuatilia")
        citizen.post("/fuatilia", data={**hidden_fields(track_page.data), "reference": reference, "code": code})
        page = citizen.get(f"/hoja/{reference}")
        assert 'action="/hoja/' + reference + '/rufaa"' not in page.get_data(as_text=True)
        response = citizen.post(f"/hoja/{reference}/rufaa", data={**hidden_fields(page.data), "reason": "Bado."})
    assert response.status_code == 422
    assert load(db, reference).status == TicketStatus.RESOLVED


def _summary_and_rest(html: str) -> tuple[str, str]:
    """The error summary leading the page, and the page after it."""
    match = re.search(
        r'<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>(.*?)</div>', html, re.S
    )
    assert match, "no error summary"
    return match.group(1), html[match.end() :]


def test_a_failed_action_leads_the_page_with_its_errors_linked_to_the_open_form(app, db, setting):
    _world, staff = setting
    _citizen, reference, _code = submit(app)
    asha = officer(app, staff.officer_a)
    typed = "Tafadhali tuma picha ya mita yako"
    # A field left empty: the summary, above the thread, links to the field of the form that stays open.
    response = act(asha, reference, "resolve", summary="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary, rest = _summary_and_rest(html)
    assert html.index('id="error-summary"') < html.index('id="thread"')
    assert "Haikufanyika: Tatua" in summary and 'href="#resolve-summary"' in summary
    assert re.search(r'<details class="card" open><summary>Tatua</summary>', rest)
    assert 'id="resolve-summary"' in rest and 'aria-invalid="true"' in rest
    # A refusal by the service: the typed reference is kept in the open merge form.
    response = act(asha, reference, "merge", reference="WN-2026-999999")
    summary, rest = _summary_and_rest(response.get_data(as_text=True))
    assert response.status_code == 422 and 'href="#merge-reference"' in summary
    assert 'value="WN-2026-999999"' in rest
    # The request-for-information text survives a refused request too.
    response = act(asha, reference, "request-info", body=typed + " " + "x" * 10_000)
    summary, rest = _summary_and_rest(response.get_data(as_text=True))
    assert response.status_code == 422 and 'href="#request_info-body"' in summary and typed in rest
    # An action the status does not allow: no form to link, the message still leads the page.
    summary, _rest = _summary_and_rest(act(asha, reference, "close").get_data(as_text=True))
    assert "Imepokelewa" in summary and "href=" not in summary
    # A page without a failure has no summary.
    assert 'id="error-summary"' not in asha.get(f"/afisa/hoja/{reference}").get_data(as_text=True)


def test_the_lists_to_transfer_and_assign_to_are_alphabetical_in_the_page_language(app, db, setting):
    world, staff = setting
    InstitutionFactory(
        slug="ega", parent=world.national, name_sw="Mamlaka ya Serikali Mtandao", name_en="e-Government Authority"
    )
    create_user(
        email="abdul@dawasa.go.tz", name="abdul mrisho", role=Role.OFFICER, password=PASSWORD, institution=world.agency
    )
    db.session.commit()
    _citizen, reference, _code = submit(app)
    supervisor = officer(app, staff.supervisor_a)

    def options(field):
        page = supervisor.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
        select = re.search(rf'<select[^>]*id="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
        return [html.unescape(label) for label in re.findall(r'<option value="\d+">([^<]*)</option>', select)]

    officers = ["abdul mrisho", "Asha Afisa", "Baraka Afisa", "Neema Msimamizi"]
    assert options("assign-assignee") == officers
    assert options("transfer-institution") == [
        "Dawati la Huduma kwa Wananchi",
        "Halmashauri ya Jiji la Dodoma",
        "Mamlaka ya Serikali Mtandao",
        "Ofisi ya Rais - TAMISEMI",
        "Sekretarieti ya Mkoa wa Dodoma",
        "Serikali ya Jamhuri ya Muungano wa Tanzania",
        "Wizara ya Maji",
    ]
    supervisor.get("/lugha/en?next=/")
    assert options("assign-assignee") == officers
    assert options("transfer-institution") == [
        "Citizen Service Desk",
        "Dodoma City Council",
        "Dodoma Regional Secretariat",
        "e-Government Authority",
        "Government of the United Republic of Tanzania",
        "Ministry of Water",
        "President's Office - RALG",
    ]
