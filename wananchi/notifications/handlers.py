"""Turns domain events into outbox messages, in the transaction of the change.

Citizens hear about their ticket (unless they chose to stay anonymous; "contact hidden" citizens are
told everything); staff hear about what concerns them. Each message is rendered in its recipient's
language when the event happens, except those whose every word comes from their ticket (the receipt),
rendered when they are sent (wananchi/notifications/deferred.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from blinker import NamedSignal
from flask import current_app

from wananchi.accounts import signals as account_signals
from wananchi.accounts.models import User
from wananchi.extensions import db
from wananchi.notifications.deferred import RENDERED_WHEN_SENT
from wananchi.notifications.limits import receipt_allowed
from wananchi.notifications.models import Channel, OutboxStatus
from wananchi.notifications.optout import stopped_phones
from wananchi.notifications.outbox import add_messages
from wananchi.notifications.preferences import wants_digest
from wananchi.notifications.recipients import officers_of, oversight_of, staff_channels, supervisors_of
from wananchi.notifications.render import UNRENDERED, public_url, render_notification, tracking_url
from wananchi.sla import signals as sla_signals
from wananchi.sla.escalation import SYSTEM
from wananchi.sla.models import Escalation, EscalationLevel
from wananchi.tickets import signals
from wananchi.tickets.models import Channel as TicketChannel
from wananchi.tickets.models import EventKind, Identity, Ticket, TicketEvent


def _messages(
    event: str,
    recipients: list[tuple[Channel, str]],
    language: str,
    ticket: Ticket | None,
    now: dt.datetime,
    user: User | None = None,
    status: OutboxStatus = OutboxStatus.PENDING,
    forget_recipient: bool = False,
    **context: Any,
) -> None:
    """Render `event` once in `language` and put one message per (channel, address) in the outbox
    (unrendered, for an event rendered when it is sent); no SMS to a phone that asked for none (ACHA, STOP). With
    `forget_recipient`, each row's address is erased once the message is sent or has failed for good."""
    stopped = stopped_phones([recipient for channel, recipient in recipients if channel == Channel.SMS])
    recipients = [(channel, recipient) for channel, recipient in recipients if recipient not in stopped]
    if not recipients:
        return
    channels = {channel for channel, _recipient in recipients}
    if event in RENDERED_WHEN_SENT:
        rendered = UNRENDERED
    else:
        rendered = render_notification(
            event,
            language,
            for_email=Channel.EMAIL in channels,
            for_sms=Channel.SMS in channels,
            ticket=ticket,
            **context,
        )
    add_messages(
        [
            {
                "event": event,
                "channel": channel,
                "recipient": recipient,
                "language": language,
                "ticket_id": ticket.id if ticket is not None else None,
                "recipient_user_id": user.id if user else None,
                **rendered.for_channel(channel),
                "status": status,
                "forget_recipient": forget_recipient,
            }
            for channel, recipient in recipients
        ],
        now,
    )


def citizen_contacts(ticket: Ticket) -> list[tuple[Channel, str]]:
    """The e-mail address and phone number the citizen gave, as (channel, address) (none for anonymous citizens)."""
    if ticket.identity == Identity.ANONYMOUS or ticket.channel == TicketChannel.DEMO:
        return []
    recipients = [(Channel.EMAIL, ticket.citizen_email)] if ticket.citizen_email else []
    return recipients + ([(Channel.SMS, ticket.citizen_phone)] if ticket.citizen_phone else [])


def notify_citizen(
    ticket: Ticket,
    event: str,
    now: dt.datetime,
    recipients: list[tuple[Channel, str]] | None = None,
    forget_recipient: bool = False,
    **context: Any,
) -> None:
    """Tell the citizen about `event` by e-mail and SMS, where they gave them (or at `recipients`, some of them);
    `forget_recipient` for the last message after their personal data was erased (its address goes once sent)."""
    recipients = citizen_contacts(ticket) if recipients is None else recipients
    if recipients:
        if event not in RENDERED_WHEN_SENT:  # those find their link when they are rendered
            context["tracking_url"] = tracking_url(ticket)
        _messages(event, recipients, ticket.language, ticket, now, forget_recipient=forget_recipient, **context)


def notify_staff(users: list[User], ticket: Ticket, event: str, now: dt.datetime, **context: Any) -> None:
    """Tell each user about `event` on the channels they chose, in their language (held for their digest if chosen)."""
    if ticket.channel == TicketChannel.DEMO:
        return
    context["ticket_url"] = public_url("staff.ticket", reference=ticket.reference)
    for user in {u.id: u for u in users}.values():
        channels = staff_channels(user, event)
        recipients = [(Channel.EMAIL, user.email)] if Channel.EMAIL in channels else []
        recipients += [(Channel.SMS, user.phone)] if Channel.SMS in channels and user.phone else []
        status = OutboxStatus.HELD if wants_digest(user, event) else OutboxStatus.PENDING
        _messages(
            event, recipients, user.language, ticket, now, user=user, status=status, recipient_name=user.name, **context
        )


def _on_submitted(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    """The receipt, to each contact given that has not been sent too many lately (wananchi/notifications/limits.py)."""
    recipients = []
    for channel, recipient in citizen_contacts(ticket):
        if receipt_allowed(recipient, now):
            recipients.append((channel, recipient))
            continue
        db.session.add(
            TicketEvent(
                ticket_id=ticket.id,
                kind=EventKind.RECEIPT_WITHHELD,
                actor=SYSTEM,
                created_at=now,
                data={"channel": str(channel)},
            )
        )
        current_app.logger.warning("receipt of %s not sent by %s: too many to its contact", ticket.reference, channel)
    notify_citizen(ticket, "receipt", now, recipients)


def _on_replied(ticket: Ticket, *, now: dt.datetime, message: Any = None, **_: Any) -> None:
    notify_citizen(ticket, "reply", now, message=message)


def _on_information_requested(ticket: Ticket, *, now: dt.datetime, message: Any = None, **_: Any) -> None:
    notify_citizen(ticket, "information_request", now, message=message)


def _on_transferred(ticket: Ticket, *, now: dt.datetime, transfer: Any = None, **_: Any) -> None:
    notify_citizen(ticket, "transfer", now, transfer=transfer)


def _on_resolved(ticket: Ticket, *, now: dt.datetime, **_: Any) -> None:
    """The resolution, to the ticket's citizen and to the citizens of the tickets merged into it (never its replies:
    those are written to one citizen, the summary to all of them)."""
    notify_citizen(ticket, "resolution", now)
    for duplicate in ticket.merged_duplicates:
        notify_citizen(duplicate, "merged_resolution", now, survivor=ticket)


def _on_tracking_code_reissued(ticket: Ticket, *, now: dt.datetime, channel: str, **_: Any) -> None:
    """Send the new code only to the contact the citizen proved they have."""
    recipient = ticket.citizen_email if channel == "email" else ticket.citizen_phone
    if recipient:
        _messages("tracking_code", [(Channel(channel), recipient)], ticket.language, ticket, now)


def _on_assigned(ticket: Ticket, *, now: dt.datetime, assignee: User, actor: User, **_: Any) -> None:
    if assignee.id != actor.id:
        notify_staff([assignee], ticket, "assignment", now, actor=actor)


def _on_citizen_message(ticket: Ticket, *, now: dt.datetime, message: Any = None, **_: Any) -> None:
    users = [ticket.assignee] if ticket.assignee else officers_of(ticket.institution_id)
    notify_staff(users, ticket, "citizen_message", now, message=message)


def _on_escalation(ticket: Ticket, *, escalation: Escalation, **_: Any) -> None:
    now = escalation.created_at
    if escalation.level == EscalationLevel.WARNING:
        users = [ticket.assignee] if ticket.assignee else officers_of(ticket.institution_id)
        notify_staff(users, ticket, "sla_warning", now, escalation=escalation)
    elif escalation.level == EscalationLevel.OVERDUE:
        notify_staff(supervisors_of(ticket.institution_id), ticket, "sla_overdue", now, escalation=escalation)
    else:
        notify_staff(oversight_of(escalation.node_id), ticket, "escalation", now, escalation=escalation)


def _on_password_reset_requested(user: User, *, now: dt.datetime, **_: Any) -> None:
    # Written without its text: the link is a credential, made and rendered only when the message is sent.
    add_messages(
        [
            {
                "event": "password_reset",
                "channel": Channel.EMAIL,
                "recipient": user.email,
                "recipient_user_id": user.id,
                "language": user.language,
                **UNRENDERED.for_channel(Channel.EMAIL),
            }
        ],
        now,
    )


CONNECTIONS: list[tuple[NamedSignal, Callable[..., None]]] = [
    (signals.ticket_submitted, _on_submitted),
    (signals.ticket_replied, _on_replied),
    (signals.information_requested, _on_information_requested),
    (signals.ticket_transferred, _on_transferred),
    (signals.ticket_resolved, _on_resolved),
    (signals.tracking_code_reissued, _on_tracking_code_reissued),
    (signals.ticket_assigned, _on_assigned),
    (signals.citizen_message_added, _on_citizen_message),
    (sla_signals.escalation_step_taken, _on_escalation),
    (account_signals.password_reset_requested, _on_password_reset_requested),
]


def connect_handlers() -> None:
    """Subscribe the outbox to the domains' signals."""
    for signal, handler in CONNECTIONS:
        signal.connect(handler, weak=False)
