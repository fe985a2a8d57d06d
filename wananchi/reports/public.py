"""Public statistics under /takwimu: the country's and each institution's figures by month, no personal data.

Only counts, shares and durations are shown: no ticket text, names, emails or phone numbers. An institution is
ranked only when it received at least RANK_MINIMUM tickets in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, abort, render_template
from flask_babel import format_date
from sqlalchemy import select

from wananchi.core.db import utcnow
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.reports.periods import Period, preset_period
from wananchi.reports.queries import Figures, Report
from wananchi.reports.snapshots import Served, public_scope, served_report
from wananchi.reports.tables import hours, percent

bp = Blueprint("statistics", __name__, url_prefix="/takwimu")
RANK_MINIMUM = 10


@dataclass(frozen=True)
class PublicRow:
    """One line of a public table: a month or an institution."""

    label: str
    received: int
    resolved: int
    within_target: float | None  # percent of resolutions within target
    median_hours: float | None  # median working hours to the first response
    slug: str | None = None


def _row(label: str, figures: Figures, slug: str | None = None) -> PublicRow:
    return PublicRow(
        label,
        figures.received,
        figures.resolved,
        percent(figures.resolution_share),
        hours(figures.first_response_median),
        slug,
    )


def _months(period: Period, report: Report) -> list[PublicRow]:
    """Every month of the period, empty months included, oldest first."""
    found = dict(report.months)
    rows, month = [], period.first.replace(day=1)
    while month <= period.last:
        key = f"{month.year:04d}-{month.month:02d}"
        rows.append(_row(format_date(month, "MMMM y"), found.get(key, Figures())))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return rows


def _report(institution_id: int | None) -> tuple[Period, Served]:
    """The last 12 months of the country (None) or of one institution, perhaps from a snapshot."""
    now = utcnow()
    period = preset_period("year", now)
    return period, served_report(public_scope(institution_id), period, now=now)


@bp.get("/")
def country():  # type: ignore[no-untyped-def]
    """The country's figures by month and the ranking of institutions with enough tickets."""
    institutions = {i.id: i for i in db.session.scalars(select(Institution).where(Institution.is_active))}
    period, served = _report(None)
    report = served.report
    shown = [(institutions[i], f) for i, f in report.institutions.items() if i in institutions]
    eligible = [(institution, f) for institution, f in shown if f.received >= RANK_MINIMUM]
    eligible.sort(key=lambda pair: (-(pair[1].resolution_share or 0), -pair[1].received, localized_name(pair[0])))
    ranking = [_row(localized_name(institution), figures, institution.slug) for institution, figures in eligible]
    unranked = sorted(
        (localized_name(institution), institution.slug) for institution, f in shown if f.received < RANK_MINIMUM
    )
    return render_template(
        "reports/public.html",
        institution=None,
        period=period,
        total=_row("", report.total),
        months=_months(period, report),
        served=served,
        ranking=ranking,
        unranked=unranked,
        minimum=RANK_MINIMUM,
    )


@bp.get("/<slug>")
def institution(slug: str):  # type: ignore[no-untyped-def]
    """One institution's figures by month."""
    found = db.session.scalar(select(Institution).where(Institution.slug == slug, Institution.is_active))
    if found is None:
        abort(404)
    period, served = _report(found.id)
    return render_template(
        "reports/public.html",
        institution=found,
        period=period,
        total=_row("", served.report.total),
        months=_months(period, served.report),
        served=served,
        ranking=None,
        unranked=None,
        minimum=RANK_MINIMUM,
    )
