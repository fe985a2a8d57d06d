"""The USSD menu over real HTTP, as a gateway drives it: submitting in Swahili and English, for a national and a
local service, tracking, adding information, rating and appealing; replays and dropped sessions; every screen
within a basic phone's 182 characters."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.factories import CategoryFactory, DistrictFactory, RegionFactory
from tests.notifications.conftest import sms_gateway  # noqa: F401 - the outbound SMS gateway on loopback
from tests.phone.conftest import OTHER_PHONE, PHONE
from wananchi.core.db import utcnow
from wananchi.extensions import db as _db
from wananchi.notifications.models import OutboxMessage
from wananchi.notifications.outbox import sweep
from wananchi.phone.models import PhoneSession
from wananchi.phone.state import delete_expired
from wananchi.tickets import actions
from wananchi.tickets.models import Channel, Identity, MessageKind, Ticket, TicketStatus, TicketType

TEXT = "Maji hayatoki mtaani kwetu tangu wiki iliyopita"
REFERENCE = re.compile(r"WN-\d{4}-\d{6}")
CODE = re.compile(r"[0-9A-Z]{5}-[0-9A-Z]{5}")


def tickets(db) -> list[Ticket]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def submit_national(session, identity: str = "1") -> str:
    """Home → submit → complaint → Water → water bills → text → identity → send."""
    session.dial()
    session.send("2", "2", "1", "1", TEXT, identity)
    return session.send("1")


def test_a_complaint_about_a_national_service_in_swahili(ussd, db, setting, sms_gateway):  # noqa: F811
    session = ussd()
    home = session.dial()
    assert home.startswith("CON ") and "1. English" in home and "2. Wasilisha hoja" in home
    assert "Fuatilia hoja" in home
    assert "Lalamiko" in session.send("2")
    assert "Maji" in session.send("2") and "Sijui" in session.screens[-1]
    assert "Bili ya maji" in session.send("1")
    session.send("1")  # a national service: no region or district
    assert "1. Kwa namba hii ya simu" in session.send(TEXT)
    confirm = session.send("1")
    assert "Lalamiko, Bili ya maji" in confirm and "1. Tuma" in confirm
    end = session.send("1")
    assert end.startswith("END ")
    [ticket] = tickets(db)
    assert ticket.reference in end and "DAWASA" in end and not CODE.search(end)  # the code comes by SMS
    assert ticket.channel == Channel.USSD and ticket.type == TicketType.COMPLAINT
    assert ticket.identity == Identity.NAMED and ticket.citizen_phone == PHONE and ticket.language == "sw"
    assert ticket.description == TEXT and ticket.institution_id == setting.world.agency.id
    assert ticket.first_response_due_at is not None  # the same targets as any ticket
    sweep()
    [receipt] = [sms for sms in sms_gateway.received if sms["to"] == PHONE]
    assert ticket.reference in receipt["message"] and CODE.search(receipt["message"])


def test_a_question_about_a_local_service_in_english(ussd, db, setting):
    session = ussd()
    session.dial()
    home = session.send("1")  # English, the first choice of the first screen
    assert "1. Kiswahili" in home and "2. Submit a ticket" in home
    assert "Question" in session.send("2")
    topics = session.send("1")
    assert "Other services" in topics and "I don't know" in topics
    assert "Cleanliness" in session.send("2")
    assert "Dodoma" in session.send("1")  # a council's service: region, then district
    districts = session.send("1")
    assert "1. Bahi" in districts and "2. Dodoma Jiji" in districts
    session.send("2", "Taka hazijakusanywa mtaani kwetu kwa wiki mbili", "2")
    end = session.send("1")
    [ticket] = tickets(db)
    assert end.startswith("END ") and ticket.reference in end
    assert ticket.language == "en" and ticket.type == TicketType.QUESTION
    assert ticket.identity == Identity.CONTACT_HIDDEN and ticket.citizen_phone == PHONE
    assert ticket.district_id == setting.world.district.id and ticket.institution_id == setting.world.council.id


def test_an_anonymous_citizen_reads_both_numbers_on_the_last_screen_and_the_number_is_not_kept(ussd, db, setting):
    end = submit_national(ussd(), identity="3")
    [ticket] = tickets(db)
    assert ticket.reference in end and CODE.search(end)
    assert ticket.identity == Identity.ANONYMOUS and ticket.citizen_phone is None and ticket.citizen_name is None
    assert not db.session.scalar(select(func.count(OutboxMessage.id)))  # no receipt to anyone
    entries = db.session.execute(
        select(PhoneSession.key, PhoneSession.data).where(PhoneSession.key.like("ussd-entry:%"))
    )
    assert all(PHONE not in key + data for key, data in entries)  # the entry is remembered by a keyed hash


def test_i_dont_know_goes_to_the_triage_institution(ussd, db, setting):
    session = ussd()
    session.dial()
    topics = session.send("2", "1")
    dont_know = re.search(r"(\d+)\. Sijui", topics).group(1)
    session.send(dont_know, "Naomba kujua ofisi ya kupata cheti cha kuzaliwa", "2")
    session.send("1")
    [ticket] = tickets(db)
    assert ticket.category_id is None and ticket.institution_id == setting.world.triage.id


def test_a_replayed_text_and_a_dropped_session_create_nothing_twice(ussd, db, setting):
    session = ussd()
    end = submit_national(session)
    assert session.callback("*".join(session.answers)) == end  # the gateway retries the last callback
    again = ussd()  # the operator dropped the session: the citizen dials again and confirms the same entry
    assert submit_national(again) == end
    assert len(tickets(db)) == 1
    changed = ussd()
    changed.dial()
    changed.send("2", "2", "1", "1", TEXT + " kabisa", "1")
    assert changed.send("1") != end
    assert len(tickets(db)) == 2  # another text is another ticket
    other_phone = ussd(phone=OTHER_PHONE)
    submit_national(other_phone)
    assert len(tickets(db)) == 3  # another phone's same words are its own ticket


def test_an_answer_not_on_the_menu_repeats_the_screen_with_a_short_error(ussd, db, setting):
    session = ussd()
    home = session.dial()
    wrong = session.send("7")
    assert wrong == home.replace("CON ", "CON Chaguo si sahihi.\n", 1)
    session.send("2")
    assert session.send("x").startswith("CON Chaguo si sahihi.\n")
    session.send("2", "1", "1")
    short = session.send("Maji")
    assert short.startswith("CON Andika angalau herufi 10.")
    assert "Kwa namba hii ya simu" in session.send(TEXT)


def test_back_returns_to_the_screen_before(ussd, db, setting):
    session = ussd()
    home = session.dial()
    types = session.send("2")
    session.send("2")
    assert session.send("0") == types
    assert session.send("0") == home


def test_long_lists_are_paged_and_every_screen_fits_in_both_languages(ussd, db, setting):
    for n in range(25):
        CategoryFactory(
            institution=setting.world.agency,
            topic="health",
            name_sw=f"Huduma ya afya ya kliniki maalumu namba {n:02d}",
            name_en=f"Health service of the special clinic number {n:02d}",
        )
    regions = [RegionFactory(name=f"Mkoa wa Majaribio {n:02d}") for n in range(30)]
    DistrictFactory(region=regions[-1], name="Wilaya ya Mwisho")
    _db.session.commit()
    for language in ("sw", "en"):
        session = ussd()
        session.dial()
        if language == "en":
            session.send("1")
        session.send("2", "1")
        topics = session.screens[-1]
        health = re.search(r"(\d+)\. (Afya|Health)", topics).group(1)
        first = session.send(health)
        assert "98. " in first and "0. " in first
        last_shown = max(
            int(number) for number in re.findall(r"^(\d+)\. Huduma|^(\d+)\. Health", first, re.M)[-1] if number
        )
        second = session.send("98")
        assert f"\n{last_shown + 1}. " in second  # numbers run on from page to page
        while "98. " in session.screens[-1]:
            session.send("98")
        assert "24" in session.screens[-1]
        assert session.send("98").startswith(("CON Chaguo si sahihi.", "CON Wrong choice."))
    region_session = ussd()
    region_session.dial()
    topics = region_session.send("2", "1")
    other = re.search(r"(\d+)\. Huduma nyingine", topics).group(1)
    region_session.send(other, "1")  # the local service: the regions, 31 of them
    while "98. " in region_session.screens[-1]:
        region_session.send("98")
    last = re.search(r"(\d+)\. Mkoa wa Majaribio 29", region_session.screens[-1]).group(1)
    assert "Wilaya ya Mwisho" in region_session.send(last)


def test_tracking_adding_information_rating_and_appeal(ussd, db, setting):
    staff = setting.staff
    submit_national(ussd())
    [ticket] = tickets(db)
    actions.request_information(ticket, "Tuma namba ya mita yako tafadhali.", actor=staff.officer_a)
    _db.session.commit()
    assert ticket.sla_paused_at is not None
    session = ussd()
    session.dial()
    listing = session.send("3")
    assert f"1. {ticket.reference}" in listing
    shown = session.send("1")
    assert "Inasubiri maelezo yako" in shown and "Tuma namba ya mita" in shown and "1. Ongeza taarifa za ziada" in shown
    assert "2. Kadiria" not in shown and "3. Kata rufaa" not in shown  # only what is allowed now
    session.send("1")
    end = session.send("Namba ya mita ni 12345")
    assert end.startswith("END ") and ticket.reference in end
    [stored] = tickets(db)
    assert stored.status == TicketStatus.IN_PROGRESS and stored.sla_paused_at is None  # the clock runs again
    assert stored.messages[-1].kind == MessageKind.CITIZEN and stored.messages[-1].body == "Namba ya mita ni 12345"
    actions.resolve_ticket(stored, "Bili imerekebishwa.", actor=staff.officer_a)
    _db.session.commit()
    rating = ussd()
    rating.dial()
    rating.send("3", "1")
    assert "2. Kadiria huduma" in rating.screens[-1]
    rating.send("2")
    assert rating.send("1").startswith("END ")
    [rated] = tickets(db)
    assert rated.satisfaction_rating == 1
    appeal = ussd()
    appeal.dial()
    appeal.send("3")
    shown = appeal.send(rated.reference.replace("WN-", "").replace("-", ""))  # digits, as a keypad types them
    assert "3. Kata rufaa" in shown
    appeal.send("3")
    assert appeal.send("Bili bado si sahihi, sijarudishiwa pesa").startswith("END ")
    [appealed] = tickets(db)
    assert appealed.status == TicketStatus.REOPENED and appealed.appealed_at is not None


def test_another_phone_needs_the_tracking_code(ussd, db, setting):
    end = submit_national(ussd(), identity="3")
    reference, code = REFERENCE.search(end).group(0), CODE.search(end).group(0)
    stranger = ussd(phone=OTHER_PHONE)
    stranger.dial()
    assert "Fuatilia hoja" in stranger.send("3")  # this phone has no open tickets
    assert "msimbo" in stranger.send(reference).lower()
    assert "si sahihi" in stranger.send("ABCDE-FGHJK")
    assert reference in stranger.send(code) and "Imepokelewa" in stranger.screens[-1]


@pytest.mark.parametrize("language", ["sw", "en"])
def test_every_screen_of_a_whole_journey_fits(ussd, db, setting, language):
    """The helper counts every screen; this walks each kind of screen once, with errors, in one language."""
    session = ussd()
    session.dial()
    if language == "en":
        session.send("1")
    session.send("9", "2", "9", "2", "9", "2", "9", "1", "1", "0", "1", "2", "Fupi", TEXT, "9", "1", "9", "2")
    assert session.screens[-1].startswith("END ")
    submit_national(ussd(), identity="1")
    tracking = ussd()
    tracking.dial()
    if language == "en":
        tracking.send("1")
    tracking.send("3", "9999", "WN-2026-999999", "XXXXX", "0", "1", "9", "1", "x")
    assert all(len(screen) <= 182 for screen in session.screens + tracking.screens)


def test_expired_sessions_are_deleted_by_the_worker(ussd, db, setting, app):
    ussd().dial()
    assert db.session.scalar(select(func.count()).select_from(PhoneSession)) == 1
    assert delete_expired() == 0
    assert delete_expired(utcnow() + dt.timedelta(seconds=app.config["USSD_SESSION_SECONDS"] + 1)) == 1


def test_the_same_text_as_another_entry_the_same_day_is_told_the_first_reference(ussd, db, setting):
    submit_national(ussd())
    [first] = tickets(db)
    told = submit_national(ussd(), identity="2")  # the same text, now with the contact hidden: another entry
    assert told.startswith("END ") and first.reference in told and len(told) <= 182
    assert TEXT not in told and tickets(db) == [first]
    submit_national(ussd(), identity="3")  # anonymously: no contact is kept, so nothing is compared
    assert len(tickets(db)) == 2
