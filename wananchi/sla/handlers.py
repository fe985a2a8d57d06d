"""Keeps each ticket's response-time clock in step with what happens to it, in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from blinker import NamedSignal

from wananchi.sla import clock
from wananchi.tickets import signals
from wananchi.tickets.models import Ticket


def _on_responded(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    clock.responded(ticket, now)
    clock.follow_status(ticket, now)


def _on_status_change(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    clock.follow_status(ticket, now)


def _on_resolved(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    clock.follow_status(ticket, now)  # a resolution straight from "awaiting" ends the pause first
    clock.resolved(ticket, now)


def _on_transferred(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    clock.follow_status(ticket, now)
    clock.transferred(ticket, now)


def _on_reopened(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    clock.reopened(ticket, now)


CONNECTIONS: list[tuple[NamedSignal, Callable[..., None]]] = [
    (signals.ticket_replied, _on_responded),
    (signals.information_requested, _on_responded),
    (signals.citizen_message_added, _on_status_change),
    (signals.ticket_assigned, _on_status_change),
    (signals.ticket_resolved, _on_resolved),
    (signals.ticket_transferred, _on_transferred),
    (signals.ticket_reopened, _on_reopened),
    (signals.ticket_appealed, _on_reopened),
    (signals.ticket_closed, _on_status_change),
    (signals.ticket_merged, _on_status_change),
]


def connect_handlers() -> None:
    """Subscribe the clock to the tickets domain's signals (idempotent: blinker keeps one connection each)."""
    for signal, handler in CONNECTIONS:
        signal.connect(handler, weak=False)
