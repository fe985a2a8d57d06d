"""The staff report pages under /ripoti: an institution's report, an oversight node's report, their exports.

Who may open what: a supervisor reads their own institution's report; an oversight user reads the report of any
institution below their node and the node report (with the league table) of any node below theirs. Officers and
administrators get 404, as for any page outside their reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.maswali.queries import offer_figures
from wananchi.reports import charts
from wananchi.reports.exports import table_csv, tables_xlsx
from wananchi.reports.headline import ARROWS, CHANGE_LABELS, STATE_LABELS, Headline, build_headline, target_days
from wananchi.reports.periods import PRESETS, Period, parse_period
from wananchi.reports.queries import OldTicket, oldest_open, scope_ids
from wananchi.reports.snapshots import Served, institution_scope, node_scope, served_report, totals_scope
from wananchi.reports.tables import AGE_LABELS, LEAGUE_SORT_KEYS, PERFORMANCE, Table, report_tables
from wananchi.sla.calendars import calendar_for
from wananchi.sla.days import working_day_number
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.routing_offers import acceptance_figures

bp = Blueprint("reports", __name__, url_prefix="/ripoti")


def _institution_in_reach(institution_id: int, *, node: bool) -> Institution:
    """The institution, if the current user may read its report (`node`: with everything below it); 404 otherwise."""
    institution = db.session.get(Institution, institution_id)
    permission = Permission.READ_NODE_REPORT if node else Permission.READ_REPORT
    if institution is None or not can(current_user, permission, institution):
        abort(404)
    return institution


def _sort_args() -> tuple[str, bool]:
    """The league table's sort column and direction from the query string."""
    sort = request.args.get("sort", PERFORMANCE)
    return (sort if sort in LEAGUE_SORT_KEYS else PERFORMANCE), request.args.get("dir", "desc") != "asc"


@dataclass(frozen=True)
class Built:
    """A report page's figures: the period asked for and its messages, the report as served (perhaps from a
    snapshot), its tables, and what the first screen needs besides."""

    period: Period
    messages: list[str]
    served: Served
    tables: list[Table]
    ids: list[int]
    scope: str
    oldest: list[OldTicket]
    now: dt.datetime


def _build(institution: Institution, *, node: bool) -> Built:
    """Every figure of the report of `institution` (`node`: with everything below it) over the period asked for."""
    now = utcnow()
    period, messages = parse_period(request.args, now)
    ids = scope_ids(institution.id) if node else [institution.id]
    scope = node_scope(institution.id) if node else institution_scope(institution.id)
    served = served_report(scope, period, now=now)
    sort, descending = _sort_args()
    oldest = oldest_open(ids)
    tables = report_tables(
        served.report, oldest, working_day_number(now), league=node, sort=sort, descending=descending
    )
    return Built(period, messages, served, tables, ids, scope, oldest, now)


def _headline(institution: Institution, built: Built) -> Headline:
    """Overdue now, the oldest open ticket's age, and the headline figures against the period before."""
    previous_period = built.period.previous()
    previous = served_report(totals_scope(built.scope), previous_period, now=built.now).report.total
    day = built.oldest[0].submitted_day if built.oldest else None
    return build_headline(
        built.served.report.total,
        previous,
        previous_period,
        oldest_age=working_day_number(built.now) - day if day is not None else None,
        targets=target_days(built.ids),
        minutes_per_day=calendar_for(institution).minutes_per_working_day,
    )


def _page(institution: Institution, *, node: bool) -> str:
    built = _build(institution, node=node)
    period, served, report = built.period, built.served, built.served.report
    headline = _headline(institution, built)
    endpoint = "reports.node" if node else "reports.institution"
    sort, descending = _sort_args()
    args: dict[str, Any] = dict(period.query_args())
    asked = {"period": period.preset, "from": period.first.isoformat(), "to": period.last.isoformat()}
    if request.args.get("period") == "range" and period.preset != "range":  # a range not understood: as typed
        asked = {"period": "range", **{name: request.args.get(name, "")[:10] for name in ("from", "to")}}

    def export_url(table: str) -> str:
        return url_for(f"{endpoint}_csv", institution_id=institution.id, table=table, **args)

    def sort_url(key: str, direction: str) -> str:
        return url_for(endpoint, institution_id=institution.id, sort=key, dir=direction, **args) + "#table-league"

    def row_url(institution_id: int) -> str:
        return url_for("reports.institution", institution_id=institution_id, **args)

    return render_template(
        "reports/report.html",
        institution=institution,
        node=node,
        period=period,
        asked=asked,
        presets=PRESETS,
        messages=built.messages,
        report=report,
        served=served,
        tables=built.tables,
        volume_chart=charts.weekly_volume_chart(report.weeks),
        share_chart=charts.weekly_share_chart(report.weeks, target=headline.green),
        headline=headline,
        state_labels=STATE_LABELS,
        arrows=ARROWS,
        change_labels=CHANGE_LABELS,
        own_institution=institution.id == current_user.institution_id,
        backlog_chart=charts.backlog_chart([str(label) for label in AGE_LABELS], report.total.ages),
        endpoint=endpoint,
        sort=sort,
        descending=descending,
        can_read_node=can(current_user, Permission.READ_NODE_REPORT, institution),
        export_url=export_url,
        sort_url=sort_url,
        row_url=row_url,
        answer_offers=None if node else offer_figures(institution.id, period.start, period.end),
        routing_offers=None if node else acceptance_figures(institution.id, period.start, period.end),
    )


def _filename(institution: Institution, period: Period, suffix: str) -> str:
    return f"ripoti-{institution.slug}-{period.first.isoformat()}-{period.last.isoformat()}{suffix}"


def _csv(institution: Institution, *, node: bool) -> Response:
    built = _build(institution, node=node)
    name = request.args.get("table", "summary")
    table = next((t for t in built.tables if t.name == name), None)
    if table is None:
        abort(404)
    return Response(
        "\ufeff" + table_csv(table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{_filename(institution, built.period, f"-{name}.csv")}"'
        },
    )


def _xlsx(institution: Institution, *, node: bool) -> Response:
    built = _build(institution, node=node)
    title = _("Report: %(name)s", name=localized_name(institution))
    return Response(
        tables_xlsx(built.tables, title),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(institution, built.period, ".xlsx")}"'},
    )


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """The reader's own report: the node's for oversight, the institution's for a supervisor."""
    user: User = current_user  # type: ignore[assignment]
    own = db.session.get(Institution, user.institution_id) if user.institution_id else None
    if own is None or not can(user, Permission.READ_REPORT, own):
        abort(404)
    endpoint = "reports.node" if can(user, Permission.READ_NODE_REPORT, own) else "reports.institution"
    args: dict[str, Any] = request.args.to_dict()
    return redirect(url_for(endpoint, institution_id=user.institution_id, **args))


@bp.get("/taasisi/<int:institution_id>")
def institution(institution_id: int):  # type: ignore[no-untyped-def]
    """One institution's report over a period."""
    return _page(_institution_in_reach(institution_id, node=False), node=False)


@bp.get("/taasisi/<int:institution_id>/csv")
def institution_csv(institution_id: int) -> Response:
    """One table of an institution's report as CSV."""
    return _csv(_institution_in_reach(institution_id, node=False), node=False)


@bp.get("/taasisi/<int:institution_id>/xlsx")
def institution_xlsx(institution_id: int) -> Response:
    """Every table of an institution's report as an XLSX workbook."""
    return _xlsx(_institution_in_reach(institution_id, node=False), node=False)


@bp.get("/ngazi/<int:institution_id>")
def node(institution_id: int):  # type: ignore[no-untyped-def]
    """A node and everything below it, with the league table of its institutions (oversight)."""
    return _page(_institution_in_reach(institution_id, node=True), node=True)


@bp.get("/ngazi/<int:institution_id>/csv")
def node_csv(institution_id: int) -> Response:
    """One table of a node report as CSV."""
    return _csv(_institution_in_reach(institution_id, node=True), node=True)


@bp.get("/ngazi/<int:institution_id>/xlsx")
def node_xlsx(institution_id: int) -> Response:
    """Every table of a node report as an XLSX workbook."""
    return _xlsx(_institution_in_reach(institution_id, node=True), node=True)
