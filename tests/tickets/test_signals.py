"""Domain signals carry only side effects whose order does not matter: a receiver connected ahead of every other one,
to every signal, finds each change already complete (its due dates, its status) and changes nothing by running."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from blinker import NamedSignal
from sqlalchemy import func, select

from tests.notifications.setting import QUESTION, REPLY, SUMMARY, TRANSFER_REASON, Setting, build_setting, eat, submit
from wananchi.notifications.models import OutboxMessage
from wananchi.sla import signals as sla_signals
from wananchi.sla.escalation import scan_batch
from wananchi.tickets import actions
from wananchi.tickets import signals as ticket_signals
from wananchi.tickets.models import Ticket, TicketEvent
from wananchi.tickets.services import add_citizen_message

STATE = (
    "status",
    "version",
    "assignee_id",
    "institution_id",
    "holder_since",
    "holder_responded_at",
    "first_response_warn_at",
    "first_response_due_at",
    "resolution_warn_at",
    "resolution_due_at",
    "next_due_at",
    "next_sla_check_at",
    "sla_paused_at",
    "paused_minutes",
    "first_response_minutes",
    "resolution_minutes",
    "sla_round",
    "resolution_round",
)
EVERY_SIGNAL = [
    signal
    for module in (ticket_signals, sla_signals)
    for signal in vars(module).values()
    if isinstance(signal, NamedSignal)
]


def state(ticket: Ticket) -> dict[str, Any]:
    return {name: getattr(ticket, name) for name in STATE}


@contextmanager
def connected_first(receiver: Callable[..., None]) -> Iterator[None]:
    """`receiver` connected to every domain signal ahead of the receivers already there. blinker calls receivers in
    the order they were connected, but promises none: this stands for the order that would hurt."""
    others = {signal: list(signal.receivers_for(object())) for signal in EVERY_SIGNAL}
    for signal, receivers in others.items():
        for other in receivers:
            signal.disconnect(other)
        signal.connect(receiver, weak=False)
        for other in receivers:
            signal.connect(other, weak=False)
    try:
        yield
    finally:
        for signal in EVERY_SIGNAL:
            signal.disconnect(receiver)


def life(setting: Setting, check: Callable[[Ticket], None]) -> Ticket:
    """A ticket's life, one change after another at set instants; `check(ticket)` after each change."""
    staff, world = setting.staff, setting.world
    start = eat(2026, 11, 23, 9, 0)  # a Monday
    ticket = submit(world, now=start)
    check(ticket)
    changes: list[tuple[dt.timedelta, Callable[[dt.datetime], object]]] = [
        (dt.timedelta(hours=1), lambda now: actions.claim_ticket(ticket, actor=staff.officer_a, now=now)),
        (
            dt.timedelta(hours=2),
            lambda now: actions.request_information(ticket, QUESTION, actor=staff.officer_a, now=now),
        ),
        (dt.timedelta(days=1), lambda now: add_citizen_message(ticket, "Namba ya mita ni 12345.", [], now=now)),
        (dt.timedelta(days=2), lambda now: actions.reply_to_citizen(ticket, REPLY, actor=staff.officer_a, now=now)),
        (
            dt.timedelta(days=2, hours=1),
            lambda now: actions.transfer_ticket(ticket, world.council, TRANSFER_REASON, actor=staff.officer_a, now=now),
        ),
        (dt.timedelta(days=30), lambda now: scan_batch(now)),  # the council never answered: every step is taken
        (dt.timedelta(days=31), lambda now: actions.resolve_ticket(ticket, SUMMARY, actor=staff.officer_b, now=now)),
        (
            dt.timedelta(days=32),
            lambda now: actions.reopen_ticket(ticket, "Bado haijatatuliwa.", actor=staff.officer_b, now=now),
        ),
        (dt.timedelta(days=33), lambda now: actions.resolve_ticket(ticket, SUMMARY, actor=staff.officer_b, now=now)),
        (dt.timedelta(days=34), lambda now: actions.close_ticket(ticket, actor=staff.officer_b, now=now)),
    ]
    for after, change in changes:
        change(start + after)
        check(ticket)
    return ticket


def outbox(db, ticket: Ticket) -> list[tuple[str, str, str, str, str]]:  # type: ignore[no-untyped-def]
    """The ticket's messages, each written as for any ticket (its reference left out)."""
    rows = select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id).order_by(OutboxMessage.id)
    return [
        (m.event, m.channel, m.recipient, m.status, m.body_text.replace(ticket.reference, "WN-…"))
        for m in db.session.scalars(rows)
    ]


@pytest.fixture
def setting(db) -> Setting:
    return build_setting()


def test_a_receiver_connected_first_to_every_signal_sees_each_change_complete_and_changes_nothing(setting, db):
    seen: list[dict[str, Any]] = []

    def probe(ticket: Ticket, **_: Any) -> None:
        seen.append(state(ticket))
        db.session.scalar(select(func.count(TicketEvent.id)))  # a query, which writes whatever is pending first

    def complete_when_signalled(ticket: Ticket) -> None:
        """What the probe saw during the change is the ticket as the change left it."""
        assert seen, "every change sends a signal"
        assert all(snapshot == state(ticket) for snapshot in seen)
        seen.clear()

    with connected_first(probe):
        probed = life(setting, complete_when_signalled)
    db.session.commit()
    unprobed = life(setting, lambda ticket: None)
    db.session.commit()

    assert state(probed) == state(unprobed)
    assert [e.kind for e in probed.events] == [e.kind for e in unprobed.events]
    assert outbox(db, probed) == outbox(db, unprobed) != []


def test_every_change_writes_the_ticket_row_once(setting, db):
    """The version counts the UPDATEs of the ticket's row: a change (the clock's work and the history included)
    adds one."""
    versions: list[int] = []
    life(setting, lambda ticket: versions.append(ticket.version))
    assert versions == list(range(1, len(versions) + 1))
