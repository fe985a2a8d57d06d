"""Public API: lists, submission (the form's rules), the idempotency key, tracking, adding information."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.api.conftest import api_submission, bearer, submit
from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD
from wananchi.api.tokens import create_integration_key
from wananchi.tickets.actions import (
    add_note,
    merge_ticket,
    reply_to_citizen,
    request_information,
    resolve_ticket,
    transfer_ticket,
)
from wananchi.tickets.models import Channel, Ticket
from wananchi.tickets.references import format_tracking_code
from wananchi.tickets.services import add_citizen_message, current_tracking_code, reissue_tracking_code


def test_institutions_and_categories_in_both_languages(client, setting):
    institutions = client.get("/api/v1/institutions").json
    agency = next(i for i in institutions if i["slug"] == setting.world.agency.slug)
    assert agency["name"] == agency["name_sw"]
    english = client.get("/api/v1/categories", headers={"Accept-Language": "en"}).json
    water = next(c for c in english if c["code"] == "maji-bili")
    assert water["name"] == water["name_en"] and water["institution"] == setting.world.agency.slug


def test_submit_routes_like_the_form(client, setting, db):
    response = submit(client)
    assert response.status_code == 201, response.json
    body = response.json
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == body["reference"]))
    assert ticket.institution_id == setting.world.agency.id and ticket.channel == Channel.API
    assert body["institution"]["slug"] == setting.world.agency.slug and len(body["tracking_code"]) == 11


def test_the_same_rules_as_the_form(client, setting):
    local = submit(client, category=setting.world.local_service.code)
    assert local.status_code == 422 and "district" in local.json["errors"]
    nameless = submit(client, name=None)
    assert nameless.status_code == 422 and "name" in nameless.json["errors"]
    no_contact = submit(client, email=None, phone=None, identity="contact_hidden")
    assert no_contact.status_code == 422 and "email" in no_contact.json["errors"]
    short = submit(client, subject="abc")
    assert short.status_code == 422 and "subject" in short.json["errors"]
    unknown = submit(client, category="hakuna")
    assert unknown.status_code == 422 and unknown.json["code"] == "invalid"
    assert submit(client, email="si-barua").json["errors"]["email"]
    rights = submit(client, type="data_request")  # a request about personal data is opened by the rights flow only
    assert rights.status_code == 422 and "data_request" not in rights.json["errors"]["type"][0]


def test_errors_speak_swahili_unless_english_is_asked_for(client, setting):
    body = api_submission(category="hakuna")
    swahili = client.post("/api/v1/tickets", json=body, headers={"Accept-Language": "sw-TZ,en;q=0.5"})
    english = client.post("/api/v1/tickets", json=body, headers={"Accept-Language": "en-GB,sw;q=0.5"})
    assert swahili.status_code == english.status_code == 422
    assert english.json["errors"]["category"] == ["Choose a service from the list."]
    assert swahili.json["errors"]["category"] != english.json["errors"]["category"]
    assert swahili.headers["Content-Language"] == "sw" and english.headers["Content-Language"] == "en"
    assert client.post("/api/v1/tickets", json={}).json["errors"]["subject"]


def test_an_idempotency_key_returns_the_first_answer(client, setting, db):
    headers = {"Idempotency-Key": "ombi-1234"}
    first = client.post("/api/v1/tickets", json=api_submission(), headers=headers)
    again = client.post("/api/v1/tickets", json=api_submission(), headers=headers)
    # Another key with another text is another ticket (the same text again would be the citizen's repeat).
    other = client.post(
        "/api/v1/tickets",
        json=api_submission(subject="Mita ya maji imeharibika"),
        headers={"Idempotency-Key": "ombi-5678"},
    )
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert other.json["reference"] != first.json["reference"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 2


def test_an_idempotency_key_sent_again_with_another_ticket_is_refused(client, setting, db):
    headers = {"Idempotency-Key": "ombi-1234"}
    first = client.post("/api/v1/tickets", json=api_submission(), headers=headers)
    other = client.post("/api/v1/tickets", json=api_submission(subject="Mita ya maji imeharibika"), headers=headers)
    assert first.status_code == 201 and other.status_code == 422
    assert other.json["message"] == "Ufunguo huu wa ombi ulishatumika kwa hoja nyingine."
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_a_request_sent_again_after_a_new_tracking_code_never_shows_the_new_code(client, setting, db):
    headers = {"Idempotency-Key": "ombi-1234"}
    first = client.post("/api/v1/tickets", json=api_submission(), headers=headers).json
    ticket = reissue_tracking_code(first["reference"], "asha@example.co.tz")
    db.session.commit()
    new_code = format_tracking_code(current_tracking_code(ticket))
    again = client.post("/api/v1/tickets", json=api_submission(), headers=headers)
    english = client.post("/api/v1/tickets", json=api_submission(), headers={**headers, "Accept-Language": "en"})
    assert again.status_code == english.status_code == 422
    assert new_code not in again.get_data(as_text=True) and first["tracking_code"] not in again.get_data(as_text=True)
    assert english.json["message"] == (
        f"This form was already sent: it is ticket {first['reference']}. Its tracking code has since been "
        "replaced, and the new one was sent to the e-mail address or phone number given with the ticket."
    )
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_without_a_key_each_request_is_a_new_ticket(client, setting, db):
    first, second = submit(client), submit(client, subject="Mita ya maji imeharibika")
    assert first.status_code == second.status_code == 201
    assert first.json["reference"] != second.json["reference"]


def test_track_and_add_information(client, setting):
    receipt = submit(client).json
    credentials = {"reference": receipt["reference"], "code": receipt["tracking_code"]}
    tracked = client.post("/api/v1/tickets/track", json=credentials)
    assert tracked.status_code == 200 and tracked.json["status"] == "received"
    wrong = client.post("/api/v1/tickets/track", json={**credentials, "code": "AAAAA-AAAAA"})
    assert wrong.status_code == 404 and wrong.json["code"] == "not_found"
    added = client.post("/api/v1/tickets/information", json={**credentials, "body": "Namba ya mita ni 1234."})
    assert added.status_code == 201
    thread = client.post("/api/v1/tickets/track", json=credentials).json["messages"]
    assert thread[-1]["body"] == "Namba ya mita ni 1234."
    empty = client.post("/api/v1/tickets/information", json={**credentials, "body": "   "})
    assert empty.status_code == 422


def test_tracking_tells_the_progress_in_the_requested_language(client, setting, db):
    receipt = submit(client).json
    credentials = {"reference": receipt["reference"], "code": receipt["tracking_code"]}
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == receipt["reference"]))
    transfer_ticket(ticket, setting.world.council, "Huduma ya halmashauri.", actor=setting.staff.officer_a)
    db.session.commit()
    swahili = client.post("/api/v1/tickets/track", json=credentials).json["progress"]
    assert [(step["kind"], step["label"]) for step in swahili] == [
        ("received", "Imepokelewa"),
        ("transferred", "Imehamishwa"),
    ]
    english = client.post("/api/v1/tickets/track", json=credentials, headers={"Accept-Language": "en"}).json
    assert english["progress"][1]["detail"] == "To Dodoma City Council, the institution responsible for this matter."
    assert "Huduma ya halmashauri." not in str(english)


def test_tracking_shows_what_the_page_shows_and_never_an_officers_name(app, client, setting, db):
    receipt = submit(client).json
    credentials = {"reference": receipt["reference"], "code": receipt["tracking_code"]}
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == receipt["reference"]))
    officer, start = setting.staff.officer_a, ticket.created_at
    request_information(ticket, "Tafadhali tuma namba ya mita.", actor=officer, now=start + dt.timedelta(minutes=1))
    add_citizen_message(ticket, "Namba ya mita ni 1234.", [], now=start + dt.timedelta(minutes=2))
    replied_at = start + dt.timedelta(minutes=3)
    reply_to_citizen(ticket, "Bili imerekebishwa.", actor=officer, now=replied_at)
    add_note(ticket, "Ndani tu: mita ilisomwa vibaya.", actor=officer, now=start + dt.timedelta(minutes=9))
    db.session.commit()

    swahili = client.post("/api/v1/tickets/track", json=credentials)
    english = client.post("/api/v1/tickets/track", json=credentials, headers={"Accept-Language": "en"})
    assert [m["author"] for m in swahili.json["messages"]] == [
        "Taasisi inaomba taarifa za ziada",
        "Wewe",
        "Jibu kutoka kwa taasisi",
    ]
    assert [m["author"] for m in english.json["messages"]] == [
        "The institution asks for more information",
        "You",
        "Reply from the institution",
    ]
    assert dt.datetime.fromisoformat(swahili.json["updated_at"]) == replied_at  # not the later internal note
    for answer in (swahili, english):
        text = answer.get_data(as_text=True)
        assert officer.name not in text and "Ndani tu" not in text and "mwananchi" not in text

    citizen = app.test_client()
    form = hidden_fields(citizen.get("/fuatilia").data)
    page = citizen.post("/fuatilia", data={**form, **credentials}, follow_redirects=True).get_data(as_text=True)
    assert all(message["author"] in page for message in swahili.json["messages"]) and officer.name not in page
    added = client.post("/api/v1/tickets/information", json={**credentials, "body": "Asante."})
    assert added.status_code == 201 and added.json["author"] == "Wewe"


def test_consent_to_publication_is_recorded_only_when_given_as_true(client, setting, db):
    unasked, declined, given = (
        submit(client),
        submit(client, subject="Mita ya maji imeharibika", publication_consent=False),
        submit(client, subject="Bomba la maji limepasuka", publication_consent=True),
    )
    assert [answer.json["publication_consent"] for answer in (unasked, declined, given)] == [False, False, True]
    stored = db.session.scalars(select(Ticket.publication_consent).order_by(Ticket.id)).all()
    assert stored == [False, False, True]
    officer = bearer(setting.tokens["officer_a"])
    for answer, public in ((unasked, False), (given, True)):
        seen = client.get(f"/api/v1/staff/tickets/{answer.json['reference']}", headers=officer).json
        assert seen["publication_consent"] is seen["text_is_public"] is public
    for loose in ("true", "ndiyo", "yes", None, []):
        refused = submit(client, publication_consent=loose)
        assert refused.status_code == 422 and "publication_consent" in refused.json["errors"], loose
    documented = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Submit"]["properties"]
    assert (
        documented["publication_consent"]["type"] == "boolean" and documented["publication_consent"]["default"] is False
    )
    assert "ridhaa ya kuchapishwa" in documented["publication_consent"]["description"]


def test_bad_input_never_gives_a_server_error(client, setting):
    assert client.post("/api/v1/tickets", data="{not json", content_type="application/json").status_code in (400, 422)
    assert client.post("/api/v1/tickets", json=api_submission(subject="Bili\x00 ya maji")).status_code == 422
    assert client.post("/api/v1/tickets", json=[1, 2]).status_code == 422
    assert client.get("/api/v1/institutions?x=%00").status_code == 400
    assert client.get("/api/v1/hakuna").json["code"] == "not_found"
    wrong_method = client.delete("/api/v1/tickets")
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers["Allow"]


def test_the_html_site_keeps_its_own_error_pages(client, setting):
    response = client.get("/hakuna-ukurasa")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


def test_rate_limit_per_address(app, client, setting):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    statuses = [client.get("/api/v1/institutions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/institutions").json["code"] == "too_many_requests"


def test_adding_information_is_limited_per_caller_and_per_ticket(app, client, setting, db):
    first, second = (submit(client, subject=f"Bili ya maji, mwezi wa {month}").json for month in (10, 11))
    app.config["ADD_INFORMATION_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = [
            client.post("/api/v1/tickets/information", json={**_credentials(first), "body": f"Ya {i}."}).status_code
            for i in range(3)
        ]
    finally:
        app.config["ADD_INFORMATION_RATE_LIMIT"] = "1000 per minute"
    assert statuses == [201, 201, 429]

    app.config["ADD_INFORMATION_PER_TICKET_LIMIT"] = "2 per hour"
    try:
        statuses = []
        for i, reference in enumerate((second["reference"], second["reference"].lower(), second["reference"])):
            body = {**_credentials(second), "reference": reference, "body": f"Kutoka mfumo {i}."}
            answer = client.post(
                "/api/v1/tickets/information", json=body, environ_base={"REMOTE_ADDR": f"10.0.2.{i + 1}"}
            )
            statuses.append(answer.status_code)
    finally:
        app.config["ADD_INFORMATION_PER_TICKET_LIMIT"] = "1000 per minute"
    assert statuses == [201, 201, 429] and answer.json["code"] == "too_many_requests"


def _credentials(receipt: dict) -> dict:
    return {"reference": receipt["reference"], "code": receipt["tracking_code"]}


def test_openapi_document_and_docs_page(client, db):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/tickets" in spec["paths"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"/api/v1/staff/queue" in page.data and b'<script src="http' not in page.data


def test_a_submission_records_the_credential_it_came_with_and_officers_see_it(app, client, setting, db):
    _key, raw_key = create_integration_key(setting.world.agency, "Kituo cha simu", ["read", "write"], actor=None)
    db.session.commit()
    sent = {
        "nobody": submit(client),
        "person": client.post(
            "/api/v1/tickets",
            json=api_submission(subject="Mita ya maji imeharibika"),
            headers=bearer(setting.tokens["officer_a"]),
        ),
        "system": client.post(
            "/api/v1/tickets", json=api_submission(subject="Bomba la maji limepasuka"), headers=bearer(raw_key)
        ),
    }
    assert {answer.status_code for answer in sent.values()} == {201}
    tickets = {
        who: db.session.scalar(select(Ticket).where(Ticket.reference == answer.json["reference"]))
        for who, answer in sent.items()
    }
    assert (tickets["nobody"].integration_key, tickets["nobody"].api_token) == (None, None)
    assert tickets["person"].integration_key is None
    assert tickets["person"].api_token.user == setting.staff.officer_a
    assert tickets["system"].api_token is None and tickets["system"].integration_key.name == "Kituo cha simu"

    officer = app.test_client()
    assert log_in(officer, setting.staff.officer_a.email, PASSWORD).status_code == 303
    pages = {who: officer.get(f"/afisa/hoja/{t.reference}").get_data(as_text=True) for who, t in tickets.items()}
    assert 'id="sent-through"' not in pages["nobody"]
    assert "tokeni binafsi ya " + setting.staff.officer_a.name in pages["person"]
    assert "mfumo wa Kituo cha simu (ufunguo " + tickets["system"].integration_key.prefix in pages["system"]


def test_tracking_a_merged_ticket_shows_the_survivors_status_and_resolution_never_its_replies(client, setting, db):
    first = submit(client).json
    other = submit(client, subject="Hakuna maji mtaa wa Kisasa", name="Juma Ali", email="juma@example.co.tz").json
    survivor, duplicate = (
        db.session.scalar(select(Ticket).where(Ticket.reference == receipt["reference"])) for receipt in (first, other)
    )
    officer = setting.staff.officer_a
    merge_ticket(duplicate, survivor, actor=officer)
    reply_to_citizen(survivor, "Asha, mita yako namba 12345 ina deni la shilingi 40,000.", actor=officer)
    db.session.commit()
    credentials = {"reference": other["reference"], "code": other["tracking_code"]}
    tracked = client.post("/api/v1/tickets/track", json=credentials).json
    assert (tracked["status"], tracked["merged_into"], tracked["merged_into_status"]) == (
        "closed",
        first["reference"],
        "answered",
    )
    assert tracked["resolution_summary"] is None and tracked["messages"] == []
    assert "12345" not in str(tracked)
    resolve_ticket(survivor, "Bomba kuu limetengenezwa; maji yamerudi.", actor=officer)
    db.session.commit()
    tracked = client.post("/api/v1/tickets/track", json=credentials).json
    assert tracked["merged_into_status"] == "resolved"
    assert tracked["resolution_summary"] == "Bomba kuu limetengenezwa; maji yamerudi."
    assert "12345" not in str(tracked) and "Bili ya maji si sahihi" not in str(tracked)
    own = client.post("/api/v1/tickets/track", json={"reference": first["reference"], "code": first["tracking_code"]})
    assert own.json["merged_into"] is None and own.json["merged_into_status"] is None
