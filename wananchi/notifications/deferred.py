"""Messages written unrendered and rendered each time they are sent: those whose every word comes from their ticket.

The citizen's receipt is one, and a new tracking code another: their code is never stored, in the outbox or
anywhere, only derived again when the message goes out, and what was sent is not kept. Rendering them in the
worker spares the submission (the busiest request of the service) the work, and a fault in their templates can
then delay a receipt, retried like any failed delivery, but never refuse a submission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wananchi.extensions import db
from wananchi.notifications.channels import Content, DeliveryError
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.notifications.render import render_notification, tracking_url
from wananchi.tickets.models import Ticket
from wananchi.tickets.services import current_tracking_code


def _code_and_link(ticket: Ticket) -> dict[str, Any]:
    # The code that opens the ticket now, derived again from the submission's key: it is never stored.
    return {"tracking_code": current_tracking_code(ticket), "tracking_url": tracking_url(ticket)}


RENDERED_WHEN_SENT: dict[str, Callable[[Ticket], dict[str, Any]]] = {
    "receipt": _code_and_link,
    "tracking_code": _code_and_link,
}


def is_unrendered(message: OutboxMessage) -> bool:
    """Whether `message` was written without its text, to be rendered when it is sent."""
    return message.event in RENDERED_WHEN_SENT and not message.body_text


def render_when_sent(message: OutboxMessage) -> Content:
    """The subject and bodies of an unrendered message, from its ticket as it is now (the row is left unrendered)."""
    ticket = db.session.get(Ticket, message.ticket_id) if message.ticket_id is not None else None
    if ticket is None:
        raise DeliveryError(f"the ticket of this {message.event} message no longer exists")
    email = message.channel == Channel.EMAIL
    rendered = render_notification(
        message.event,
        message.language,
        for_email=email,
        for_sms=not email,
        ticket=ticket,
        **RENDERED_WHEN_SENT[message.event](ticket),
    )
    if email:
        return Content(subject=rendered.subject, text=rendered.text, html=rendered.html)
    return Content(subject="", text=rendered.sms, html=None)
