"""Routing: which institution's queue a new ticket goes to, decided by the rule table."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select

from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, RoutingRule


def triage_institution() -> Institution:
    """The institution that receives tickets whose citizen did not know where to send them."""
    institution = db.session.scalar(
        select(Institution)
        .where(Institution.is_triage.is_(True), Institution.is_active.is_(True))
        .order_by(Institution.id)
        .limit(1)
    )
    if institution is None:
        raise LookupError("no triage institution is configured")
    return institution


def route_ticket(category: Category | None, district: District | None) -> Institution:
    """The responsible institution for a ticket about `category` (None: "sijui") in `district`.

    The most specific matching rule wins: district before region before none, and a rule naming
    the category before one that does not. Place-only rules apply to local services only.
    Without a matching rule the ticket goes to triage, so no ticket is ever left without a queue.
    """
    if category is None:
        return triage_institution()

    category_match = RoutingRule.category_id == category.id
    if category.is_local:
        category_match = or_(category_match, RoutingRule.category_id.is_(None))
    place_matches: list[ColumnElement[bool]] = [RoutingRule.district_id.is_(None)]
    region_matches: list[ColumnElement[bool]] = [RoutingRule.region_id.is_(None)]
    if district is not None:
        place_matches.append(RoutingRule.district_id == district.id)
        region_matches.append(RoutingRule.region_id == district.region_id)

    institution = db.session.scalar(
        select(Institution)
        .join(RoutingRule, RoutingRule.institution_id == Institution.id)
        .where(category_match, or_(*place_matches), or_(*region_matches), Institution.is_active.is_(True))
        .order_by(
            RoutingRule.district_id.is_(None),
            RoutingRule.region_id.is_(None),
            RoutingRule.category_id.is_(None),
            RoutingRule.id,
        )
        .limit(1)
    )
    return institution if institution is not None else triage_institution()
