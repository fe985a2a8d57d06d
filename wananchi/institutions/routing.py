"""Routing: which institution's queue a new ticket goes to, decided by the rule table.

The rule table, the active services and institutions, and the districts are read once per process and
kept (wananchi/core/reference_cache.py): a submission looks them up without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from wananchi.core.reference_cache import ReferenceCache, detached, in_session
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, RoutingRule


@dataclass(frozen=True)
class _Rule:
    category_id: int | None
    region_id: int | None
    district_id: int | None
    institution_id: int


@dataclass(frozen=True)
class _Reference:
    """Detached copies of the reference rows, and the rules to active institutions, most specific first."""

    categories: dict[str, Category]  # active services by code
    districts: dict[str, District]  # by code
    institutions: dict[int, Institution]  # active institutions by id
    rules: tuple[_Rule, ...]
    triage_id: int | None
    decisions: dict[tuple[int, bool, int | None, int | None], int | None] = field(default_factory=dict)


def _load() -> _Reference:
    def rows(model: type) -> list[dict]:
        table = model.__table__  # type: ignore[attr-defined]
        return [dict(row._mapping) for row in db.session.execute(select(*table.c))]

    institutions = {row["id"]: detached(Institution, row) for row in rows(Institution) if row["is_active"]}
    triage = sorted(i for i, institution in institutions.items() if institution.is_triage)
    rules = sorted(
        (row for row in rows(RoutingRule) if row["institution_id"] in institutions),
        key=lambda r: (r["district_id"] is None, r["region_id"] is None, r["category_id"] is None, r["id"]),
    )
    return _Reference(
        categories={row["code"]: detached(Category, row) for row in rows(Category) if row["is_active"]},
        districts={row["code"]: detached(District, row) for row in rows(District)},
        institutions=institutions,
        rules=tuple(
            _Rule(rule["category_id"], rule["region_id"], rule["district_id"], rule["institution_id"]) for rule in rules
        ),
        triage_id=triage[0] if triage else None,
    )


_reference = ReferenceCache((Category, District, Institution, RoutingRule), _load)


def active_category(code: str) -> Category | None:
    """The active service with this code, in the current session (None if there is none)."""
    category = _reference.get().categories.get(code)
    return in_session(category) if category is not None else None


def district_with_code(code: str) -> District | None:
    """The district with this code, in the current session (None if there is none)."""
    district = _reference.get().districts.get(code)
    return in_session(district) if district is not None else None


def triage_institution() -> Institution:
    """The institution that receives tickets whose citizen did not know where to send them."""
    reference = _reference.get()
    if reference.triage_id is None:
        raise LookupError("no triage institution is configured")
    return in_session(reference.institutions[reference.triage_id])


def _decide(reference: _Reference, category: Category, district: District | None) -> int | None:
    """The institution id of the first (most specific) rule matching; None when none does."""
    for rule in reference.rules:
        if rule.category_id is None and not category.is_local:
            continue
        if rule.category_id is not None and rule.category_id != category.id:
            continue
        if rule.district_id is not None and (district is None or rule.district_id != district.id):
            continue
        if rule.region_id is not None and (district is None or rule.region_id != district.region_id):
            continue
        return rule.institution_id
    return None


def route_ticket(category: Category | None, district: District | None) -> Institution:
    """The responsible institution for a ticket about `category` (None: "sijui") in `district`.

    The most specific matching rule wins: district before region before none, and a rule naming
    the category before one that does not. Place-only rules apply to local services only; rules
    to inactive institutions are skipped. Without a matching rule the ticket goes to triage, so no
    ticket is ever left without a queue.
    """
    if category is None:
        return triage_institution()
    reference = _reference.get()
    key = (category.id, category.is_local, district.id if district else None, district.region_id if district else None)
    if key not in reference.decisions:
        reference.decisions[key] = _decide(reference, category, district)
    institution_id = reference.decisions[key]
    if institution_id is None:
        return triage_institution()
    return in_session(reference.institutions[institution_id])
