"""The demo data set: realistic reference data, routable services, consistent tickets, safe to run twice."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from wananchi.core.contact import normalise_email, normalise_phone
from wananchi.core.db import utcnow
from wananchi.demo.categories import ALL_SERVICES
from wananchi.demo.institutions import COUNCILS
from wananchi.demo.places import REGIONS, TICKET_DISTRICTS, district_names
from wananchi.demo.plan import plan_tickets
from wananchi.demo.seed import seed_demo, seed_routing_model
from wananchi.demo.tickets import TEMPLATES, Scope
from wananchi.institutions.models import Category, District, Institution, InstitutionKind, Region
from wananchi.institutions.routing import route_ticket
from wananchi.sla import clock
from wananchi.sla.calendars import calendar_for
from wananchi.sla.policies import is_working_instant, next_working_instant
from wananchi.tickets.models import (
    EventKind,
    Identity,
    MessageKind,
    RoutingModel,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.progress import citizen_progress
from wananchi.tickets.routing_suggestions import suggest_routing
from wananchi.tickets.services import find_tracked_ticket

TRY_LINE = re.compile(r"(WN-\d{4}-\d{6})  tracking code ([0-9A-Z]{5}-[0-9A-Z]{5})")


def _count(db: SQLAlchemy, model: type) -> int:
    """How many rows of `model` there are."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _status_from_history(ticket: Ticket) -> TicketStatus:
    """The status the ticket's events lead to, checking that each change starts where the last one ended."""
    status = TicketStatus.RECEIVED
    for event in ticket.events:
        if "to" in event.data:
            assert event.data["from"] == status, f"{ticket.reference}: {event.kind} {event.data} after {status}"
            status = TicketStatus(event.data["to"])
    return status


# The status a step of the citizen's progress leaves the ticket in, when it changes it.
STATUS_AFTER_STEP = {
    **{str(status): status for status in TicketStatus},
    "transferred": TicketStatus.RECEIVED,
    "merged": TicketStatus.CLOSED,
    "appealed": TicketStatus.REOPENED,
}


def _status_from_progress(ticket: Ticket) -> TicketStatus:
    """The status the last step of the citizen's progress reports."""
    return [STATUS_AFTER_STEP[step.kind] for step in citizen_progress(ticket) if step.kind in STATUS_AFTER_STEP][-1]


def _row_counts(db: SQLAlchemy) -> dict[str, int]:
    """The number of rows of every table, by table name."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_reference_data_is_a_realistic_tanzanian_set(db: SQLAlchemy) -> None:
    """The tree, the places and the services have the expected shape and real names."""
    seed_demo(ticket_count=0)
    by_slug = {row.slug: row for row in db.session.scalars(sa.select(Institution))}

    national = db.session.scalars(sa.select(Institution).where(Institution.kind == InstitutionKind.NATIONAL)).one()
    assert national.name_en == "Government of the United Republic of Tanzania"
    triage = db.session.scalars(sa.select(Institution).where(Institution.is_triage.is_(True))).one()
    assert triage.name_sw == "Dawati la Huduma kwa Wananchi" and triage.parent == national

    ministries = [row for row in by_slug.values() if row.kind == InstitutionKind.MINISTRY]
    assert len(ministries) >= 8
    names = {row.name_sw for row in ministries}
    assert "Ofisi ya Rais - Tawala za Mikoa na Serikali za Mitaa (TAMISEMI)" in names
    assert "Ofisi ya Rais - Menejimenti ya Utumishi wa Umma na Utawala Bora" in names
    agencies = {row.short_name: row for row in by_slug.values() if row.kind == InstitutionKind.AGENCY}
    assert len(agencies) >= 8
    assert {"NIDA", "RITA", "TRA", "TANESCO", "DAWASA", "e-GA"} <= set(agencies)
    assert agencies["NIDA"].name_sw == "Mamlaka ya Vitambulisho vya Taifa"
    assert all(agency.parent.kind == InstitutionKind.MINISTRY for agency in agencies.values())

    assert _count(db, Region) == 26
    assert _count(db, District) == sum(len(districts) for districts in REGIONS.values())
    tamisemi = by_slug["tamisemi"]
    secretariats = [row for row in by_slug.values() if row.kind == InstitutionKind.REGION]
    assert len(secretariats) == 26 and all(row.parent == tamisemi and row.region for row in secretariats)
    assert by_slug["mkoa-dodoma"].name_en == "Dodoma Regional Secretariat"

    councils = [row for row in by_slug.values() if row.kind == InstitutionKind.COUNCIL]
    assert len(councils) >= 20
    for council in councils:
        assert council.district is not None and council.parent.region == council.district.region
    council_names = {row.name_sw for row in councils}
    assert {
        "Halmashauri ya Jiji la Dodoma",
        "Halmashauri ya Manispaa ya Kinondoni",
        "Halmashauri ya Wilaya ya Bagamoyo",
        "Halmashauri ya Mji wa Kibaha",
    } <= council_names

    categories = db.session.scalars(sa.select(Category)).all()
    assert len(categories) >= 45
    local = [row for row in categories if row.is_local]
    assert len(local) >= 10 and all(row.institution == tamisemi for row in local)
    assert all(re.fullmatch(r"[a-z0-9-]+", row.code) for row in categories)


def test_every_service_routes_to_an_institution_that_is_not_triage(db: SQLAlchemy) -> None:
    """National services reach their owner; local ones the council, else the regional secretariat."""
    seed_demo(ticket_count=0)
    with_council = db.session.scalars(sa.select(District).where(District.code == "kinondoni")).one()
    without_council = db.session.scalars(sa.select(District).where(District.code == "moshi")).one()
    council = db.session.scalars(sa.select(Institution).where(Institution.district_id == with_council.id)).one()
    kilimanjaro = db.session.scalars(sa.select(Institution).where(Institution.slug == "mkoa-kilimanjaro")).one()

    for category in db.session.scalars(sa.select(Category)):
        if category.is_local:
            assert route_ticket(category, with_council) == council
            assert route_ticket(category, without_council) == kilimanjaro
        else:
            institution = route_ticket(category, None)
            assert institution == category.institution and not institution.is_triage
            assert route_ticket(category, with_council) == institution


def test_two_hundred_tickets_show_every_type_and_status_with_a_consistent_history(db: SQLAlchemy) -> None:
    """The default set covers every type, status and identity, each with a history that leads to it."""
    started = utcnow()
    seed_demo()

    tickets = db.session.scalars(sa.select(Ticket)).all()
    # 200 citizens' tickets, and the tickets of three requests about personal data (an answered one, a waiting one
    # on time and one overdue) in the demo supervisor's institution.
    requests = [ticket for ticket in tickets if ticket.type == TicketType.DATA_REQUEST]
    assert len(tickets) == 203 and len(requests) == 3
    assert {ticket.institution.slug for ticket in requests} == {"dawasa"}
    assert sorted(ticket.status for ticket in requests) == sorted(
        [TicketStatus.RESOLVED, TicketStatus.RECEIVED, TicketStatus.RECEIVED]
    )
    assert sum(clock.state(ticket, utcnow()) == clock.SlaState.OVERDUE for ticket in requests) == 1
    assert {ticket.type for ticket in tickets} == set(TicketType)
    assert {ticket.status for ticket in tickets} == set(TicketStatus)
    assert {ticket.identity for ticket in tickets} == set(Identity)
    assert sum(ticket.language == "en" for ticket in tickets) > 10
    now = utcnow()
    for ticket in tickets:
        assert now - ticket.created_at < dt.timedelta(days=91)
        assert not ticket.institution.is_triage or ticket.category is None
        if ticket.category is not None and ticket.category.is_local:
            assert ticket.district is not None
        if ticket.identity == Identity.ANONYMOUS:
            assert ticket.citizen_name is ticket.citizen_email is ticket.citizen_phone is None
        times = [item.created_at for item in [*ticket.events, *ticket.messages]]
        assert all(ticket.created_at <= moment <= now for moment in times)
        assert _status_from_history(ticket) == ticket.status == _status_from_progress(ticket)
        calendar = calendar_for(ticket.institution)
        for event in ticket.events:  # officers act in working hours, unless the next working hour is still to come
            if event.actor_id is not None:
                at = event.created_at
                assert is_working_instant(calendar, at) or next_working_instant(calendar, at) > started, event.kind
        assert [event.created_at for event in ticket.events] == sorted(event.created_at for event in ticket.events)
        kinds = [message.kind for message in ticket.public_messages]
        if ticket.status == TicketStatus.AWAITING_CITIZEN:
            assert kinds[-1] == MessageKind.INFO_REQUEST
        if ticket.status in (TicketStatus.ANSWERED, TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.REOPENED):
            assert MessageKind.REPLY in kinds
            assert any(event.kind == EventKind.REPLIED for event in ticket.events)
    assert _count(db, TicketMessage) > 0
    assert db.session.scalar(sa.select(sa.func.count()).where(TicketMessage.kind == MessageKind.NOTE)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).where(TicketMessage.kind == MessageKind.CITIZEN)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).where(TicketEvent.kind == EventKind.INFO_REQUESTED)) > 0
    # The triage desk's suggestions come from a routing model trained on the demo's answered tickets, once.
    version = db.session.scalar(sa.select(RoutingModel))
    assert version is not None and version.ticket_count >= 50 and version.institution_top3 is not None
    sijui = next(ticket for ticket in tickets if ticket.institution.is_triage and ticket.is_open)
    assert suggest_routing(sijui)[0].model_id == version.id
    assert seed_routing_model() is None and _count(db, RoutingModel) == 1


def test_running_twice_creates_and_changes_nothing(db: SQLAlchemy) -> None:
    """A second run adds no row, leaves tickets alone and restores the demo names."""
    first = seed_demo(ticket_count=20)
    db.session.commit()
    counts = _row_counts(db)
    versions = dict(db.session.execute(sa.select(Ticket.reference, Ticket.version)).all())
    tamisemi = db.session.scalars(sa.select(Institution).where(Institution.slug == "tamisemi")).one()
    tamisemi.name_en = "Renamed by hand"
    db.session.commit()

    second = seed_demo(ticket_count=20)
    db.session.commit()

    assert _row_counts(db) == counts
    assert dict(db.session.execute(sa.select(Ticket.reference, Ticket.version)).all()) == versions
    assert tamisemi.name_en.startswith("President's Office")
    assert "Tickets: 20 (20 created, 0 already present)" in "\n".join(first)
    assert "Tickets: 20 (0 created, 20 already present)" in "\n".join(second)
    assert "Published answers: 4 (4 created, 0 already present)" in "\n".join(first)
    assert "Published answers: 4 (0 created, 4 already present)" in "\n".join(second)
    assert all("(0 created" in line for line in second if "already present" in line)
    assert TRY_LINE.findall("\n".join(first)) == TRY_LINE.findall("\n".join(second))


def test_summary_names_tickets_the_citizen_can_track(db: SQLAlchemy) -> None:
    """The reference numbers and tracking codes in the summary open their tickets."""
    lines = seed_demo(ticket_count=10)
    found = TRY_LINE.findall("\n".join(lines))
    assert len(found) == 3
    for reference, code in found:
        assert find_tracked_ticket(reference, code) is not None


def test_cli_command_seeds_and_prints_a_reference(app: Flask, db: SQLAlchemy) -> None:
    """`flask wananchi seed-demo --tickets 20` commits the set and prints a reference."""
    result = app.test_cli_runner().invoke(args=["wananchi", "seed-demo", "--tickets", "20"])
    assert result.exit_code == 0, result.output
    assert TRY_LINE.search(result.output)
    assert _count(db, Ticket) == 20


def test_plan_is_stable_and_every_template_renders() -> None:
    """Ticket i is the same whatever the count; texts fit the form's limits; contacts are valid."""
    assert plan_tickets(20) == plan_tickets(60)[:20]
    plans = plan_tickets(1000)
    subjects = {plan.subject for plan in plans}
    for template in TEMPLATES:
        pattern = re.compile(re.sub(r"\\\{[a-z]+\\\}", ".+", re.escape(template.subject)))
        assert any(pattern.fullmatch(subject) for subject in subjects), template.subject
    for plan in plans:
        assert 5 <= len(plan.subject) <= 150 and 20 <= len(plan.description) <= 5000
        assert "{" not in plan.subject + plan.description
        assert plan.email is None or normalise_email(plan.email) == plan.email
        assert plan.phone is None or normalise_phone(plan.phone) == plan.phone


def test_templates_name_known_services_and_local_ones_need_a_district() -> None:
    """Templates name existing services, and exactly the local ones happen in a council's district."""
    services = {spec.code: spec for spec in ALL_SERVICES}
    for template in TEMPLATES:
        assert template.category is None or template.category in services, template.subject
        local = template.category is not None and services[template.category].is_local
        assert (template.scope == Scope.LOCAL) == local, template.subject


def test_places_are_known_districts() -> None:
    """The districts tickets and councils refer to exist."""
    districts = district_names()
    assert set(TICKET_DISTRICTS) <= set(districts)
    assert set(COUNCILS) <= set(districts)
    assert len(districts) == sum(len(names) for names in REGIONS.values())


def test_demo_history_goes_through_the_officer_actions(db: SQLAlchemy) -> None:
    """Replies set the first response, resolutions their time, and every actor is an account of the institution."""
    from wananchi.accounts.models import User

    seed_demo(ticket_count=40)
    answered = {TicketStatus.ANSWERED, TicketStatus.AWAITING_CITIZEN, TicketStatus.RESOLVED, TicketStatus.CLOSED}
    for ticket in db.session.scalars(sa.select(Ticket)).all():
        if ticket.status in answered:
            assert ticket.first_response_at is not None, ticket.reference
        finished = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        assert (ticket.resolved_at is not None) == finished, ticket.reference
        for event in ticket.events:
            if event.actor_id is not None:  # demo tickets are never transferred
                assert db.session.get(User, event.actor_id).institution_id == ticket.institution_id
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@wananchi.demo"))
    assert admin is not None and admin.can_administer
    # A name picks one member of staff: the printed log-ins are the people of the history, not namesakes of them.
    namesakes = db.session.execute(
        sa.select(User.institution_id, User.name).group_by(User.institution_id, User.name).having(sa.func.count() > 1)
    ).all()
    assert namesakes == []
