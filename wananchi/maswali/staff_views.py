"""The officer's pages for the institution's published answers: the list, the editor (personal details marked),
and the steps from draft to approval, publication, out of date and review."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.core.i18n import by_name, localized_name
from wananchi.core.numbers import whole_number
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.maswali import services
from wananchi.maswali.forms import AnswerForm, StepForm
from wananchi.maswali.models import AnswerStatus, PublishedAnswer
from wananchi.maswali.personal import find_personal_details, highlight
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.references import normalise_reference

bp = Blueprint("maswali_staff", __name__, url_prefix="/afisa/maswali")

STATUS_LABELS = {
    AnswerStatus.DRAFT: _l("Draft"),
    AnswerStatus.AWAITING_APPROVAL: _l("Awaiting approval"),
    AnswerStatus.PUBLISHED: _l("Published"),
}


def _own_institution() -> Institution:
    """The user's institution, when they write its answers; 404 otherwise."""
    institution = current_user.institution
    if institution is None or not can(current_user, Permission.WRITE_ANSWER, institution):
        abort(404)
    return institution


def _load(answer_id: int) -> PublishedAnswer:
    answer = db.session.get(PublishedAnswer, answer_id)
    if answer is None or not can(current_user, Permission.WRITE_ANSWER, answer.institution):
        abort(404)
    return answer


def _services(institution: Institution) -> list[Category]:
    return by_name(
        db.session.scalars(
            select(Category).where(Category.institution_id == institution.id, Category.is_active.is_(True))
        )
    )


def _bind_services(form: AnswerForm, institution: Institution) -> None:
    services_offered = (SelectChoice(str(c.id), localized_name(c)) for c in _services(institution))
    form.category.choices = [SelectChoice("", "—"), *services_offered]


def _text(form: AnswerForm, institution: Institution) -> services.AnswerText:
    category_id = whole_number(form.category.data)
    category = db.session.get(Category, category_id) if category_id is not None else None
    if category is not None and category.institution_id != institution.id:
        category = None
    return services.AnswerText(
        question_sw=form.question_sw.data or "",
        answer_sw=form.answer_sw.data or "",
        question_en=form.question_en.data or "",
        answer_en=form.answer_en.data or "",
        category=category,
    )


@bp.get("/")
def index():
    """The institution's answers: drafts, those awaiting approval, and those published."""
    institution = _own_institution()
    answers = list(
        db.session.scalars(
            select(PublishedAnswer)
            .where(PublishedAnswer.institution_id == institution.id)
            .order_by(PublishedAnswer.updated_at.desc(), PublishedAnswer.id.desc())
        )
    )
    groups = {status: [a for a in answers if a.status == status] for status in AnswerStatus}
    return render_template(
        "maswali/staff_index.html", institution=institution, groups=groups, status_labels=STATUS_LABELS
    )


@bp.route("/mpya", methods=["GET", "POST"])
def new():
    """Write an article: a question citizens ask and the institution's answer, not from one ticket."""
    institution = _own_institution()
    form = AnswerForm()
    _bind_services(form, institution)
    if form.validate_on_submit():
        try:
            answer = services.write_article(institution, _text(form, institution), actor=current_user)
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The draft has been saved."), "success")
            return redirect(url_for(".edit", answer_id=answer.id), code=303)
    status = 422 if form.errors else 200
    return render_template("maswali/staff_edit.html", form=form, answer=None, institution=institution), status


@bp.post("/kutoka/<reference>")
def from_ticket(reference: str):
    """Start a draft from an answered ticket whose citizen agreed to publication."""
    canonical = normalise_reference(reference)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
    if ticket is None or not can(current_user, Permission.VIEW_TICKET, ticket):
        abort(404)
    if not can(current_user, Permission.WORK_TICKET, ticket):
        abort(403)
    form = StepForm()
    if not form.validate():
        abort(400)
    try:
        answer = services.draft_from_ticket(ticket, actor=current_user)
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("staff.ticket", reference=ticket.reference), code=303)
    flash(_("A draft has been made from the ticket: make it general and remove every personal detail."), "success")
    return redirect(url_for(".edit", answer_id=answer.id), code=303)


@bp.route("/<int:answer_id>", methods=["GET", "POST"])
def edit(answer_id: int):
    """An answer with its personal details marked; a draft can be edited here."""
    answer = _load(answer_id)
    if request.method == "POST" and answer.status != AnswerStatus.DRAFT:
        flash(_("Only a draft can be edited: send it back to draft first."))
        return render_answer(answer, status=409)
    form = AnswerForm(obj=answer)
    _bind_services(form, answer.institution)
    if form.is_submitted():
        if form.validate():
            try:
                services.edit_answer(answer, _text(form, answer.institution), actor=current_user)
            except DomainError as error:
                refuse(form, error)
            else:
                flash(_("The draft has been saved."), "success")
                return redirect(url_for(".edit", answer_id=answer.id), code=303)
    elif not form.is_submitted():
        form.category.data = str(answer.category_id or "")
    return render_answer(answer, form, status=422 if form.errors else 200)


def render_answer(answer: PublishedAnswer, form: AnswerForm | None = None, *, status: int = 200):
    """The editor page: the form (for a draft), the text with personal details marked, and the next steps."""
    if form is None:
        form = AnswerForm(formdata=None, obj=answer)
        _bind_services(form, answer.institution)
        form.category.data = str(answer.category_id or "")
    marked = {
        name: highlight(text, find_personal_details(text, answer.ticket))
        for name, text in (
            ("question_sw", answer.question_sw),
            ("answer_sw", answer.answer_sw),
            ("question_en", answer.question_en),
            ("answer_en", answer.answer_en),
        )
    }
    return render_template(
        "maswali/staff_edit.html",
        form=form,
        answer=answer,
        institution=answer.institution,
        marked=marked,
        step_form=StepForm(formdata=None),
        status_label=STATUS_LABELS[answer.status],
        can_approve=can(current_user, Permission.APPROVE_ANSWER, answer.institution),
    ), status


Step = Callable[[PublishedAnswer], str]


def _request_approval(answer: PublishedAnswer) -> str:
    services.request_approval(answer, actor=current_user)
    return _("The answer has been sent to a supervisor for approval.")


def _approve(answer: PublishedAnswer) -> str:
    services.approve_answer(answer, actor=current_user)
    return _("The answer is published.")


def _return_to_draft(answer: PublishedAnswer) -> str:
    services.return_to_draft(answer, actor=current_user)
    return _("The answer is a draft again; it is not shown to the public.")


def _out_of_date(answer: PublishedAnswer) -> str:
    services.mark_out_of_date(answer, actor=current_user)
    return _("The answer is marked out of date.")


def _reviewed(answer: PublishedAnswer) -> str:
    services.confirm_reviewed(answer, actor=current_user)
    return _("The answer has been confirmed as still correct.")


STEPS: dict[str, tuple[str, Step]] = {
    "request_approval": ("omba-idhini", _request_approval),
    "approve": ("idhinisha", _approve),
    "return_to_draft": ("rudisha", _return_to_draft),
    "mark_out_of_date": ("imepitwa-na-wakati", _out_of_date),
    "confirm_reviewed": ("imehakikiwa", _reviewed),
}


def _make_step_view(name: str, step: Step):  # type: ignore[no-untyped-def]
    def view(answer_id: int):  # type: ignore[no-untyped-def]
        answer = _load(answer_id)
        if not StepForm().validate():
            return render_answer(answer, status=400)
        try:
            message = step(answer)
        except DomainError as error:
            flash(error.message)
            return render_answer(answer, status=422)
        flash(message, "success")
        return redirect(url_for(".edit", answer_id=answer.id), code=303)

    view.__name__ = name
    view.__doc__ = f"A step of a published answer: {name}."
    return view


for _name, (_path, _step) in STEPS.items():
    bp.add_url_rule(
        f"/<int:answer_id>/{_path}", endpoint=_name, view_func=_make_step_view(_name, _step), methods=["POST"]
    )
