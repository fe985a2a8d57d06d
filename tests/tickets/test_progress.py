"""The citizen reads their ticket's way through the service: each step, in their language, and nothing internal."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from tests.notifications.setting import NOTE, TRANSFER_REASON, build_setting, eat, submit, work_through
from tests.tickets.test_staff_actions import load
from tests.tickets.test_staff_actions import submit as submit_on_the_web
from wananchi.extensions import db as _db
from wananchi.sla.escalation import scan_batch
from wananchi.tickets import actions
from wananchi.tickets.models import Identity
from wananchi.tickets.progress import citizen_progress
from wananchi.tickets.services import appeal_ticket, rate_ticket, reissue_tracking_code


@pytest.fixture
def setting(db):
    return build_setting()


def steps_of(app, ticket, language="sw"):
    with app.test_request_context(), force_locale(language):
        return [(step.kind, step.label, step.detail) for step in citizen_progress(ticket)]


def test_each_step_in_order_with_where_the_ticket_went(app, setting):
    ticket = submit(setting.world, identity=Identity.ANONYMOUS)
    work_through(setting, ticket)
    assert steps_of(app, ticket) == [
        ("received", "Imepokelewa", "Imepelekwa kwa Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam."),
        ("in_progress", "Inashughulikiwa", None),
        ("awaiting_citizen", "Inasubiri maelezo yako", None),
        ("in_progress", "Inashughulikiwa", None),
        ("answered", "Imejibiwa", None),
        ("transferred", "Imehamishwa", "Kwa Halmashauri ya Jiji la Dodoma, taasisi inayohusika na jambo hili."),
        ("resolved", "Imetatuliwa", None),
    ]
    english = steps_of(app, ticket, "en")
    assert english[0] == (
        "received",
        "Received",
        "Sent to Dar es Salaam Water Supply and Sanitation Authority.",
    )
    assert english[5] == (
        "transferred",
        "Transferred",
        "To Dodoma City Council, the institution responsible for this matter.",
    )


def test_the_tracking_page_shows_the_steps_and_nothing_internal(app, db, setting):
    citizen, reference, _code = submit_on_the_web(app)
    ticket = load(db, reference)
    actions.record_contact_view(ticket, actor=setting.staff.supervisor_a)
    work_through(setting, ticket)
    html = citizen.get(f"/hoja/{reference}").get_data(as_text=True)
    progress = html[html.index('id="progress"') : html.index('id="thread"')]
    labels = re.findall(r"<strong>([^<]+)</strong>", progress)
    assert labels == [
        "Imepokelewa",
        "Inashughulikiwa",
        "Inasubiri maelezo yako",
        "Inashughulikiwa",
        "Imejibiwa",
        "Imehamishwa",
        "Imetatuliwa",
    ]
    assert "Kwa Halmashauri ya Jiji la Dodoma, taasisi inayohusika na jambo hili." in progress
    staff = setting.staff
    for internal in (NOTE, TRANSFER_REASON, staff.officer_a.name, staff.officer_b.name, staff.supervisor_a.name):
        assert internal not in html
    citizen.set_cookie("lugha", "en")
    english = citizen.get(f"/hoja/{reference}").get_data(as_text=True)
    assert ">Progress<" in english and "<strong>Transferred</strong>" in english


def test_a_merge_an_appeal_and_a_reopening_are_one_step_each(app, setting):
    staff = setting.staff
    duplicate, survivor = submit(setting.world), submit(setting.world)
    actions.merge_ticket(duplicate, survivor, actor=staff.officer_a)
    complaint = submit(setting.world)
    actions.resolve_ticket(complaint, "Tumeshughulikia.", actor=staff.officer_a)
    rate_ticket(complaint, 1)
    appeal_ticket(complaint, "Bili bado si sahihi.")
    question = submit(setting.world)
    actions.resolve_ticket(question, "Tumeshughulikia.", actor=staff.officer_a)
    actions.reopen_ticket(question, "Mwananchi amepiga simu tena.", actor=staff.officer_a)
    _db.session.commit()
    assert steps_of(app, duplicate)[1:] == [
        ("merged", "Imeunganishwa", f"Imeunganishwa na hoja {survivor.reference} inayohusu jambo hilohilo.")
    ]
    assert [kind for kind, _label, _detail in steps_of(app, complaint)] == ["received", "resolved", "appealed"]
    assert steps_of(app, complaint)[-1][2] == "Hukuridhika: lalamiko limefunguliwa upya na kupelekwa kwa msimamizi."
    assert steps_of(app, question)[1:] == [("resolved", "Imetatuliwa", None), ("reopened", "Imefunguliwa upya", None)]


def test_a_late_ticket_says_so_and_where_it_was_raised_without_the_warning(app, setting):
    ticket = submit(setting.world, now=eat(2026, 11, 23, 8, 0))  # a complaint: 2 and 14 working days
    _db.session.commit()
    for moment in (eat(2026, 11, 24, 12, 0), eat(2026, 11, 25, 8, 0), eat(2026, 11, 30, 8, 0), eat(2026, 12, 10, 8, 0)):
        scan_batch(moment)  # the first answer: the warning at 75 %, overdue, the ministry above, the national level
    scan_batch(eat(2026, 12, 15, 8, 0))  # the resolution: overdue
    _db.session.commit()
    assert steps_of(app, ticket) == [
        ("received", "Imepokelewa", "Imepelekwa kwa Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam."),
        ("overdue", "Imechelewa", "Jibu la kwanza limepita muda wake: msimamizi wa taasisi amejulishwa."),
        (
            "escalated",
            "Imepandishwa ngazi",
            "Hoja imechelewa, hivyo imepandishwa kwa kiongozi wa ufuatiliaji wa ngazi iliyo juu ya taasisi.",
        ),
        ("escalated", "Imepandishwa ngazi", "Hoja bado imechelewa, hivyo imepandishwa hadi ngazi ya taifa."),
        ("overdue", "Imechelewa", "Utatuzi umepita muda wake: msimamizi wa taasisi amejulishwa."),
    ]


def test_a_new_tracking_code_is_a_step(app, setting):
    ticket = submit(setting.world)
    _db.session.commit()
    with app.test_request_context():
        assert reissue_tracking_code(ticket.reference, ticket.citizen_email) is not None
    _db.session.commit()
    assert steps_of(app, ticket)[-1][0] == "new_tracking_code"
