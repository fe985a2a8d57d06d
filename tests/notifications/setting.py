"""The world, its staff (with phone numbers) and tickets, for the notification event tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.world import Staff, World, build_staff, build_world
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import create_user
from wananchi.extensions import db
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.sla.calendars import clear_calendar_cache
from wananchi.tickets import actions
from wananchi.tickets.models import Identity, Ticket, TicketType
from wananchi.tickets.references import new_submission_key
from wananchi.tickets.services import Submission, add_citizen_message, submit_ticket

EAT = ZoneInfo("Africa/Dar_es_Salaam")
REPLY = "Tumerekebisha bili yako; salio jipya ni shilingi 12,000."
QUESTION = "Tafadhali tuma namba ya mita yako."
NOTE = "Siri: mteja huyu alishalalamika mwaka jana."
SUMMARY = "Bili imerekebishwa na salio limerudishwa."
TRANSFER_REASON = "Huduma hii ni ya halmashauri."
CITIZEN_EMAIL = "asha@example.co.tz"
CITIZEN_PHONE = "+255712345678"
PHONES = {
    "officer_a": "+255713000001",
    "officer_a2": "+255713000002",
    "supervisor_a": "+255713000003",
    "officer_b": "+255713000004",
    "oversight_above_a": "+255713000005",
    "oversight_elsewhere": "+255713000006",
}
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def eat(*args: int) -> dt.datetime:
    """An instant written in Dar es Salaam time."""
    return dt.datetime(*args, tzinfo=EAT)


@dataclass
class Setting:
    world: World
    staff: Staff
    oversight_national: User


def build_setting() -> Setting:
    """The shared world and staff, every member of staff with a phone number, and oversight at the national level."""
    world = build_world()
    staff = build_staff(world)
    for name, phone in PHONES.items():
        getattr(staff, name).phone = phone
    national = create_user(
        email="kiongozi@ikulu.go.tz",
        name="Kiongozi Taifa",
        role=Role.OVERSIGHT,
        password="nenosiri-la-majaribio",
        institution=world.national,
    )
    db.session.commit()
    clear_calendar_cache()
    return Setting(world, staff, national)


def submit(
    world: World,
    *,
    identity: Identity = Identity.NAMED,
    language: str = "sw",
    type_: TicketType = TicketType.COMPLAINT,
    now: dt.datetime | None = None,
) -> Ticket:
    """A ticket about the agency's service, from a citizen who gave an e-mail address and a phone number."""
    contact = identity != Identity.ANONYMOUS
    submission = Submission(
        type=type_,
        category=world.national_service,
        district=None,
        subject="Bili ya maji si sahihi",
        description="Nimepokea bili ya shilingi laki mbili ingawa nyumba imefungwa mwezi mzima.",
        identity=identity,
        name="Asha Juma" if identity == Identity.NAMED else None,
        email=CITIZEN_EMAIL if contact else None,
        phone=CITIZEN_PHONE if contact else None,
        language=language,
        submission_key=new_submission_key(),
    )
    return submit_ticket(submission, now=now).ticket


def rows(event: str | None = None) -> list[OutboxMessage]:
    """The outbox, oldest first (only `event`'s messages if given)."""
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if event is not None:
        query = query.where(OutboxMessage.event == event)
    return list(db.session.scalars(query))


def recipients(event: str) -> set[tuple[str, Channel]]:
    """Who `event` was written for: (address, channel) pairs."""
    return {(row.recipient, row.channel) for row in rows(event)}


def work_through(setting: Setting, ticket: Ticket) -> None:
    """Claim, note, ask, hear back, reply, transfer to the council and resolve there."""
    staff, world = setting.staff, setting.world
    actions.claim_ticket(ticket, actor=staff.officer_a)
    actions.add_note(ticket, NOTE, actor=staff.officer_a)
    actions.request_information(ticket, QUESTION, actor=staff.officer_a)
    add_citizen_message(ticket, "Namba ya mita ni 12345.", [])
    actions.reply_to_citizen(ticket, REPLY, actor=staff.officer_a)
    actions.transfer_ticket(ticket, world.council, TRANSFER_REASON, actor=staff.officer_a)
    actions.resolve_ticket(ticket, SUMMARY, actor=staff.officer_b)
    db.session.commit()
