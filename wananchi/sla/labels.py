"""The words the interface uses for the response-time clock (GLOSSARY.md, "Time")."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from wananchi.sla.calendars import calendar_for
from wananchi.sla.clock import SlaState, working_time_left
from wananchi.sla.models import EscalationLevel, SlaTarget
from wananchi.tickets.models import Ticket

SLA_STATE_LABELS = {
    SlaState.ON_TIME: _l("On time"),
    SlaState.AT_RISK: _l("At risk"),
    SlaState.OVERDUE: _l("Overdue"),
    SlaState.PAUSED: _l("Clock stopped: awaiting the citizen"),
}

ESCALATION_LEVEL_LABELS = {
    EscalationLevel.WARNING: _l("At risk"),
    EscalationLevel.OVERDUE: _l("Overdue"),
    EscalationLevel.PARENT: _l("Escalated to the parent institution"),
    EscalationLevel.NATIONAL: _l("Escalated to the national level"),
}

SLA_TARGET_LABELS = {
    SlaTarget.FIRST_RESPONSE: _l("First response"),
    SlaTarget.RESOLUTION: _l("Resolution"),
}


def describe_working_time(minutes: int, minutes_per_day: int) -> str:
    """Working time left (positive minutes) or late (negative) in the largest whole unit: days, hours or minutes."""
    amount = abs(minutes)
    if minutes >= 0:
        if amount >= minutes_per_day:
            return ngettext("%(num)d working day left", "%(num)d working days left", amount // minutes_per_day)
        if amount >= 60:
            return ngettext("%(num)d working hour left", "%(num)d working hours left", amount // 60)
        return ngettext("%(num)d working minute left", "%(num)d working minutes left", amount)
    if amount >= minutes_per_day:
        return ngettext("%(num)d working day late", "%(num)d working days late", amount // minutes_per_day)
    if amount >= 60:
        return ngettext("%(num)d working hour late", "%(num)d working hours late", amount // 60)
    return ngettext("%(num)d working minute late", "%(num)d working minutes late", amount)


def time_left_label(ticket: Ticket, now: dt.datetime) -> str | None:
    """The time left to the nearest target, or the lateness, in working time; None while paused, done or unchased."""
    minutes = working_time_left(ticket, now)
    if minutes is None:
        return None
    return describe_working_time(minutes, calendar_for(ticket.institution).minutes_per_working_day)
