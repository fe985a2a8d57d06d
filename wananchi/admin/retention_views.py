"""Administration of the retention periods of citizens' personal data (Personal Data Protection Act 2022)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from wananchi.admin import queries
from wananchi.admin.common import actor, bp, chosen, form_status, get_or_404
from wananchi.admin.forms import NOTHING, RetentionPeriodForm, institution_choices, type_choices
from wananchi.core.errors import DomainError
from wananchi.core.forms import refuse
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.privacy.admin import MAX_DAYS, MIN_DAYS, RetentionValues, delete_retention_period, save_retention_period
from wananchi.privacy.models import RetentionPeriod
from wananchi.tickets.labels import TYPE_LABELS
from wananchi.tickets.models import TicketType

RETENTION_ACTION_LABELS = {
    "create_retention_period": _l("Retention period added"),
    "update_retention_period": _l("Retention period changed"),
    "delete_retention_period": _l("Retention period deleted"),
    "retention_erased": _l("Personal data erased after the retention period"),
    "set_legal_hold": _l("Legal hold set"),
    "lift_legal_hold": _l("Legal hold lifted"),
}
RETENTION_OBJECT_LABELS = {
    "RetentionPeriod": _l("Retention period"),
    "Retention": _l("Nightly retention run"),
    "Ticket": _l("Ticket"),
}


@bp.get("/uhifadhi")
def retention() -> ResponseReturnValue:
    """The default retention period, then the periods set per institution and type."""
    rows = list(db.session.scalars(select(RetentionPeriod)))

    def order(period: RetentionPeriod) -> tuple[Any, ...]:
        return (
            period.institution is None,
            localized_name(period.institution) if period.institution else "",
            list(TicketType).index(period.ticket_type) if period.ticket_type else len(TicketType),
        )

    return render_template(
        "admin/retention.html",
        default_days=current_app.config["PERSONAL_DATA_RETENTION_DAYS"],
        rows=sorted(rows, key=order),
        type_labels=TYPE_LABELS,
    )


@bp.route("/uhifadhi/mpya", methods=["GET", "POST"], defaults={"period_id": None})
@bp.route("/uhifadhi/<int:period_id>", methods=["GET", "POST"])
def retention_edit(period_id: int | None) -> ResponseReturnValue:
    """Add a retention period, or change one."""
    period = get_or_404(RetentionPeriod, period_id) if period_id is not None else None
    data: dict[str, Any] = {}
    if period is not None:
        data = {
            "institution": period.institution_id,
            "ticket_type": period.ticket_type.value if period.ticket_type else "",
            "days": str(period.days),
        }
    form = RetentionPeriodForm(data=data)
    form.institution.choices = [NOTHING, *institution_choices(queries.flatten(queries.institution_tree()))]
    form.ticket_type.choices = [NOTHING, *type_choices()]
    if form.validate_on_submit():
        values = RetentionValues(
            institution=chosen(Institution, form.institution.data),
            ticket_type=TicketType(form.ticket_type.data) if form.ticket_type.data else None,
            days=int(form.days.data or 0),
        )
        try:
            save_retention_period(period, values, actor=actor())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("The retention period has been saved."), "success")
            return redirect(url_for("admin.retention"), code=303)
    return render_template(
        "admin/retention_edit.html", form=form, period=period, min_days=MIN_DAYS, max_days=MAX_DAYS
    ), form_status(form)


@bp.post("/uhifadhi/<int:period_id>/futa")
def retention_delete(period_id: int) -> ResponseReturnValue:
    """Delete a retention period."""
    delete_retention_period(get_or_404(RetentionPeriod, period_id), actor=actor())
    flash(_("The retention period has been deleted."), "success")
    return redirect(url_for("admin.retention"), code=303)
