"""Administration of the institution tree, the services (categories) and the routing rules."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from wananchi.admin import queries
from wananchi.admin.common import actor, bp, chosen, form_status, get_or_404
from wananchi.admin.forms import (
    NOTHING,
    STANDARD_WEEK,
    CategoryForm,
    InstitutionForm,
    RoutingRuleForm,
    RoutingTryForm,
    calendar_choices,
    category_choices,
    district_choices,
    institution_choices,
    region_choices,
)
from wananchi.admin.labels import KIND_LABELS
from wananchi.admin.sla_views import all_calendars
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.extensions import db
from wananchi.institutions.models import (
    Category,
    District,
    Institution,
    InstitutionKind,
    Region,
    RoutingRule,
    Topic,
)
from wananchi.institutions.routing import route_ticket
from wananchi.institutions.services import (
    CategoryValues,
    InstitutionValues,
    RoutingRuleValues,
    create_category,
    create_institution,
    create_routing_rule,
    delete_routing_rule,
    set_category_active,
    update_category,
    update_institution,
    update_routing_rule,
)
from wananchi.sla.models import Calendar
from wananchi.sla.services import assign_calendar
from wananchi.tickets.forms import DONT_KNOW, category_groups, district_groups

# Institutions


@bp.get("/taasisi")
def institutions() -> ResponseReturnValue:
    """The institution tree."""
    return render_template("admin/institutions.html", tree=queries.institution_tree(), kind_labels=KIND_LABELS)


def _institution_form(institution: Institution | None) -> InstitutionForm:
    """The institution form, filled from the institution (or the request), with its choices."""
    data: dict[str, Any] = {"is_active": True, "kind": InstitutionKind.AGENCY.value}
    if institution is not None:
        data = {
            "name_sw": institution.name_sw,
            "name_en": institution.name_en,
            "short_name": institution.short_name,
            "slug": institution.slug,
            "kind": institution.kind.value,
            "parent": institution.parent_id,
            "region": institution.region_id,
            "district": institution.district_id,
            "is_triage": institution.is_triage,
            "is_active": institution.is_active,
            "calendar": institution.calendar_id,
        }
    form = InstitutionForm(data=data)
    excluded = queries.subtree_ids_of(institution) if institution is not None else None
    regions = queries.regions()
    form.parent.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()), exclude=excluded)]
    form.region.choices = [NOTHING, *region_choices(regions)]
    form.district.choices = [NOTHING, *district_choices(regions)]
    form.calendar.choices = [STANDARD_WEEK, *calendar_choices(all_calendars())]
    return form


@bp.route("/taasisi/mpya", methods=["GET", "POST"], defaults={"institution_id": None})
@bp.route("/taasisi/<int:institution_id>", methods=["GET", "POST"])
def institution_edit(institution_id: int | None) -> ResponseReturnValue:
    """Add an institution, or change one (names, kind, place in the tree, triage, active)."""
    institution = get_or_404(Institution, institution_id) if institution_id is not None else None
    form = _institution_form(institution)
    if form.validate_on_submit():
        values = InstitutionValues(
            slug=form.slug.data or "",
            kind=InstitutionKind(form.kind.data),
            name_sw=form.name_sw.data or "",
            name_en=form.name_en.data or "",
            short_name=form.short_name.data or None,
            parent=chosen(Institution, form.parent.data),
            region=chosen(Region, form.region.data),
            district=chosen(District, form.district.data),
            is_triage=form.is_triage.data,
            is_active=form.is_active.data,
        )
        try:
            if institution is None:
                saved = create_institution(values, actor=actor())
            else:
                saved = update_institution(institution, values, actor=actor())
            assign_calendar(saved, chosen(Calendar, form.calendar.data), actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The institution has been saved."), "success")
            return redirect(url_for("admin.institutions"), code=303)
    return render_template("admin/institution_edit.html", form=form, institution=institution), form_status(form)


# Categories (services)


@bp.get("/huduma")
def categories() -> ResponseReturnValue:
    """The services, grouped by the institution responsible for them."""
    return render_template(
        "admin/categories.html",
        groups=queries.categories_by_institution(),
        unrouted=queries.unrouted_category_ids(),
    )


def _category_form(category: Category | None) -> CategoryForm:
    """The service form, filled from the service (or the request), with its choices."""
    data: dict[str, Any] = {}
    if category is not None:
        data = {
            "name_sw": category.name_sw,
            "name_en": category.name_en,
            "code": category.code,
            "institution": category.institution_id,
            "is_local": category.is_local,
            "topic": category.topic.value,
        }
    form = CategoryForm(data=data)
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    return form


def _render_category(form: CategoryForm, category: Category | None, status: int) -> ResponseReturnValue:
    """The service page with its form and, for an existing service, the withdraw/offer button."""
    return render_template("admin/category_edit.html", form=form, category=category), status


@bp.route("/huduma/mpya", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/huduma/<int:category_id>", methods=["GET", "POST"])
def category_edit(category_id: int | None) -> ResponseReturnValue:
    """Add a service, or change one."""
    category = get_or_404(Category, category_id) if category_id is not None else None
    form = _category_form(category)
    if form.validate_on_submit():
        values = CategoryValues(
            code=form.code.data or "",
            name_sw=form.name_sw.data or "",
            name_en=form.name_en.data or "",
            institution=get_or_404(Institution, form.institution.data or 0),
            is_local=form.is_local.data,
            topic=Topic(form.topic.data),
        )
        try:
            if category is None:
                create_category(values, actor=actor())
            else:
                update_category(category, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The service has been saved."), "success")
            return redirect(url_for("admin.categories"), code=303)
    return _render_category(form, category, form_status(form))


@bp.post("/huduma/<int:category_id>/hali")
def category_set_active(category_id: int) -> ResponseReturnValue:
    """Withdraw a service from the submit form, or offer it again."""
    category = get_or_404(Category, category_id)
    try:
        set_category_active(category, request.form.get("active") == "1", actor=actor())
    except DomainError as error:
        form = _category_form(category)
        refuse(form, error)
        return _render_category(form, category, 422)
    flash(_("The service has been saved."), "success")
    return redirect(url_for("admin.category_edit", category_id=category.id), code=303)


# Routing rules


@bp.get("/uelekezaji")
def routing() -> ResponseReturnValue:
    """The routing rules (what they match, where they send), and a box to try where a ticket would go."""
    trial = RoutingTryForm(formdata=request.args)
    outcome: Institution | None = None
    problem: str | None = None
    if trial.category.data and trial.validate():
        category = None
        if trial.category.data != DONT_KNOW:
            category = db.session.scalar(select(Category).where(Category.code == trial.category.data))
        district = None
        if trial.district.data:
            district = db.session.scalar(select(District).where(District.code == trial.district.data))
        if (category is None and trial.category.data != DONT_KNOW) or (district is None and trial.district.data):
            problem = _("Choose a service and a district from the lists.")
        else:
            try:
                outcome = route_ticket(category, district)
            except LookupError:
                problem = _("No active institution receives the tickets of citizens who chose “I don't know”.")
    return render_template(
        "admin/routing.html",
        rules=queries.routing_rules(),
        trial=trial,
        outcome=outcome,
        problem=problem,
        category_groups=category_groups(),
        district_groups=district_groups(),
        dont_know=DONT_KNOW,
    )


def _routing_form(rule: RoutingRule | None) -> RoutingRuleForm:
    """The routing rule form, filled from the rule (or the request), with its choices."""
    data: dict[str, Any] = {}
    if rule is not None:
        data = {
            "category": rule.category_id,
            "region": rule.region_id,
            "district": rule.district_id,
            "institution": rule.institution_id,
        }
    form = RoutingRuleForm(data=data)
    regions = queries.regions()
    form.category.choices = [NOTHING, *category_choices(queries.categories())]
    form.region.choices = [NOTHING, *region_choices(regions)]
    form.district.choices = [NOTHING, *district_choices(regions)]
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    return form


@bp.route("/uelekezaji/mpya", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/uelekezaji/<int:rule_id>", methods=["GET", "POST"])
def routing_edit(rule_id: int | None) -> ResponseReturnValue:
    """Add a routing rule, or change one."""
    rule = get_or_404(RoutingRule, rule_id) if rule_id is not None else None
    form = _routing_form(rule)
    if form.validate_on_submit():
        values = RoutingRuleValues(
            category=chosen(Category, form.category.data),
            region=chosen(Region, form.region.data),
            district=chosen(District, form.district.data),
            institution=get_or_404(Institution, form.institution.data or 0),
        )
        try:
            if rule is None:
                create_routing_rule(values, actor=actor())
            else:
                update_routing_rule(rule, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The routing rule has been saved."), "success")
            return redirect(url_for("admin.routing"), code=303)
    return render_template("admin/routing_edit.html", form=form, rule=rule), form_status(form)


@bp.post("/uelekezaji/<int:rule_id>/futa")
def routing_delete(rule_id: int) -> ResponseReturnValue:
    """Delete a routing rule."""
    rule = get_or_404(RoutingRule, rule_id)
    delete_routing_rule(rule, actor=actor())
    flash(_("The routing rule has been deleted."), "success")
    return redirect(url_for("admin.routing"), code=303)
