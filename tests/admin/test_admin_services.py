"""The administration services: each rule refused with its field, each change recorded with actor and changes."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from tests.factories import InstitutionFactory, RegionFactory
from tests.world import World, build_world
from wananchi.accounts import services as account_services
from wananchi.accounts.models import Role, RolePolicy, User
from wananchi.accounts.passwords import verify_password
from wananchi.accounts.services import UserValues, create_user
from wananchi.core.audit import AuditEntry
from wananchi.core.errors import DomainError
from wananchi.institutions import services as institution_services
from wananchi.institutions.models import InstitutionKind, RoutingRule
from wananchi.institutions.services import CategoryValues, InstitutionValues, RoutingRuleValues
from wananchi.tickets import canned as canned_responses
from wananchi.tickets.canned import CannedResponseValues

PASSWORD = "nenosiri-imara-2026"


@pytest.fixture
def world(db) -> World:
    """The shared institution tree."""
    return build_world()


@pytest.fixture
def admin(db, world: World) -> User:
    """An administrator (no institution)."""
    return create_user(email="admin@utumishi.go.tz", name="Neema", role=Role.ADMIN, password=PASSWORD, institution=None)


@pytest.fixture
def officer(db, world: World) -> User:
    """An officer of the water agency."""
    return create_user(
        email="afisa@dawasa.go.tz", name="Juma", role=Role.OFFICER, password=PASSWORD, institution=world.agency
    )


def audit(db, action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def institution_values(world: World, **overrides: object) -> InstitutionValues:
    """Valid values for a new council in the world's region, with `overrides`."""
    values = InstitutionValues(
        slug="bahi-dc",
        kind=InstitutionKind.COUNCIL,
        name_sw="Halmashauri ya Bahi",
        name_en="Bahi District Council",
        short_name=None,
        parent=world.region_office,
        region=world.region,
        district=world.other_district,
        is_triage=False,
        is_active=True,
    )
    return dataclasses.replace(values, **overrides)


def values_of(institution) -> InstitutionValues:
    """An institution's current values, to change one of them."""
    return InstitutionValues(
        slug=institution.slug,
        kind=institution.kind,
        name_sw=institution.name_sw,
        name_en=institution.name_en,
        short_name=institution.short_name,
        parent=institution.parent,
        region=institution.region,
        district=institution.district,
        is_triage=institution.is_triage,
        is_active=institution.is_active,
    )


def refused(field: str | None, change, *args, **kwargs) -> DomainError:
    """Assert that `change(*args, **kwargs)` is refused with a message for `field`."""
    with pytest.raises(DomainError) as caught:
        change(*args, **kwargs)
    assert caught.value.field == field
    assert caught.value.message
    return caught.value


# Institutions


def test_creating_an_institution_records_every_field(db, world, admin):
    council = institution_services.create_institution(institution_values(world), actor=admin)
    [entry] = audit(db, "create_institution")
    assert entry.actor_id == admin.id and entry.object_type == "Institution" and entry.object_id == str(council.id)
    assert entry.changes["kind"] == [None, "council"]
    assert entry.changes["district"] == [None, "bahi"]
    assert entry.created_at is not None


@pytest.mark.parametrize("new_parent", ["ministry", "agency"])
def test_a_cycle_in_the_tree_is_refused(db, world, admin, new_parent):
    ministry = world.ministry
    refused(
        "parent",
        institution_services.update_institution,
        ministry,
        dataclasses.replace(values_of(ministry), parent=getattr(world, new_parent)),
        actor=admin,
    )
    assert ministry.parent is world.national
    assert audit(db, "update_institution") == []


def test_a_second_root_is_refused_but_the_first_is_allowed(db):
    admin = create_user(email="a@utumishi.go.tz", name="A", role=Role.ADMIN, password=PASSWORD, institution=None)
    values = InstitutionValues(
        slug="taifa",
        kind=InstitutionKind.NATIONAL,
        name_sw="Taifa",
        name_en="Nation",
        short_name=None,
        parent=None,
        region=None,
        district=None,
        is_triage=False,
        is_active=True,
    )
    institution_services.create_institution(values, actor=admin)
    refused("parent", institution_services.create_institution, dataclasses.replace(values, slug="taifa-2"), actor=admin)


def test_an_institution_slug_is_unique_and_its_district_in_its_region(db, world, admin):
    refused("slug", institution_services.create_institution, institution_values(world, slug="DAWASA"), actor=admin)
    elsewhere = RegionFactory(code="arusha", name="Arusha")
    refused(
        "district", institution_services.create_institution, institution_values(world, region=elsewhere), actor=admin
    )


def test_the_only_triage_desk_stays_but_a_second_one_may_take_over(db, world, admin):
    triage = world.triage
    refused(
        "is_triage",
        institution_services.update_institution,
        triage,
        dataclasses.replace(values_of(triage), is_triage=False),
        actor=admin,
    )
    refused(
        "is_active",
        institution_services.update_institution,
        triage,
        dataclasses.replace(values_of(triage), is_active=False),
        actor=admin,
    )
    InstitutionFactory(parent=world.national, is_triage=True)
    institution_services.update_institution(
        triage, dataclasses.replace(values_of(triage), is_triage=False), actor=admin
    )
    assert audit(db, "update_institution")[0].changes == {"is_triage": [True, False]}


def test_saving_without_changes_records_nothing(db, world, admin):
    institution_services.update_institution(world.agency, values_of(world.agency), actor=admin)
    account_services.set_role_policy(Role.OFFICER, False, actor=admin)
    assert db.session.scalar(select(AuditEntry.id)) is None


# Categories


def test_categories_are_validated_and_recorded(db, world, admin):
    values = CategoryValues(
        code="leseni", name_sw="Leseni", name_en="Licences", institution=world.agency, is_local=False
    )
    category = institution_services.create_category(values, actor=admin)
    assert category.is_active
    refused("code", institution_services.create_category, dataclasses.replace(values, code="MAJI-BILI"), actor=admin)
    closed = InstitutionFactory(parent=world.national, is_active=False)
    refused(
        "institution",
        institution_services.update_category,
        category,
        dataclasses.replace(values, institution=closed),
        actor=admin,
    )

    institution_services.update_category(category, dataclasses.replace(values, name_en="Licenses"), actor=admin)
    assert audit(db, "update_category")[0].changes == {"name_en": ["Licences", "Licenses"]}
    institution_services.set_category_active(category, False, actor=admin)
    institution_services.set_category_active(category, True, actor=admin)
    assert audit(db, "deactivate_category")[0].changes == {"is_active": [True, False]}
    assert audit(db, "reactivate_category")[0].changes == {"is_active": [False, True]}


# Routing rules


def test_a_duplicate_routing_rule_is_refused_even_with_empty_columns(db, world, admin):
    same_place = RoutingRuleValues(category=None, region=None, district=world.district, institution=world.agency)
    refused("category", institution_services.create_routing_rule, same_place, actor=admin)
    same_service = RoutingRuleValues(
        category=world.national_service, region=None, district=None, institution=world.ministry
    )
    refused("category", institution_services.create_routing_rule, same_service, actor=admin)
    refused(
        "category",
        institution_services.create_routing_rule,
        RoutingRuleValues(category=None, region=None, district=None, institution=world.agency),
        actor=admin,
    )
    assert audit(db, "create_routing_rule") == []


def test_a_routing_rule_district_must_be_in_its_region_and_its_institution_active(db, world, admin):
    elsewhere = RegionFactory(code="arusha", name="Arusha")
    values = RoutingRuleValues(
        category=world.local_service, region=elsewhere, district=world.other_district, institution=world.council
    )
    refused("district", institution_services.create_routing_rule, values, actor=admin)
    closed = InstitutionFactory(parent=world.national, is_active=False)
    refused(
        "institution",
        institution_services.create_routing_rule,
        dataclasses.replace(values, region=world.region, institution=closed),
        actor=admin,
    )


def test_a_routing_rule_may_be_saved_unchanged_changed_and_deleted(db, world, admin):
    rule = db.session.scalar(select(RoutingRule).where(RoutingRule.district_id == world.district.id))
    values = RoutingRuleValues(category=None, region=None, district=world.district, institution=world.council)
    institution_services.update_routing_rule(rule, values, actor=admin)
    assert audit(db, "update_routing_rule") == []
    institution_services.update_routing_rule(rule, dataclasses.replace(values, region=world.region), actor=admin)
    assert audit(db, "update_routing_rule")[0].changes == {"region": [None, "dodoma"]}
    rule_id = rule.id
    institution_services.delete_routing_rule(rule, actor=admin)
    assert db.session.get(RoutingRule, rule_id) is None
    [entry] = audit(db, "delete_routing_rule")
    assert entry.object_id == str(rule_id) and entry.changes["institution"] == ["jiji-dodoma", None]


# Users


def user_values(world: World, **overrides: object) -> UserValues:
    """Valid values for a new officer of the water agency, with `overrides`."""
    values = UserValues(
        email="asha@dawasa.go.tz",
        name="Asha",
        role=Role.OFFICER,
        institution=world.agency,
        is_admin=False,
        language="sw",
    )
    return dataclasses.replace(values, **overrides)


def test_a_new_user_gets_a_temporary_password_that_is_never_recorded(db, world, admin):
    user, temporary = account_services.create_user_account(user_values(world), None, actor=admin)
    assert temporary and len(temporary) >= 12
    assert verify_password(user.password_hash, temporary)
    [entry] = audit(db, "create_user")
    assert temporary not in str(entry.changes) and user.password_hash not in str(entry.changes)
    chosen, none = account_services.create_user_account(
        user_values(world, email="b@dawasa.go.tz"), PASSWORD, actor=admin
    )
    assert none is None and verify_password(chosen.password_hash, PASSWORD)


def test_user_rules(db, world, admin, officer):
    refused(
        "email", account_services.create_user_account, user_values(world, email="AFISA@dawasa.go.tz"), None, actor=admin
    )
    refused(
        "institution", account_services.create_user_account, user_values(world, institution=None), None, actor=admin
    )
    refused("password", account_services.create_user_account, user_values(world), "fupi", actor=admin)
    refused("email", account_services.update_user, officer, user_values(world, email=admin.email), actor=admin)
    refused("role", account_services.update_user, admin, user_values(world, email=admin.email), actor=admin)
    refused(None, account_services.set_user_active, admin, False, actor=admin)
    assert audit(db, "create_user") == [] and audit(db, "update_user") == []


def test_a_supervisor_may_also_administer_and_an_administrator_needs_no_institution(db, world, admin, officer):
    account_services.update_user(
        officer, user_values(world, email=officer.email, name="Juma", role=Role.SUPERVISOR, is_admin=True), actor=admin
    )
    assert officer.can_administer and officer.works_tickets
    account_services.update_user(
        officer, user_values(world, email=officer.email, name="Juma", role=Role.ADMIN, institution=None), actor=admin
    )
    assert officer.is_admin and officer.institution_id is None


def test_deactivating_rotates_the_session_token(db, world, admin, officer):
    token = officer.session_token
    account_services.set_user_active(officer, False, actor=admin)
    assert not officer.active and officer.session_token != token
    assert token not in str(audit(db, "deactivate_user")[0].changes)


def test_unlocking_and_resetting_two_step_login_refuse_when_there_is_nothing_to_do(db, world, admin, officer):
    refused(None, account_services.unlock_user, officer, actor=admin)
    refused(None, account_services.reset_two_factor, officer, actor=admin)
    officer.failed_logins = 3
    account_services.unlock_user(officer, actor=admin)
    assert officer.failed_logins == 0
    officer.totp_secret = "JBSWY3DPEHPK3PXP"
    token = officer.session_token
    account_services.reset_two_factor(officer, actor=admin)
    assert officer.totp_secret is None and officer.session_token != token
    assert "JBSWY3DPEHPK3PXP" not in str(audit(db, "reset_two_factor")[0].changes)


# Role policies and canned responses


def test_role_policy_is_created_then_changed(db, admin):
    account_services.set_role_policy(Role.SUPERVISOR, True, actor=admin)
    assert db.session.get(RolePolicy, Role.SUPERVISOR).require_totp
    account_services.set_role_policy(Role.SUPERVISOR, False, actor=admin)
    assert [e.changes for e in audit(db, "set_role_policy")] == [
        {"require_totp": [False, True]},
        {"require_totp": [True, False]},
    ]


def test_canned_response_titles_are_unique_per_institution(db, world, admin):
    values = CannedResponseValues(institution=world.agency, title="Asante", body_sw="Asante.", body_en="Thank you.")
    canned = canned_responses.create_canned_response(values, actor=admin)
    refused(
        "title", canned_responses.create_canned_response, dataclasses.replace(values, title=" asante "), actor=admin
    )
    canned_responses.create_canned_response(dataclasses.replace(values, institution=world.council), actor=admin)
    canned_responses.update_canned_response(canned, dataclasses.replace(values, body_en="Thanks."), actor=admin)
    assert audit(db, "update_canned_response")[0].changes == {"body_en": ["Thank you.", "Thanks."]}
    canned_responses.delete_canned_response(canned, actor=admin)
    assert audit(db, "delete_canned_response")[0].changes["title"] == ["Asante", None]
