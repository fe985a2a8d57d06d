"""Topics: the short menus a basic phone chooses a service from (USSD), before the service itself."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Topic(enum.StrEnum):
    WATER = "water"
    ELECTRICITY = "electricity"
    HEALTH = "health"
    EDUCATION = "education"
    LAND = "land"
    IDENTITY = "identity"  # IDs, registration of births, deaths, marriages, passports
    TAX = "tax"  # taxes, licences, levies
    TRANSPORT = "transport"  # roads, transport, driving
    FARMING = "farming"  # agriculture, livestock, fisheries, wildlife
    SOCIAL = "social"  # welfare, loans, pensions, employment
    OTHER = "other"


# Short words: a menu of eleven of them fits one screen of a basic phone.
TOPIC_LABELS = {
    Topic.WATER: _l("Water"),
    Topic.ELECTRICITY: _l("Electricity"),
    Topic.HEALTH: _l("Health"),
    Topic.EDUCATION: _l("Education"),
    Topic.LAND: _l("Land"),
    Topic.IDENTITY: _l("IDs and registration"),
    Topic.TAX: _l("Tax and licences"),
    Topic.TRANSPORT: _l("Roads and transport"),
    Topic.FARMING: _l("Farming and livestock"),
    Topic.SOCIAL: _l("Welfare and jobs"),
    Topic.OTHER: _l("Other services"),
}


def topic_of(value: str | None) -> Topic:
    """The topic a service is listed under: its own, or "Other"."""
    try:
        return Topic(value) if value else Topic.OTHER
    except ValueError:
        return Topic.OTHER
