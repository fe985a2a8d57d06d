"""Messages written unrendered and rendered each time they are sent: those whose every word comes from their
ticket, or from their recipient's account.

The citizen's receipt is one, and a new tracking code another: their code is never stored, in the outbox or
anywhere, only derived again when the message goes out, and what was sent is not kept. Rendering them in the
worker spares the submission (the busiest request of the service) the work, and a fault in their templates can
then delay a receipt, retried like any failed delivery, but never refuse a submission.

A password reset is one too: its link is a credential, made when the message is sent and never written to the
outbox, so no one who can read the outbox (an administrator, a backup) finds a working link there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wananchi.accounts.models import User
from wananchi.accounts.services import RESET_LINK_LIFETIME, password_reset_token
from wananchi.extensions import db
from wananchi.notifications.channels import Content, DeliveryError
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.notifications.render import public_url, render_notification, tracking_url
from wananchi.tickets.models import Ticket
from wananchi.tickets.services import current_tracking_code


def _ticket(message: OutboxMessage) -> Ticket:
    ticket = db.session.get(Ticket, message.ticket_id) if message.ticket_id is not None else None
    if ticket is None:
        raise DeliveryError(f"the ticket of this {message.event} message no longer exists")
    return ticket


def _code_and_link(message: OutboxMessage) -> dict[str, Any]:
    # The code that opens the ticket now, derived again from the submission's key: it is never stored.
    ticket = _ticket(message)
    return {"ticket": ticket, "tracking_code": current_tracking_code(ticket), "tracking_url": tracking_url(ticket)}


def _reset_link(message: OutboxMessage) -> dict[str, Any]:
    # A link made now, for the account as it is now: only to the address it still has, and only if still active.
    user = db.session.get(User, message.recipient_user_id) if message.recipient_user_id is not None else None
    if user is None or not user.active or user.email != message.recipient:
        raise DeliveryError("the account of this password reset is gone, deactivated or has another address now")
    return {
        "recipient_name": user.name,
        "email": user.email,
        "reset_url": public_url("auth.reset_password", token=password_reset_token(user)),
        "minutes": int(RESET_LINK_LIFETIME.total_seconds() // 60),
    }


RENDERED_WHEN_SENT: dict[str, Callable[[OutboxMessage], dict[str, Any]]] = {
    "receipt": _code_and_link,
    "tracking_code": _code_and_link,
    "password_reset": _reset_link,
}


def is_unrendered(message: OutboxMessage) -> bool:
    """Whether `message` was written without its text, to be rendered when it is sent."""
    return message.event in RENDERED_WHEN_SENT and not message.body_text


def render_when_sent(message: OutboxMessage) -> Content:
    """The subject and bodies of an unrendered message, from its ticket or account as they are now (the row is left
    unrendered)."""
    email = message.channel == Channel.EMAIL
    rendered = render_notification(
        message.event,
        message.language,
        for_email=email,
        for_sms=not email,
        **RENDERED_WHEN_SENT[message.event](message),
    )
    if email:
        return Content(subject=rendered.subject, text=rendered.text, html=rendered.html)
    return Content(subject="", text=rendered.sms, html=None)
