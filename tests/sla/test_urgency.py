"""Urgency in working time: the time left or the lateness in words, nothing while paused, commendations unchased."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.world import build_staff, build_world
from wananchi.sla import clock
from wananchi.sla.calendars import clear_calendar_cache
from wananchi.sla.escalation import scan_batch
from wananchi.sla.labels import describe_working_time, time_left_label
from wananchi.sla.models import Escalation
from wananchi.tickets import actions
from wananchi.tickets.models import Identity, TicketStatus, TicketType
from wananchi.tickets.references import new_submission_key
from wananchi.tickets.services import Submission, submit_ticket

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def eat(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EAT)


@pytest.fixture
def setting(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    clear_calendar_cache()
    return world, staff


def submit(world, now, type_=TicketType.COMPLAINT):
    submission = Submission(
        type=type_,
        category=world.national_service,
        district=None,
        subject="Huduma nzuri",
        description="Afisa wa ofisi ya maji alinihudumia vizuri sana leo.",
        identity=Identity.ANONYMOUS,
        submission_key=new_submission_key(),
    )
    return submit_ticket(submission, now=now).ticket


@pytest.mark.parametrize(
    ("minutes", "sw", "en"),
    [
        (180, "Zimebaki saa 3 za kazi", "3 working hours left"),
        (60, "Imebaki saa 1 ya kazi", "1 working hour left"),
        (3 * 480 + 100, "Zimebaki siku 3 za kazi", "3 working days left"),
        (25, "Zimebaki dakika 25 za kazi", "25 working minutes left"),
        (-4 * 480, "Imechelewa siku 4 za kazi", "4 working days late"),
        (-480, "Imechelewa siku 1 ya kazi", "1 working day late"),
        (-130, "Imechelewa saa 2 za kazi", "2 working hours late"),
    ],
)
def test_working_time_in_words_in_both_languages(app, minutes, sw, en):
    with app.test_request_context():
        with force_locale("sw"):
            assert describe_working_time(minutes, 480) == sw
        with force_locale("en"):
            assert describe_working_time(minutes, 480) == en


def test_time_left_counts_working_hours_only(setting, app):
    world, _staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))  # Monday: first response due Wednesday 08:00
    with app.test_request_context(), force_locale("sw"):
        # Tuesday 12:30: the rest of Tuesday (3 h) and Wednesday 07:30-08:00 are left.
        assert clock.working_time_left(ticket, eat(2026, 11, 24, 12, 30)) == 210
        assert time_left_label(ticket, eat(2026, 11, 24, 12, 30)) == "Zimebaki saa 3 za kazi"
        # The next Monday 08:00 is three working days (Wednesday to Friday) past the Wednesday 08:00 due time.
        assert time_left_label(ticket, eat(2026, 11, 30, 8, 0)) == "Imechelewa siku 3 za kazi"


def test_nothing_is_due_while_the_clock_is_paused(setting, app, db):
    world, staff = setting
    ticket = submit(world, eat(2026, 11, 23, 8, 0))
    ticket.status = TicketStatus.AWAITING_CITIZEN
    clock.follow_status(ticket, eat(2026, 11, 23, 9, 0))
    with app.test_request_context():
        assert clock.working_time_left(ticket, eat(2026, 12, 30, 9, 0)) is None
        assert time_left_label(ticket, eat(2026, 12, 30, 9, 0)) is None


def test_a_commendation_is_never_overdue_and_never_escalates(setting, db):
    world, staff = setting
    submitted = eat(2026, 11, 23, 8, 0)
    commendation = submit(world, submitted, TicketType.COMMENDATION)
    complaint = submit(world, submitted)
    db.session.commit()
    assert commendation.next_due_at is None and commendation.next_sla_check_at is None
    months_later = submitted + dt.timedelta(days=90)
    assert clock.state(commendation, months_later) is None
    assert clock.working_time_left(commendation, months_later) is None
    assert clock.state(complaint, months_later) == clock.SlaState.OVERDUE
    scan_batch(months_later)
    db.session.commit()
    escalated = set(db.session.scalars(select(Escalation.ticket_id)))
    assert complaint.id in escalated and commendation.id not in escalated
    # Working on it starts no chase either.
    actions.claim_ticket(commendation, actor=staff.officer_a, now=months_later)
    assert commendation.next_due_at is None and commendation.next_sla_check_at is None


def test_the_escalation_inbox_shows_one_row_per_ticket_with_every_missed_target_longest_late_first(app, setting, db):
    from tests.helpers import log_in
    from tests.world import PASSWORD

    world, staff = setting
    older = submit(world, eat(2026, 11, 16, 8, 0))
    newer = submit(world, eat(2026, 11, 23, 8, 0), TicketType.QUESTION)
    praise = submit(world, eat(2026, 11, 16, 8, 0), TicketType.COMMENDATION)
    db.session.commit()
    scan_batch(eat(2026, 12, 21, 9, 0))  # both targets of both tickets long missed
    db.session.commit()
    client = app.test_client()
    log_in(client, staff.supervisor_a.email, PASSWORD)
    html = client.get("/afisa/upandishaji").get_data(as_text=True)
    rows = html.split('<li class="queue-item">')[1:]
    assert [row.split('class="reference"')[1].split(">")[1].split("<")[0] for row in rows] == [
        older.reference,
        newer.reference,
    ]
    assert praise.reference not in html
    for row, ticket in zip(rows, (older, newer), strict=True):
        assert "Jibu la kwanza" in row and "Utatuzi" in row
        assert f'action="/afisa/hoja/{ticket.reference}/assign?rudi=upandishaji"' in row and "#note-form" in row
        assert "Imechelewa siku" in row


def test_a_supervisor_assigns_a_late_ticket_from_its_row_and_lands_back_on_the_inbox(app, setting, db):
    from tests.helpers import hidden_fields, log_in
    from tests.world import PASSWORD

    world, staff = setting
    late = submit(world, eat(2026, 11, 16, 8, 0))
    later = submit(world, eat(2026, 11, 17, 8, 0), TicketType.QUESTION)
    db.session.commit()
    scan_batch(eat(2026, 12, 21, 9, 0))
    db.session.commit()
    client = app.test_client()
    log_in(client, staff.supervisor_a.email, PASSWORD)
    for shown, inbox in (("", "/afisa/upandishaji"), ("?zote=1", "/afisa/upandishaji?zote=1")):
        html = client.get(inbox).get_data(as_text=True)
        ticket = late if not shown else later
        row = next(row for row in html.split('<li class="queue-item">')[1:] if ticket.reference in row)
        action = re.search(r'<form method="post" action="([^"]+)" class="inline-fields row-assign"', row)
        assert action and action.group(1).replace("&amp;", "&") == (
            f"/afisa/hoja/{ticket.reference}/assign?rudi=upandishaji" + ("&zote=1" if shown else "")
        )
        form = row.split("row-assign")[1].split("</form>")[0]
        assert f'<option value="{staff.officer_a2.id}">' in form
        response = client.post(
            action.group(1).replace("&amp;", "&"),
            data={**hidden_fields(form), "assignee": str(staff.officer_a2.id)},
        )
        assert response.status_code == 303 and response.headers["Location"] == inbox
        db.session.expire_all()
        assert ticket.assignee_id == staff.officer_a2.id
        back = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"{ticket.reference}: Hoja imekabidhiwa kwa {staff.officer_a2.name}." in back
        assert back.index(ticket.reference) < back.index('<ol class="queue-list" id="escalations">')
    # A directive written from the row's link returns to the inbox too.
    html = client.get("/afisa/upandishaji").get_data(as_text=True)
    link = re.search(rf'href="(/afisa/hoja/{late.reference}\?rudi=upandishaji#note-form)"', html)
    assert link
    page = client.get(link.group(1).split("#")[0]).get_data(as_text=True)
    note_form = re.search(r'<form method="post" action="([^"]+)" class="action " id="note-form"', page)
    assert note_form and "rudi=upandishaji" in note_form.group(1)
    note = page.split('id="note-form"')[1].split("</form>")[0]
    response = client.post(
        note_form.group(1).replace("&amp;", "&"), data={**hidden_fields(note), "body": "Jibu leo, tafadhali."}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/afisa/upandishaji"
    assert f"{late.reference}: Dokezo limeongezwa." in client.get("/afisa/upandishaji").get_data(as_text=True)
    # A failed assignment stays on the ticket page with the error at the top.
    failed = client.post(
        f"/afisa/hoja/{late.reference}/assign?rudi=upandishaji",
        data={**hidden_fields(form), "assignee": str(staff.officer_b.id), "version": str(late.version)},
    )
    assert failed.status_code == 422
    # Oversight users read the row and write directives; they do not assign.
    oversight = app.test_client()
    log_in(oversight, staff.oversight_above_a.email, PASSWORD)
    assert "/assign" not in oversight.get("/afisa/upandishaji").get_data(as_text=True)
