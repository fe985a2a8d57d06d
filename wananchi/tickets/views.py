"""Citizen pages: submit a ticket, see the receipt, track it, add information."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from wananchi.core.db import retry_on_conflict, utcnow
from wananchi.core.errors import DomainError, on_expired_form
from wananchi.core.forms import queue_from_form, refuse
from wananchi.core.i18n import current_language, remember_language
from wananchi.core.storage import file_store
from wananchi.extensions import db, limiter
from wananchi.tickets.answers import Offer, answer_finder
from wananchi.tickets.attachments import remove_files
from wananchi.tickets.form_files import form_files as _form_files
from wananchi.tickets.form_files import kept_on_form as _kept_on_form
from wananchi.tickets.forms import (
    DONT_KNOW,
    AddInformationForm,
    AppealForm,
    NewCodeForm,
    RatingForm,
    SubmitForm,
    TrackForm,
    category_groups,
    district_groups,
)
from wananchi.tickets.labels import (
    CITIZEN_STATUS_EXPLANATIONS,
    CITIZEN_STATUS_LABELS,
    IDENTITY_HINTS,
    MESSAGE_AUTHORS,
    OUTCOME_LABELS,
    STAFF_STATUS_LABELS,
    TYPE_HINTS,
    TYPE_LABELS,
)
from wananchi.tickets.models import Attachment, EventKind, Identity, KeptUpload, Ticket, TicketStatus, TicketType
from wananchi.tickets.progress import citizen_progress
from wananchi.tickets.references import format_tracking_code, normalise_reference
from wananchi.tickets.services import (
    AlreadySubmitted,
    Receipt,
    Submission,
    add_citizen_message,
    appeal_ticket,
    can_appeal,
    check_rules,
    current_tracking_code,
    find_tracked_ticket,
    form_submission_key,
    rate_ticket,
    stored_receipt,
    submit_ticket,
)
from wananchi.tickets.tasks import send_new_tracking_code
from wananchi.tickets.uploads import discard_kept_uploads

bp = Blueprint("tickets", __name__)

MAX_GRANTS = 20
OFFER_FIELD = "answers_offer"  # the token of the published answers the form offered before sending


def _configured(name: str) -> Callable[[], str]:
    """A rate limit read from the configuration when a request is checked (tests and deployments change it)."""
    return lambda: current_app.config[name]


def _per_reference(prefix: str) -> Callable[[], str]:
    """A rate-limit key for the ticket a form names, however its reference was typed."""
    return lambda: prefix + (normalise_reference(request.form.get("reference", "")) or "invalid")


def _per_ticket(prefix: str) -> Callable[[], str]:
    """A rate-limit key for the ticket whose page is posted to."""
    return lambda: prefix + (normalise_reference((request.view_args or {}).get("reference", "")) or "invalid")


def _per_reference_and_address(prefix: str) -> Callable[[], str]:
    """A rate-limit key for the ticket a form names and the address it came from: one address's guesses at a
    ticket are limited without locking out its citizen, who tracks it from another."""
    per_reference = _per_reference(prefix)
    return lambda: f"{per_reference()}:{get_remote_address()}"


def _render_submit(
    form: SubmitForm,
    status: int = 200,
    *,
    kept: Sequence[KeptUpload] = (),
    files_dropped: bool = False,
    offer: Offer | None = None,
):
    """The submit form; with `offer`, the published answers closest to it first, and the form as typed below.
    Once answers were offered, the form carries the offer's token, so that it is sent without stopping again."""
    return render_template(
        "tickets/submit.html",
        form=form,
        offer=offer,
        offer_token=offer.token if offer else request.form.get(OFFER_FIELD, "")[:32],
        category_groups=category_groups(),
        district_groups=district_groups(),
        dont_know=DONT_KNOW,
        type_hints=TYPE_HINTS,
        identity_hints=IDENTITY_HINTS,
        kept=list(kept),
        most_files=current_app.config["MAX_ATTACHMENTS"],
        files_dropped=files_dropped,
    ), status


def _expired_message() -> str:
    return _("This form had expired, so it was not sent. Check it and press Submit again.")


@on_expired_form("tickets.submit")
def _expired_submission():
    """The submit form again, as typed, after its security token expired: nothing is lost but new files."""
    form = SubmitForm(formdata=MultiDict(request.form))
    form.form_errors.append(_expired_message())
    kept, _lost = _kept_on_form()
    return _render_submit(form, 400, kept=kept, files_dropped=bool(request.files))


def _submission_limited(limit: RequestLimit) -> Response:
    """The submit form again with what was typed (and the files kept before), when too many were sent."""
    form = SubmitForm(formdata=MultiDict(request.form))
    form.form_errors.append(
        _(
            "Many tickets were sent from your network in a short time, so this one was not sent yet. What you "
            "typed is below: wait a few minutes, then press Submit again."
        )
    )
    kept, _lost = _kept_on_form()
    return make_response(_render_submit(form, 429, kept=kept, files_dropped=bool(request.files)))


def _ticket_sent(response: Response) -> bool:
    """Whether a post of the submit form sent a ticket (only those count towards the submission limit)."""
    return response.status_code == 303


@on_expired_form("tickets.detail")
def _expired_information(reference: str):
    """The ticket page again with the citizen's typed information, after its form expired."""
    ticket = _granted_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    form = AddInformationForm(formdata=MultiDict(request.form))
    form.form_errors.append(_expired_message())
    kept, _lost = _kept_on_form()
    return _render_detail(ticket, form, 400, kept=kept)


def _grant_key(ticket: Ticket) -> str:
    """A grant is for the ticket's current tracking code: a new code ends the grants the old one gave."""
    return f"{ticket.id}v{ticket.tracking_code_version}"


def _grant(ticket: Ticket) -> None:
    """Let this browser open the ticket for a while without typing the code again."""
    now = int(time.time())
    grants = {k: v for k, v in session.get("tracking", {}).items() if v > now}
    grants[_grant_key(ticket)] = now + current_app.config["TRACKING_GRANT_SECONDS"]
    session["tracking"] = dict(sorted(grants.items(), key=lambda kv: kv[1])[-MAX_GRANTS:])


def _granted_ticket(reference: str) -> Ticket | None:
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is None:
        return None
    expiry = session.get("tracking", {}).get(_grant_key(ticket), 0)
    if expiry <= time.time():
        return None
    # Signed again with the current key on every use: the cookie lasts a browser session, so it is refreshed only
    # when it is written, and a browser that keeps a ticket open must not lose it when the session key is rotated.
    session.modified = True
    return ticket


def opened_ticket(reference: str) -> Ticket | None:
    """The ticket, if this browser opened it with its tracking code lately; None otherwise."""
    return _granted_ticket(reference)


@bp.route("/wasilisha", methods=["GET", "POST"])
@limiter.limit(_configured("SUBMIT_ATTEMPT_RATE_LIMIT"), methods=["POST"], on_breach=_submission_limited)
@limiter.limit(
    _configured("SUBMIT_RATE_LIMIT"), methods=["POST"], deduct_when=_ticket_sent, on_breach=_submission_limited
)
def submit():
    """The submission form; a valid post creates one ticket, however often it is sent. A post that is not sent
    (a mistake, a file removed, the language switched) brings the form back as typed, with its files kept."""
    form = SubmitForm()
    if not form.is_submitted():
        form.fill_in_from_link(request.args)
        return _render_submit(form)
    files = _form_files(form)
    if "lugha" in request.form:  # the form's language button: the form again, as typed, in that language
        language = request.form["lugha"]
        if language not in current_app.config["LANGUAGES"]:
            language = current_language()
        with force_locale(language):
            page = _render_submit(form, kept=files.kept)
        return remember_language(make_response(page), language)
    if request.form.get("remove_upload"):
        return _render_submit(form, kept=files.kept)
    valid = form.validate()
    form.attachments.errors = [*form.attachments.errors, *files.refused]
    if not valid or files.refused:
        return _render_submit(form, 422, kept=files.kept)
    latitude, longitude = form.coordinates()
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
        language=current_language(),
        publication_consent=bool(form.publication_consent.data),
        place=form.place.data or None,
        latitude=latitude,
        longitude=longitude,
        kept=files.kept,
    )
    submission.submission_key = form_submission_key(form.submission_key.data, submission)
    try:
        check_rules(submission)  # before answers are offered: a form that cannot be sent says so first
    except DomainError as error:
        refuse(form, error)
        return _render_submit(form, 422, kept=files.kept)
    finder = answer_finder()
    offer_token = request.form.get(OFFER_FIELD)
    if finder is not None and offer_token is None:  # answers that may spare the citizen the wait, offered once
        offer = finder.offer(form.selected_category(), form.subject.data, form.description.data)
        if offer is not None:
            return _render_submit(form, kept=files.kept, offer=offer)
    try:
        receipt = _sent_before(submission) if files.lost else submit_ticket(submission, refuse_repeats=True)
    except AlreadySubmitted as resent:  # a double click, a browser's resend: the same receipt
        receipt = resent.receipt
    except DomainError as error:
        refuse(form, error)
        return _render_submit(form, 422, kept=files.kept)
    if not receipt.created:  # a form sent again: the files it brought again are its twin's, already stored
        remove_files(file_store(), discard_kept_uploads(files.new))
    elif finder is not None and offer_token:
        finder.submitted_anyway(offer_token, receipt.ticket)
    session["receipt"] = receipt.ticket.reference  # never the code: the session cookie is signed, not encrypted
    _grant(receipt.ticket)
    return redirect(url_for("tickets.receipt", reference=receipt.ticket.reference), code=303)


def _lost_files_message() -> str:
    return _(
        "Some files you attached earlier are no longer kept (after some hours they are deleted). Choose them again."
    )


def _sent_before(submission: Submission) -> Receipt:
    """The receipt of a form whose kept files are gone because the same form was sent already (a double click),
    or DomainError when they are gone for another reason (removed, expired, kept for another browser)."""
    receipt = stored_receipt(submission.submission_key)
    if receipt is None:
        raise DomainError(_lost_files_message(), field="attachments")
    return receipt


@bp.get("/wasilisha/<reference>/imepokelewa")
def receipt(reference: str):
    """The confirmation: reference number, tracking code, where the ticket went and what happens next.

    The browser that submitted the ticket can show it again (a reload, a page lost on a slow network) while its
    grant lasts: the code is derived again from the ticket, never kept in the session cookie.
    """
    ticket = _granted_ticket(reference)
    if ticket is None or session.get("receipt") != reference:
        return redirect(url_for("tickets.track", ref=reference))
    return render_template(
        "tickets/receipt.html",
        ticket=ticket,
        tracking_code=format_tracking_code(current_tracking_code(ticket)),
        receipt_withheld=any(event.kind == EventKind.RECEIPT_WITHHELD for event in ticket.events),
    )


@bp.post("/hoja/<reference>/funga-kifaa")
def close_on_device(reference: str):
    """Funga hoja hii kwenye kifaa hiki: this browser no longer opens the ticket (or shows its receipt) without the
    reference number and tracking code, for a phone or computer that others use. The ticket itself is untouched."""
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    if ticket is not None:
        mine = f"{ticket.id}v"
        session["tracking"] = {k: v for k, v in session.get("tracking", {}).items() if not k.startswith(mine)}
    if session.get("receipt") == reference:
        session.pop("receipt")
    flash(
        _(
            "Ticket %(reference)s is closed on this device: it is still being handled, and opens again with its "
            "reference number and tracking code.",
            reference=reference,
        ),
        "success",
    )
    return redirect(url_for("tickets.track"), code=303)


@bp.route("/fuatilia", methods=["GET", "POST"])
@limiter.limit(_configured("TRACK_RATE_LIMIT"), methods=["POST"])
@limiter.limit(
    _configured("TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT"),
    methods=["POST"],
    key_func=_per_reference_and_address("track:"),
)
def track():
    """Open a ticket with its reference number and tracking code."""
    form = TrackForm()
    if request.method == "GET":
        form.fill_in_reference(request.args.get("ref"))
    if form.validate_on_submit():
        ticket = find_tracked_ticket(form.reference.data, form.code.data)
        if ticket is not None:
            _grant(ticket)
            return redirect(url_for("tickets.detail", reference=ticket.reference), code=303)
        form.form_errors.append(
            _("We found no ticket with this reference number and tracking code. Check both and try again.")
        )
    status = 422 if form.is_submitted() else 200
    return render_template("tickets/track.html", form=form), status


@bp.route("/fuatilia/msimbo-mpya", methods=["GET", "POST"])
@limiter.limit(_configured("NEW_CODE_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_configured("NEW_CODE_PER_REFERENCE_LIMIT"), methods=["POST"], key_func=_per_reference("new-code:"))
def new_code():
    """A citizen who lost the tracking code asks for a new one, sent to the contact given with the ticket.

    The answer is the same whether or not the reference exists and the contact is the ticket's, and so is the
    work: the request only queues them, and a worker decides (wananchi.tickets.tasks.send_new_tracking_code).
    """
    form = NewCodeForm()
    if request.method == "GET":
        form.fill_in_reference(request.args.get("ref"))
    if form.validate_on_submit():
        reference, contact = form.reference.data or "", form.contact.data or ""
        if not queue_from_form(form, send_new_tracking_code, reference, contact, request_name="a new tracking code"):
            return render_template("tickets/new_code.html", form=form, sent=False), 503
        return render_template("tickets/new_code.html", form=form, sent=True)
    status = 422 if form.is_submitted() else 200
    return render_template("tickets/new_code.html", form=form, sent=False), status


def _information_limited(limit: RequestLimit) -> Response | None:
    """The ticket page again with the citizen's typed information, when adding information was limited."""
    ticket = _granted_ticket((request.view_args or {}).get("reference", ""))
    if ticket is None:
        return None  # the plain page for too many requests
    form = AddInformationForm(formdata=MultiDict(request.form))
    form.form_errors.append(
        _(
            "Information was added to this ticket many times in a short time, so this was not sent. "
            "Wait a few minutes and press Send again (choose any files again)."
        )
    )
    kept, _lost = _kept_on_form()
    return make_response(_render_detail(ticket, form, 429, kept=kept))


@bp.route("/hoja/<reference>", methods=["GET", "POST"])
@limiter.limit(_configured("ADD_INFORMATION_RATE_LIMIT"), methods=["POST"], on_breach=_information_limited)
@limiter.shared_limit(  # shared with the API's: one count per ticket, whichever way information comes
    _configured("ADD_INFORMATION_PER_TICKET_LIMIT"),
    scope="add-information",
    methods=["POST"],
    key_func=_per_ticket("add-information:"),
    on_breach=_information_limited,
)
def detail(reference: str):
    """A tracked ticket as the citizen sees it, with the form to add information."""
    ticket = _granted_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    form = AddInformationForm()
    if not form.is_submitted():
        return _render_detail(ticket, form, 200)
    files = _form_files(form)  # kept whatever the answer: a citizen who must correct something uploads them once
    if request.form.get("remove_upload"):
        return _render_detail(ticket, form, 200, kept=files.kept)
    status = 422
    valid = form.validate()
    form.attachments.errors = [*form.attachments.errors, *files.refused]
    if files.lost:
        form.attachments.errors.append(_lost_files_message())
    if valid and not files.refused and not files.lost:
        try:
            retry_on_conflict(lambda: add_citizen_message(ticket, form.body.data or "", [], kept=files.kept))
        except StaleDataError:
            form.form_errors.append(
                _(
                    "The ticket changed at the same moment, so your information was not added. It is still "
                    "below: check it and press Send again."
                )
            )
            status = 409
        except DomainError as error:
            refuse(form, error, otherwise="body")
        else:
            session["flash_added"] = True
            return redirect(url_for("tickets.detail", reference=reference, _anchor="thread"), code=303)
    return _render_detail(ticket, form, status, kept=files.kept)


def _not_saved() -> str:
    return _("The ticket changed at the same moment, so this was not saved. Check what you chose, then send it again.")


def _render_detail(
    ticket: Ticket,
    form: AddInformationForm,
    status: int,
    *,
    kept: Sequence[KeptUpload] = (),
    rating_form: RatingForm | None = None,
    appeal_form: AppealForm | None = None,
):
    survivor = ticket.survivor
    now = utcnow()
    return render_template(
        "tickets/detail.html",
        ticket=ticket,
        now=now,
        form=form,
        rating_form=rating_form or RatingForm(formdata=None),
        appeal_form=appeal_form or AppealForm(formdata=None),
        can_rate=ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and ticket.satisfaction_rating is None,
        can_appeal=can_appeal(ticket, now),
        survivor=survivor,
        # Another citizen's ticket: "awaiting citizen" is not waiting for this one.
        survivor_status=STAFF_STATUS_LABELS[survivor.status] if survivor else None,
        outcome_labels=OUTCOME_LABELS,
        status_label=CITIZEN_STATUS_LABELS[ticket.status],
        status_explanation=CITIZEN_STATUS_EXPLANATIONS[ticket.status],
        type_label=TYPE_LABELS[ticket.type],
        message_authors=MESSAGE_AUTHORS,
        progress=citizen_progress(ticket),
        added=session.pop("flash_added", False),
        kept=list(kept),
        most_files=current_app.config["MAX_ATTACHMENTS"],
        refused=status >= 400,
    ), status


@bp.post("/hoja/<reference>/kiwango")
def rate(reference: str):
    """The citizen rates the answer (1-5) once the ticket is resolved."""
    ticket = _granted_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    rating_form = RatingForm()
    status = 422
    if rating_form.validate():
        rating, comment = int(rating_form.rating.data or 0), rating_form.comment.data or ""
        try:
            retry_on_conflict(lambda: rate_ticket(ticket, rating, comment))
        except StaleDataError:
            rating_form.form_errors.append(_not_saved())
            status = 409
        except DomainError as error:
            refuse(rating_form, error)
        else:
            return redirect(url_for("tickets.detail", reference=reference, _anchor="rating"), code=303)
    return _render_detail(ticket, AddInformationForm(formdata=None), status, rating_form=rating_form)


@bp.post("/hoja/<reference>/rufaa")
def appeal(reference: str):
    """The citizen reopens an unsatisfactory answer to a complaint, once, within 14 days."""
    ticket = _granted_ticket(reference)
    if ticket is None:
        return redirect(url_for("tickets.track", ref=reference))
    appeal_form = AppealForm()
    status = 422
    if appeal_form.validate():
        try:
            retry_on_conflict(lambda: appeal_ticket(ticket, appeal_form.reason.data or ""))
        except StaleDataError:
            appeal_form.form_errors.append(_not_saved())
            status = 409
        except DomainError as error:
            refuse(appeal_form, error)
        else:
            return redirect(url_for("tickets.detail", reference=reference), code=303)
    return _render_detail(ticket, AddInformationForm(formdata=None), status, appeal_form=appeal_form)


@bp.get("/hoja/<reference>/viambatisho/<int:attachment_id>")
def attachment(reference: str, attachment_id: int):
    """A file of a tracked ticket, sent as a download with the type its content showed."""
    ticket = _granted_ticket(reference)
    if ticket is None:
        abort(404)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.ticket_id != ticket.id:
        abort(404)
    return file_store().send(item.stored_name, mimetype=item.content_type, download_name=item.filename)
