"""Retention under the Personal Data Protection Act: a closed ticket past its period loses its contact details and
files (gone from storage), keeps its figures, and a legal hold stops it; running the job again changes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from tests.world import build_staff, build_world, complaint
from wananchi.core.audit import AuditEntry
from wananchi.core.db import utcnow
from wananchi.notifications.models import OutboxMessage
from wananchi.privacy.models import RetentionPeriod
from wananchi.privacy.retention import MASK, erase_expired
from wananchi.privacy.services import NotPermitted, set_legal_hold
from wananchi.privacy.tasks import erase_expired_personal_data_daily
from wananchi.reports.periods import Period
from wananchi.reports.queries import build_report
from wananchi.tickets import actions
from wananchi.tickets.models import Attachment, EventKind, Identity, MessageKind, Ticket, TicketMessage, TicketType
from wananchi.tickets.queue import QueueFilter, queue_page

SUBMITTED = dt.datetime(2024, 1, 8, 7, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Dar es Salaam
CLOSED = SUBMITTED + dt.timedelta(days=2)
PAST_PERIOD = CLOSED + dt.timedelta(days=731)  # PERSONAL_DATA_RETENTION_DAYS = 730 by default


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def closed_ticket(app, db, world, staff, *, with_file: bool = True, type_: TicketType = TicketType.COMPLAINT) -> Ticket:
    """A named ticket with contact details in its text, a citizen message, a file and a message to the citizen,
    answered, resolved and closed on CLOSED."""
    with time_machine.travel(SUBMITTED, tick=False):
        ticket = actions_submit(world, type_)
        ticket.messages.append(
            TicketMessage(
                kind=MessageKind.CITIZEN, body="Nipigieni 0754 123 456 au asha@example.co.tz", author_name="Asha Juma"
            )
        )
        if with_file:
            stored = f"retention-{ticket.id}.png"
            Path(app.config["UPLOAD_FOLDER"], stored).write_bytes(b"picha")
            ticket.attachments.append(
                Attachment(filename="Asha_Juma.png", stored_name=stored, content_type="image/png", size=5)
            )
        db.session.add(
            OutboxMessage(
                event="receipt",
                channel="email",
                recipient="asha@example.co.tz",
                language="sw",
                subject="Hoja yako",
                body_text="Habari Asha Juma, hoja yako imepokelewa.",
                ticket_id=ticket.id,
            )
        )
        db.session.flush()
        actions.claim_ticket(ticket, actor=staff.officer_a)
        actions.reply_to_citizen(ticket, "Asante Asha, tutakupigia 0754 123 456.", actor=staff.officer_a)
    with time_machine.travel(CLOSED, tick=False):
        actions.resolve_ticket(ticket, "Bili imesahihishwa.", actor=staff.officer_a)
        actions.close_ticket(ticket, actor=staff.officer_a)
    db.session.commit()
    return ticket


def actions_submit(world, type_: TicketType) -> Ticket:
    from wananchi.tickets.services import submit_ticket

    return submit_ticket(
        complaint(
            world,
            type=type_,
            identity=Identity.NAMED,
            name="Asha Juma",
            email="asha@example.co.tz",
            phone="+255754123456",
            description="Bili ya maji si sahihi. Nipigie 0754 123 456, Asha Juma.",
            latitude=-6.8,
            longitude=39.28,
        )
    ).ticket


def figures(world) -> object:
    period = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), "custom")
    return dataclasses.asdict(build_report([world.agency.id], period, now=PAST_PERIOD).total)


def test_a_closed_ticket_past_its_period_loses_contact_and_files_but_keeps_its_figures(app, db, setting):
    world, staff = setting
    ticket = closed_ticket(app, db, world, staff)
    stored = Path(app.config["UPLOAD_FOLDER"], ticket.attachments[0].stored_name)
    before = figures(world)

    with time_machine.travel(CLOSED + dt.timedelta(days=729), tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 0  # not yet
    assert ticket.citizen_email == "asha@example.co.tz" and stored.exists()

    with time_machine.travel(PAST_PERIOD, tick=False):
        result = erase_expired(db.session.commit, utcnow())
    to_citizen = select(OutboxMessage).where(
        OutboxMessage.ticket_id == ticket.id, OutboxMessage.recipient_user_id.is_(None)
    )
    assert (result.tickets, result.attachments) == (1, 1) and result.messages == len(
        db.session.scalars(to_citizen).all()
    )
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone) == (None, None, None)
    assert (ticket.latitude, ticket.longitude) == (None, None)
    assert ticket.attachments == [] and not stored.exists()
    assert ticket.personal_data_erased_at == PAST_PERIOD
    assert ticket.description == f"Bili ya maji si sahihi. Nipigie {MASK}, {MASK}."
    citizen = next(m for m in ticket.messages if m.kind == MessageKind.CITIZEN)
    assert citizen.body == f"Nipigieni {MASK} au {MASK}" and citizen.author_name is None
    reply = next(m for m in ticket.messages if m.kind == MessageKind.REPLY)
    assert reply.body == f"Asante {MASK}, tutakupigia {MASK}."
    for message in db.session.scalars(to_citizen):  # the receipt, the reply, the resolution: as sent, unaddressed
        assert (
            message.recipient == MASK and "Asha" not in message.body_text and "asha@" not in (message.body_html or "")
        )
    # The ticket, its reference, type, service and dates stay; the reports read the same.
    assert ticket.reference.startswith("WN-2024-") and ticket.subject == "Bili ya maji"
    assert figures(world) == before
    assert ticket.events[-1].kind == EventKind.PERSONAL_DATA_ERASED
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "retention_erased").order_by(AuditEntry.id)
    ).all()
    assert [entry.changes for entry in audit] == [
        {"tickets": 0, "attachments": 0, "messages": 0, "sms_opt_outs": 0, "inbound_sms": 0},
        {"tickets": 1, "attachments": 1, "messages": result.messages, "sms_opt_outs": 0, "inbound_sms": 0},
    ]

    # Running again changes nothing more.
    version = ticket.version
    with time_machine.travel(PAST_PERIOD + dt.timedelta(days=1), tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 0
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.version == version and ticket.personal_data_erased_at == PAST_PERIOD
    assert sum(1 for event in ticket.events if event.kind == EventKind.PERSONAL_DATA_ERASED) == 1


def test_the_queue_search_no_longer_finds_a_ticket_by_its_masked_words(app, db, setting):
    world, staff = setting
    ticket = closed_ticket(app, db, world, staff, with_file=False)

    def found(search: str) -> list[str]:
        return [t.reference for t in queue_page(staff.officer_a, QueueFilter(tab="closed", search=search))[0]]

    assert found("Asha") == found("sahihi") == [ticket.reference]
    with time_machine.travel(PAST_PERIOD, tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 1
    assert found("Asha") == found("Juma") == []
    assert found("sahihi") == found("imefutwa") == [ticket.reference]  # the text that stays, and the mask


def test_a_legal_hold_stops_erasure_until_it_is_lifted(app, db, setting):
    world, staff = setting
    ticket = closed_ticket(app, db, world, staff)
    set_legal_hold(ticket, True, "Shauri la mahakama 12/2025", actor=staff.supervisor_a)
    db.session.commit()
    with time_machine.travel(PAST_PERIOD, tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 0
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.citizen_email == "asha@example.co.tz" and len(ticket.attachments) == 1

    set_legal_hold(ticket, False, "Shauri limekwisha", actor=staff.supervisor_a)
    db.session.commit()
    with time_machine.travel(PAST_PERIOD, tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 1
    kinds = [event.kind for event in db.session.get(Ticket, ticket.id).events]
    assert kinds[-3:] == [EventKind.LEGAL_HOLD_SET, EventKind.LEGAL_HOLD_LIFTED, EventKind.PERSONAL_DATA_ERASED]
    actions_logged = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions_logged == ["set_legal_hold", "retention_erased", "lift_legal_hold", "retention_erased"]


def test_only_the_institutions_supervisor_may_set_a_legal_hold(db, setting, app):
    world, staff = setting
    ticket = closed_ticket(app, db, world, staff, with_file=False)
    for user in (staff.officer_a, staff.officer_b, staff.oversight_above_a, staff.admin):
        with pytest.raises(NotPermitted):
            set_legal_hold(ticket, True, "Sababu", actor=user)
    assert not ticket.legal_hold


def test_periods_per_institution_and_type_take_precedence_over_the_default(app, db, setting):
    world, staff = setting
    short = closed_ticket(app, db, world, staff, with_file=False, type_=TicketType.QUESTION)
    long = closed_ticket(app, db, world, staff, with_file=False)
    db.session.add_all(
        [
            RetentionPeriod(institution=world.agency, days=90),  # every type at the agency
            RetentionPeriod(institution=world.agency, ticket_type=TicketType.COMPLAINT, days=3650),
        ]
    )
    db.session.commit()
    with time_machine.travel(CLOSED + dt.timedelta(days=91), tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 1
    with time_machine.travel(PAST_PERIOD, tick=False):
        assert erase_expired(db.session.commit, utcnow()).tickets == 0  # the complaint keeps ten years
    db.session.expire_all()
    assert db.session.get(Ticket, short.id).citizen_email is None
    assert db.session.get(Ticket, long.id).citizen_email == "asha@example.co.tz"


def test_the_daily_task_erases_in_batches(app, db, setting, monkeypatch):
    world, staff = setting
    monkeypatch.setattr("wananchi.privacy.retention.BATCH", 2)
    tickets = [closed_ticket(app, db, world, staff, with_file=False) for _ in range(5)]
    with time_machine.travel(PAST_PERIOD, tick=False):
        assert erase_expired_personal_data_daily.call_local() == 5
    assert db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.citizen_email.is_not(None))) == 0
    assert len(tickets) == 5


def test_the_supervisor_sets_and_lifts_a_legal_hold_from_the_ticket_page(app, db, setting):
    from tests.helpers import hidden_fields, log_in
    from tests.world import PASSWORD

    world, staff = setting
    ticket = closed_ticket(app, db, world, staff, with_file=False)
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    page = supervisor.get(f"/afisa/hoja/{ticket.reference}")
    assert 'id="legal-hold"' in page.get_data(as_text=True)
    fields = hidden_fields(page.data)
    url = f"/afisa/hoja/{ticket.reference}/zuio-la-kisheria"
    empty = supervisor.post(url, data={**fields, "reason": " "})
    assert empty.status_code == 422 and "Andika sababu." in empty.get_data(as_text=True)
    answer = supervisor.post(url, data={**fields, "reason": "Shauri la mahakama 12/2025"})
    assert answer.status_code == 303
    html = supervisor.get(f"/afisa/hoja/{ticket.reference}").get_data(as_text=True)
    assert "Chini ya zuio la kisheria" in html and "Ondoa zuio la kisheria" in html
    stale = supervisor.post(url, data={**fields, "reason": "Tena"})  # the version seen before the hold
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).legal_hold is True

    officer = app.test_client()
    assert log_in(officer, staff.officer_a.email, PASSWORD).status_code == 303
    officer_page = officer.get(f"/afisa/hoja/{ticket.reference}")
    assert 'id="legal-hold"' not in officer_page.get_data(as_text=True)
    refused = officer.post(url, data={**hidden_fields(officer_page.data), "reason": "Hapana"})
    assert refused.status_code == 403


def test_erased_files_are_deleted_only_once_the_erasure_commits(app, db, setting):
    from wananchi.privacy.retention import erase_personal_data

    world, staff = setting
    ticket = closed_ticket(app, db, world, staff)
    stored = Path(app.config["UPLOAD_FOLDER"], ticket.attachments[0].stored_name)
    erase_personal_data(ticket, PAST_PERIOD)
    assert stored.exists()  # flushed, not committed: the file stays while its row might come back
    db.session.rollback()  # the commit failed, or the request was refused
    assert stored.exists()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.citizen_email == "asha@example.co.tz" and len(ticket.attachments) == 1
    db.session.commit()  # a later commit of something else does not delete the file of the undone erasure
    assert stored.exists()

    erase_personal_data(ticket, PAST_PERIOD)
    db.session.commit()
    assert not stored.exists()
