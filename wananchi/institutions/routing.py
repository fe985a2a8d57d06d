"""Routing: which institution's queue a new ticket goes to, decided by the rule table."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, RoutingRule


def active_category(code: str) -> Category | None:
    """The active service with this code (None if there is none)."""
    return db.session.scalar(select(Category).where(Category.code == code, Category.is_active))


def district_with_code(code: str) -> District | None:
    """The district with this code (None if there is none)."""
    return db.session.scalar(select(District).where(District.code == code))


def triage_institution() -> Institution:
    """The institution that receives tickets whose citizen did not know where to send them."""
    triage = db.session.scalar(
        select(Institution).where(Institution.is_triage, Institution.is_active).order_by(Institution.id).limit(1)
    )
    if triage is None:
        raise LookupError("no triage institution is configured")
    return triage


def route_ticket(category: Category | None, district: District | None) -> Institution:
    """The responsible institution for a ticket about `category` (None: "sijui") in `district`.

    The most specific matching rule wins: district before region before none, and a rule naming
    the category before one that does not. Place-only rules apply to local services only; rules
    to inactive institutions are skipped. Without a matching rule the ticket goes to triage, so no
    ticket is ever left without a queue.
    """
    if category is None:
        return triage_institution()
    about_category = RoutingRule.category_id == category.id
    if category.is_local:
        about_category = or_(about_category, RoutingRule.category_id.is_(None))
    place = and_(
        or_(RoutingRule.district_id.is_(None), RoutingRule.district_id == (district.id if district else None)),
        or_(RoutingRule.region_id.is_(None), RoutingRule.region_id == (district.region_id if district else None)),
    )
    institution = db.session.scalar(
        select(Institution)
        .join(RoutingRule, RoutingRule.institution_id == Institution.id)
        .where(Institution.is_active, about_category, place)
        .order_by(
            RoutingRule.district_id.is_(None),
            RoutingRule.region_id.is_(None),
            RoutingRule.category_id.is_(None),
            RoutingRule.id,
        )
        .limit(1)
    )
    return institution if institution is not None else triage_institution()
