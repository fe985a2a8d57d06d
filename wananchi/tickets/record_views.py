"""The officer's form for a ticket taken by telephone, at the desk, by letter, e-mail or social media."""

from __future__ import annotations

from flask import abort, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select

from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.extensions import db
from wananchi.tickets.attachments import IncomingFile
from wananchi.tickets.forms import DONT_KNOW, category_groups, district_groups
from wananchi.tickets.intake import record_ticket
from wananchi.tickets.labels import CHANNEL_LABELS, RECORDED_IDENTITY_HINTS, RECORDED_TYPE_HINTS
from wananchi.tickets.models import Channel, EventKind, Identity, Ticket, TicketType
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.references import format_tracking_code
from wananchi.tickets.services import AlreadySubmitted, Submission, current_tracking_code, form_submission_key
from wananchi.tickets.staff import bp
from wananchi.tickets.staff_forms import RecordForm

RECORDED = "recorded"


def _render(form: RecordForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "staff/record.html",
        form=form,
        category_groups=category_groups(),
        district_groups=district_groups(),
        dont_know=DONT_KNOW,
        type_hints=RECORDED_TYPE_HINTS,
        identity_hints=RECORDED_IDENTITY_HINTS,
    ), status


@bp.route("/hoja-mpya", methods=["GET", "POST"])
def record():  # type: ignore[no-untyped-def]
    """Record a ticket on a citizen's behalf; it is routed, timed and told like any other."""
    if not can(current_user, Permission.RECORD_TICKET, current_user.institution):
        abort(404)
    form = RecordForm()
    if not form.is_submitted():
        return _render(form)
    if not form.validate():
        return _render(form, 422)
    submission = Submission(
        type=TicketType(form.type.data),
        category=form.selected_category(),
        district=form.selected_district(),
        subject=form.subject.data,
        description=form.description.data,
        identity=Identity(form.identity.data),
        name=form.name.data or None,
        email=form.normalised_email,
        phone=form.normalised_phone,
        language=form.language.data or "sw",
        channel=Channel(form.channel.data),
        files=[IncomingFile(filename=f.filename or "", stream=f.stream) for f in (form.attachments.data or []) if f],
        publication_consent=bool(form.publication_consent.data),
    )
    submission.submission_key = form_submission_key(form.submission_key.data, submission)
    try:
        receipt = record_ticket(submission, actor=current_user)  # type: ignore[arg-type]
    except AlreadySubmitted as resent:  # the form sent twice: the ticket recorded the first time
        receipt = resent.receipt
    except DomainError as error:
        refuse(form, error)
        return _render(form, 422)
    session[RECORDED] = receipt.ticket.reference
    return redirect(url_for("staff.recorded", reference=receipt.ticket.reference), code=303)


@bp.get("/hoja-mpya/<reference>")
def recorded(reference: str):  # type: ignore[no-untyped-def]
    """What to tell the citizen: the reference, and the tracking code when no message will carry it to them."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None or session.get(RECORDED) != reference or not can(current_user, Permission.VIEW_TICKET, ticket):
        abort(404)
    told = [channel for channel, given in (("email", ticket.citizen_email), ("sms", ticket.citizen_phone)) if given]
    withheld = any(event.kind == EventKind.RECEIPT_WITHHELD for event in ticket.events)
    code = format_tracking_code(current_tracking_code(ticket)) if not told or withheld else None
    return render_template(
        "staff/recorded.html", ticket=ticket, told=told, code=code, channel_label=CHANNEL_LABELS[ticket.channel]
    )
