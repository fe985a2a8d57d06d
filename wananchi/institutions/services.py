"""Administering the institution tree, its services (categories) and the routing rules: checked, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.changes import apply_values, plain, save_change, values_of
from wananchi.institutions.models import (
    Category,
    District,
    Institution,
    InstitutionKind,
    Region,
    RoutingRule,
    Topic,
)

if TYPE_CHECKING:
    from wananchi.accounts.models import User


@dataclass
class InstitutionValues:
    """What an administrator sets on an institution."""

    slug: str
    kind: InstitutionKind
    name_sw: str
    name_en: str
    short_name: str | None
    parent: Institution | None
    region: Region | None
    district: District | None
    is_triage: bool
    is_active: bool


@dataclass
class CategoryValues:
    """What an administrator sets on a service (category)."""

    code: str
    name_sw: str
    name_en: str
    institution: Institution
    is_local: bool
    topic: Topic = Topic.OTHER  # the group the submit form lists it under


@dataclass
class RoutingRuleValues:
    """What a routing rule matches (service and/or place) and where it sends tickets."""

    category: Category | None
    region: Region | None
    district: District | None
    institution: Institution


def _check_district_in_region(region: Region | None, district: District | None) -> None:
    """DomainError when a district and a region are both chosen and the district lies elsewhere."""
    if region is not None and district is not None and district.region_id != region.id:
        raise DomainError(_("This district is not in the chosen region."), field="district")


# Institutions


def _is_below(node: Institution | None, institution: Institution) -> bool:
    """Whether `node` is `institution` itself or lies anywhere below it in the tree."""
    seen: set[int] = set()
    while node is not None and node.id not in seen:
        if node.id == institution.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def _other_active_triage_exists(institution: Institution | None) -> bool:
    """Whether an active triage institution other than `institution` exists."""
    query = select(Institution.id).where(Institution.is_triage.is_(True), Institution.is_active.is_(True))
    if institution is not None and institution.id is not None:
        query = query.where(Institution.id != institution.id)
    return db.session.scalar(query.limit(1)) is not None


def _check_institution(institution: Institution | None, values: InstitutionValues) -> None:
    """The rules for an institution: a unique slug, one root, no cycles, a coherent place, a triage desk."""
    slug_query = select(Institution.id).where(func.lower(Institution.slug) == values.slug.lower())
    if institution is not None:
        slug_query = slug_query.where(Institution.id != institution.id)
    if db.session.scalar(slug_query.limit(1)) is not None:
        raise DomainError(_("Another institution already uses this short address."), field="slug")
    if values.parent is None and (institution is None or institution.parent_id is not None):
        root = select(Institution.id).where(Institution.parent_id.is_(None))
        if institution is not None:
            root = root.where(Institution.id != institution.id)
        if db.session.scalar(root.limit(1)) is not None:
            raise DomainError(
                _("Choose the institution above this one: only the national level has none."), field="parent"
            )
    if institution is not None and _is_below(values.parent, institution):
        raise DomainError(
            _("An institution cannot be placed below itself or below an institution that is under it."),
            field="parent",
        )
    _check_district_in_region(values.region, values.district)
    was_triage = institution is not None and institution.is_triage and institution.is_active
    if was_triage and not (values.is_triage and values.is_active) and not _other_active_triage_exists(institution):
        raise DomainError(
            _("Another active institution must receive the tickets of citizens who chose “I don't know” first."),
            field="is_triage" if not values.is_triage else "is_active",
        )


def create_institution(values: InstitutionValues, *, actor: User) -> Institution:
    """A new node of the institution tree."""
    _check_institution(None, values)
    institution = Institution()
    changes = apply_values(institution, values_of(values))
    db.session.add(institution)
    save_change(actor, "create_institution", institution, changes)
    return institution


def update_institution(institution: Institution, values: InstitutionValues, *, actor: User) -> Institution:
    """Change an institution, including moving it (and everything below it) elsewhere in the tree."""
    _check_institution(institution, values)
    changes = apply_values(institution, values_of(values))
    save_change(actor, "update_institution", institution, changes)
    return institution


# Categories (services)


def _check_category(category: Category | None, values: CategoryValues) -> None:
    """The rules for a service: a unique code, owned by an active institution."""
    code_query = select(Category.id).where(func.lower(Category.code) == values.code.lower())
    if category is not None:
        code_query = code_query.where(Category.id != category.id)
    if db.session.scalar(code_query.limit(1)) is not None:
        raise DomainError(_("Another service already uses this code."), field="code")
    changing_owner = category is None or category.institution_id != values.institution.id
    if changing_owner and not values.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")


def create_category(values: CategoryValues, *, actor: User) -> Category:
    """A new service citizens can choose."""
    _check_category(None, values)
    category = Category(is_active=True)
    changes = apply_values(category, values_of(values))
    db.session.add(category)
    save_change(actor, "create_category", category, changes)
    return category


def update_category(category: Category, values: CategoryValues, *, actor: User) -> Category:
    """Change a service's code, names, owner, whether it is local, or its topic on a basic phone's menu."""
    _check_category(category, values)
    changes = apply_values(category, values_of(values))
    save_change(actor, "update_category", category, changes)
    return category


def set_category_active(category: Category, active: bool, *, actor: User) -> Category:
    """Withdraw a service from the submit form (its tickets stay), or offer it again."""
    if active and not category.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")
    changes = apply_values(category, {"is_active": active})
    save_change(actor, "reactivate_category" if active else "deactivate_category", category, changes)
    return category


# Routing rules


def _same_match(values: RoutingRuleValues) -> Any:
    """A select of the rules matching exactly this service and place, NULLs compared as equal."""
    conditions = []
    for column, chosen in (
        (RoutingRule.category_id, values.category),
        (RoutingRule.region_id, values.region),
        (RoutingRule.district_id, values.district),
    ):
        conditions.append(column.is_(None) if chosen is None else column == chosen.id)
    return select(RoutingRule.id).where(*conditions)


def _check_routing_rule(rule: RoutingRule | None, values: RoutingRuleValues) -> None:
    """The rules for a routing rule: it matches something, its place is coherent, it is unique."""
    if values.category is None and values.region is None and values.district is None:
        raise DomainError(_("Choose a service, a region or a district for the rule to match."), field="category")
    _check_district_in_region(values.region, values.district)
    duplicate = _same_match(values)
    if rule is not None:
        duplicate = duplicate.where(RoutingRule.id != rule.id)
    if db.session.scalar(duplicate.limit(1)) is not None:
        raise DomainError(
            _("A rule for this service and place already exists: change that rule instead."), field="category"
        )
    if not values.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")


def create_routing_rule(values: RoutingRuleValues, *, actor: User) -> RoutingRule:
    """A new rule sending tickets about a service and/or a place to an institution."""
    _check_routing_rule(None, values)
    rule = RoutingRule()
    changes = apply_values(rule, values_of(values))
    db.session.add(rule)
    save_change(actor, "create_routing_rule", rule, changes)
    return rule


def update_routing_rule(rule: RoutingRule, values: RoutingRuleValues, *, actor: User) -> RoutingRule:
    """Change what a rule matches or where it sends tickets."""
    _check_routing_rule(rule, values)
    changes = apply_values(rule, values_of(values))
    save_change(actor, "update_routing_rule", rule, changes)
    return rule


def delete_routing_rule(rule: RoutingRule, *, actor: User) -> None:
    """Remove a rule; tickets it matched follow the next most specific rule, or go to triage."""
    changes = {
        name: [plain(getattr(rule, name)), None]
        for name in ("category", "region", "district", "institution")
        if getattr(rule, name) is not None
    }
    record(actor.id, "delete_routing_rule", rule, changes)
    db.session.delete(rule)
    db.session.flush()
