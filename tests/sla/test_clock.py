"""Response-time targets on real tickets, with a frozen and advancing clock: due instants, pauses,
transfers, reopening, targets set by administrators, and the escalation ladder."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.world import build_staff, build_world
from wananchi.sla import clock
from wananchi.sla.calendars import clear_calendar_cache
from wananchi.sla.escalation import scan_batch
from wananchi.sla.models import Calendar, CalendarDate, Escalation, EscalationLevel, ResponseTarget, SlaTarget
from wananchi.tickets import actions
from wananchi.tickets.models import EventKind, Identity, TicketType
from wananchi.tickets.references import new_submission_key
from wananchi.tickets.services import Submission, add_citizen_message, submit_ticket

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def eat(*args: int) -> dt.datetime:
    """An instant written in Dar es Salaam time."""
    return dt.datetime(*args, tzinfo=EAT)


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    clear_calendar_cache()
    return world, staff


def submit(world, now, *, type_=TicketType.COMPLAINT, dont_know=False):
    """A ticket submitted at `now` about the agency's service (or to triage, when the citizen does not know)."""
    submission = Submission(
        type=type_,
        category=None if dont_know else world.national_service,
        district=None,
        subject="Bili ya maji",
        description="Bili ya maji si sahihi kwa mwezi huu.",
        identity=Identity.ANONYMOUS,
        submission_key=new_submission_key(),
    )
    return submit_ticket(submission, now=now).ticket


def steps(db, ticket):
    return sorted(
        (e.target.value, e.level.value)
        for e in db.session.scalars(select(Escalation).where(Escalation.ticket_id == ticket.id))
    )


def test_a_complaint_on_thursday_afternoon_before_christmas(setting):
    world, _staff = setting
    ticket = submit(world, eat(2026, 12, 24, 14, 0))
    # 2 working days: Thursday 14:00-15:30, Monday 28th, then 6 h 30 on Tuesday 29th (Friday is Christmas).
    assert ticket.first_response_due_at == eat(2026, 12, 29, 14, 0)
    # 14 working days: New Year's Day (Friday 1st) and Zanzibar Revolution Day (Tuesday 12th) are skipped.
    assert ticket.resolution_due_at == eat(2027, 1, 18, 14, 0)
    # At risk after 75 % of 960 working minutes: 720 minutes, Tuesday 29th 10:00.
    assert ticket.first_response_warn_at == eat(2026, 12, 29, 10, 0)
    assert ticket.next_due_at == ticket.first_response_due_at
    assert ticket.next_sla_check_at == ticket.first_response_warn_at


def test_a_ticket_submitted_at_1529_on_friday(setting):
    world, _staff = setting
    ticket = submit(world, eat(2026, 11, 20, 15, 29), type_=TicketType.QUESTION)
    assert ticket.first_response_due_at == eat(2026, 11, 24, 15, 29)  # 1 + 480 + 479 minutes


def test_targets_set_by_administrators_win_most_specific_first(setting, db):
    world, _staff = setting
    db.session.add_all(
        [
            ResponseTarget(type=TicketType.COMPLAINT, first_response_days=3, resolution_days=10),
            ResponseTarget(institution_id=world.agency.id, first_response_days=1, resolution_days=5),
            ResponseTarget(
                category_id=world.national_service.id,
                type=TicketType.COMPLAINT,
                first_response_days=4,
                resolution_days=20,
            ),
        ]
    )
    db.session.commit()
    monday = eat(2026, 11, 23, 8, 0)
    complaint = submit(world, monday)
    assert complaint.first_response_due_at == eat(2026, 11, 27, 8, 0)  # category + type: 4 days
    question = submit(world, monday, type_=TicketType.QUESTION)
    assert question.first_response_due_at == eat(2026, 11, 24, 8, 0)  # institution: 1 day
    triage = submit(world, monday, dont_know=True)
    assert triage.first_response_due_at == eat(2026, 11, 26, 8, 0)  # type only: 3 days


def test_a_changed_or_deleted_target_applies_to_the_next_ticket_at_once(setting, db):
    world, _staff = setting
    monday = eat(2026, 11, 23, 8, 0)
    assert submit(world, monday).first_response_due_at == eat(2026, 11, 25, 8, 0)  # the default: 2 days
    target = ResponseTarget(institution_id=world.agency.id, first_response_days=1, resolution_days=5)
    db.session.add(target)
    db.session.commit()
    assert submit(world, monday).first_response_due_at == eat(2026, 11, 24, 8, 0)
    target.first_response_days = 3  # not flushed yet: read as a query would, after an autoflush
    assert submit(world, monday).first_response_due_at == eat(2026, 11, 26, 8, 0)
    db.session.delete(target)
    db.session.commit()
    assert submit(world, monday).first_response_due_at == eat(2026, 11, 25, 8, 0)


def test_an_institution_working_around_the_clock(setting, db):
    world, _staff = setting
    world.agency.calendar = Calendar(name="Saa 24", always_open=True)
    db.session.commit()
    clear_calendar_cache()
    ticket = submit(world, eat(2026, 12, 24, 14, 0))
    assert ticket.first_response_due_at == eat(2026, 12, 26, 14, 0)  # 2 × 24 hours, holidays included


def test_an_eid_correction_moves_the_holiday(setting, db):
    world, _staff = setting
    # Suppose the holiday table estimates Eid on Wednesday 27 May 2026 but the government announces Thursday.
    db.session.add_all(
        [
            CalendarDate(day=dt.date(2026, 5, 27), is_working=True, note="Eid si leo"),
            CalendarDate(day=dt.date(2026, 5, 28), is_working=False, note="Eid el Hajj"),
        ]
    )
    db.session.commit()
    clear_calendar_cache()
    ticket = submit(world, eat(2026, 5, 26, 15, 0), type_=TicketType.QUESTION)
    # Tuesday 15:00-15:30 (30), Wednesday (480), Thursday closed, Friday 07:30 + 450 = 15:00.
    assert ticket.first_response_due_at == eat(2026, 5, 29, 15, 0)


def test_asking_the_citizen_pauses_and_the_answer_moves_the_deadlines(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))  # Monday
    resolution_due = ticket.resolution_due_at
    actions.request_information(ticket, "Tuma namba ya mita.", actor=staff.officer_a, now=eat(2026, 11, 23, 10, 0))
    assert ticket.first_response_minutes == 120 and ticket.sla_paused_at is not None
    assert ticket.next_sla_check_at is None and clock.state(ticket, eat(2026, 12, 31, 8, 0)) == clock.SlaState.PAUSED
    # Monday 10:00 to Thursday 10:00 is 3 working days.
    add_citizen_message(ticket, "Namba ni 12345.", [], now=eat(2026, 11, 26, 10, 0))
    assert ticket.sla_paused_at is None and ticket.paused_minutes == 3 * 480
    assert resolution_due == eat(2026, 12, 14, 8, 0)  # 14 working days; 9 December is Independence Day
    assert ticket.resolution_due_at == eat(2026, 12, 17, 8, 0)  # moved by the 3 paused working days


def test_a_pause_outside_working_hours_moves_no_deadline(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 16, 0))  # Monday, after closing: the targets end at 15:30
    resolution_due = ticket.resolution_due_at
    assert resolution_due == eat(2026, 12, 14, 15, 30)
    actions.request_information(ticket, "Tuma namba ya mita.", actor=staff.officer_a, now=eat(2026, 11, 23, 16, 10))
    add_citizen_message(ticket, "Namba ni 12345.", [], now=eat(2026, 11, 23, 17, 0))
    assert ticket.paused_minutes == 0
    # The same working time, and the same date the citizen was promised (not 07:30 the next working day).
    assert ticket.resolution_due_at == resolution_due


def test_a_pause_spanning_a_weekend(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 20, 9, 0))  # Friday
    actions.request_information(ticket, "Tuma picha.", actor=staff.officer_a, now=eat(2026, 11, 20, 14, 0))
    add_citizen_message(ticket, "Picha hii hapa.", [], now=eat(2026, 11, 23, 9, 0))
    assert ticket.paused_minutes == 180


def test_a_paused_ticket_does_not_escalate(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    actions.request_information(ticket, "Tuma namba.", actor=staff.officer_a, now=eat(2026, 11, 23, 9, 0))
    db.session.commit()
    result = scan_batch(eat(2027, 6, 1, 8, 0))
    assert result.tickets == 0 and steps(db, ticket) == []


def test_the_ladder_is_climbed_once_per_step(setting, db):
    world, _staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))  # Monday 08:00; the first response is due Wednesday 08:00
    db.session.commit()
    assert scan_batch(eat(2026, 11, 24, 11, 59)).steps == []  # before 75 %
    warning = scan_batch(eat(2026, 11, 24, 12, 0))  # 720 working minutes: Monday 450, Tuesday 270
    assert [(s.target, s.level) for s in warning.steps] == [(SlaTarget.FIRST_RESPONSE, EscalationLevel.WARNING)]
    assert warning.steps[0].node_id == world.agency.id
    again = scan_batch(eat(2026, 11, 24, 12, 0))
    assert again.steps == [] and steps(db, ticket) == [("first_response", "warning")]
    assert clock.state(ticket, eat(2026, 11, 24, 12, 0)) == clock.SlaState.AT_RISK
    scan_batch(eat(2026, 11, 25, 8, 0))  # due: overdue, on the agency's supervisor's list
    assert clock.state(ticket, eat(2026, 11, 25, 8, 0)) == clock.SlaState.OVERDUE
    scan_batch(eat(2026, 11, 30, 8, 0))  # 3 working days later: the ministry above the agency
    scan_batch(eat(2026, 12, 10, 7, 59))  # not yet 10 working days after the due instant (9 December is a holiday)
    rows = {
        (e.target, e.level): e for e in db.session.scalars(select(Escalation).where(Escalation.ticket_id == ticket.id))
    }
    assert rows[SlaTarget.FIRST_RESPONSE, EscalationLevel.OVERDUE].node_id == world.agency.id
    assert rows[SlaTarget.FIRST_RESPONSE, EscalationLevel.PARENT].node_id == world.ministry.id
    assert (SlaTarget.FIRST_RESPONSE, EscalationLevel.NATIONAL) not in rows
    scan_batch(eat(2026, 12, 10, 8, 0))
    national = db.session.scalar(
        select(Escalation).where(
            Escalation.ticket_id == ticket.id,
            Escalation.level == EscalationLevel.NATIONAL,
            Escalation.target == SlaTarget.FIRST_RESPONSE,
        )
    )
    assert national.node_id == world.national.id
    kinds = [e.kind for e in ticket.events]
    assert EventKind.SLA_WARNING in kinds and EventKind.SLA_OVERDUE in kinds and kinds.count(EventKind.ESCALATED) >= 2
    assert scan_batch(eat(2026, 12, 10, 8, 0)).steps == []


def test_a_scan_after_a_long_silence_takes_every_missed_step_at_once(setting, db):
    world, _staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    db.session.commit()
    scan_batch(eat(2027, 3, 1, 8, 0))
    assert steps(db, ticket) == [
        (t, level) for t in ("first_response", "resolution") for level in ("national", "overdue", "parent", "warning")
    ]
    assert ticket.next_sla_check_at is None
    assert scan_batch(eat(2027, 3, 1, 8, 0)).steps == []


def test_a_first_response_stops_its_ladder(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    actions.reply_to_citizen(ticket, "Tunashughulikia.", actor=staff.officer_a, now=eat(2026, 11, 23, 9, 0))
    db.session.commit()
    assert ticket.first_response_minutes == 60 and ticket.next_due_at == ticket.resolution_due_at
    scan_batch(eat(2026, 11, 26, 8, 0))
    assert steps(db, ticket) == []  # the resolution is not at risk yet; the first response was met


def test_a_transferred_ticket_follows_the_rule(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    promised = ticket.resolution_due_at
    db.session.commit()
    scan_batch(eat(2026, 11, 25, 9, 0))  # the agency missed its first response
    actions.transfer_ticket(
        ticket, world.council, "Ni kazi ya halmashauri.", actor=staff.officer_a, now=eat(2026, 11, 25, 10, 0)
    )
    assert ticket.first_response_due_at == eat(2026, 11, 27, 10, 0)  # the council's own 2 days from the transfer
    assert ticket.resolution_due_at == promised  # the citizen's promised date does not move
    assert ticket.sla_round == 1 and ticket.holder_responded_at is None
    db.session.commit()
    scan_batch(eat(2026, 11, 27, 10, 0))
    council_steps = db.session.scalars(
        select(Escalation).where(Escalation.ticket_id == ticket.id, Escalation.round == 1)
    ).all()
    assert {(s.level, s.node_id) for s in council_steps} == {
        (EscalationLevel.WARNING, world.council.id),
        (EscalationLevel.OVERDUE, world.council.id),
    }


def test_resolution_records_the_working_time_and_reopening_starts_a_new_round(setting, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    actions.resolve_ticket(ticket, "Imerekebishwa.", actor=staff.officer_a, now=eat(2026, 11, 24, 9, 0))
    assert ticket.resolution_minutes == 450 + 90 and ticket.next_sla_check_at is None
    assert clock.state(ticket, eat(2027, 1, 1, 8, 0)) is None
    actions.reopen_ticket(ticket, "Tatizo limerudi.", actor=staff.officer_a, now=eat(2026, 11, 30, 8, 0))
    assert ticket.resolution_round == 1 and ticket.resolution_due_at == eat(2026, 12, 21, 8, 0)
    db.session.commit()
    scan_batch(eat(2027, 3, 1, 8, 0))
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Escalation)
            .where(Escalation.ticket_id == ticket.id, Escalation.target == SlaTarget.RESOLUTION, Escalation.round == 1)
        )
        == 4
    )


def test_the_citizen_and_the_officer_see_the_promise(app, setting, db):
    import time_machine

    from tests.helpers import log_in, post_submission
    from tests.world import PASSWORD

    _world, staff = setting
    with time_machine.travel(eat(2026, 12, 24, 14, 0), tick=False):
        citizen = app.test_client()
        receipt = citizen.get(post_submission(citizen).headers["Location"]).get_data(as_text=True)
        assert "Jibu linatarajiwa kabla ya 29 Desemba 2026, 14:00" in receipt
        assert "kutatuliwa kabla ya 18 Januari 2027, 14:00" in receipt
        reference = receipt.split('id="reference">')[1].split("<")[0]
        assert "Jibu linatarajiwa kabla ya 29 Desemba 2026, 14:00" in citizen.get(f"/hoja/{reference}").get_data(
            as_text=True
        )
    with time_machine.travel(eat(2026, 12, 29, 11, 0), tick=False):
        officer = app.test_client()
        log_in(officer, staff.officer_a.email, PASSWORD)
        page = officer.get(f"/afisa/hoja/{reference}").get_data(as_text=True)
        assert 'id="sla-state">Karibu kuchelewa<' in page
        assert "29 Desemba 2026, 14:00" in page


def test_escalations_reach_the_supervisor_then_the_oversight_above(app, setting, db):
    from tests.helpers import log_in
    from tests.world import PASSWORD

    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    db.session.commit()
    scan_batch(eat(2026, 11, 25, 9, 0))  # overdue: the agency's supervisor
    db.session.commit()

    def inbox(user):
        client = app.test_client()
        log_in(client, user.email, PASSWORD)
        response = client.get("/afisa/upandishaji")
        return response.status_code, ticket.reference in response.get_data(as_text=True)

    assert inbox(staff.supervisor_a) == (200, True)
    assert inbox(staff.oversight_above_a) == (200, False)
    assert inbox(staff.officer_a)[0] == 404
    scan_batch(eat(2026, 11, 30, 9, 0))  # 3 working days later: the ministry's oversight
    db.session.commit()
    assert inbox(staff.oversight_above_a) == (200, True)
    assert inbox(staff.oversight_elsewhere) == (200, False)
