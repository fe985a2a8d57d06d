"""Messages the outbox could not deliver: administrators see why, and send them again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, desc, or_, select

from wananchi.admin.common import actor, bp, get_or_404, page_number
from wananchi.admin.queries import PAGE_SIZE, Page
from wananchi.core.audit import record
from wananchi.extensions import db
from wananchi.notifications.models import ERASED, Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import resend

RESENDABLE = frozenset({OutboxStatus.FAILED, OutboxStatus.PENDING})

EVENT_LABELS = {
    "receipt": _l("Receipt"),
    "reply": _l("Reply"),
    "information_request": _l("Request for information"),
    "transfer": _l("Transfer"),
    "resolution": _l("Resolution"),
    "merged_resolution": _l("Resolution of the ticket a duplicate was merged into"),
    "tracking_code": _l("New tracking code"),
    "assignment": _l("Assignment"),
    "citizen_message": _l("Message from the citizen"),
    "sla_warning": _l("Response time at risk"),
    "sla_overdue": _l("Response time overdue"),
    "escalation": _l("Escalation"),
    "password_reset": _l("Password reset"),
}

CHANNEL_LABELS = {Channel.EMAIL: _l("E-mail"), Channel.SMS: _l("SMS")}


def mask_recipient(recipient: str) -> str:
    """Only the first letters of an address or number: enough to recognise a pattern, not to contact anyone."""
    local, at, domain = recipient.partition("@")
    if at:
        return f"{local[:2]}…@{domain[:2]}…"
    return f"{recipient[:6]}…"


def masked_error(message: OutboxMessage) -> str:
    """The last error, with the recipient's full address or number masked where the provider repeated it."""
    error = message.last_error or ""
    return error.replace(message.recipient, mask_recipient(message.recipient)) if message.recipient else error


def undelivered_page(number: int) -> Page:
    """Failed messages, and pending ones already tried more than once, newest first."""
    query = (
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.status == OutboxStatus.FAILED,
                and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 1),
            )
        )
        .order_by(desc(OutboxMessage.created_at), desc(OutboxMessage.id))
    )
    rows = list(db.session.scalars(query.offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return Page(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


@bp.get("/ujumbe")
def outbox() -> ResponseReturnValue:
    """Messages that could not be delivered, with the reason, and a button to send each again."""
    return render_template(
        "admin/outbox.html",
        page=undelivered_page(page_number()),
        event_labels=EVENT_LABELS,
        channel_labels=CHANNEL_LABELS,
        mask_recipient=mask_recipient,
        masked_error=masked_error,
        failed=OutboxStatus.FAILED,
    )


@bp.post("/ujumbe/<int:outbox_id>/tuma-tena")
def outbox_resend(outbox_id: int) -> ResponseReturnValue:
    """Send a failed (or still retrying) message again, with a fresh set of attempts from now; audited."""
    message = get_or_404(OutboxMessage, outbox_id)
    if message.status not in RESENDABLE:
        flash(_("This message is not waiting to be sent: it was not sent again."), "info")
        return redirect(url_for("admin.outbox"), code=303)
    if message.recipient == ERASED:
        flash(_("This message's address was erased with the citizen's personal data: it cannot be sent again."), "info")
        return redirect(url_for("admin.outbox"), code=303)
    changes = {"status": [message.status.value, OutboxStatus.PENDING.value], "attempts": [message.attempts, 0]}
    resend(message)
    record(actor().id, "resend_outbox_message", message, changes)
    flash(_("The message will be sent again in a moment."), "success")
    return redirect(url_for("admin.outbox"), code=303)
