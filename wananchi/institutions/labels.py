"""The words the interface uses for the topics services are grouped under."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from wananchi.institutions.models import Topic

# In the order the submit form lists them: the services citizens raise most first, "Other" last.
TOPIC_LABELS = {
    Topic.WATER: _l("Water"),
    Topic.ELECTRICITY: _l("Electricity"),
    Topic.HEALTH: _l("Health"),
    Topic.EDUCATION: _l("Education"),
    Topic.LAND: _l("Land and housing"),
    Topic.ROADS: _l("Roads and transport"),
    Topic.ENVIRONMENT: _l("Cleanliness and environment"),
    Topic.IDENTITY: _l("Identity, registration and immigration"),
    Topic.TAXES: _l("Taxes, levies and business"),
    Topic.FARMING: _l("Farming, livestock, fisheries and wildlife"),
    Topic.SAFETY: _l("Safety and police"),
    Topic.COMMUNICATION: _l("Communication and Government systems"),
    Topic.WORK: _l("Employment, salaries and pensions"),
    Topic.SOCIAL: _l("Social welfare and loans"),
    Topic.OTHER: _l("Other services"),
}

# The same topics in a word or two, for a basic phone's menu (USSD), where a screen holds 182 characters.
TOPIC_MENU_LABELS = {
    Topic.WATER: _l("Water"),
    Topic.ELECTRICITY: _l("Electricity"),
    Topic.HEALTH: _l("Health"),
    Topic.EDUCATION: _l("Education"),
    Topic.LAND: _l("Land"),
    Topic.ROADS: _l("Roads and transport"),
    Topic.ENVIRONMENT: _l("Cleanliness"),
    Topic.IDENTITY: _l("IDs and registration"),
    Topic.TAXES: _l("Tax and licences"),
    Topic.FARMING: _l("Farming and livestock"),
    Topic.SAFETY: _l("Safety and police"),
    Topic.COMMUNICATION: _l("Communication"),
    Topic.WORK: _l("Jobs and pensions"),
    Topic.SOCIAL: _l("Welfare and loans"),
    Topic.OTHER: _l("Other services"),
}
