"""The trained routing model: versioned, signed, used by the next suggestion once retrained, word votes without it;
its suggestions shown and accepted are recorded, and only an officer's click moves a ticket."""

from __future__ import annotations

import datetime as dt

import joblib
import pytest
from sqlalchemy import func, select, update

from tests.helpers import log_in, post_form
from tests.world import PASSWORD, build_staff, build_world, complaint
from wananchi.accounts.models import Role
from wananchi.accounts.services import create_user
from wananchi.tickets import routing_model
from wananchi.tickets.models import RoutingModel, RoutingOffer, Ticket, TicketEvent, TicketStatus
from wananchi.tickets.routing_offers import acceptance_figures
from wananchi.tickets.routing_suggestions import suggest_routing
from wananchi.tickets.services import submit_ticket
from wananchi.tickets.tasks import train_routing_model_nightly

WATER = [
    ("Bili ya maji kubwa", "Bili ya maji ya mwezi huu ni kubwa kuliko matumizi, mita inasoma vibaya."),
    ("Maji hayatoki", "Maji hayatoki bombani kwa wiki mbili, bili ya maji inakuja kila mwezi."),
    ("Water bill too high", "My water bill is too high, the meter reads wrong."),
    ("bili ya maji imezidi", "Bill ya maji imekuja kubwa sana this month, mita yangu ni mbovu."),
    ("Mita ya maji", "Mita ya maji inazunguka hata bomba likiwa limefungwa, bili ni kubwa."),
]
WASTE = [
    ("Taka hazikusanywi", "Taka hazijakusanywa mtaani kwa wiki tatu, harufu mbaya."),
    ("Garbage not collected", "Garbage has not been collected on our street, the waste smells."),
    ("takataka mtaani", "Gari la taka halijapita mtaa wetu, takataka zimejaa na harufu ni mbaya."),
    ("Dampo limejaa", "Dampo la taka limejaa na taka zinamwagika barabarani, please msaada."),
    ("Uchafu sokoni", "Taka za soko hazikusanywi, uchafu na nzi ni wengi."),
]
WATER_TICKET = ("Bili ya maji", "Nimeletewa bili ya maji kubwa sana na mita haifanyi kazi.")


def answered(world, subject: str, description: str, *, local: bool, status=TicketStatus.RESOLVED) -> Ticket:
    extra = {"category": world.local_service, "district": world.district} if local else {}
    ticket = submit_ticket(complaint(world, subject=subject, description=description, **extra)).ticket
    ticket.status = status
    return ticket


@pytest.fixture
def learned(app, db, monkeypatch):
    """Ten answered tickets of two institutions (water: the agency; waste: the council), a triage desk officer,
    and a routing model that learns from as few as six tickets. No model is held loaded from an earlier test: the
    ids start again at 1 in each test, and the same training gives the same signature."""
    monkeypatch.setitem(app.config, "ROUTING_MIN_TICKETS", 6)
    monkeypatch.setattr(routing_model, "_loaded", {})
    world = build_world()
    staff = build_staff(world)
    for subject, description in WATER:
        answered(world, subject, description, local=False)
    for subject, description in WASTE:
        answered(world, subject, description, local=True, status=TicketStatus.CLOSED)
    desk = create_user(
        email="dawati@wananchi.go.tz", name="Dawati", role=Role.OFFICER, password=PASSWORD, institution=world.triage
    )
    db.session.commit()
    return world, staff, desk


def sijui(world, subject: str, description: str) -> Ticket:
    return submit_ticket(complaint(world, subject=subject, description=description, category=None)).ticket


def test_without_a_trained_model_suggestions_come_from_word_votes(db, learned):
    world, _staff, _desk = learned
    assert db.session.scalar(select(func.count(RoutingModel.id))) == 0
    suggestions = suggest_routing(sijui(world, *WATER_TICKET))
    assert suggestions[0].institution.id == world.agency.id
    assert suggestions[0].model_id is None and "maji" in suggestions[0].words


def test_training_reads_only_the_newest_tickets_oldest_first(app, db, learned, monkeypatch):
    everything = routing_model.training_examples()
    assert len(everything) == len(WATER) + len(WASTE)
    monkeypatch.setitem(app.config, "ROUTING_MAX_TICKETS", 4)
    assert routing_model.training_examples() == everything[-4:]


def test_too_few_tickets_train_nothing(app, db, learned, monkeypatch):
    monkeypatch.setitem(app.config, "ROUTING_MIN_TICKETS", 11)
    assert routing_model.train_routing_model() is None
    assert db.session.scalar(select(func.count(RoutingModel.id))) == 0


def test_a_trained_version_records_its_figures_and_suggests(db, learned):
    world, _staff, _desk = learned
    version = routing_model.train_routing_model()
    db.session.commit()
    assert version is not None
    stored = db.session.get(RoutingModel, version.id)
    assert stored.ticket_count == 10 and stored.held_out_count == 2
    assert stored.institution_count == 2 and stored.service_count == 2
    assert 0.0 <= stored.institution_top1 <= stored.institution_top3 <= 1.0
    assert stored.library_version and len(stored.signature) == 64 and len(stored.artefact) > 1000
    suggestions = suggest_routing(sijui(world, *WATER_TICKET))
    assert suggestions[0].model_id == version.id
    assert suggestions[0].institution.id == world.agency.id
    assert suggestions[0].category.id == world.national_service.id
    assert 0.5 < suggestions[0].confidence <= 1.0
    english = suggest_routing(sijui(world, "Garbage everywhere", "The garbage on our street is not collected."))
    assert english[0].institution.id == world.council.id
    assert english[0].category.id == world.local_service.id


def test_a_retrained_model_is_used_by_the_next_suggestion(db, learned):
    world, _staff, _desk = learned
    first = routing_model.train_routing_model()
    db.session.commit()
    ticket = sijui(world, *WATER_TICKET)
    assert suggest_routing(ticket)[0].institution.id == world.agency.id  # the first version is loaded and kept
    # Water complaints are now answered by the council: a dozen of them, newer than the agency's.
    for index in range(12):
        answered(world, WATER_TICKET[0], f"{WATER_TICKET[1]} Mtaa namba {index}.", local=True)
    db.session.commit()
    second = train_routing_model_nightly.call_local()  # the worker's nightly task
    assert second is not None and second > first.id
    suggestions = suggest_routing(ticket)
    assert suggestions[0].model_id == second
    assert suggestions[0].institution.id == world.council.id


def test_a_model_whose_signature_does_not_match_is_never_loaded(db, learned, monkeypatch):
    world, _staff, _desk = learned
    version = routing_model.train_routing_model()
    db.session.commit()
    # Someone who can write to the database swaps in another artefact: it is never unpickled.
    db.session.execute(update(RoutingModel).where(RoutingModel.id == version.id).values(artefact=b"\x80\x04K\x01."))
    db.session.commit()
    loads = []
    monkeypatch.setattr(joblib, "load", lambda *args, **kwargs: loads.append(args))
    suggestions = suggest_routing(sijui(world, *WATER_TICKET))
    assert loads == [] and suggestions[0].model_id is None  # word votes instead


def test_a_rotated_key_keeps_the_model_through_the_fallback_keys(app, db, learned, monkeypatch):
    world, _staff, _desk = learned
    old_key = app.config["SECRET_KEY"]
    version = routing_model.train_routing_model()
    ticket = sijui(world, *WATER_TICKET)
    db.session.commit()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-after-rotation-" + "y" * 20)
    assert suggest_routing(ticket)[0].model_id is None
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [old_key])
    assert suggest_routing(ticket)[0].model_id == version.id


def test_only_the_newest_artefacts_are_kept(db, learned):
    for _round in range(5):
        routing_model.train_routing_model()
    db.session.commit()
    rows = db.session.execute(select(RoutingModel.id, RoutingModel.artefact.is_not(None)).order_by(RoutingModel.id))
    assert [kept for _id, kept in rows] == [False, False, True, True, True]


def test_the_command_trains_a_version(app, db, learned):
    result = app.test_cli_runner().invoke(args=["wananchi", "train-routing"])
    assert result.exit_code == 0, result.output
    assert "learned from 10 tickets" in result.output
    assert db.session.scalar(select(func.count(RoutingModel.id))) == 1


def test_suggestions_are_recorded_and_only_an_officer_moves_the_ticket(app, db, learned):
    world, _staff, desk = learned
    version = routing_model.train_routing_model()
    ticket = sijui(world, *WATER_TICKET)
    db.session.commit()
    events = select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket.id)
    events_before = db.session.scalar(events)
    client = app.test_client()
    assert log_in(client, desk.email, PASSWORD).status_code == 303
    page = client.get(f"/afisa/hoja/{ticket.reference}").get_data(as_text=True)
    assert 'id="routing-suggestions"' in page and world.agency.name_sw in page
    assert f"(toleo {version.id})" in page  # "the routing model (version N)"
    client.get(f"/afisa/hoja/{ticket.reference}")  # shown again: the same offer
    db.session.expire_all()
    offers = list(db.session.scalars(select(RoutingOffer)))
    assert len(offers) == 1
    offer = offers[0]
    assert offer.ticket_id == ticket.id and offer.institution_id == world.triage.id
    assert offer.model_id == version.id and offer.shown_to_id == desk.id and offer.accepted_at is None
    assert offer.suggestions[0]["institution"] == world.agency.id
    # Showing suggestions moved nothing and wrote nothing in the ticket's history.
    stored = db.session.get(Ticket, ticket.id)
    assert stored.institution_id == world.triage.id and stored.status == TicketStatus.RECEIVED
    assert db.session.scalar(events) == events_before
    response = post_form(
        client,
        f"/afisa/hoja/{ticket.reference}",
        f"/afisa/hoja/{ticket.reference}/transfer",
        institution=str(world.agency.id),
        reason="Sent where routing suggestion 1 pointed.",
        offer=str(offer.id),
        rank="1",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).institution_id == world.agency.id
    offer = db.session.get(RoutingOffer, offer.id)
    assert offer.accepted_rank == 1 and offer.accepted_by_id == desk.id and offer.accepted_at is not None
    assert acceptance_figures(world.triage.id) == acceptance_figures(
        world.triage.id, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )
    figures = acceptance_figures(world.triage.id)
    assert (figures.shown, figures.accepted, figures.accepted_first, figures.share) == (1, 1, 1, 1.0)


def test_a_transfer_elsewhere_accepts_no_suggestion(app, db, learned):
    world, _staff, desk = learned
    routing_model.train_routing_model()
    ticket = sijui(world, *WATER_TICKET)
    db.session.commit()
    client = app.test_client()
    log_in(client, desk.email, PASSWORD)
    client.get(f"/afisa/hoja/{ticket.reference}")
    offer = db.session.scalar(select(RoutingOffer))
    # The form says rank 1 (the agency) but the officer chose the council: not an acceptance.
    response = post_form(
        client,
        f"/afisa/hoja/{ticket.reference}",
        f"/afisa/hoja/{ticket.reference}/transfer",
        institution=str(world.council.id),
        reason="The council handles this street.",
        offer=str(offer.id),
        rank="1",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(RoutingOffer, offer.id).accepted_at is None
    figures = acceptance_figures(world.triage.id)
    assert (figures.shown, figures.accepted) == (1, 0)


def test_the_desk_report_shows_the_acceptance_rate(app, db, learned):
    world, staff, desk = learned
    routing_model.train_routing_model()
    ticket = sijui(world, *WATER_TICKET)
    db.session.commit()
    client = app.test_client()
    log_in(client, desk.email, PASSWORD)
    client.get(f"/afisa/hoja/{ticket.reference}")
    offer = db.session.scalar(select(RoutingOffer))
    post_form(
        client,
        f"/afisa/hoja/{ticket.reference}",
        f"/afisa/hoja/{ticket.reference}/transfer",
        institution=str(world.agency.id),
        reason="As suggested.",
        offer=str(offer.id),
        rank="1",
    )
    supervisor = create_user(
        email="msimamizi.dawati@wananchi.go.tz",
        name="Msimamizi Dawati",
        role=Role.SUPERVISOR,
        password=PASSWORD,
        institution=world.triage,
    )
    db.session.commit()
    reader = app.test_client()
    log_in(reader, supervisor.email, PASSWORD)
    page = reader.get(f"/ripoti/taasisi/{world.triage.id}").get_data(as_text=True)
    assert 'id="routing-acceptance"' in page and "100%" in page
