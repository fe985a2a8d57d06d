"""A ticket's history as its citizen reads it: what happened to it and when, in plain words, nothing internal.

Officers read every event (notes, assignments, contact views, warnings, transfer reasons); the citizen
reads the steps of the ticket's way through the service: received and sent where, each change of status,
each transfer (to whom, not why), a duplicate joined to another ticket, an appeal, a late answer that went
up the escalation ladder, and a new tracking code sent. An anonymous citizen has no messages, so for them
this is the only account of where their ticket went.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from wananchi.core.i18n import localized_name
from wananchi.sla.models import EscalationLevel, SlaTarget
from wananchi.tickets.labels import CITIZEN_STATUS_LABELS
from wananchi.tickets.models import EventKind, Ticket, TicketEvent, TicketStatus

# Actions whose own step says what their change of status means; that change, at the same instant, is not
# shown again (a transfer puts the ticket back to "received", a merge closes it, an appeal reopens it).
_STEPS_WITH_THEIR_STATUS = frozenset({EventKind.TRANSFERRED, EventKind.MERGED, EventKind.APPEALED, EventKind.REOPENED})
# Events that may change the status, and say to what in their data.
_STATUS_EVENTS = frozenset({EventKind.STATUS_CHANGED, EventKind.CITIZEN_MESSAGE})

# Steps that always read the same: kind, label, sentence.
FIXED_STEPS = {
    EventKind.APPEALED: (
        "appealed",
        _l("Appealed"),
        _l("You were not satisfied: the complaint was reopened and went to the supervisor."),
    ),
    EventKind.TRACKING_CODE_REISSUED: (
        "new_tracking_code",
        _l("New tracking code"),
        _l("A new tracking code was sent to the contact given with the ticket; the old one stopped working."),
    ),
}
ESCALATED_DETAILS = {
    EscalationLevel.PARENT: _l("The ticket is late, so it was raised to the oversight above the institution."),
    EscalationLevel.NATIONAL: _l("The ticket is still late, so it was raised to the national level."),
}
LATE_DETAILS = {
    SlaTarget.FIRST_RESPONSE: _l("The first answer is past its due date: the institution's supervisor was told."),
    SlaTarget.RESOLUTION: _l("The resolution is past its due date: the institution's supervisor was told."),
}

# What a step's `kind` may be: the status it reached, or what happened.
STEP_KINDS = (
    *(str(status) for status in TicketStatus),
    "transferred",
    "merged",
    "overdue",
    "escalated",
    *(k for k, _, _ in FIXED_STEPS.values()),
)


@dataclass(frozen=True)
class Step:
    """One step of a ticket's way: when, what (a code for programs), a short label and a sentence, if any."""

    at: dt.datetime
    kind: str
    label: str
    detail: str | None = None


def citizen_progress(ticket: Ticket) -> list[Step]:
    """The steps of `ticket` the citizen may read, oldest first, in the current language."""
    transfers = {transfer.created_at: transfer for transfer in ticket.transfers}
    first_institution = ticket.transfers[0].from_institution if ticket.transfers else ticket.institution
    events = sorted(ticket.events, key=lambda event: (event.created_at, event.id or 0))
    covered = {event.created_at for event in events if event.kind in _STEPS_WITH_THEIR_STATUS}
    steps: list[Step] = []
    for event in events:
        if event.kind == EventKind.SUBMITTED:
            sent_to = _l("Sent to %(institution)s.", institution=localized_name(first_institution))
            steps.append(_step(event, "received", CITIZEN_STATUS_LABELS[TicketStatus.RECEIVED], sent_to))
        elif event.kind in _STATUS_EVENTS and event.data.get("to") and event.created_at not in covered:
            status = _status(event.data)
            if status is not None:
                steps.append(_step(event, str(status), CITIZEN_STATUS_LABELS[status]))
        elif event.kind == EventKind.REOPENED:
            steps.append(_step(event, str(TicketStatus.REOPENED), CITIZEN_STATUS_LABELS[TicketStatus.REOPENED]))
        elif event.kind == EventKind.TRANSFERRED and event.created_at in transfers:
            receiver = localized_name(transfers[event.created_at].to_institution)
            detail = _l("To %(institution)s, the institution responsible for this matter.", institution=receiver)
            steps.append(_step(event, "transferred", _l("Transferred"), detail))
        elif event.kind == EventKind.MERGED:
            detail = _l("Joined to ticket %(reference)s, about the same matter.", reference=event.data.get("into"))
            steps.append(_step(event, "merged", _l("Merged"), detail))
        elif event.kind == EventKind.SLA_OVERDUE and event.data.get("target") in LATE_DETAILS:
            steps.append(_step(event, "overdue", _l("Overdue"), LATE_DETAILS[SlaTarget(event.data["target"])]))
        elif event.kind == EventKind.ESCALATED and event.data.get("level") in ESCALATED_DETAILS:
            detail = ESCALATED_DETAILS[EscalationLevel(event.data["level"])]
            steps.append(_step(event, "escalated", _l("Escalated"), detail))
        elif event.kind in FIXED_STEPS:
            steps.append(_step(event, *FIXED_STEPS[event.kind]))
    return steps


def _status(data: dict[str, Any]) -> TicketStatus | None:
    try:
        return TicketStatus(data["to"])
    except ValueError:
        return None


def _step(event: TicketEvent, kind: str, label: Any, detail: Any = None) -> Step:
    return Step(at=event.created_at, kind=kind, label=str(label), detail=str(detail) if detail is not None else None)
