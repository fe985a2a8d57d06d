"""Read-only queries behind the administration pages: the tree, the lists, the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import desc, func, or_, select
from sqlalchemy.orm import selectinload

from wananchi.accounts.models import ACCOUNT_ROLES, Role, RolePolicy, User
from wananchi.core.audit import AuditEntry
from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, Region, RoutingRule
from wananchi.tickets.access import ACCESS_ACTIONS
from wananchi.tickets.models import CannedResponse

PAGE_SIZE = 50


@dataclass
class TreeNode:
    """An institution with the nodes directly below it, for rendering the tree as nested lists."""

    institution: Institution
    children: list[TreeNode]


@dataclass
class Page:
    """One page of a long list: its rows, its number and whether more pages follow."""

    items: list[Any]
    number: int
    has_next: bool


def institution_tree() -> list[TreeNode]:
    """Every institution as a forest, roots first, siblings sorted by name in the current language."""
    institutions = list(db.session.scalars(select(Institution)))
    ids = {institution.id for institution in institutions}
    below: dict[int | None, list[Institution]] = {}
    for institution in by_name(institutions):
        parent_id = institution.parent_id if institution.parent_id in ids else None
        below.setdefault(parent_id, []).append(institution)
    seen: set[int] = set()

    def build(parent_id: int | None) -> list[TreeNode]:
        """The nodes below `parent_id`, each with its own subtree (each institution once)."""
        nodes = []
        for institution in below.get(parent_id, []):
            if institution.id not in seen:
                seen.add(institution.id)
                nodes.append(TreeNode(institution, build(institution.id)))
        return nodes

    return build(None)


def flatten(tree: list[TreeNode], depth: int = 0) -> list[tuple[Institution, int]]:
    """The tree in reading order, each institution with its depth (0 at the root)."""
    rows: list[tuple[Institution, int]] = []
    for node in tree:
        rows.append((node.institution, depth))
        rows.extend(flatten(node.children, depth + 1))
    return rows


def subtree_ids_of(institution: Institution) -> set[int]:
    """The ids of an institution and every institution below it."""
    rows = db.session.execute(select(Institution.id, Institution.parent_id)).all()
    below: dict[int | None, list[int]] = {}
    for node_id, parent_id in rows:
        below.setdefault(parent_id, []).append(node_id)
    found: set[int] = set()
    pending = [institution.id]
    while pending:
        node_id = pending.pop()
        if node_id not in found:
            found.add(node_id)
            pending.extend(below.get(node_id, []))
    return found


def regions() -> list[Region]:
    """Every region with its districts, sorted by name."""
    return list(db.session.scalars(select(Region).options(selectinload(Region.districts)).order_by(Region.name)))


def categories() -> list[Category]:
    """Every service with its institution, sorted by name in the current language."""
    rows = db.session.scalars(select(Category).options(selectinload(Category.institution)))
    return by_name(rows)


def categories_by_institution() -> list[tuple[Institution, list[Category]]]:
    """The services grouped under the institution that owns them, both sorted by name."""
    groups: dict[int, tuple[Institution, list[Category]]] = {}
    for category in categories():
        groups.setdefault(category.institution_id, (category.institution, []))[1].append(category)
    return by_name(groups.values(), lambda group: localized_name(group[0]))


def unrouted_category_ids() -> set[int]:
    """The national services no rule names: their tickets go to triage."""
    named = select(RoutingRule.category_id).where(RoutingRule.category_id.is_not(None))
    query = select(Category.id).where(Category.is_local.is_(False), Category.id.not_in(named))
    return set(db.session.scalars(query))


def routing_rules() -> list[RoutingRule]:
    """Every routing rule with what it matches and where it sends, the most specific first per service."""
    rules = db.session.scalars(
        select(RoutingRule).options(
            selectinload(RoutingRule.category),
            selectinload(RoutingRule.region),
            selectinload(RoutingRule.district).selectinload(District.region),
            selectinload(RoutingRule.institution),
        )
    )

    def order(rule: RoutingRule) -> tuple[Any, ...]:
        """Rules naming a service first, by service, then by region and district."""
        return (
            rule.category is None,
            localized_name(rule.category) if rule.category else "",
            rule.region.name if rule.region else "",
            rule.district.name if rule.district else "",
        )

    return sorted(rules, key=order)


def users_page(search: str, number: int) -> Page:
    """A page of users, by name, optionally only those whose name or e-mail contains `search`."""
    query = select(User).options(selectinload(User.institution)).order_by(func.lower(User.name), User.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern)))
    return _page(query, number)


def role_policies() -> dict[Role, bool]:
    """Whether each role requires two-step login (roles without a stored policy do not)."""
    stored = {policy.role: policy.require_totp for policy in db.session.scalars(select(RolePolicy))}
    return {role: stored.get(role, False) for role in ACCOUNT_ROLES}


def canned_by_institution() -> list[tuple[Institution, list[CannedResponse]]]:
    """The canned responses grouped under their institution, sorted by title."""
    groups: dict[int, tuple[Institution, list[CannedResponse]]] = {}
    rows = db.session.scalars(
        select(CannedResponse).options(selectinload(CannedResponse.institution)).order_by(CannedResponse.title)
    )
    for canned in rows:
        groups.setdefault(canned.institution_id, (canned.institution, []))[1].append(canned)
    return by_name(groups.values(), lambda group: localized_name(group[0]))


def _page(query: Any, number: int) -> Page:
    """Page `number` (from 1) of a query, fetching one extra row to know whether another page follows."""
    number = max(number, 1)
    rows = list(db.session.scalars(query.offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return Page(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


# The audit log's filters (wananchi/admin/audit_views.py)

USER_ACTIONS = (
    "create_user",
    "update_user",
    "deactivate_user",
    "reactivate_user",
    "unlock_user",
    "reset_two_factor",
    "set_role_policy",
)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries of the audit log to list: by person, by ticket, by period (`since` inclusive, `until`
    exclusive) and by kind ("access": views, exports and searches of personal data; "users": changes of accounts and
    roles; empty: everything)."""

    actor_id: int | None = None
    ticket_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    kind: str = ""


def audit_query(flt: AuditFilter) -> Any:
    """The audit entries that pass `flt`, newest first."""
    query = select(AuditEntry).order_by(desc(AuditEntry.created_at), desc(AuditEntry.id))
    if flt.actor_id is not None:
        query = query.where(AuditEntry.actor_id == flt.actor_id)
    if flt.ticket_id is not None:
        query = query.where(AuditEntry.object_type == "Ticket", AuditEntry.object_id == str(flt.ticket_id))
    if flt.since is not None:
        query = query.where(AuditEntry.created_at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEntry.created_at < flt.until)
    if flt.kind == "access":
        query = query.where(AuditEntry.action.in_(ACCESS_ACTIONS))
    elif flt.kind == "users":
        query = query.where(AuditEntry.action.in_(USER_ACTIONS))
    return query


def audit_page(number: int, flt: AuditFilter | None = None) -> tuple[Page, dict[int, User]]:
    """A page of the audit log, newest first, with the users who made those changes."""
    page = _page(audit_query(flt or AuditFilter()), number)
    return page, actors_of(page.items)


def actors_of(entries: list[AuditEntry]) -> dict[int, User]:
    """The users who made these entries, by id."""
    actor_ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(actor_ids)))}


def people() -> list[User]:
    """Every account, by name: whom the audit log can be listed by."""
    return list(db.session.scalars(select(User).order_by(User.name, User.id)))
