"""Each request about personal data is also a ticket of its own kind ("data_request") in the institution's queue:
it has response-time targets in working hours, goes overdue and escalates like any ticket, is resolved by the
supervisor's decision (the answer the citizen receives), counts in the reports by type; and no ordinary channel
offers or accepts that type."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in, post_submission
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.core.db import utcnow
from wananchi.core.errors import DomainError
from wananchi.notifications.models import OutboxMessage
from wananchi.phone import ussd
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus
from wananchi.privacy.requests import (
    IdentityCheck,
    decide_request,
    record_request_for_citizen,
    request_correction,
    request_erasure,
    waiting_requests,
)
from wananchi.reports.periods import Period
from wananchi.reports.queries import build_report
from wananchi.sla import clock
from wananchi.sla.escalation import run_scan
from wananchi.sla.models import Escalation, EscalationLevel, ResponseTarget, SlaTarget
from wananchi.tickets import actions
from wananchi.tickets.models import Channel, Identity, Ticket, TicketStatus, TicketType
from wananchi.tickets.services import submit_ticket

MONDAY = dt.datetime(2024, 1, 8, 7, 0, tzinfo=dt.UTC)  # 10:00 in Dar es Salaam
# Five working days after MONDAY 10:00 is Tuesday the 16th, 10:00: Friday the 12th is Zanzibar Revolution Day.
DUE = MONDAY + dt.timedelta(days=8)
LATE = DUE + dt.timedelta(days=1)


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    with time_machine.travel(MONDAY, tick=False):
        ticket = submit_ticket(
            complaint(
                world,
                identity=Identity.NAMED,
                name="Asha Juma",
                email="asha@example.co.tz",
                phone="+255754123456",
            )
        ).ticket
    db.session.commit()
    return world, staff, ticket


def test_a_request_opens_its_own_ticket_in_the_same_queue_with_targets(app, db, setting):
    world, staff, ticket = setting
    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        request = request_erasure(ticket, "Nimehama, nipigie 0754 123 456")
    db.session.commit()
    own = request.request_ticket
    assert own is not None and own.id != ticket.id and own.reference != ticket.reference
    assert (own.type, own.status, own.channel) == (TicketType.DATA_REQUEST, TicketStatus.RECEIVED, Channel.WEB)
    assert (own.institution_id, own.category_id) == (ticket.institution_id, ticket.category_id)
    # No contact details of its own: the answer goes to the original ticket's citizen.
    assert (own.citizen_name, own.citizen_email, own.citizen_phone) == (None, None, None)
    assert own.identity == Identity.CONTACT_HIDDEN
    assert own.subject.endswith(ticket.reference) and "Nimehama" in own.description
    # Five working days (the default target of the type), in working hours and working days.
    assert own.resolution_due_at == own.first_response_due_at == DUE + dt.timedelta(hours=1)
    assert own.next_sla_check_at is not None and request.due_at == own.resolution_due_at
    assert request.status == RequestStatus.PENDING and request.ticket_id == ticket.id

    # A request recorded by staff is a ticket too; a copy asked of staff is answered (resolved) at once.
    recorded = record_request_for_citizen(
        ticket,
        RequestKind.ACCESS,
        {},
        "",
        IdentityCheck("national_id", "NIDA ...4821"),
        actor=staff.officer_a,
    )
    db.session.commit()
    copy = recorded.request_ticket
    assert (copy.type, copy.channel, copy.status) == (TicketType.DATA_REQUEST, Channel.WALK_IN, TicketStatus.RESOLVED)
    assert copy.resolution_minutes is not None and copy.first_response_minutes is not None


def test_an_administrator_sets_the_target_of_the_kind_like_any_other(app, db, setting):
    world, staff, ticket = setting
    db.session.add(ResponseTarget(type=TicketType.DATA_REQUEST, first_response_days=2, resolution_days=2))
    db.session.commit()
    with time_machine.travel(MONDAY, tick=False):
        request = request_correction(ticket, {"phone": "+255754000111"}, "")
    assert request.request_ticket.resolution_due_at == MONDAY + dt.timedelta(days=2)  # Wednesday, 10:00
    assert request.details == {"phone": "+255754000111"}
    assert "0754000111" not in request.request_ticket.description  # the new details stay on the request


def test_a_late_request_goes_overdue_and_escalates_with_the_frozen_clock(app, db, setting):
    world, staff, ticket = setting
    with time_machine.travel(MONDAY, tick=False):
        request = request_erasure(ticket, "")
    db.session.commit()
    own = request.request_ticket
    with time_machine.travel(MONDAY + dt.timedelta(days=7, hours=2), tick=False):  # 75 % of the time used
        run_scan(db.session.commit, utcnow())
        assert clock.state(own, utcnow()) == clock.SlaState.AT_RISK
    with time_machine.travel(LATE, tick=False):
        run_scan(db.session.commit, utcnow())
        assert clock.state(own, utcnow()) == clock.SlaState.OVERDUE
        assert waiting_requests(staff.supervisor_a) is not None
        assert waiting_requests(staff.supervisor_a).overdue == 1
    steps = db.session.scalars(
        select(Escalation)
        .where(Escalation.ticket_id == own.id, Escalation.target == SlaTarget.RESOLUTION)
        .order_by(Escalation.id)
    ).all()
    assert [step.level for step in steps] == [EscalationLevel.WARNING, EscalationLevel.OVERDUE]
    assert {step.node_id for step in steps} == {ticket.institution_id}
    with time_machine.travel(LATE + dt.timedelta(days=7), tick=False):  # 3 working days later: upwards
        run_scan(db.session.commit, utcnow())
    parent = db.session.scalar(
        select(Escalation).where(
            Escalation.ticket_id == own.id,
            Escalation.target == SlaTarget.RESOLUTION,
            Escalation.level == EscalationLevel.PARENT,
        )
    )
    assert parent is not None and parent.node_id == world.ministry.id
    # The supervisor's escalation list shows it like any late ticket.
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    assert own.reference in supervisor.get("/afisa/upandishaji").get_data(as_text=True)


def test_the_decision_resolves_the_request_and_the_citizen_gets_it(app, db, setting):
    world, staff, ticket = setting
    with time_machine.travel(MONDAY, tick=False):
        request = request_erasure(ticket, "Nimehama")
    db.session.commit()
    own = request.request_ticket
    with pytest.raises(DomainError):  # officers cannot answer it any other way
        actions.resolve_ticket(own, "Imefanyika", actor=staff.officer_a)
    with pytest.raises(DomainError):
        actions.transfer_ticket(own, world.council, "Si yetu", actor=staff.officer_a)
    actions.claim_ticket(own, actor=staff.officer_a)  # but may take it, note on it, and close it once resolved
    with time_machine.travel(MONDAY + dt.timedelta(days=1), tick=False):
        decide_request(request, True, "Ombi limekubaliwa", actor=staff.supervisor_a)
    db.session.commit()
    db.session.expire_all()
    own = db.session.get(Ticket, own.id)
    assert own.status == TicketStatus.RESOLVED and own.resolved_at == MONDAY + dt.timedelta(days=1)
    assert own.resolution_summary == "Limekubaliwa: Ombi limekubaliwa"
    assert own.resolution_minutes == own.first_response_minutes == 8 * 60  # one working day
    assert own.next_sla_check_at is None and clock.state(own, MONDAY + dt.timedelta(days=30)) is None
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "data_request_decided")).all()
    assert sorted(message.recipient for message in sent) == ["+255754123456", "asha@example.co.tz"]
    assert all(message.ticket_id == ticket.id and message.forget_recipient for message in sent)
    actions.close_ticket(own, actor=staff.officer_a)
    db.session.commit()
    # A refusal answers too (and its message keeps its address: nothing was erased).
    with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
        other = submit_ticket(complaint(world, identity=Identity.NAMED, name="Juma", email="juma@example.co.tz"))
        refused = request_erasure(other.ticket, "")
        decide_request(refused, False, "Kesi inaendelea", actor=staff.supervisor_a)
    db.session.commit()
    assert refused.request_ticket.resolution_summary == "Limekataliwa: Kesi inaendelea"
    message = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.ticket_id == other.ticket.id, OutboxMessage.event == "data_request_decided"
        )
    )
    assert message.recipient == "juma@example.co.tz" and not message.forget_recipient


def test_the_requests_count_in_the_reports_by_type(app, db, setting):
    world, staff, ticket = setting
    with time_machine.travel(MONDAY, tick=False):
        request = request_erasure(ticket, "")
        decide_request(request, False, "Kesi inaendelea", actor=staff.supervisor_a)
        pending = request_correction(ticket, {"name": "Asha J."}, "")
    db.session.commit()
    period = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "custom")
    report = build_report([world.agency.id], period, now=LATE)
    rights = report.splits["type"]["data_request"]
    assert (rights.received, rights.resolved, rights.resolution_within, rights.open, rights.overdue) == (2, 1, 1, 1, 1)
    assert dataclasses.asdict(report.splits["type"]["complaint"])["received"] == 1
    assert report.total.received == 3 and pending.status == RequestStatus.PENDING
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    page = supervisor.get(f"/ripoti/taasisi/{world.agency.id}?period=range&from=2024-01-01&to=2024-01-31")
    assert page.status_code == 200 and "Ombi kuhusu taarifa binafsi" in page.get_data(as_text=True)


def test_no_ordinary_channel_offers_or_accepts_the_kind(app, client, db, setting):
    world, staff, ticket = setting
    form = client.get("/wasilisha").get_data(as_text=True)
    assert 'value="data_request"' not in form and "Ombi kuhusu taarifa binafsi" not in form
    assert "Ombi kuhusu taarifa binafsi" not in client.get("/").get_data(as_text=True)
    refused = post_submission(client, type="data_request")
    assert refused.status_code == 422
    assert TicketType.DATA_REQUEST not in ussd.TYPES and len(ussd.TYPES) == 5
    with pytest.raises(DomainError):  # SMS, USSD, the API and Open311 all submit through this
        submit_ticket(complaint(world, type=TicketType.DATA_REQUEST))
    officer = app.test_client()
    assert log_in(officer, staff.officer_a.email, PASSWORD).status_code == 303
    record_form = officer.get("/afisa/hoja-mpya")
    assert record_form.status_code == 200 and 'value="data_request"' not in record_form.get_data(as_text=True)
    assert db.session.scalar(select(Ticket).where(Ticket.type == TicketType.DATA_REQUEST)) is None


def test_open311_lists_no_request_about_personal_data(app, db, setting):
    from werkzeug.datastructures import MultiDict

    from wananchi.open311.queries import find_request, find_requests

    world, staff, ticket = setting
    with time_machine.travel(MONDAY, tick=False):
        request = request_erasure(ticket, "")
    db.session.commit()
    own = request.request_ticket
    with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
        listed = find_requests(MultiDict(), utcnow())
    assert [found.id for found in listed] == [ticket.id]
    assert find_request(own.reference) is None


def test_the_supervisors_page_links_the_request_to_its_ticket(app, db, setting):
    world, staff, ticket = setting
    request = request_erasure(ticket, "")
    db.session.commit()
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    listing = supervisor.get("/afisa/maombi-ya-taarifa").get_data(as_text=True)
    assert request.request_ticket.reference in listing
    page = supervisor.get(f"/afisa/hoja/{request.request_ticket.reference}").get_data(as_text=True)
    assert f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa" in page
    token = hidden_fields(supervisor.get(f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa").data)["csrf_token"]
    decided = supervisor.post(
        f"/afisa/hoja/{ticket.reference}/maombi-ya-taarifa/{request.id}",
        data={"csrf_token": token, "decision": "refuse", "reason": "Hakuna sababu"},
    )
    assert decided.status_code == 303
    db.session.expire_all()
    assert db.session.get(DataRequest, request.id).request_ticket.status == TicketStatus.RESOLVED


def test_a_requests_subject_is_shown_in_the_pages_language(app, db, setting):
    """The stored subject is in the language of the ticket the request is about (Swahili here); the queue, the ticket
    page and the report draw it from the request's kind in the reader's language."""
    world, staff, ticket = setting
    request = request_correction(ticket, {"name": "Asha J."}, "")
    db.session.commit()
    own = request.request_ticket
    swahili, english = (
        f"Marekebisho ya taarifa za mawasiliano: {ticket.reference}",
        f"Correction of contact details: {ticket.reference}",
    )
    assert own.subject == swahili
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    pages = ("/afisa/foleni", f"/afisa/hoja/{own.reference}", f"/ripoti/taasisi/{world.agency.id}")
    for url in pages:
        assert swahili in supervisor.get(url).get_data(as_text=True), url
    supervisor.get("/lugha/en")
    for url in pages:
        page = supervisor.get(url).get_data(as_text=True)
        assert english in page and "Marekebisho" not in page, url
    assert own.subject == swahili  # the stored subject is left as written


def test_staff_are_told_of_a_late_request_with_its_subject_in_their_language(app, db, setting):
    world, staff, ticket = setting
    staff.officer_a.language = "en"
    with time_machine.travel(MONDAY, tick=False):
        request = request_correction(ticket, {"name": "Asha J."}, "")
    db.session.commit()
    with time_machine.travel(MONDAY + dt.timedelta(days=7, hours=2), tick=False):  # the warning
        run_scan(db.session.commit, utcnow())
    warnings = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.event == "sla_warning", OutboxMessage.channel == "email")
    ).all()
    by_recipient = {message.recipient: message.body_text for message in warnings}
    assert f'"Correction of contact details: {ticket.reference}"' in by_recipient[staff.officer_a.email]
    assert f'"Marekebisho ya taarifa za mawasiliano: {ticket.reference}"' in by_recipient[staff.officer_a2.email]
    assert request.request_ticket.subject == f"Marekebisho ya taarifa za mawasiliano: {ticket.reference}"
