"""Requests about personal data through staff: an officer records a citizen's request after checking who they are
(noting how); a copy is printed at once, a correction or erasure waits for the supervisor; the citizen is told of the
decision by message; the history and the audit log keep who did what (never the identity note's content)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in, post_submission
from tests.world import PASSWORD, build_staff, build_world
from wananchi.core.audit import AuditEntry
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus
from wananchi.tickets.models import EventKind, Ticket


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    assert post_submission(app.test_client()).status_code == 303
    ticket = db.session.scalar(select(Ticket))
    return staff, ticket


def client_of(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 303
    return client


def decided_messages(db, ticket) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.event == "data_request_decided")
            .order_by(OutboxMessage.id)
        )
    )


def test_an_officer_records_an_erasure_after_checking_identity_and_the_supervisors_decision_is_told(app, db, setting):
    staff, ticket = setting
    officer = client_of(app, staff.officer_a)
    url = f"/afisa/hoja/{ticket.reference}/ombi-la-mwananchi"
    page = officer.get(url)
    assert page.status_code == 200 and "Namna ulivyothibitisha utambulisho wa mwananchi" in page.get_data(as_text=True)
    token = hidden_fields(page.data)["csrf_token"]
    missing = officer.post(url, data={"csrf_token": token, "kind": "erasure", "reason": "Amehama"})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert "Chagua namna ulivyothibitisha utambulisho wa mwananchi." in html and "Andika ulichokagua." in html
    assert "Amehama" in html  # what was typed survives
    assert db.session.scalar(select(DataRequest)) is None

    recorded = officer.post(
        url,
        data={
            "csrf_token": token,
            "kind": "erasure",
            "identity_check": "national_id",
            "identity_note": "Kitambulisho cha NIDA, tarakimu za mwisho 4821",
            "reason": "Amehama",
        },
    )
    assert recorded.status_code == 303
    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.status, request.recorded_by_id, request.identity_check) == (
        RequestKind.ERASURE,
        RequestStatus.PENDING,
        staff.officer_a.id,
        "national_id",
    )
    event = next(e for e in ticket.events if e.kind == EventKind.DATA_REQUESTED)
    assert (event.actor_id, event.data) == (staff.officer_a.id, {"request": "erasure", "identity_check": "national_id"})
    [audited] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "record_data_request")).all()
    assert audited.actor_id == staff.officer_a.id and "4821" not in str(audited.changes)
    listing = officer.get(url).get_data(as_text=True)
    assert "Kitambulisho cha Taifa (NIDA)" in listing and staff.officer_a.name in listing

    supervisor = client_of(app, staff.supervisor_a)
    decision_page = supervisor.get(f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa")
    granted = supervisor.post(
        f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa/{request.id}",
        data={
            "csrf_token": hidden_fields(decision_page.data)["csrf_token"],
            "decision": "grant",
            "reason": "Utambulisho umethibitishwa",
        },
    )
    assert granted.status_code == 303
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.citizen_email is None and ticket.personal_data_erased_at is not None
    assert db.session.get(DataRequest, request.id).identity_note is None  # erased with the rest
    messages = decided_messages(db, ticket)
    assert [(m.channel, m.recipient) for m in messages] == [
        (Channel.EMAIL, "asha@example.co.tz"),
        (Channel.SMS, "+255712345678"),
    ]
    email = messages[0]
    assert "Ombi lako (Kufuta taarifa binafsi kabla ya muda wa kuhifadhi kuisha)" in email.body_text
    assert "limekubaliwa" in email.body_text and "Utambulisho umethibitishwa" in email.body_text
    assert "huu ndio ujumbe wa mwisho" in email.body_text
    assert ticket.reference in messages[1].body_text and "limekubaliwa" in messages[1].body_text


def test_a_refused_correction_is_told_to_the_citizen_with_the_reason(app, db, setting):
    staff, ticket = setting
    officer = client_of(app, staff.officer_a)
    url = f"/afisa/hoja/{ticket.reference}/ombi-la-mwananchi"
    token = hidden_fields(officer.get(url).data)["csrf_token"]
    assert (
        officer.post(
            url,
            data={
                "csrf_token": token,
                "kind": "correction",
                "identity_check": "call_back",
                "identity_note": "Nilimpigia 0712 345 678 akathibitisha kichwa cha hoja",
                "email": "asha.juma@example.co.tz",
            },
        ).status_code
        == 303
    )
    request = db.session.scalar(select(DataRequest))
    assert request.details == {"email": "asha.juma@example.co.tz"}
    supervisor = client_of(app, staff.supervisor_a)
    page = supervisor.get(f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa")
    refused = supervisor.post(
        f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa/{request.id}",
        data={"csrf_token": hidden_fields(page.data)["csrf_token"], "decision": "refuse", "reason": "Haikuthibitika"},
    )
    assert refused.status_code == 303
    assert db.session.get(Ticket, ticket.id).citizen_email == "asha@example.co.tz"
    email = decided_messages(db, ticket)[0]
    assert email.recipient == "asha@example.co.tz" and "limekataliwa" in email.body_text
    assert "Haikuthibitika" in email.body_text and f"/fuatilia?ref={ticket.reference}" in email.body_text


def test_a_copy_is_printed_only_after_a_checked_access_request_and_each_copy_is_recorded(app, db, setting):
    staff, ticket = setting
    officer = client_of(app, staff.officer_a)
    copy_url = f"/afisa/hoja/{ticket.reference}/nakala-ya-taarifa"
    first = officer.get(copy_url)
    assert first.status_code == 303 and first.headers["Location"].endswith("/ombi-la-mwananchi")
    url = f"/afisa/hoja/{ticket.reference}/ombi-la-mwananchi"
    token = hidden_fields(officer.get(url).data)["csrf_token"]
    recorded = officer.post(
        url,
        data={
            "csrf_token": token,
            "kind": "access",
            "identity_check": "tracking_code",
            "identity_note": "Alionyesha msimbo wa ufuatiliaji kwenye SMS",
        },
    )
    assert recorded.status_code == 303 and recorded.headers["Location"].endswith("/nakala-ya-taarifa")
    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.status, request.decided_by_id) == (
        RequestKind.ACCESS,
        RequestStatus.GRANTED,
        staff.officer_a.id,
    )
    swahili = officer.get(copy_url).get_data(as_text=True)
    assert f"Taarifa zinazohifadhiwa kuhusu hoja {ticket.reference}" in swahili and "asha@example.co.tz" in swahili
    english = officer.get(copy_url, query_string={"lang": "en"}).get_data(as_text=True)
    assert f"Data held about ticket {ticket.reference}" in english
    ticket.language = "en"  # a citizen who wrote in English is handed a copy in English unless asked otherwise
    db.session.commit()
    assert f"Data held about ticket {ticket.reference}" in officer.get(copy_url).get_data(as_text=True)
    copies = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_contact").order_by(AuditEntry.id)
    ).all()
    assert [c.changes["via"] for c in copies] == ["copy for the citizen"] * 3
    assert decided_messages(db, ticket) == []  # handed over in person: no message

    # Another institution's officer cannot see the ticket at all; oversight sees it but records nothing.
    assert client_of(app, staff.officer_b).get(url).status_code == 404
    assert client_of(app, staff.oversight_above_a).get(url).status_code == 403


def test_the_supervisors_dashboard_counts_the_requests_waiting_and_those_past_their_time(app, db, setting):
    from wananchi.privacy.requests import request_erasure

    staff, ticket = setting
    request = request_erasure(ticket, "Nimehama")
    db.session.commit()
    supervisor = client_of(app, staff.supervisor_a)
    html = supervisor.get("/afisa/").get_data(as_text=True)
    assert 'id="tile-data-requests"' in html and "Yanasubiri uamuzi wako" in html
    request.request_ticket.resolution_due_at = request.created_at - dt.timedelta(minutes=1)  # its time has passed
    db.session.commit()
    html = supervisor.get("/afisa/").get_data(as_text=True)
    assert "1 limepita muda wake" in html and 'class="tile overdue"' in html
    officer = client_of(app, staff.officer_a)  # officers do not decide: no tile
    assert 'id="tile-data-requests"' not in officer.get("/afisa/").get_data(as_text=True)
