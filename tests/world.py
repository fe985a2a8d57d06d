"""A small institution tree with services and routing rules, shared by the tickets tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    InstitutionFactory,
    RegionFactory,
    RoutingRuleFactory,
)
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import create_user
from wananchi.institutions.models import Category, District, Institution, InstitutionKind, Region
from wananchi.tickets.models import Identity, TicketType
from wananchi.tickets.references import new_submission_key
from wananchi.tickets.services import Submission


@dataclass
class World:
    national: Institution
    triage: Institution
    ministry: Institution
    agency: Institution
    tamisemi: Institution
    region_office: Institution
    council: Institution
    region: Region
    district: District
    other_district: District
    national_service: Category
    local_service: Category


def complaint(world: World, **overrides: Any) -> Submission:
    """An anonymous complaint about the agency's (national) service, with a new submission key."""
    fields: dict[str, Any] = {
        "type": TicketType.COMPLAINT,
        "category": world.national_service,
        "district": None,
        "subject": "Bili ya maji",
        "description": "Bili ya maji si sahihi kwa mwezi huu.",
        "identity": Identity.ANONYMOUS,
        "submission_key": new_submission_key(),
    }
    return Submission(**{**fields, **overrides})


def build_world() -> World:
    """National level, a triage desk, a ministry with an agency, a region with one council."""
    national = InstitutionFactory(
        slug="taifa",
        kind=InstitutionKind.NATIONAL,
        name_sw="Serikali ya Jamhuri ya Muungano wa Tanzania",
        name_en="Government of the United Republic of Tanzania",
    )
    triage = InstitutionFactory(
        slug="dawati",
        parent=national,
        is_triage=True,
        name_sw="Dawati la Huduma kwa Wananchi",
        name_en="Citizen Service Desk",
    )
    ministry = InstitutionFactory(
        slug="wizara-ya-maji",
        kind=InstitutionKind.MINISTRY,
        parent=national,
        name_sw="Wizara ya Maji",
        name_en="Ministry of Water",
    )
    agency = InstitutionFactory(
        slug="dawasa",
        parent=ministry,
        short_name="DAWASA",
        name_sw="Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam",
        name_en="Dar es Salaam Water Supply and Sanitation Authority",
    )
    tamisemi = InstitutionFactory(
        slug="tamisemi",
        kind=InstitutionKind.MINISTRY,
        parent=national,
        name_sw="Ofisi ya Rais - TAMISEMI",
        name_en="President's Office - RALG",
    )
    region = RegionFactory(code="dodoma", name="Dodoma")
    district = DistrictFactory(code="dodoma-jiji", name="Dodoma Jiji", region=region)
    other_district = DistrictFactory(code="bahi", name="Bahi", region=region)
    region_office = InstitutionFactory(
        slug="mkoa-dodoma",
        kind=InstitutionKind.REGION,
        parent=tamisemi,
        region=region,
        name_sw="Sekretarieti ya Mkoa wa Dodoma",
        name_en="Dodoma Regional Secretariat",
    )
    council = InstitutionFactory(
        slug="jiji-dodoma",
        kind=InstitutionKind.COUNCIL,
        parent=region_office,
        district=district,
        region=region,
        name_sw="Halmashauri ya Jiji la Dodoma",
        name_en="Dodoma City Council",
    )
    national_service = CategoryFactory(
        code="maji-bili", institution=agency, name_sw="Bili ya maji", name_en="Water bills", topic="water"
    )
    local_service = CategoryFactory(
        code="usafi-taka",
        institution=tamisemi,
        is_local=True,
        name_sw="Usafi na ukusanyaji wa taka",
        name_en="Cleanliness and waste collection",
        topic="other",
    )
    RoutingRuleFactory(category=national_service, institution=agency)
    RoutingRuleFactory(category=local_service, institution=region_office)
    RoutingRuleFactory(district=district, institution=council)
    RoutingRuleFactory(region=region, institution=region_office)
    return World(
        national,
        triage,
        ministry,
        agency,
        tamisemi,
        region_office,
        council,
        region,
        district,
        other_district,
        national_service,
        local_service,
    )


PASSWORD = "nenosiri-la-majaribio"


@dataclass
class Staff:
    officer_a: User  # officer of the agency (institution A)
    officer_a2: User  # a second officer of A
    supervisor_a: User
    officer_b: User  # officer of the council (institution B)
    oversight_above_a: User  # at the ministry above the agency
    oversight_elsewhere: User  # at TAMISEMI, above the council but not the agency
    admin: User
    auditor: User  # reads the audit log and nothing else


def build_staff(world: World) -> Staff:
    """One user of each kind around the world's agency (A) and council (B)."""

    def user(email: str, role: Role, institution: Institution | None) -> User:
        return create_user(
            email=email,
            name=email.split("@")[0].replace(".", " ").title(),
            role=role,
            password=PASSWORD,
            institution=institution,
        )

    return Staff(
        officer_a=user("asha.afisa@dawasa.go.tz", Role.OFFICER, world.agency),
        officer_a2=user("baraka.afisa@dawasa.go.tz", Role.OFFICER, world.agency),
        supervisor_a=user("neema.msimamizi@dawasa.go.tz", Role.SUPERVISOR, world.agency),
        officer_b=user("juma.afisa@dodomacc.go.tz", Role.OFFICER, world.council),
        oversight_above_a=user("kiongozi@maji.go.tz", Role.OVERSIGHT, world.ministry),
        oversight_elsewhere=user("kiongozi@tamisemi.go.tz", Role.OVERSIGHT, world.tamisemi),
        admin=user("admin@wananchi.go.tz", Role.ADMIN, None),
        auditor=user("mkaguzi@wananchi.go.tz", Role.AUDITOR, None),
    )
