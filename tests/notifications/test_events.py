"""Every event reaches the right people, in their language, through a real SMTP server and SMS gateway.

Citizens hear about replies, requests for information, transfers and the resolution (anonymous citizens
hear nothing); staff hear about assignments, the citizen's messages, warnings, overdue tickets and
escalations. Assertions are on reference numbers, links and the `language` column, or compare with
`render_notification`, except the two tests marked "needs the Swahili catalogue" below.
"""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from tests.notifications.setting import (
    CITIZEN_EMAIL,
    CITIZEN_PHONE,
    GSM_7,
    NOTE,
    PHONES,
    QUESTION,
    REPLY,
    SUMMARY,
    build_setting,
    eat,
    recipients,
    rows,
    submit,
    work_through,
)
from tests.world import complaint
from wananchi.extensions import db as _db
from wananchi.notifications.models import Channel, OutboxStatus
from wananchi.notifications.outbox import sweep
from wananchi.notifications.render import public_url, render_notification
from wananchi.notifications.segments import sms_segments
from wananchi.sla.escalation import scan_batch
from wananchi.sla.models import Escalation, EscalationLevel
from wananchi.tickets import actions
from wananchi.tickets.models import EventKind, Identity, SuggestionOutcome, TicketType
from wananchi.tickets.services import add_citizen_message, submit_ticket

CITIZEN_EVENTS = ("reply", "information_request", "transfer", "resolution")
OTHER_EMAIL, OTHER_PHONE = "juma@example.co.tz", "+255754111222"


@pytest.fixture
def setting(db):
    return build_setting()


@pytest.mark.parametrize("identity", [Identity.NAMED, Identity.CONTACT_HIDDEN])
def test_named_and_contact_hidden_citizens_hear_about_every_step(setting, db, smtp_server, sms_gateway, identity):
    ticket = submit(setting.world, identity=identity)
    work_through(setting, ticket)
    tracking_url = public_url("tickets.track", ref=ticket.reference)
    for event in CITIZEN_EVENTS:
        assert recipients(event) == {(CITIZEN_EMAIL, Channel.EMAIL), (CITIZEN_PHONE, Channel.SMS)}, event
        assert {row.language for row in rows(event)} == {"sw"}
    sweep()
    mails = smtp_server.mailbox.to(CITIZEN_EMAIL)
    assert len(mails) == 1 + len(CITIZEN_EVENTS)  # the receipt, then each step
    for mail in mails:
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        assert ticket.reference in mail["Subject"] and ticket.reference in text and ticket.reference in html
        assert tracking_url in text and f'href="{tracking_url}"' in html
        assert NOTE not in text and NOTE not in html  # an internal note never leaves the institution
    by_subject = {mail["Subject"]: mail for mail in mails}
    reply = render_notification("reply", "sw", ticket=ticket, message=ticket.messages[-1], tracking_url=tracking_url)
    assert REPLY in by_subject[reply.subject].get_body(("plain",)).get_content()
    resolution = render_notification("resolution", "sw", ticket=ticket, tracking_url=tracking_url)
    resolved_mail = by_subject[resolution.subject].get_body(("plain",)).get_content()
    assert SUMMARY in resolved_mail and "14" in resolved_mail  # a complaint may be reopened within 14 days
    texts = [sms["message"] for sms in sms_gateway.received if sms["to"] == CITIZEN_PHONE]
    assert len(texts) == 1 + len(CITIZEN_EVENTS)
    assert all(ticket.reference in text and sms_segments(text) <= 3 and set(text) <= GSM_7 for text in texts)
    assert any(QUESTION in text for text in texts)  # a request travels whole in the SMS
    assert any(REPLY in text for text in texts)  # and so does a reply
    assert all(NOTE not in text for text in texts)


def test_anonymous_citizens_receive_nothing(setting, db, smtp_server, sms_gateway):
    ticket = submit(setting.world, identity=Identity.ANONYMOUS)
    work_through(setting, ticket)
    assert all(rows(event) == [] for event in ("receipt", *CITIZEN_EVENTS))
    sweep()
    assert not smtp_server.mailbox.to(CITIZEN_EMAIL) and not [
        s for s in sms_gateway.received if s["to"] == CITIZEN_PHONE
    ]


def test_a_citizen_who_wrote_in_english_is_answered_in_english(setting, db, smtp_server, sms_gateway):
    ticket = submit(setting.world, language="en", type_=TicketType.SUGGESTION)
    actions.resolve_ticket(
        ticket, "We shall add a second meter reader.", actor=setting.staff.officer_a, outcome=SuggestionOutcome.ACCEPTED
    )
    _db.session.commit()
    assert {row.language for row in rows("resolution")} == {"en"}
    sweep()
    [mail] = [m for m in smtp_server.mailbox.to(CITIZEN_EMAIL) if "resolved" in m["Subject"]]
    assert mail["Subject"] == f"Your ticket {ticket.reference} has been resolved"
    text = mail.get_body(("plain",)).get_content()
    assert "Your suggestion has been accepted." in text and "We shall add a second meter reader." in text
    assert "Rate the answer from 1" in text and "reopen" not in text  # only a complaint can be reopened
    [sms] = [s["message"] for s in sms_gateway.received if "resolved" in s["message"]]
    assert sms.startswith(f"Ticket {ticket.reference} has been resolved. Your suggestion has been accepted.")


def test_citizen_messages_in_swahili(setting, db, smtp_server, sms_gateway):
    """Officers are warned in Swahili, their language: the near-late and late subjects."""
    ticket = submit(setting.world)
    actions.reply_to_citizen(ticket, REPLY, actor=setting.staff.officer_a)
    actions.transfer_ticket(ticket, setting.world.council, "Ni ya halmashauri.", actor=setting.staff.officer_a)
    _db.session.commit()
    sweep()
    subjects = {mail["Subject"] for mail in smtp_server.mailbox.to(CITIZEN_EMAIL)}
    assert f"Jibu la hoja yako {ticket.reference}" in subjects
    assert f"Hoja yako {ticket.reference} imehamishiwa Halmashauri ya Jiji la Dodoma" in subjects
    assert any(s["message"].startswith(f"DAWASA imejibu hoja {ticket.reference}:") for s in sms_gateway.received)


def test_assignment_reaches_the_assignee_unless_they_claimed_it(setting, db, smtp_server, sms_gateway):
    staff = setting.staff
    assigned, claimed = submit(setting.world), submit(setting.world)
    actions.assign_ticket(assigned, staff.officer_a, actor=staff.supervisor_a)
    actions.claim_ticket(claimed, actor=staff.officer_a2)
    _db.session.commit()
    assert recipients("assignment") == {(staff.officer_a.email, Channel.EMAIL)}  # e-mail only by default
    [row] = rows("assignment")
    assert row.ticket_id == assigned.id and row.recipient_user_id == staff.officer_a.id and row.language == "sw"
    sweep()
    [mail] = smtp_server.mailbox.to(staff.officer_a.email)
    ticket_url = public_url("staff.ticket", reference=assigned.reference)
    assert assigned.reference in mail["Subject"] and ticket_url in mail.get_body(("plain",)).get_content()
    assert f'href="{ticket_url}"' in mail.get_body(("html",)).get_content()
    assert not smtp_server.mailbox.to(staff.officer_a2.email)


def test_the_citizens_message_reaches_the_assignee_or_else_the_officers(setting, db):
    staff = setting.staff
    assigned, unassigned = submit(setting.world), submit(setting.world)
    actions.claim_ticket(assigned, actor=staff.officer_a)
    add_citizen_message(assigned, "Nimeongeza picha ya bili.", [])
    add_citizen_message(unassigned, "Bado sijapata jibu.", [])
    _db.session.commit()
    by_ticket: dict[int, set[str]] = {}
    for row in rows("citizen_message"):
        by_ticket.setdefault(row.ticket_id, set()).add(row.recipient)
    assert by_ticket[assigned.id] == {staff.officer_a.email}
    assert by_ticket[unassigned.id] == {staff.officer_a.email, staff.officer_a2.email, staff.supervisor_a.email}
    assert "Bado sijapata jibu." not in " ".join(row.body_text for row in rows("citizen_message"))


def test_the_ladder_warns_the_assignee_then_the_supervisor_then_oversight(setting, db, smtp_server, sms_gateway):
    staff = setting.staff
    monday = eat(2026, 11, 23, 8, 0)
    assigned = submit(setting.world, now=monday)
    unassigned = submit(setting.world, now=monday)
    actions.assign_ticket(assigned, staff.officer_a, actor=staff.supervisor_a, now=monday)
    _db.session.commit()
    warned_at = eat(2026, 11, 24, 12, 0)  # 75 % of the first-response target
    scan_batch(warned_at)
    _db.session.commit()
    warnings = [(row.ticket_id, row.recipient) for row in rows("sla_warning")]
    assert sorted(warnings) == sorted(
        [(assigned.id, staff.officer_a.email)]
        + [(unassigned.id, user.email) for user in (staff.officer_a, staff.officer_a2, staff.supervisor_a)]
    )
    scan_batch(eat(2026, 11, 25, 8, 0))  # due: overdue, for the agency's supervisors
    scan_batch(eat(2026, 11, 30, 8, 0))  # 3 working days later: the ministry above the agency
    scan_batch(eat(2026, 12, 10, 8, 0))  # 10 working days later: the national level
    _db.session.commit()
    assert recipients("sla_overdue") == {(staff.supervisor_a.email, Channel.EMAIL)}
    assert len(rows("sla_overdue")) == 2  # one per ticket
    escalations = rows("escalation")
    assert {row.recipient for row in escalations} == {staff.oversight_above_a.email, setting.oversight_national.email}
    assert staff.oversight_elsewhere.email not in {row.recipient for row in escalations}
    sweep(eat(2026, 12, 10, 8, 0))
    ticket_url = public_url("staff.ticket", reference=assigned.reference)
    for address in (
        staff.officer_a.email,
        staff.supervisor_a.email,
        staff.oversight_above_a.email,
        setting.oversight_national.email,
    ):
        mails = [m for m in smtp_server.mailbox.to(address) if assigned.reference in m["Subject"]]
        assert mails and all(ticket_url in m.get_body(("plain",)).get_content() for m in mails), address
    [parent] = [m for m in smtp_server.mailbox.to(staff.oversight_above_a.email) if assigned.reference in m["Subject"]]
    text = parent.get_body(("plain",)).get_content()
    assert "Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam" in text  # the institution that missed it
    assert "Wizara ya Maji" in text  # the node it was escalated to


def test_staff_who_chose_english_get_english(setting, db, smtp_server):
    staff = setting.staff
    staff.officer_a.language = "en"
    ticket = submit(setting.world)
    actions.assign_ticket(ticket, staff.officer_a, actor=staff.supervisor_a)
    add_citizen_message(ticket, "Nimeongeza maelezo.", [])
    _db.session.commit()
    assert {row.language for row in rows() if row.recipient == staff.officer_a.email} == {"en"}
    sweep()
    subjects = {mail["Subject"] for mail in smtp_server.mailbox.to(staff.officer_a.email)}
    assert subjects == {
        f"Ticket {ticket.reference} has been assigned to you",
        f"New information from the citizen on ticket {ticket.reference}",
    }


def test_staff_messages_in_swahili(setting, db, smtp_server):
    """Officers are warned in Swahili, their language: the near-late and late subjects."""
    ticket = submit(setting.world, now=eat(2026, 11, 23, 8, 0))
    _db.session.commit()
    for moment in (eat(2026, 11, 24, 12, 0), eat(2026, 11, 25, 8, 0)):  # 75 % of the time to answer, then all of it
        scan_batch(moment)
        _db.session.commit()
        sweep(moment)
    subjects = {mail["Subject"] for mail in smtp_server.mailbox.to(setting.staff.supervisor_a.email)}
    assert f"Hoja {ticket.reference} imechelewa" in subjects
    assert f"Hoja {ticket.reference} iko karibu kuchelewa" in subjects


def test_a_scan_that_comes_after_the_time_is_up_sends_no_warning_that_it_is_nearly_up(setting, db, smtp_server):
    """A scan late for the warning (stopped for a while, tickets loaded from before) says the ticket is late, not also
    that it nearly is: the warning step is taken, once, but neither sent nor written in the history."""
    ticket = submit(setting.world, now=eat(2026, 11, 23, 8, 0))
    _db.session.commit()
    late = eat(2026, 11, 25, 8, 0)
    taken = scan_batch(late)
    _db.session.commit()
    sweep(late)
    subjects = {mail["Subject"] for mail in smtp_server.mailbox.messages}
    assert f"Hoja {ticket.reference} imechelewa" in subjects
    assert not any("karibu kuchelewa" in subject for subject in subjects)
    assert EscalationLevel.WARNING in {step.level for step in _db.session.scalars(select(Escalation))}
    assert EscalationLevel.WARNING not in {step.level for step in taken.steps}
    assert EventKind.SLA_WARNING not in {event.kind for event in ticket.events}
    assert scan_batch(late).steps == []  # nothing is taken twice


def sms_texts(setting, language):
    """Every standard event's SMS for a ticket of DAWASA, rendered in `language`."""
    staff, world = setting.staff, setting.world
    monday = eat(2026, 11, 23, 8, 0)
    ticket = submit(world, now=monday)
    actions.claim_ticket(ticket, actor=staff.officer_a, now=monday)
    ask = actions.request_information(
        ticket,
        "Tuma namba ya mita, picha ya bili na jina la mwenye nyumba kama lilivyoandikwa kwenye mkataba wa maji.",
        actor=staff.officer_a,
        now=monday,
    )
    reply = actions.reply_to_citizen(ticket, REPLY, actor=staff.officer_a, now=monday)
    transfer = actions.transfer_ticket(ticket, world.ministry, "Ni ya wizara.", actor=staff.officer_a, now=monday)
    transfer.to_institution.short_name = "MoW"
    tracking_url = public_url("tickets.track", ref=ticket.reference)
    ticket_url = public_url("staff.ticket", reference=ticket.reference)
    from wananchi.sla.models import Escalation, EscalationLevel, SlaTarget

    def step(level, target):
        return Escalation(
            ticket=ticket, target=target, level=level, institution=world.agency, node=world.ministry, due_at=monday
        )

    citizen = dict(ticket=ticket, tracking_url=tracking_url)
    staff_context = dict(ticket=ticket, ticket_url=ticket_url, recipient_name=staff.officer_a.name)
    cases = [
        ("receipt", dict(citizen, tracking_code="K7QM3XHD9P")),
        ("tracking_code", dict(citizen, tracking_code="K7QM3XHD9P")),
        ("reply", dict(citizen, message=reply)),
        ("information_request", dict(citizen, message=ask)),
        ("transfer", dict(citizen, transfer=transfer)),
        ("resolution", citizen),
        ("assignment", dict(staff_context, actor=staff.supervisor_a)),
        ("citizen_message", dict(staff_context, message=None)),
        *[
            (event, dict(staff_context, escalation=step(level, target)))
            for event, level in (
                ("sla_warning", EscalationLevel.WARNING),
                ("sla_overdue", EscalationLevel.OVERDUE),
                ("escalation", EscalationLevel.PARENT),
                ("escalation", EscalationLevel.NATIONAL),
            )
            for target in SlaTarget
        ],
    ]
    texts = [(event, render_notification(event, language, **context).sms) for event, context in cases]
    ticket.type = TicketType.SUGGESTION
    for outcome in SuggestionOutcome:
        ticket.outcome = outcome
        texts.append(("resolution", render_notification("resolution", language, **citizen).sms))
    reference = ticket.reference  # read before the rollback expires the ticket, whose row it removes
    _db.session.rollback()
    return reference, texts


@pytest.mark.parametrize("language", ["sw", "en"])
def test_every_sms_fits_one_message_and_carries_the_reference(setting, db, language):
    """Every SMS is one message, but a reply and a request for information, which carry their text in up to three
    and end with the reference and how to answer by SMS."""
    reference, texts = sms_texts(setting, language)
    short_code = current_app.config["SMS_SHORT_CODE"]
    for event, text in texts:
        assert reference in text, (event, text)
        if event in ("reply", "information_request"):
            assert sms_segments(text) <= 3, (event, len(text), text)
            assert text.endswith(f"{short_code}."), text  # ends with how to answer: the reference, then the number
            assert reference in text.rsplit('"', 1)[-1], text
        else:
            assert len(text) <= 160, (event, len(text), text)
        assert set(text) <= GSM_7, (event, set(text) - GSM_7)


def test_staff_sms_follows_the_phone_number_on_the_account(setting, db, sms_gateway):
    from wananchi.notifications.models import NotificationPreference

    staff = setting.staff
    _db.session.add(NotificationPreference(user_id=staff.officer_a.id, event="assignment", email=False, sms=True))
    ticket = submit(setting.world)
    actions.assign_ticket(ticket, staff.officer_a, actor=staff.supervisor_a)
    _db.session.commit()
    assert recipients("assignment") == {(PHONES["officer_a"], Channel.SMS)}
    sweep()
    [sms] = [s for s in sms_gateway.received if s["to"] == PHONES["officer_a"]]
    assert ticket.reference in sms["message"] and len(sms["message"]) <= 160
    assert all(row.status == OutboxStatus.SENT for row in rows("assignment"))


def test_a_message_renders_only_its_channels_parts(setting, db):
    ticket = submit(setting.world)
    tracking_url = public_url("tickets.track", ref=ticket.reference)
    both = render_notification("receipt", "sw", ticket=ticket, tracking_url=tracking_url, tracking_code="ABCDE12345")
    sms_only = render_notification(
        "receipt", "sw", for_email=False, ticket=ticket, tracking_url=tracking_url, tracking_code="ABCDE12345"
    )
    email_only = render_notification(
        "receipt", "sw", for_sms=False, ticket=ticket, tracking_url=tracking_url, tracking_code="ABCDE12345"
    )
    assert both.text and both.html and both.sms
    assert (sms_only.text, sms_only.html, sms_only.sms) == ("", None, both.sms)
    assert (email_only.subject, email_only.text, email_only.html, email_only.sms) == (
        both.subject,
        both.text,
        both.html,
        "",
    )


def test_a_merged_citizen_hears_of_the_resolution_written_for_all_never_of_the_replies(
    setting, db, smtp_server, sms_gateway
):
    staff, world = setting.staff, setting.world
    survivor = submit(world)
    other = complaint(world, identity=Identity.NAMED, name="Juma Ali", email=OTHER_EMAIL, phone=OTHER_PHONE)
    duplicate = submit_ticket(other).ticket
    actions.merge_ticket(duplicate, survivor, actor=staff.officer_a)
    actions.reply_to_citizen(survivor, REPLY, actor=staff.officer_a)
    actions.request_information(survivor, QUESTION, actor=staff.officer_a)
    _db.session.commit()
    actions.resolve_ticket(survivor, SUMMARY, actor=staff.officer_a)
    _db.session.commit()
    sweep()
    for event in ("reply", "information_request", "resolution"):
        assert recipients(event) == {(CITIZEN_EMAIL, Channel.EMAIL), (CITIZEN_PHONE, Channel.SMS)}, event
    assert recipients("merged_resolution") == {(OTHER_EMAIL, Channel.EMAIL), (OTHER_PHONE, Channel.SMS)}
    mails = smtp_server.mailbox.to(OTHER_EMAIL)
    texts = [sms["message"] for sms in sms_gateway.received if sms["to"] == OTHER_PHONE]
    assert len(mails) == len(texts) == 2  # the receipt, and the resolution
    resolved = mails[-1]
    assert resolved["Subject"] == f"Hoja yako {duplicate.reference}: jambo hili limetatuliwa"
    for body in (resolved.get_body(("plain",)).get_content(), resolved.get_body(("html",)).get_content()):
        assert SUMMARY in body and duplicate.reference in body and survivor.reference in body
        assert public_url("tickets.track", ref=duplicate.reference) in body
    everything = " ".join([*texts, *(m.get_body(("plain",)).get_content() for m in mails)])
    assert REPLY not in everything and QUESTION not in everything and "Asha" not in everything
    assert texts[-1].startswith(f"Hoja {duplicate.reference} imetatuliwa pamoja na hoja {survivor.reference}.")
    assert len(texts[-1]) <= 160 and set(texts[-1]) <= GSM_7
