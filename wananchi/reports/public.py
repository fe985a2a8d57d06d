"""Public statistics under /takwimu: the country's and each institution's figures by month, no personal data.

Only counts, shares and durations are shown: no ticket text, names, emails or phone numbers. Institutions are ranked
on every ticket whose resolution fell due in the period: those resolved late and those still open past their due
time count against them, so an institution cannot rank high by resolving a few tickets and leaving the rest. An
institution is ranked only when at least RANK_MINIMUM tickets fell due; institutions with equal shares (as shown, to
one decimal) share a rank. The same figures are offered as open data, in CSV and JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_babel import format_date
from markupsafe import Markup
from sqlalchemy import select

from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.reports import charts
from wananchi.reports.exports import table_csv
from wananchi.reports.periods import Period, preset_period
from wananchi.reports.queries import Figures, Report
from wananchi.reports.snapshots import Served, public_scope, served_report
from wananchi.reports.tables import MIN_SAMPLE, Cell, Column, Table, hours, percent

bp = Blueprint("statistics", __name__, url_prefix="/takwimu")
RANK_MINIMUM = 10  # tickets that fell due in the period (PRODUCT.md)
# The open data's columns: stable English keys, whatever the page's language.
FIGURE_KEYS = ("received", "resolved", "fell_due", "on_time", "on_time_percent", "median_first_response_hours")
NOW_KEYS = ("open_now", "overdue_now")


@dataclass(frozen=True)
class PublicRow:
    """One line of a public table: a month or an institution."""

    label: str
    received: int
    resolved: int
    fell_due: int  # tickets whose resolution fell due in the period
    on_time: int  # of those, resolved by their due time
    on_time_percent: float | None
    median_hours: float | None  # median working hours to the first response
    open: int  # open now
    overdue: int  # overdue now (commendations never are)
    slug: str | None = None
    name_sw: str = ""
    name_en: str = ""
    rank: int | None = None
    tied: bool = False  # shares its rank with another institution


def _row(label: str, figures: Figures, institution: Institution | None = None) -> PublicRow:
    return PublicRow(
        label=label,
        received=figures.received,
        resolved=figures.resolved,
        fell_due=figures.fell_due,
        on_time=figures.fell_due_on_time,
        on_time_percent=percent(figures.on_time_share),
        median_hours=hours(figures.first_response_median),
        open=figures.open,
        overdue=figures.overdue,
        slug=institution.slug if institution else None,
        name_sw=institution.name_sw if institution else "",
        name_en=institution.name_en if institution else "",
    )


def _months(period: Period, report: Report) -> list[tuple[dt.date, Figures]]:
    """Every month of the period, empty months included, oldest first."""
    found = dict(report.months)
    months, month = [], period.first.replace(day=1)
    while month <= period.last:
        months.append((month, found.get(f"{month.year:04d}-{month.month:02d}", Figures())))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def ranked(rows: list[PublicRow]) -> tuple[list[PublicRow], list[PublicRow]]:
    """The institutions ranked by the share resolved on time of the tickets that fell due (ties share a rank), and
    those with fewer than RANK_MINIMUM tickets due, by name."""
    eligible = [row for row in rows if row.fell_due >= RANK_MINIMUM]
    eligible.sort(key=lambda row: (-(row.on_time_percent or 0.0), row.label))
    shares = [row.on_time_percent or 0.0 for row in eligible]
    ranking = [
        dataclasses.replace(
            row,
            rank=1 + sum(1 for share in shares if share > (row.on_time_percent or 0.0)),
            tied=shares.count(row.on_time_percent or 0.0) > 1,
        )
        for row in eligible
    ]
    unranked = sorted((row for row in rows if row.fell_due < RANK_MINIMUM), key=lambda row: row.label)
    return ranking, unranked


def _report(institution_id: int | None) -> tuple[Period, Served]:
    """The last 12 months of the country (None) or of one institution, perhaps from a snapshot."""
    now = utcnow()
    period = preset_period("year", now)
    return period, served_report(public_scope(institution_id), period, now=now)


@dataclass(frozen=True)
class Statistics:
    """Everything a public statistics page shows."""

    institution: Institution | None
    period: Period
    served: Served
    total: PublicRow
    months: list[tuple[dt.date, PublicRow]]
    ranking: list[PublicRow] | None
    unranked: list[PublicRow] | None


def country_statistics() -> Statistics:
    """The country's figures by month and the ranking of institutions with enough tickets due."""
    institutions = {i.id: i for i in db.session.scalars(select(Institution).where(Institution.is_active))}
    period, served = _report(None)
    report = served.report
    rows = [
        _row(localized_name(institutions[i]), f, institutions[i])
        for i, f in report.institutions.items()
        if i in institutions
    ]
    ranking, unranked = ranked(rows)
    months = [(month, _row(format_date(month, "MMMM y"), f)) for month, f in _months(period, report)]
    return Statistics(None, period, served, _row("", report.total), months, ranking, unranked)


def institution_statistics(slug: str) -> Statistics:
    """One active institution's figures by month; 404 for any other slug."""
    found = db.session.scalar(select(Institution).where(Institution.slug == slug, Institution.is_active))
    if found is None:
        abort(404)
    period, served = _report(found.id)
    months = [(month, _row(format_date(month, "MMMM y"), f)) for month, f in _months(period, served.report)]
    return Statistics(found, period, served, _row("", served.report.total), months, None, None)


def _chart(statistics: Statistics) -> Markup:
    return charts.monthly_due_chart(
        [(format_date(month, "MMM y"), row.on_time, row.fell_due - row.on_time) for month, row in statistics.months]
    )


def _page(statistics: Statistics) -> str:
    slug = statistics.institution.slug if statistics.institution else None
    return render_template(
        "reports/public.html",
        statistics=statistics,
        institution=statistics.institution,
        period=statistics.period,
        served=statistics.served,
        total=statistics.total,
        months=[row for _month, row in statistics.months],
        ranking=statistics.ranking,
        unranked=statistics.unranked,
        minimum=RANK_MINIMUM,
        min_sample=MIN_SAMPLE,
        due_chart=_chart(statistics),
        open_data=_open_data_links(slug),
    )


# --- open data ----------------------------------------------------------------------------------------------------


def _figures(row: PublicRow) -> dict[str, Any]:
    return {
        "received": row.received,
        "resolved": row.resolved,
        "fell_due": row.fell_due,
        "on_time": row.on_time,
        "on_time_percent": row.on_time_percent,
        "median_first_response_hours": row.median_hours,
    }


def _institution(row: PublicRow) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name_sw": row.name_sw,
        "name_en": row.name_en,
        "rank": row.rank,
        "tied": row.tied,
        **_figures(row),
        "open_now": row.open,
        "overdue_now": row.overdue,
    }


def open_data(statistics: Statistics) -> dict[str, Any]:
    """The page's figures as one JSON document: counts, shares and durations only, never personal data."""
    document: dict[str, Any] = {
        "period": {"first": statistics.period.first.isoformat(), "last": statistics.period.last.isoformat()},
        "computed_at": statistics.served.computed_at.isoformat(),
        "rank_minimum_fell_due": RANK_MINIMUM,
        "total": {
            **_figures(statistics.total),
            "open_now": statistics.total.open,
            "overdue_now": statistics.total.overdue,
        },
        "months": [{"month": f"{month:%Y-%m}", **_figures(row)} for month, row in statistics.months],
    }
    if statistics.institution is not None:
        document["institution"] = {
            "slug": statistics.institution.slug,
            "name_sw": statistics.institution.name_sw,
            "name_en": statistics.institution.name_en,
        }
    if statistics.ranking is not None and statistics.unranked is not None:
        document["institutions"] = [_institution(row) for row in statistics.ranking + statistics.unranked]
    return document


def _csv(table: Table, filename: str) -> Response:
    return Response(
        "\ufeff" + table_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _months_csv(statistics: Statistics, filename: str) -> Response:
    columns = [Column("month", "month", False)] + [Column(key, key) for key in FIGURE_KEYS]
    rows: list[list[Cell]] = [
        [f"{month:%Y-%m}", *(_figures(row)[key] for key in FIGURE_KEYS)] for month, row in statistics.months
    ]
    return _csv(Table("months", "months", columns, rows), filename)


def _open_data_links(slug: str | None) -> dict[str, str]:
    if slug is None:
        return {
            "json": url_for("statistics.country_json"),
            "months_csv": url_for("statistics.country_months_csv"),
            "institutions_csv": url_for("statistics.country_institutions_csv"),
        }
    return {
        "json": url_for("statistics.institution_json", slug=slug),
        "months_csv": url_for("statistics.institution_months_csv", slug=slug),
    }


def _filename(statistics: Statistics, what: str, suffix: str) -> str:
    name = statistics.institution.slug if statistics.institution else "tanzania"
    return f"takwimu-{name}-{what}-{statistics.period.first.isoformat()}-{statistics.period.last.isoformat()}{suffix}"


# --- pages --------------------------------------------------------------------------------------------------------


@bp.get("/")
def country():  # type: ignore[no-untyped-def]
    """The country's figures by month and the ranking of institutions with enough tickets due."""
    return _page(country_statistics())


@bp.get("/takwimu.json")
def country_json() -> Response:
    """The country page's figures as open data (JSON)."""
    statistics = country_statistics()
    return jsonify(open_data(statistics))


@bp.get("/miezi.csv")
def country_months_csv() -> Response:
    """The country's figures month by month as open data (CSV)."""
    statistics = country_statistics()
    return _months_csv(statistics, _filename(statistics, "miezi", ".csv"))


@bp.get("/taasisi.csv")
def country_institutions_csv() -> Response:
    """Every active institution's figures and rank as open data (CSV)."""
    statistics = country_statistics()
    keys = ("slug", "name_sw", "name_en", "rank", "tied", *FIGURE_KEYS, *NOW_KEYS)
    columns = [Column(key, key, key not in ("slug", "name_sw", "name_en", "tied")) for key in keys]
    rows: list[list[Cell]] = [
        [_cell(_institution(row)[key]) for key in keys]
        for row in (statistics.ranking or []) + (statistics.unranked or [])
    ]
    return _csv(Table("institutions", "institutions", columns, rows), _filename(statistics, "taasisi", ".csv"))


def _cell(value: Any) -> Cell:
    """A value of the open data as a CSV cell (a flag as "true" or "false")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value  # type: ignore[no-any-return]


@bp.get("/<slug>")
def institution(slug: str):  # type: ignore[no-untyped-def]
    """One institution's figures by month."""
    return _page(institution_statistics(slug))


@bp.get("/<slug>/takwimu.json")
def institution_json(slug: str) -> Response:
    """One institution's figures as open data (JSON)."""
    return jsonify(open_data(institution_statistics(slug)))


@bp.get("/<slug>/miezi.csv")
def institution_months_csv(slug: str) -> Response:
    """One institution's figures month by month as open data (CSV)."""
    statistics = institution_statistics(slug)
    return _months_csv(statistics, _filename(statistics, "miezi", ".csv"))
