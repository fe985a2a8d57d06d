"""The citizen's personal data from the tracking page (download, consent withdrawal), and the supervisor's
legal hold on the officer's ticket page."""

from __future__ import annotations

import datetime as dt
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from wananchi.core.db import retry_on_conflict, utcnow
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.privacy.forms import CorrectionForm, DecisionForm, ErasureForm, StaffRequestForm
from wananchi.privacy.labels import IDENTITY_CHECK_LABELS, REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus
from wananchi.privacy.requests import (
    IdentityCheck,
    decide_request,
    decision_days,
    record_request_for_citizen,
    request_correction,
    request_erasure,
    ticket_requests,
)
from wananchi.privacy.services import (
    NotPermitted,
    labels_in_both_languages,
    record_download,
    set_legal_hold,
    ticket_data,
    withdraw_consent,
)
from wananchi.tickets.access import VIEW_CONTACT, record_access
from wananchi.tickets.labels import CITIZEN_STATUS_LABELS, EVENT_LABELS, MESSAGE_AUTHORS, TYPE_LABELS
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.staff import bp as staff_bp
from wananchi.tickets.staff_forms import LegalHoldForm
from wananchi.tickets.staff_views import load_ticket, render_ticket
from wananchi.tickets.views import opened_ticket

bp = Blueprint("privacy", __name__)

LANGUAGES = ("sw", "en")


@bp.get("/hoja/<reference>/taarifa-zangu")
def my_data(reference: str):
    """Everything held about a tracked ticket, as a page to read or print, in the language the citizen chose."""
    ticket = opened_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    record_download(ticket, "page")
    return render_template(
        "privacy/my_data.html",
        ticket=ticket,
        data=ticket_data(ticket),
        status_label=CITIZEN_STATUS_LABELS[ticket.status],
        type_label=TYPE_LABELS[ticket.type],
        message_authors=MESSAGE_AUTHORS,
        event_labels=EVENT_LABELS,
    )


@bp.get("/hoja/<reference>/taarifa-zangu.json")
def my_data_json(reference: str):
    """Everything held about a tracked ticket, as a JSON file to keep or take elsewhere."""
    ticket = opened_ticket(reference)
    if ticket is None:
        abort(404)
    record_download(ticket, "json")
    data = {
        **ticket_data(ticket),
        "requests": [
            {
                "kind": str(item.kind),
                "status": str(item.status),
                "details": item.details,
                "reason": item.reason,
                "created_at": item.created_at.isoformat(),
                "reference": item.request_ticket.reference if item.request_ticket else None,
                "due_at": item.due_at.isoformat() if item.due_at else None,
                "decided_at": item.decided_at.isoformat() if item.decided_at else None,
                "decision_reason": item.decision_reason,
                "identity_checked_by_staff": item.identity_check,
            }
            for item in ticket_requests(ticket)
        ],
        "labels": labels_in_both_languages(ticket),
    }
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{ticket.reference}.json"', "Cache-Control": "no-store"},
    )


@bp.post("/hoja/<reference>/ridhaa")
def withdraw(reference: str):
    """The citizen withdraws their consent to publication: the text and the answer stop being published (the
    security token is checked for every form, before this view)."""
    ticket = opened_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    retry_on_conflict(lambda: withdraw_consent(ticket))
    flash(
        _("Your consent has been withdrawn: the text of your ticket and the answer are no longer published."), "success"
    )
    return redirect(url_for("tickets.detail", reference=ticket.reference, _anchor="personal-data"), code=303)


@staff_bp.post("/hoja/<reference>/zuio-la-kisheria")
def legal_hold(reference: str):
    """Set a legal hold on the ticket's personal data, or lift it (the institution's supervisor)."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.HOLD_PERSONAL_DATA, ticket):
        abort(403)
    form = LegalHoldForm()
    if not form.validate():
        return render_ticket(ticket, bound=("legal_hold", form), status=422)
    if form.seen_version() != ticket.version:
        return render_ticket(ticket, bound=("legal_hold", form), status=409, conflict=True)
    hold = not ticket.legal_hold
    try:
        set_legal_hold(ticket, hold, form.reason.data or "", actor=current_user)
    except NotPermitted:
        abort(403)
    except DomainError as error:
        refuse(form, error)
        return render_ticket(ticket, bound=("legal_hold", form), status=422)
    flash(_("The legal hold has been set.") if hold else _("The legal hold has been lifted."), "success")
    return redirect(url_for("staff.ticket", reference=ticket.reference, _anchor="legal-hold"), code=303)


# --- requests about personal data -------------------------------------------------------------------------------


def _render_rights(ticket: Ticket, correction: CorrectionForm, erasure: ErasureForm, status: int = 200):
    return render_template(
        "privacy/rights.html",
        ticket=ticket,
        correction=correction,
        erasure=erasure,
        requests=ticket_requests(ticket),
        kind_labels=REQUEST_KIND_LABELS,
        status_labels=REQUEST_STATUS_LABELS,
        days=decision_days(ticket),
        refused=status >= 400,
    ), status


@bp.get("/hoja/<reference>/haki-zangu")
def rights(reference: str):
    """The citizen's requests about their ticket's personal data: correct it, erase it early; and their answers."""
    ticket = opened_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    return _render_rights(ticket, CorrectionForm(formdata=None), ErasureForm(formdata=None))


@bp.post("/hoja/<reference>/haki-zangu/marekebisho")
def ask_correction(reference: str):
    """The citizen asks for their contact details to be corrected."""
    ticket = opened_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    form = CorrectionForm()
    if form.validate():
        try:
            request_correction(ticket, form.details(), form.reason.data or "")
        except DomainError as error:
            refuse(form, error)
        else:
            flash(
                _(
                    "Your request has been received. The supervisor will decide it within %(days)d working days.",
                    days=decision_days(ticket),
                ),
                "success",
            )
            return redirect(url_for("privacy.rights", reference=ticket.reference), code=303)
    return _render_rights(ticket, form, ErasureForm(formdata=None), 422)


@bp.post("/hoja/<reference>/haki-zangu/kufuta")
def ask_erasure(reference: str):
    """The citizen asks for their contact details and files to be erased before the retention period ends."""
    ticket = opened_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    form = ErasureForm()
    if form.validate():
        try:
            request_erasure(ticket, form.reason.data or "")
        except DomainError as error:
            refuse(form, error)
        else:
            flash(
                _(
                    "Your request has been received. The supervisor will decide it within %(days)d working days.",
                    days=decision_days(ticket),
                ),
                "success",
            )
            return redirect(url_for("privacy.rights", reference=ticket.reference), code=303)
    return _render_rights(ticket, CorrectionForm(formdata=None), form, 422)


@staff_bp.get("/maombi-ya-taarifa")
def data_requests():
    """The supervisor's list of requests about personal data waiting for a decision, the nearest due first."""
    institution = db.session.get(Institution, current_user.institution_id or 0)
    if institution is None or not can(current_user, Permission.DECIDE_DATA_REQUEST, institution):
        abort(404)
    own = aliased(Ticket)
    pending = db.session.scalars(
        select(DataRequest)
        .join(Ticket, Ticket.id == DataRequest.ticket_id)
        .outerjoin(own, own.id == DataRequest.request_ticket_id)
        .where(Ticket.institution_id == institution.id, DataRequest.status == RequestStatus.PENDING)
        .order_by(own.resolution_due_at.is_(None), own.resolution_due_at, DataRequest.id)
    ).all()
    return render_template("privacy/requests.html", requests=pending, now=utcnow(), kind_labels=REQUEST_KIND_LABELS)


def _render_decision(ticket: Ticket, forms: dict[int, DecisionForm], status: int = 200):
    requests = ticket_requests(ticket)
    return render_template(
        "privacy/decide.html",
        ticket=ticket,
        requests=requests,
        forms={r.id: forms.get(r.id) or DecisionForm(formdata=None) for r in requests},
        now=utcnow(),
        kind_labels=REQUEST_KIND_LABELS,
        check_labels=IDENTITY_CHECK_LABELS,
        status_labels=REQUEST_STATUS_LABELS,
    ), status


@staff_bp.get("/hoja/<reference>/maombi-ya-taarifa")
def ticket_data_requests(reference: str):
    """A ticket's requests about personal data, with the decision forms (the institution's supervisor)."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.DECIDE_DATA_REQUEST, ticket):
        abort(403)
    return _render_decision(ticket, {})


@staff_bp.post("/hoja/<reference>/maombi-ya-taarifa/<int:request_id>")
def decide(reference: str, request_id: int):
    """Grant or refuse one request, with the reason."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.DECIDE_DATA_REQUEST, ticket):
        abort(403)
    data_request = db.session.get(DataRequest, request_id)
    if data_request is None or data_request.ticket_id != ticket.id:
        abort(404)
    form = DecisionForm()
    if form.validate():
        try:
            decide_request(data_request, form.decision.data == "grant", form.reason.data or "", actor=current_user)
        except NotPermitted:
            abort(403)
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The decision has been recorded."), "success")
            return redirect(url_for("staff.ticket_data_requests", reference=ticket.reference), code=303)
    return _render_decision(ticket, {data_request.id: form}, 422)


# --- requests recorded by staff for a citizen whose identity they checked -------------------------------------


def _render_record(ticket: Ticket, form: StaffRequestForm, status: int = 200):
    return render_template(
        "privacy/record_request.html",
        ticket=ticket,
        form=form,
        requests=ticket_requests(ticket),
        kind_labels=REQUEST_KIND_LABELS,
        status_labels=REQUEST_STATUS_LABELS,
        check_labels=IDENTITY_CHECK_LABELS,
        days=decision_days(ticket),
    ), status


@staff_bp.route("/hoja/<reference>/ombi-la-mwananchi", methods=["GET", "POST"])
def record_data_request(reference: str):
    """An officer records a citizen's request about their personal data (a copy, a correction, an erasure) after
    checking who they are, noting how."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.RECORD_DATA_REQUEST, ticket):
        abort(403)
    form = StaffRequestForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        check = IdentityCheck(form.identity_check.data or "", form.identity_note.data or "")
        try:
            recorded = record_request_for_citizen(
                ticket,
                RequestKind(form.kind.data),
                form.details(),
                form.reason.data or "",
                check,
                actor=current_user,
            )
        except NotPermitted:
            abort(403)
        except DomainError as error:
            refuse(form, error)
        else:
            if recorded.kind == RequestKind.ACCESS:
                return redirect(url_for("staff.citizen_data_copy", reference=ticket.reference), code=303)
            flash(
                _(
                    "The request has been recorded. The supervisor will decide it within %(days)d working days.",
                    days=decision_days(ticket),
                ),
                "success",
            )
            return redirect(url_for("staff.record_data_request", reference=ticket.reference), code=303)
    return _render_record(ticket, form, 422 if request.method == "POST" else 200)


ACCESS_COPY_HOURS = 24  # how long after a checked access request its copy can be printed


@staff_bp.get("/hoja/<reference>/nakala-ya-taarifa")
def citizen_data_copy(reference: str):
    """The printable copy of everything held about the ticket, in the ticket's language or the other (?lang=en), for
    the citizen whose identity an officer checked in the last ACCESS_COPY_HOURS hours; each copy is in the audit log."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.RECORD_DATA_REQUEST, ticket):
        abort(403)
    since = utcnow() - dt.timedelta(hours=ACCESS_COPY_HOURS)
    checked = db.session.scalar(
        select(DataRequest.id).where(
            DataRequest.ticket_id == ticket.id,
            DataRequest.kind == RequestKind.ACCESS,
            DataRequest.status == RequestStatus.GRANTED,
            DataRequest.created_at >= since,
        )
    )
    if checked is None:
        flash(
            _("Record the citizen's request, with how you checked who they are, before printing their data."), "error"
        )
        return redirect(url_for("staff.record_data_request", reference=ticket.reference), code=303)
    language = request.args.get("lang", ticket.language)
    language = language if language in LANGUAGES else "sw"
    record_access(current_user, VIEW_CONTACT, ticket, via="copy for the citizen", request=checked)
    with force_locale(language):
        return render_template(
            "privacy/my_data.html",
            ticket=ticket,
            data=ticket_data(ticket),
            language=language,
            staff_copy=True,
            status_label=CITIZEN_STATUS_LABELS[ticket.status],
            type_label=TYPE_LABELS[ticket.type],
            message_authors=MESSAGE_AUTHORS,
            event_labels=EVENT_LABELS,
        )
