"""The staff report pages under /ripoti: an institution's report, an oversight node's report, their exports.

Who may open what: a supervisor reads their own institution's report; an oversight user reads the report of any
institution below their node and the node report (with the league table) of any node below theirs. Officers and
administrators get 404, as for any page outside their reach.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.core.permissions import Permission, can
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.reports import charts
from wananchi.reports.days import working_day_number
from wananchi.reports.exports import table_csv, tables_xlsx
from wananchi.reports.periods import PRESETS, Period, parse_period
from wananchi.reports.queries import oldest_open, scope_ids
from wananchi.reports.snapshots import Served, institution_scope, node_scope, served_report
from wananchi.reports.tables import AGE_LABELS, LEAGUE_SORT_KEYS, PERFORMANCE, Table, report_tables

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


def _build(institution: Institution, *, node: bool) -> tuple[Period, list[str], Served, list[Table]]:
    """The period asked for, its messages, the report as served (perhaps from a snapshot), and its tables."""
    now = utcnow()
    period, messages = parse_period(request.args, now)
    ids = scope_ids(institution.id) if node else [institution.id]
    scope = node_scope(institution.id) if node else institution_scope(institution.id)
    served = served_report(scope, period, now=now)
    sort, descending = _sort_args()
    tables = report_tables(
        served.report, oldest_open(ids), working_day_number(now), league=node, sort=sort, descending=descending
    )
    return period, messages, served, tables


def _page(institution: Institution, *, node: bool) -> str:
    period, messages, served, tables = _build(institution, node=node)
    report = served.report
    endpoint = "reports.node" if node else "reports.institution"
    sort, descending = _sort_args()
    args: dict[str, Any] = dict(period.query_args())

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
        presets=PRESETS,
        messages=messages,
        report=report,
        served=served,
        tables=tables,
        volume_chart=charts.weekly_volume_chart(report.weeks),
        share_chart=charts.weekly_share_chart(report.weeks),
        backlog_chart=charts.backlog_chart([str(label) for label in AGE_LABELS], report.total.ages),
        endpoint=endpoint,
        sort=sort,
        descending=descending,
        can_read_node=can(current_user, Permission.READ_NODE_REPORT, institution),
        export_url=export_url,
        sort_url=sort_url,
        row_url=row_url,
    )


def _filename(institution: Institution, period: Period, suffix: str) -> str:
    return f"ripoti-{institution.slug}-{period.first.isoformat()}-{period.last.isoformat()}{suffix}"


def _csv(institution: Institution, *, node: bool) -> Response:
    period, _messages, _report, tables = _build(institution, node=node)
    name = request.args.get("table", "summary")
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        abort(404)
    return Response(
        "\ufeff" + table_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(institution, period, f"-{name}.csv")}"'},
    )


def _xlsx(institution: Institution, *, node: bool) -> Response:
    period, _messages, _report, tables = _build(institution, node=node)
    title = _("Report: %(name)s", name=localized_name(institution))
    return Response(
        tables_xlsx(tables, title),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(institution, period, ".xlsx")}"'},
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
