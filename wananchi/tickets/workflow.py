"""The status machine: which action may happen in which status, and the status it leads to."""

from __future__ import annotations

import enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wananchi.core.errors import DomainError
from wananchi.tickets.models import TicketStatus

S = TicketStatus


class Action(enum.StrEnum):
    CLAIM = "claim"
    ASSIGN = "assign"
    REPLY = "reply"
    NOTE = "note"
    REQUEST_INFO = "request_info"
    CITIZEN_MESSAGE = "citizen_message"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    TRANSFER = "transfer"
    MERGE = "merge"
    COMMEND = "commend"
    RATE = "rate"
    APPEAL = "appeal"


OPEN = frozenset({S.RECEIVED, S.IN_PROGRESS, S.AWAITING_CITIZEN, S.ANSWERED, S.REOPENED})
ALL = frozenset(S)

Target = TicketStatus | dict[TicketStatus, TicketStatus] | None

# action -> (statuses it may happen in, where it leads: a status, a per-status map, or None to stay)
TRANSITIONS: dict[Action, tuple[frozenset[TicketStatus], Target]] = {
    Action.CLAIM: (OPEN - {S.AWAITING_CITIZEN}, S.IN_PROGRESS),
    Action.ASSIGN: (OPEN, None),
    Action.REPLY: (OPEN, S.ANSWERED),
    Action.NOTE: (ALL, None),
    Action.REQUEST_INFO: (OPEN, S.AWAITING_CITIZEN),
    Action.CITIZEN_MESSAGE: (ALL - {S.CLOSED}, {S.AWAITING_CITIZEN: S.IN_PROGRESS}),
    Action.RESOLVE: (OPEN, S.RESOLVED),
    Action.CLOSE: (frozenset({S.RESOLVED}), S.CLOSED),
    Action.REOPEN: (frozenset({S.RESOLVED}), S.REOPENED),
    Action.TRANSFER: (OPEN, S.RECEIVED),
    Action.MERGE: (OPEN, S.CLOSED),
    Action.COMMEND: (ALL - {S.CLOSED}, None),
    Action.RATE: (frozenset({S.RESOLVED, S.CLOSED}), None),
    Action.APPEAL: (frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED),
}

ACTION_LABELS = {
    Action.CLAIM: _l("Take this ticket"),
    Action.ASSIGN: _l("Assign"),
    Action.REPLY: _l("Reply to the citizen"),
    Action.NOTE: _l("Internal note"),
    Action.REQUEST_INFO: _l("Ask the citizen for information"),
    Action.CITIZEN_MESSAGE: _l("Add information"),
    Action.RESOLVE: _l("Resolve"),
    Action.CLOSE: _l("Close"),
    Action.REOPEN: _l("Reopen"),
    Action.TRANSFER: _l("Transfer to another institution"),
    Action.MERGE: _l("Merge into another ticket"),
    Action.COMMEND: _l("Pass the commendation on"),
    Action.RATE: _l("Rate the answer"),
    Action.APPEAL: _l("Appeal"),
}


def is_allowed(status: TicketStatus, action: Action) -> bool:
    """Whether `action` may happen to a ticket in `status`."""
    return status in TRANSITIONS[action][0]


def next_status(status: TicketStatus, action: Action) -> TicketStatus:
    """The status after `action`; DomainError with a clear message if the action is not allowed now."""
    from wananchi.tickets.labels import STAFF_STATUS_LABELS

    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise DomainError(
            _(
                "“%(action)s” is not possible while the ticket is “%(status)s”.",
                action=ACTION_LABELS[action],
                status=STAFF_STATUS_LABELS[status],
            )
        )
    if isinstance(target, dict):
        return target.get(status, status)
    return target if target is not None else status


def allowed_actions(status: TicketStatus) -> list[Action]:
    """The actions the status machine allows in `status`, in menu order."""
    return [action for action in Action if is_allowed(status, action)]
