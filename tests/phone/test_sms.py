"""Two-way SMS over real HTTP: new tickets, information added by reference or by answering, status, ACHA/STOP;
each inbound message acted on once whatever the gateway retries; SMS that carry the institution's answer."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.notifications.conftest import sms_gateway  # noqa: F401 - the outbound SMS gateway on loopback
from tests.notifications.setting import REPLY, submit
from tests.phone.conftest import OTHER_PHONE, PHONE, send_sms
from wananchi.core.errors import DomainError
from wananchi.extensions import db as _db
from wananchi.notifications.models import Channel as MessageChannel
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import sweep
from wananchi.notifications.segments import sms_segments
from wananchi.phone.models import InboundSms
from wananchi.tickets import actions
from wananchi.tickets.models import Channel, Identity, MessageKind, Ticket, TicketStatus, TicketType

CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")
COMPLAINT = "Umeme umekatika Mbezi tangu jana usiku na hakuna taarifa yoyote"


def tickets(db) -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def texts_to(gateway, phone: str = PHONE) -> list[str]:
    """Deliver the outbox, then the SMS the gateway received for `phone`."""
    sweep()
    return [sms["message"] for sms in gateway.received if sms["to"] == phone]


def test_an_sms_without_a_reference_is_a_new_ticket_at_triage(live_server, setting, db, sms_gateway):  # noqa: F811
    assert send_sms(live_server, COMPLAINT) == (200, "OK")
    [ticket] = tickets(db)
    assert ticket.channel == Channel.SMS and ticket.institution_id == setting.world.triage.id
    assert ticket.identity == Identity.CONTACT_HIDDEN and ticket.citizen_phone == PHONE
    assert ticket.description == COMPLAINT and ticket.type == TicketType.COMPLAINT
    [receipt] = texts_to(sms_gateway)
    assert ticket.reference in receipt and CODE.search(receipt)


def test_the_first_word_may_name_the_service(live_server, setting, db):
    send_sms(live_server, "MAJI-BILI nimepokea bili kubwa mno mwezi huu je ni sahihi?")
    [ticket] = tickets(db)
    assert ticket.category_id == setting.world.national_service.id and ticket.institution_id == setting.world.agency.id
    assert ticket.type == TicketType.QUESTION


def test_a_retried_inbound_sms_is_stored_and_acted_on_once(live_server, setting, db, sms_gateway):  # noqa: F811
    for _attempt in range(3):
        assert send_sms(live_server, COMPLAINT, gateway_id="ATXid_sawa")[0] == 200
    assert len(tickets(db)) == 1
    assert db.session.scalar(select(func.count(InboundSms.id))) == 1
    assert len(texts_to(sms_gateway)) == 1


def test_a_refused_sms_ticket_keeps_the_message_and_sends_the_reason(
    live_server,
    setting,
    db,
    sms_gateway,  # noqa: F811
    monkeypatch,
):
    """A submission refused after writing part of the ticket undoes that part only: the inbound message stays
    stored (a gateway retry is not acted on again) and the phone is told why."""
    from wananchi.phone import sms
    from wananchi.tickets.services import submit_ticket

    def refused(submission, **kwargs):  # type: ignore[no-untyped-def]
        submit_ticket(submission, **kwargs)  # the ticket's rows are written, then the change is refused
        raise DomainError("Hoja haikupokelewa.")

    monkeypatch.setattr(sms, "submit_ticket", refused)
    for _attempt in range(2):
        assert send_sms(live_server, COMPLAINT, gateway_id="ATXid_kataa") == (200, "OK")
    assert tickets(db) == []
    [stored] = db.session.scalars(select(InboundSms))
    assert stored.outcome == "refused"
    assert texts_to(sms_gateway) == ["Hoja haikupokelewa."]


def test_a_reference_anywhere_adds_the_text_when_the_phone_is_the_contact(live_server, setting, db, sms_gateway):  # noqa: F811
    ticket = submit(setting.world)
    _db.session.commit()
    send_sms(live_server, f"Habari, kuhusu {ticket.reference.lower()} mita yangu ni 4455")
    [stored] = tickets(db)
    assert (
        stored.messages[-1].kind == MessageKind.CITIZEN
        and stored.messages[-1].body == "Habari, kuhusu mita yangu ni 4455"
    )
    assert any("zimeongezwa" in text and ticket.reference in text for text in texts_to(sms_gateway))
    send_sms(live_server, f"{ticket.reference} hii si hoja yangu lakini nataka kuona", phone=OTHER_PHONE)
    assert len(tickets(db)[0].messages) == 1  # another phone cannot write to it, and is told what a wrong number gets
    [refusal] = texts_to(sms_gateway, OTHER_PHONE)
    assert refusal == f"Hatukupata hoja {ticket.reference} iliyotumwa kutoka simu hii."
    send_sms(live_server, f"HALI {ticket.reference}", phone=OTHER_PHONE)
    assert texts_to(sms_gateway, OTHER_PHONE)[-1] == refusal  # no status for another phone either


def test_status_in_swahili_and_english(live_server, setting, db, sms_gateway):  # noqa: F811
    ticket = submit(setting.world)
    actions.reply_to_citizen(ticket, REPLY, actor=setting.staff.officer_a)
    _db.session.commit()
    send_sms(live_server, f"HALI {ticket.reference}")
    send_sms(live_server, f"status {ticket.reference}")
    swahili, english = texts_to(sms_gateway)[-2:]
    assert (
        swahili.startswith(f"Hoja {ticket.reference}: Imejibiwa.") and "Jibu:" in swahili and "Tumerekebisha" in swahili
    )
    assert english.startswith(f"Ticket {ticket.reference}: Answered.") and "Reply:" in english
    assert sms_segments(swahili) <= 2 and sms_segments(english) <= 2


def test_stop_ends_messages_to_the_phone_and_start_brings_them_back(live_server, setting, db, sms_gateway):  # noqa: F811
    ticket = submit(setting.world)
    _db.session.commit()
    send_sms(live_server, "ACHA")
    [confirmation] = texts_to(sms_gateway)[-1:]
    assert "ANZA" in confirmation
    actions.reply_to_citizen(ticket, REPLY, actor=setting.staff.officer_a)
    _db.session.commit()
    db.session.expire_all()
    assert not db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.event == "reply", OutboxMessage.channel == MessageChannel.SMS
        )
    )  # the e-mail still goes; no SMS
    send_sms(live_server, "START")
    actions.reply_to_citizen(ticket, "Tumepokea malipo yako.", actor=setting.staff.officer_a)
    _db.session.commit()
    assert "Tumepokea malipo yako." in texts_to(sms_gateway)[-1]


def test_an_sms_answer_to_a_request_for_information_lands_on_the_ticket_and_restarts_its_clock(
    live_server,
    setting,
    db,
    sms_gateway,  # noqa: F811
):
    ticket = submit(setting.world)
    actions.request_information(ticket, "Tuma namba ya mita yako tafadhali.", actor=setting.staff.officer_a)
    _db.session.commit()
    [request] = [text for text in texts_to(sms_gateway) if "Tuma namba ya mita" in text]
    assert request.endswith("kwenda 15200.") and ticket.reference in request.rsplit('"', 1)[-1]
    assert tickets(db)[0].sla_paused_at is not None
    send_sms(live_server, "Namba ya mita ni 12345")  # an answer without the reference: the one ticket awaiting it
    [stored] = tickets(db)
    assert stored.status == TicketStatus.IN_PROGRESS and stored.sla_paused_at is None
    assert stored.messages[-1].body == "Namba ya mita ni 12345"
    assert len(tickets(db)) == 1


def test_replies_carry_their_text_in_up_to_three_sms_counted_in_the_outbox(live_server, setting, db, sms_gateway):  # noqa: F811
    ticket = submit(setting.world)
    long_reply = "Tumekagua mita yako na kubaini hitilafu katika usomaji wa mwezi uliopita. " * 12
    actions.reply_to_citizen(ticket, long_reply, actor=setting.staff.officer_a)
    actions.reply_to_citizen(ticket, "Kazi imekamilika’ leo.", actor=setting.staff.officer_a)
    _db.session.commit()
    texts = texts_to(sms_gateway)
    long_text, short_text = texts[-2:]
    assert sms_segments(long_text) == 3 and '..." Soma yote: http' in long_text and long_text.endswith("kwenda 15200.")
    assert "Kazi imekamilika' leo." in short_text and sms_segments(short_text) == 1  # written plainly: GSM-7
    db.session.expire_all()
    sent = list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == MessageChannel.SMS).order_by(OutboxMessage.id)
        )
    )
    assert all(
        row.status == OutboxStatus.SENT and row.sms_segments == sms_segments(row_text)
        for row, row_text in zip(sent, texts, strict=True)
    )
    assert [row.sms_segments for row in sent][-2:] == [3, 1]


def test_help_for_a_message_too_short_to_be_a_ticket(live_server, setting, db, sms_gateway):  # noqa: F811
    send_sms(live_server, "Habari")
    assert not tickets(db)
    assert "HALI" in texts_to(sms_gateway)[-1]
