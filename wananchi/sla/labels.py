"""The words the interface uses for the response-time clock (GLOSSARY.md, "Time")."""

from flask_babel import lazy_gettext as _l

from wananchi.sla.clock import SlaState
from wananchi.sla.models import EscalationLevel, SlaTarget

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
