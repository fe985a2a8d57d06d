"""Routing rules: the most specific rule wins; local services go to councils; "sijui" goes to triage."""

from __future__ import annotations

import pytest

from tests.factories import CategoryFactory, InstitutionFactory, RoutingRuleFactory
from tests.world import build_world
from wananchi.institutions.routing import route_ticket, triage_institution


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
