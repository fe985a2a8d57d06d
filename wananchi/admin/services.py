"""Administrative changes: each validates the rules, records who changed what, flushes, and never commits."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from dataclasses import dataclass, fields
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.accounts.models import Role, RolePolicy, User, new_session_token
from wananchi.accounts.services import create_user, find_user_by_email
from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.models import (
    Category,
    District,
    Institution,
    InstitutionKind,
    Region,
    RoutingRule,
    Topic,
)
from wananchi.tickets.models import CannedResponse

TEMPORARY_PASSWORD_BYTES = 12  # 16 URL-safe characters


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


@dataclass
class UserValues:
    """What an administrator sets on a staff account."""

    email: str
    name: str
    role: Role
    institution: Institution | None
    is_admin: bool
    language: str


@dataclass
class CannedResponseValues:
    """A prepared reply of an institution, in Swahili and English."""

    institution: Institution
    title: str
    body_sw: str
    body_en: str


def _plain(value: Any) -> Any:
    """A value as the audit log stores it: related rows by their code, enums by value, times as ISO text."""
    if isinstance(value, Institution):
        return value.slug
    if isinstance(value, Category | Region | District):
        return value.code
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _values(values: Any) -> dict[str, Any]:
    """The fields of a values dataclass, by name (the related rows themselves, not copies)."""
    return {field.name: getattr(values, field.name) for field in fields(values)}


def _apply(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set every attribute whose value differs; return the changes as {field: [old, new]}."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changes


def _save(actor: User, action: str, obj: Any, changes: dict[str, list[Any]]) -> None:
    """Record a change in the audit log (when something changed) and flush."""
    if changes:
        record(actor.id, action, obj, changes)
    db.session.flush()


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
    changes = _apply(institution, _values(values))
    db.session.add(institution)
    _save(actor, "create_institution", institution, changes)
    return institution


def update_institution(institution: Institution, values: InstitutionValues, *, actor: User) -> Institution:
    """Change an institution, including moving it (and everything below it) elsewhere in the tree."""
    _check_institution(institution, values)
    changes = _apply(institution, _values(values))
    _save(actor, "update_institution", institution, changes)
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
    changes = _apply(category, _values(values))
    db.session.add(category)
    _save(actor, "create_category", category, changes)
    return category


def update_category(category: Category, values: CategoryValues, *, actor: User) -> Category:
    """Change a service's code, names, owner, whether it is local, or its topic on a basic phone's menu."""
    _check_category(category, values)
    changes = _apply(category, _values(values))
    _save(actor, "update_category", category, changes)
    return category


def set_category_active(category: Category, active: bool, *, actor: User) -> Category:
    """Withdraw a service from the submit form (its tickets stay), or offer it again."""
    if active and not category.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")
    changes = _apply(category, {"is_active": active})
    _save(actor, "reactivate_category" if active else "deactivate_category", category, changes)
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
    changes = _apply(rule, _values(values))
    db.session.add(rule)
    _save(actor, "create_routing_rule", rule, changes)
    return rule


def update_routing_rule(rule: RoutingRule, values: RoutingRuleValues, *, actor: User) -> RoutingRule:
    """Change what a rule matches or where it sends tickets."""
    _check_routing_rule(rule, values)
    changes = _apply(rule, _values(values))
    _save(actor, "update_routing_rule", rule, changes)
    return rule


def delete_routing_rule(rule: RoutingRule, *, actor: User) -> None:
    """Remove a rule; tickets it matched follow the next most specific rule, or go to triage."""
    changes = {
        name: [_plain(getattr(rule, name)), None]
        for name in ("category", "region", "district", "institution")
        if getattr(rule, name) is not None
    }
    record(actor.id, "delete_routing_rule", rule, changes)
    db.session.delete(rule)
    db.session.flush()


# Users


def _check_user_values(user: User | None, values: UserValues, *, actor: User) -> None:
    """The rules for an account: a unique e-mail, an institution for staff, administrators keep their rights."""
    existing = find_user_by_email(values.email)
    if existing is not None and existing is not user:
        raise DomainError(_("A user with this e-mail address already exists."), field="email")
    if values.role != Role.ADMIN and values.institution is None:
        raise DomainError(_("Officers, supervisors and oversight users belong to an institution."), field="institution")
    changing_institution = user is None or user.institution_id != (values.institution and values.institution.id)
    if values.institution is not None and changing_institution and not values.institution.is_active:
        raise DomainError(_("This institution is inactive: choose an active one."), field="institution")
    if user is not None and user.id == actor.id and values.role != Role.ADMIN and not values.is_admin:
        raise DomainError(_("You cannot take away your own administrator rights."), field="role")


def create_user_account(values: UserValues, password: str | None, *, actor: User) -> tuple[User, str | None]:
    """A new staff account with the given password, or a temporary one that is returned to be shown once."""
    _check_user_values(None, values, actor=actor)
    temporary = None if password else secrets.token_urlsafe(TEMPORARY_PASSWORD_BYTES)
    user = create_user(
        email=values.email,
        name=values.name,
        role=values.role,
        password=password or temporary or "",
        institution=values.institution,
        is_admin=values.is_admin,
    )
    user.language = values.language
    changes = {
        "email": [None, user.email],
        "name": [None, user.name],
        "role": [None, _plain(user.role)],
        "institution": [None, _plain(user.institution)],
        "is_admin": [None, user.is_admin],
        "language": [None, user.language],
        "password": [None, "temporary" if temporary else "set by administrator"],
    }
    _save(actor, "create_user", user, changes)
    return user, temporary


def update_user(user: User, values: UserValues, *, actor: User) -> User:
    """Change a user's e-mail, name, role, institution or language."""
    _check_user_values(user, values, actor=actor)
    wanted = _values(values)
    wanted["email"] = values.email.strip().lower()
    wanted["name"] = values.name.strip()
    wanted["is_admin"] = values.is_admin or values.role == Role.ADMIN
    changes = _apply(user, wanted)
    _save(actor, "update_user", user, changes)
    return user


def set_user_active(user: User, active: bool, *, actor: User) -> User:
    """Deactivate an account (ending all its sessions at once) or let it log in again."""
    if user.id == actor.id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    changes = _apply(user, {"active": active})
    if changes and not active:
        user.session_token = new_session_token()
        changes["sessions_ended"] = [False, True]
    _save(actor, "reactivate_user" if active else "deactivate_user", user, changes)
    return user


def unlock_user(user: User, *, actor: User) -> User:
    """Lift the lock that too many failed logins put on an account."""
    if user.locked_until is None and not user.failed_logins:
        raise DomainError(_("This account is not locked."))
    changes = _apply(user, {"locked_until": None, "failed_logins": 0})
    _save(actor, "unlock_user", user, changes)
    return user


def reset_two_factor(user: User, *, actor: User) -> User:
    """Forget a user's authenticator app (e.g. a lost phone); their sessions end and they set it up again."""
    if not user.totp_secret:
        raise DomainError(_("This user has no two-step login to reset."))
    user.totp_secret = None
    user.session_token = new_session_token()
    _save(actor, "reset_two_factor", user, {"two_step_login": [True, False], "sessions_ended": [False, True]})
    return user


# Role policies


def set_role_policy(role: Role, require_totp: bool, *, actor: User) -> RolePolicy:
    """Require (or stop requiring) two-step login for every user of a role."""
    policy = db.session.get(RolePolicy, role)
    if policy is None:
        policy = RolePolicy(role=role, require_totp=False)
        db.session.add(policy)
    changes = _apply(policy, {"require_totp": require_totp})
    _save(actor, "set_role_policy", policy, changes)
    return policy


# Canned responses


def _check_canned_response(canned: CannedResponse | None, values: CannedResponseValues) -> None:
    """The rules for a canned response: its title is unique within the institution."""
    query = select(CannedResponse.id).where(
        CannedResponse.institution_id == values.institution.id,
        func.lower(CannedResponse.title) == values.title.strip().lower(),
    )
    if canned is not None:
        query = query.where(CannedResponse.id != canned.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_("This institution already has a canned response with this title."), field="title")


def create_canned_response(values: CannedResponseValues, *, actor: User) -> CannedResponse:
    """A new prepared reply for an institution's officers."""
    _check_canned_response(None, values)
    canned = CannedResponse()
    changes = _apply(canned, _values(values))
    db.session.add(canned)
    _save(actor, "create_canned_response", canned, changes)
    return canned


def update_canned_response(canned: CannedResponse, values: CannedResponseValues, *, actor: User) -> CannedResponse:
    """Change a prepared reply."""
    _check_canned_response(canned, values)
    changes = _apply(canned, _values(values))
    _save(actor, "update_canned_response", canned, changes)
    return canned


def delete_canned_response(canned: CannedResponse, *, actor: User) -> None:
    """Remove a prepared reply; replies already sent are not affected."""
    changes = {
        "institution": [_plain(canned.institution), None],
        "title": [canned.title, None],
    }
    record(actor.id, "delete_canned_response", canned, changes)
    db.session.delete(canned)
    db.session.flush()
