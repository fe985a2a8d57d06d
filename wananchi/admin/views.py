"""Administration pages; only administrators may open them (everyone else gets 404)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

import wananchi.admin.audit_views  # noqa: F401  (registers the audit log, its filters and export on bp)
import wananchi.admin.institution_views  # noqa: F401  (registers the institution, service and routing pages on bp)
import wananchi.admin.outbox_views  # noqa: F401  (registers the undelivered-messages page on bp)
import wananchi.admin.processing_views  # noqa: F401  (registers the record of processing on bp)
import wananchi.admin.retention_views  # noqa: F401  (registers the retention periods of personal data on bp)
import wananchi.admin.sla_views  # noqa: F401  (registers the calendar, holiday and response-target pages on bp)
import wananchi.admin.user_views  # noqa: F401  (registers the user and security pages on bp)
from wananchi.admin import queries
from wananchi.admin.common import actor, bp, form_status, get_or_404
from wananchi.admin.forms import NOTHING, CannedResponseForm, institution_choices
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.institutions.models import Institution
from wananchi.tickets.canned import (
    CannedResponseValues,
    create_canned_response,
    delete_canned_response,
    update_canned_response,
)
from wananchi.tickets.models import CannedResponse


@bp.get("/")
def index() -> ResponseReturnValue:
    """The administration home page: what can be configured."""
    return render_template("admin/index.html")


# Canned responses


@bp.get("/majibu")
def canned() -> ResponseReturnValue:
    """The canned responses, grouped by institution."""
    return render_template("admin/canned.html", groups=queries.canned_by_institution())


def _canned_form(canned_response: CannedResponse | None) -> CannedResponseForm:
    """The canned response form, filled from the response (or the request), with its choices."""
    data: dict[str, Any] = {}
    if canned_response is not None:
        data = {
            "institution": canned_response.institution_id,
            "title": canned_response.title,
            "body_sw": canned_response.body_sw,
            "body_en": canned_response.body_en,
        }
    form = CannedResponseForm(data=data)
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    return form


@bp.route("/majibu/mpya", methods=["GET", "POST"], defaults={"canned_id": None})
@bp.route("/majibu/<int:canned_id>", methods=["GET", "POST"])
def canned_edit(canned_id: int | None) -> ResponseReturnValue:
    """Add a canned response, or change one."""
    canned_response = get_or_404(CannedResponse, canned_id) if canned_id is not None else None
    form = _canned_form(canned_response)
    if form.validate_on_submit():
        values = CannedResponseValues(
            institution=get_or_404(Institution, form.institution.data or 0),
            title=form.title.data or "",
            body_sw=form.body_sw.data or "",
            body_en=form.body_en.data or "",
        )
        try:
            if canned_response is None:
                create_canned_response(values, actor=actor())
            else:
                update_canned_response(canned_response, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The canned response has been saved."), "success")
            return redirect(url_for("admin.canned"), code=303)
    return render_template("admin/canned_edit.html", form=form, canned=canned_response), form_status(form)


@bp.post("/majibu/<int:canned_id>/futa")
def canned_delete(canned_id: int) -> ResponseReturnValue:
    """Delete a canned response."""
    canned_response = get_or_404(CannedResponse, canned_id)
    delete_canned_response(canned_response, actor=actor())
    flash(_("The canned response has been deleted."), "success")
    return redirect(url_for("admin.canned"), code=303)
