"""A granted erasure's confirmation is the last message to the citizen: once it is sent, or has failed for good, its
outbox row keeps no address (nor the gateway's answer or the error that repeat it); other messages keep theirs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.world import build_staff, build_world, complaint
from wananchi.core.db import utcnow
from wananchi.notifications.models import ERASED, Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import sweep
from wananchi.privacy.models import RequestKind
from wananchi.privacy.requests import IdentityCheck, decide_request, record_request_for_citizen, request_erasure
from wananchi.tickets.models import Identity, Ticket
from wananchi.tickets.services import submit_ticket

PHONE, EMAIL = "+255754123456", "asha@example.co.tz"


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    ticket = submit_ticket(complaint(world, identity=Identity.NAMED, name="Asha Juma", email=EMAIL, phone=PHONE)).ticket
    db.session.commit()
    return staff, ticket


def decided(db, ticket: Ticket) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.ticket_id == ticket.id, OutboxMessage.event == "data_request_decided")
            .order_by(OutboxMessage.channel)
        )
    )


def test_the_confirmation_of_an_erasure_forgets_its_address_once_sent(app, db, setting, smtp_server, sms_gateway):
    staff, ticket = setting
    sweep()  # the receipt goes first
    decide_request(request_erasure(ticket, "Nimehama"), True, "Imefutwa", actor=staff.supervisor_a)
    db.session.commit()
    waiting = decided(db, ticket)
    assert [(m.channel, m.recipient) for m in waiting] == [(Channel.EMAIL, EMAIL), (Channel.SMS, PHONE)]
    assert all(m.forget_recipient and m.status == OutboxStatus.PENDING for m in waiting)  # kept until it is sent

    sweep()
    assert smtp_server.mailbox.to(EMAIL) and any(sms["to"] == PHONE for sms in sms_gateway.received)  # delivered
    for message in decided(db, ticket):
        assert message.status == OutboxStatus.SENT and message.recipient == ERASED
        assert PHONE.lstrip("+") not in (message.provider_response or "")  # the gateway repeats the number
    assert "Recipients" in decided(db, ticket)[1].provider_response  # the rest of the gateway's answer stays


def test_a_confirmation_that_fails_for_good_forgets_its_address_too(app, db, setting, sms_gateway):
    staff, ticket = setting
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    sms_gateway.refuse = True
    try:
        decide_request(request_erasure(ticket, ""), True, "Imefutwa", actor=staff.supervisor_a)
        db.session.commit()
        sweep(utcnow() + dt.timedelta(minutes=1))
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 8
    [sms] = [m for m in decided(db, ticket) if m.channel == Channel.SMS]
    assert sms.status == OutboxStatus.FAILED and sms.recipient == ERASED
    assert PHONE not in (sms.last_error or "") and PHONE.lstrip("+") not in (sms.last_error or "")


def test_a_confirmation_still_retrying_keeps_its_address_until_it_is_sent(app, db, setting, smtp_server, sms_gateway):
    staff, ticket = setting
    sms_gateway.refuse = True
    decide_request(request_erasure(ticket, ""), True, "Imefutwa", actor=staff.supervisor_a)
    db.session.commit()
    sweep()
    by_channel = {m.channel: m for m in decided(db, ticket)}
    assert by_channel[Channel.SMS].status == OutboxStatus.PENDING and by_channel[Channel.SMS].recipient == PHONE
    assert by_channel[Channel.EMAIL].status == OutboxStatus.SENT and by_channel[Channel.EMAIL].recipient == ERASED
    sms_gateway.refuse = False
    sweep(utcnow() + dt.timedelta(hours=1))
    sms = decided(db, ticket)[1]
    assert sms.status == OutboxStatus.SENT and sms.recipient == ERASED


def test_a_request_is_acknowledged_with_the_date_of_its_decision(app, db, setting, smtp_server, sms_gateway):
    """The citizen is told at once that their request was received and by when it is decided, on both channels;
    a copy handed over at the desk, granted at once, needs no such message."""
    staff, ticket = setting
    sweep()  # the receipt
    request = request_erasure(ticket, "Nimehama")
    record_request_for_citizen(
        ticket, RequestKind.ACCESS, {}, "", IdentityCheck("national_id", "NIDA ...4821"), actor=staff.officer_a
    )
    db.session.commit()
    sweep()
    received = db.session.scalars(select(OutboxMessage).where(OutboxMessage.event == "data_request_received")).all()
    assert sorted(m.channel for m in received) == [Channel.EMAIL, Channel.SMS]
    when = request.due_at.astimezone(ZoneInfo("Africa/Dar_es_Salaam"))
    [mail] = [m for m in smtp_server.mailbox.to(EMAIL) if "limepokelewa" in m["Subject"]]
    assert mail["Subject"] == f"Ombi lako kuhusu taarifa binafsi za hoja {ticket.reference} limepokelewa"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert (
        "Ombi lako (Kufuta taarifa binafsi kabla ya muda wa kuhifadhi kuisha)" in text
        and f"kabla ya {when.day} " in text
    )
    [sms] = [s["message"] for s in sms_gateway.received if "limepokelewa" in s["message"]]
    assert sms.startswith(f"Ombi lako kuhusu taarifa binafsi za hoja {ticket.reference} limepokelewa. Uamuzi kabla ya")
