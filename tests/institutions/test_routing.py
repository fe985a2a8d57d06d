"""Routing rules: the most specific rule wins; local services go to councils; "sijui" goes to triage."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import CategoryFactory, InstitutionFactory, RoutingRuleFactory
from tests.world import build_world
from wananchi.institutions.models import Institution
from wananchi.institutions.routing import active_category, district_with_code, route_ticket, triage_institution


@pytest.fixture
def world(db):
    return build_world()


def test_dont_know_goes_to_triage(world):
    assert route_ticket(None, None) == world.triage
    assert route_ticket(None, world.district) == world.triage


def test_national_service_goes_to_its_owner_wherever_the_citizen_is(world):
    assert route_ticket(world.national_service, None) == world.agency
    # A place-only rule (the council's) does not capture a national service.
    assert route_ticket(world.national_service, world.district) == world.agency


def test_local_service_goes_to_the_council_of_the_district(world):
    assert route_ticket(world.local_service, world.district) == world.council


def test_local_service_in_a_district_without_council_goes_to_the_region(world):
    assert route_ticket(world.local_service, world.other_district) == world.region_office


def test_category_and_district_rule_beats_a_district_rule(world):
    special = InstitutionFactory(slug="kitengo-maalum")
    RoutingRuleFactory(category=world.local_service, district=world.district, institution=special)
    assert route_ticket(world.local_service, world.district) == special
    assert route_ticket(world.local_service, world.other_district) == world.region_office


def test_category_without_rules_goes_to_triage(world):
    orphan = CategoryFactory(code="bila-kanuni", institution=world.agency)
    assert route_ticket(orphan, None) == world.triage


def test_rule_to_an_inactive_institution_is_skipped(world):
    world.council.is_active = False
    assert route_ticket(world.local_service, world.district) == world.region_office


def test_without_triage_institution_routing_fails_loudly(db):
    with pytest.raises(LookupError):
        triage_institution()


def test_the_form_look_ups_give_the_rows_of_the_current_session(world, db):
    db.session.commit()
    service_id, region_id, council_id = world.local_service.id, world.region.id, world.council.id
    db.session.expunge_all()  # a new request: nothing in the session
    category, district = active_category("usafi-taka"), district_with_code("dodoma-jiji")
    assert category is not None and category.id == service_id and category in db.session
    assert district is not None and district.region_id == region_id and district in db.session
    institution = route_ticket(category, district)
    assert institution.id == council_id and institution in db.session
    assert route_ticket(None, None).is_triage
    assert active_category("hakuna") is None and district_with_code("hakuna") is None


def test_a_change_committed_by_another_process_is_seen_at_once(world, db):
    db.session.commit()
    assert route_ticket(world.local_service, world.district) == world.council
    # Another process: a statement this process's session never flushes.
    db.session.execute(sa.update(Institution).where(Institution.id == world.council.id).values(is_active=False))
    db.session.commit()
    db.session.expire_all()
    assert route_ticket(world.local_service, world.district) == world.region_office


def test_a_rule_flushed_then_rolled_back_is_forgotten(world, db):
    db.session.commit()
    special = InstitutionFactory(slug="kitengo-cha-muda")
    RoutingRuleFactory(category=world.local_service, district=world.district, institution=special)
    assert route_ticket(world.local_service, world.district) == special
    db.session.rollback()
    assert route_ticket(world.local_service, world.district) == world.council


def test_a_deactivated_service_is_no_longer_offered(world, db):
    db.session.commit()
    assert active_category("usafi-taka") is not None
    world.local_service.is_active = False  # pending: read as a query would, after an autoflush
    assert active_category("usafi-taka") is None
