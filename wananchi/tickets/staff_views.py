"""The officer's ticket page and its actions; a ticket out of the user's reach answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from wananchi.accounts.models import User
from wananchi.core.db import rollback
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.core.i18n import localized_name
from wananchi.core.numbers import whole_number
from wananchi.core.storage import file_store
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.tickets import access, actions
from wananchi.tickets.access import record_access
from wananchi.tickets.attachments import THUMBNAIL_SIDE
from wananchi.tickets.attachments import thumbnail as thumbnail_of
from wananchi.tickets.canned import fill_canned_response
from wananchi.tickets.duplicates import possible_duplicates
from wananchi.tickets.form_files import form_files
from wananchi.tickets.forms import officer_choices, transfer_choices
from wananchi.tickets.labels import CHANNEL_LABELS, OTHER_FORM_LABELS, OUTCOME_LABELS, STAFF_STATUS_LABELS, TYPE_LABELS
from wananchi.tickets.models import Attachment, CannedResponse, SuggestionOutcome, Ticket, TicketType
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.presence import colleagues_on, note_opening
from wananchi.tickets.queue import next_in_queue, parse_filter
from wananchi.tickets.references import normalise_reference
from wananchi.tickets.routing_offers import accept_offer, record_offer
from wananchi.tickets.routing_suggestions import suggest_routing
from wananchi.tickets.staff import bp
from wananchi.tickets.staff_forms import (
    AssignForm,
    ClaimForm,
    CloseForm,
    CommendationForm,
    ContactForm,
    FilesForm,
    InformationRequestForm,
    LegalHoldForm,
    MergeForm,
    NoteForm,
    ReopenForm,
    ReplyForm,
    ResolveForm,
    TransferForm,
    VersionedForm,
)
from wananchi.tickets.workflow import ACTION_LABELS, Action

# The `rudi` (return) argument of an action's address when it was taken on a row of the escalation inbox.
RETURN_TO_INBOX = "upandishaji"


def load_ticket(reference: str, permission: Permission = Permission.VIEW_TICKET) -> Ticket:
    """The ticket, if the current user holds `permission` on it; 404 otherwise (never 403: no oracle)."""
    canonical = normalise_reference(reference)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
    if ticket is None or not can(current_user, permission, ticket):
        abort(404)
    return ticket


def queue_place(ticket: Ticket) -> dict[str, Any]:
    """Where the officer came from: the queue's tab and filters (kept in every link and action of the ticket page),
    and the next ticket of that queue."""
    flt, _messages = parse_filter(request.args)
    following, position = next_in_queue(current_user, flt, ticket, request.args.get("pos"))
    args: dict[str, Any] = {**flt.query_args(), "pos": position}
    if request.args.get("rudi") == RETURN_TO_INBOX:  # opened from the escalation inbox: its actions return there
        args.update(rudi=RETURN_TO_INBOX, zote="1" if request.args.get("zote") else None)
    return {"args": args, "queue_args": flt.query_args(), "next": following}


def _forms(ticket: Ticket) -> dict[str, VersionedForm]:
    """A fresh form for every action, each carrying the ticket's current version."""
    forms: dict[str, VersionedForm] = {
        "claim": ClaimForm(formdata=None),
        "reply": ReplyForm(formdata=None),
        "note": NoteForm(formdata=None),
        "request_info": InformationRequestForm(formdata=None),
        "resolve": ResolveForm(formdata=None),
        "close": CloseForm(formdata=None),
        "reopen": ReopenForm(formdata=None),
        "transfer": TransferForm(formdata=None),
        "merge": MergeForm(formdata=None),
        "assign": AssignForm(formdata=None),
        "commend": CommendationForm(formdata=None),
        "contact": ContactForm(formdata=None),
        "legal_hold": LegalHoldForm(formdata=None),
    }
    for form in forms.values():
        form.version.data = str(ticket.version)
    return forms


def render_ticket(
    ticket: Ticket,
    *,
    bound: tuple[str, VersionedForm] | None = None,
    status: int = 200,
    show_contact: bool = False,
    conflict: bool = False,
):
    """The ticket page; `bound` is the form the officer just sent, shown again with its text and errors."""
    forms = _forms(ticket)
    failed = None
    if bound is not None:
        name, form = bound
        form.version.data = str(ticket.version)
        forms[name] = form
        failed = name if status >= 400 and not conflict else None
    officers = officer_choices(ticket.institution_id)
    forms["assign"].assignee.choices = officers  # type: ignore[attr-defined]
    forms["commend"].officer.choices = officers  # type: ignore[attr-defined]
    forms["transfer"].institution.choices = transfer_choices(ticket.institution_id)  # type: ignore[attr-defined]
    can_work = can(current_user, Permission.WORK_TICKET, ticket)
    canned = []
    if can_work:
        canned = list(
            db.session.scalars(
                select(CannedResponse)
                .where(CannedResponse.institution_id == ticket.institution_id)
                .order_by(CannedResponse.title)
            )
        )
    canned_choices = [SelectChoice("", "—"), *(SelectChoice(str(item.id), item.title) for item in canned)]
    for name in ("reply", "request_info"):
        forms[name].canned.choices = canned_choices  # type: ignore[attr-defined]
    available = actions.available_actions(ticket)
    routing, routing_offer = [], None
    if can_work and ticket.institution.is_triage and Action.TRANSFER in available:
        routing = [s for s in suggest_routing(ticket) if s.institution.id != ticket.institution_id]
        routing_offer = record_offer(ticket, routing, shown_to=current_user)
    similar_open = possible_duplicates(ticket) if can_work and Action.MERGE in available else []
    return render_template(
        "staff/ticket.html",
        ticket=ticket,
        routing=routing,
        routing_offer=routing_offer,
        similar_open=similar_open,
        forms=forms,
        can_work=can_work,
        can_assign=can(current_user, Permission.ASSIGN_TICKET, ticket),
        can_note=can(current_user, Permission.NOTE_TICKET, ticket),
        can_see_contact=can(current_user, Permission.VIEW_CONTACT, ticket),
        can_hold=can(current_user, Permission.HOLD_PERSONAL_DATA, ticket),
        duplicates=ticket.merged_duplicates,
        show_contact=show_contact,
        conflict=conflict,
        failed=failed,
        open_form=bound[0] if bound is not None else None,
        thumbnail_size=THUMBNAIL_SIDE,
        colleagues=colleagues_on(ticket, current_user),
        most_files=current_app.config["MAX_ATTACHMENTS"],
        failed_label=OTHER_FORM_LABELS.get(failed) or ACTION_LABELS[Action(failed)] if failed else "",
        allowed={action.value for action in available},
        status_label=STAFF_STATUS_LABELS[ticket.status],
        type_label=TYPE_LABELS[ticket.type],
        action_labels=ACTION_LABELS,
        channel_labels=CHANNEL_LABELS,
        outcome_labels=OUTCOME_LABELS,
        canned=canned,
        is_question=ticket.type == TicketType.QUESTION,
        is_suggestion=ticket.type == TicketType.SUGGESTION,
        is_commendation=ticket.type == TicketType.COMMENDATION,
        place=queue_place(ticket),
    ), status


@bp.get("/hoja/<reference>")
def ticket(reference: str):
    """The officer's view of a ticket: thread, attachments, contact (when allowed), history, actions; each view is
    in the audit log, and the opening is noted so that colleagues who open it in the next minutes are told."""
    ticket = load_ticket(reference)
    record_access(current_user, access.VIEW_TICKET, ticket, via="page")
    page = render_ticket(ticket)
    note_opening(ticket, current_user)
    return page


# --- actions -------------------------------------------------------------------------------------

Handler = Callable[[Ticket, Any, User, int | None], Any]


def _user_of(ticket: Ticket, value: str | None) -> User | None:
    user_id = whole_number(value)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.institution_id == ticket.institution_id else None


def _claim(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.claim_ticket(ticket, actor=actor, version=version)
    return _("You have taken this ticket.")


def _assign(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    assignee = _user_of(ticket, form.assignee.data)
    if assignee is None:
        raise DomainError(_("Choose an officer of this institution."), field="assignee")
    actions.assign_ticket(ticket, assignee, actor=actor, version=version)
    return _("The ticket has been assigned to %(name)s.", name=assignee.name)


def _reply(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.reply_to_citizen(
        ticket, form.body.data, actor=actor, resolve=bool(form.resolve.data), files=form.kept, version=version
    )
    return _("Your reply has been sent to the citizen.")


def _note(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.add_note(ticket, form.body.data, actor=actor, version=version)
    return _("The note has been added.")


def _request_info(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.request_information(ticket, form.body.data, actor=actor, files=form.kept, version=version)
    return _("The citizen has been asked for information; the ticket now waits for them.")


def _resolve(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    outcome = SuggestionOutcome(form.outcome.data) if form.outcome.data in set(SuggestionOutcome) else None
    actions.resolve_ticket(ticket, form.summary.data, actor=actor, outcome=outcome, version=version)
    return _("The ticket has been resolved.")


def _close(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.close_ticket(ticket, actor=actor, version=version)
    return _("The ticket has been closed.")


def _reopen(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.reopen_ticket(ticket, form.reason.data, actor=actor, version=version)
    return _("The ticket has been reopened.")


def _transfer(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    institution_id = whole_number(form.institution.data)
    target = db.session.get(Institution, institution_id) if institution_id is not None else None
    if target is None:
        raise DomainError(_("Choose the institution."), field="institution")
    service_id = whole_number(form.service.data)
    service = db.session.get(Category, service_id) if service_id is not None else None
    if form.service.data and service is None:
        raise DomainError(_("Choose a service that the receiving institution answers."), field="institution")
    actions.transfer_ticket(ticket, target, form.reason.data, actor=actor, version=version, service=service)
    accept_offer(ticket, whole_number(form.offer.data), whole_number(form.rank.data), actor=actor)
    return _("The ticket has been transferred to %(name)s.", name=localized_name(target))


def _merge(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    canonical = normalise_reference(form.reference.data or "")
    into = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
    if into is None or not can(actor, Permission.VIEW_TICKET, into):
        raise DomainError(_("There is no ticket with this reference number in your reach."), field="reference")
    actions.merge_ticket(ticket, into, actor=actor, version=version)
    return _("The ticket has been merged into %(reference)s.", reference=into.reference)


def _commend(ticket, form, actor, version):  # type: ignore[no-untyped-def]
    actions.pass_commendation(
        ticket, actor=actor, to_text=form.unit.data or "", to_user=_user_of(ticket, form.officer.data), version=version
    )
    return _("The commendation has been passed on.")


ACTIONS: dict[str, tuple[type[VersionedForm], Handler, Permission]] = {
    "claim": (ClaimForm, _claim, Permission.WORK_TICKET),
    "assign": (AssignForm, _assign, Permission.ASSIGN_TICKET),
    "reply": (ReplyForm, _reply, Permission.WORK_TICKET),
    "note": (NoteForm, _note, Permission.NOTE_TICKET),
    "request_info": (InformationRequestForm, _request_info, Permission.WORK_TICKET),
    "resolve": (ResolveForm, _resolve, Permission.WORK_TICKET),
    "close": (CloseForm, _close, Permission.WORK_TICKET),
    "reopen": (ReopenForm, _reopen, Permission.WORK_TICKET),
    "transfer": (TransferForm, _transfer, Permission.WORK_TICKET),
    "merge": (MergeForm, _merge, Permission.WORK_TICKET),
    "commend": (CommendationForm, _commend, Permission.WORK_TICKET),
}


def _lost_files_message() -> str:
    return _(
        "Some files you attached earlier are no longer kept (after some hours they are deleted). Choose them again."
    )


def _files_step(ticket: Ticket, name: str, form: FilesForm) -> tuple[Any, list[str]]:
    """Keep the files a reply or request brought (checked as the citizen's are, kept for this session whatever the
    answer); answer at once when the officer removed a kept file or asked for a canned response to be inserted.
    Returns that answer (or None) and the problems with the files."""
    files = form_files(form)
    form.kept = files.kept
    if request.form.get("remove_upload"):
        return render_ticket(ticket, bound=(name, form)), []
    if request.form.get("insert_canned") is not None:
        return _insert_canned(ticket, name, form), []
    return None, [*files.refused, *([_lost_files_message()] if files.lost else [])]


def _chosen_canned(ticket: Ticket, value: str | None) -> CannedResponse | None:
    canned_id = whole_number(value)
    canned = db.session.get(CannedResponse, canned_id) if canned_id is not None else None
    return canned if canned is not None and canned.institution_id == ticket.institution_id else None


def _filled_text(ticket: Ticket, canned: CannedResponse) -> str:
    """The canned response written for the ticket; writing the citizen's name is a view of their personal data,
    recorded in the ticket's history."""
    filled = fill_canned_response(canned, ticket)
    if filled.named:
        actions.record_contact_view(ticket, actor=current_user, via="canned")
    return filled.text


def _insert_canned(ticket: Ticket, name: str, form: FilesForm):  # type: ignore[no-untyped-def]
    """Without JavaScript: the form again, the chosen canned response added after what was already typed."""
    canned = _chosen_canned(ticket, form.canned.data)
    if canned is None:
        form.canned.errors = [_("Choose a prepared reply to insert.")]
        return render_ticket(ticket, bound=(name, form), status=422)
    typed = (form.body.data or "").rstrip()  # type: ignore[attr-defined]
    text = _filled_text(ticket, canned)
    form.body.data = f"{typed}\n\n{text}" if typed else text  # type: ignore[attr-defined]
    return render_ticket(ticket, bound=(name, form))


@bp.post("/hoja/<reference>/jibu-tayari")
def canned_text(reference: str):
    """With JavaScript: a canned response written for the ticket, as JSON, for the page to insert at the cursor."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.WORK_TICKET, ticket):
        abort(403)
    canned = _chosen_canned(ticket, request.form.get("canned"))
    if canned is None:
        return jsonify({"error": _("Choose a prepared reply to insert.")}), 422
    return jsonify({"text": _filled_text(ticket, canned)})


def _make_action_view(name: str):  # type: ignore[no-untyped-def]
    form_class, handler, permission = ACTIONS[name]

    def view(reference: str):  # type: ignore[no-untyped-def]
        ticket = load_ticket(reference, Permission.VIEW_TICKET)
        if not can(current_user, permission, ticket):
            abort(404 if not can(current_user, Permission.VIEW_TICKET, ticket) else 403)
        form = form_class()
        problems: list[str] = []
        if isinstance(form, FilesForm):
            early, problems = _files_step(ticket, name, form)
            if early is not None:
                return early
        valid = form.validate()
        if problems:
            form.attachments.errors = [*form.attachments.errors, *problems]  # type: ignore[attr-defined]
        if not valid or problems:
            return render_ticket(ticket, bound=(name, form), status=422)
        try:
            message = handler(ticket, form, current_user, form.seen_version())
        except actions.NotPermitted:
            abort(403)
        except actions.StaleTicket:
            return render_ticket(ticket, bound=(name, form), status=409, conflict=True)
        except StaleDataError:  # another officer's change was written between this one's reading and writing
            rollback()
            fresh = load_ticket(reference)
            return render_ticket(fresh, bound=(name, form), status=409, conflict=True)
        except DomainError as error:
            refuse(form, error)
            return render_ticket(ticket, bound=(name, form), status=422)
        if request.args.get("rudi") == RETURN_TO_INBOX:
            # Acted on from its row in the escalation inbox: back to the inbox as it was, told what was done.
            flash(_("%(reference)s: %(outcome)s", reference=ticket.reference, outcome=message), "success")
            shown: dict[str, Any] = {"zote": "1"} if request.args.get("zote") else {}
            return redirect(url_for("staff.escalations", **shown), code=303)
        flash(message, "success")
        # The queue's tab and filters, and the place in it: "next ticket" follows them.
        kept: dict[str, Any] = parse_filter(request.args)[0].query_args()
        if can(current_user, Permission.VIEW_TICKET, ticket):
            if request.args.get("pos"):
                kept["pos"] = request.args["pos"][:200]
            return redirect(url_for("staff.ticket", reference=ticket.reference, **kept), code=303)
        return redirect(url_for("staff.queue", **kept), code=303)

    view.__name__ = name
    view.__doc__ = f"Ticket action: {name}."
    return view


for _name in ACTIONS:
    bp.add_url_rule(
        f"/hoja/<reference>/{_name.replace('_', '-')}",
        endpoint=_name,
        view_func=_make_action_view(_name),
        methods=["POST"],
    )


@bp.post("/hoja/<reference>/mawasiliano")
def contact(reference: str):
    """Show the citizen's contact details; every view is recorded in the ticket's history."""
    ticket = load_ticket(reference)
    if not can(current_user, Permission.VIEW_CONTACT, ticket):
        abort(403)
    form = ContactForm()
    if not form.validate():
        return render_ticket(ticket, status=422)
    actions.record_contact_view(ticket, actor=current_user)
    return render_ticket(ticket, show_contact=True)


def _attachment_of(reference: str, attachment_id: int) -> Attachment:
    """A file of a ticket in the user's reach (the same check as the ticket page's); 404 otherwise."""
    ticket = load_ticket(reference)
    item = db.session.get(Attachment, attachment_id)
    if item is None or item.ticket_id != ticket.id:
        abort(404)
    return item


@bp.get("/hoja/<reference>/viambatisho/<int:attachment_id>")
def attachment(reference: str, attachment_id: int):
    """A file of a ticket in the user's reach (each one served is in the audit log)."""
    item = _attachment_of(reference, attachment_id)
    record_access(current_user, access.VIEW_ATTACHMENT, item.ticket, attachment=item.id)
    return file_store().send(item.stored_name, mimetype=item.content_type, download_name=item.filename)


THUMBNAIL_MAX_AGE = 24 * 3600  # a photo never changes under its id: the browser keeps its thumbnail for a day


@bp.get("/hoja/<reference>/viambatisho/<int:attachment_id>/picha-ndogo")
def thumbnail(reference: str, attachment_id: int):
    """A photo of a ticket in the user's reach, drawn small for the ticket page on each request (no second copy of
    the citizen's photo to erase when its retention ends), kept by the browser only (`private`) for a day."""
    item = _attachment_of(reference, attachment_id)
    if not item.content_type.startswith("image/"):
        abort(404)
    tag = f"{item.id}-{THUMBNAIL_SIDE}"
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        try:
            content = file_store().read(item.stored_name)
        except FileNotFoundError:
            abort(404)
        response = Response(thumbnail_of(content), mimetype="image/jpeg")
        record_access(current_user, access.VIEW_ATTACHMENT, item.ticket, attachment=item.id, thumbnail=True)
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"private, max-age={THUMBNAIL_MAX_AGE}"
    return response
