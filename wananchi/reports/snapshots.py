"""Report snapshots: a slow report is computed once, kept a few minutes, and kept fresh by the worker.

A national report over a year aggregates hundreds of thousands of tickets, and its league table needs every
institution's exact median over the whole period, which no per-month summary can give. So a report whose
computation takes at least REPORT_SNAPSHOT_MIN_MS is stored with the instant it was computed; readers within
REPORT_SNAPSHOT_MAX_AGE get the stored figures (the page says when they were counted), and the worker's
`refresh_snapshots` recomputes every snapshot read in the last day before it expires, so readers never wait.
Reports that compute quickly (an institution's month) are never stored: they are always live. The totals of the
period a report compares with (the same days of the month before, say) are a report of their own, stored alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from wananchi.core.db import upsert_insert, utcnow
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.reports.models import ReportSnapshot
from wananchi.reports.periods import Period, preset_period
from wananchi.reports.queries import Figures, Report, build_report, scope_ids

READ_TOUCH = dt.timedelta(minutes=1)  # how often a read is recorded (not on every page view)
READ_WINDOW = dt.timedelta(days=1)  # snapshots read this recently are kept fresh by the worker
KEEP_UNREAD = dt.timedelta(days=7)  # snapshots not read this long are deleted
ALWAYS_FRESH = (("public", "year"),)  # the public country page: kept fresh whether read or not


@dataclass(frozen=True)
class Served:
    """A report as served: its figures, when they were counted, and whether they came from a snapshot."""

    report: Report
    computed_at: dt.datetime
    from_snapshot: bool


# --- what a scope counts ------------------------------------------------------------------------------------------


def node_scope(institution_id: int) -> str:
    """An oversight node and everything below it, with the league table."""
    return f"node:{institution_id}"


def institution_scope(institution_id: int) -> str:
    """One institution's report."""
    return f"institution:{institution_id}"


def public_scope(institution_id: int | None = None) -> str:
    """The public statistics of the country (None) or of one institution."""
    return "public" if institution_id is None else f"public:{institution_id}"


def totals_scope(scope: str) -> str:
    """Only the totals of a scope: what a report compares with over the period before its own."""
    return f"totals-{scope}"


def active_institution_ids() -> list[int]:
    """The institutions the public country page counts."""
    return sorted(db.session.scalars(select(Institution.id).where(Institution.is_active)))


def _ids(kind: str, ident: str) -> list[int]:
    """The institutions a kind of scope counts."""
    if kind == "node":
        return scope_ids(int(ident))
    if kind == "institution":
        return [int(ident)]
    if kind == "public":
        return [int(ident)] if ident else active_institution_ids()
    raise ValueError(f"unknown report scope {kind!r}")


def compute(scope: str, period: Period, now: dt.datetime) -> Report:
    """The figures of a scope over a period, computed now from the tickets."""
    kind, _sep, ident = scope.partition(":")
    if kind.startswith("totals-"):
        ids = _ids(kind.removeprefix("totals-"), ident)
        return build_report(ids, period, now=now, splits=(), weekly=False, current=False)
    ids = _ids(kind, ident)
    if kind == "node":
        return build_report(ids, period, now=now, by_institution=True)
    if kind == "institution":
        return build_report(ids, period, now=now)
    return build_report(ids, period, now=now, splits=(), by_institution=not ident, weekly=False, monthly=True)


# --- JSON ---------------------------------------------------------------------------------------------------------


def _figures(data: dict[str, Any]) -> Figures:
    return Figures(**data)


def report_to_json(report: Report) -> str:
    """Every figure of a report as compact JSON (keys of splits may be None: kept as pairs)."""
    return json.dumps(
        {
            "period": [report.period.first.isoformat(), report.period.last.isoformat(), report.period.preset],
            "total": dataclasses.asdict(report.total),
            "splits": {
                name: [[key, dataclasses.asdict(figures)] for key, figures in values.items()]
                for name, values in report.splits.items()
            },
            "institutions": [[key, dataclasses.asdict(figures)] for key, figures in report.institutions.items()],
            "weeks": [[day.isoformat(), dataclasses.asdict(figures)] for day, figures in report.weeks],
            "months": [[month, dataclasses.asdict(figures)] for month, figures in report.months],
        },
        separators=(",", ":"),
    )


def report_from_json(payload: str) -> Report:
    """The report `report_to_json` wrote."""
    data = json.loads(payload)
    first, last, preset = data["period"]
    return Report(
        period=Period(dt.date.fromisoformat(first), dt.date.fromisoformat(last), preset),
        total=_figures(data["total"]),
        splits={name: {key: _figures(value) for key, value in pairs} for name, pairs in data["splits"].items()},
        institutions={int(key): _figures(value) for key, value in data["institutions"]},
        weeks=[(dt.date.fromisoformat(day), _figures(value)) for day, value in data["weeks"]],
        months=[(month, _figures(value)) for month, value in data["months"]],
    )


# --- serving and refreshing ---------------------------------------------------------------------------------------


def _max_age() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["REPORT_SNAPSHOT_MAX_AGE"])


def _find(scope: str, period: Period) -> ReportSnapshot | None:
    return db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.scope == scope, ReportSnapshot.first == period.first, ReportSnapshot.last == period.last
        )
    )


def _store(scope: str, period: Period, report: Report, computed_at: dt.datetime, compute_ms: int) -> None:
    """Insert or replace the snapshot of (scope, period): concurrent writers leave the latest figures."""
    statement = upsert_insert(ReportSnapshot).values(
        scope=scope,
        preset=period.preset,
        first=period.first,
        last=period.last,
        computed_at=computed_at,
        compute_ms=compute_ms,
        read_at=computed_at,
        payload=report_to_json(report),
    )
    statement = statement.on_conflict_do_update(
        index_elements=["scope", "first", "last"],
        set_={name: statement.excluded[name] for name in ("preset", "computed_at", "compute_ms", "payload")},
    )
    db.session.execute(statement)


def _computed(scope: str, period: Period, now: dt.datetime) -> tuple[Report, int]:
    started = time.perf_counter()
    report = compute(scope, period, now)
    return report, round((time.perf_counter() - started) * 1000)


def served_report(scope: str, period: Period, *, now: dt.datetime | None = None) -> Served:
    """The report of `scope` over `period`: a fresh snapshot if there is one, else computed now (and stored if slow)."""
    now = now or utcnow()
    snapshot = _find(scope, period)
    if snapshot is not None and snapshot.computed_at > now - _max_age():
        if snapshot.read_at < now - READ_TOUCH:
            snapshot.read_at = now
        report = dataclasses.replace(report_from_json(snapshot.payload), period=period)
        return Served(report, snapshot.computed_at, True)
    report, compute_ms = _computed(scope, period, now)
    if snapshot is not None or compute_ms >= current_app.config["REPORT_SNAPSHOT_MIN_MS"]:
        _store(scope, period, report, now, compute_ms)
    return Served(report, now, False)


def _current(preset: str, first: dt.date, last: dt.date, now: dt.datetime) -> Period:
    """The period a snapshot stands for today: a preset's current dates, or the range it was asked for."""
    return Period(first, last) if preset == "range" else preset_period(preset, now)


def refresh_snapshots(commit: Callable[[], None], *, now: dt.datetime | None = None) -> int:
    """Recompute the snapshots read lately before they expire; forget old ones. Returns how many were computed.

    A preset's snapshot moves on with the calendar: yesterday's "this month" is replaced by today's. Each
    snapshot is committed on its own, so a long run holds no transaction open.
    """
    now = now or utcnow()
    db.session.execute(delete(ReportSnapshot).where(ReportSnapshot.read_at < now - KEEP_UNREAD))
    wanted: dict[tuple[str, dt.date, dt.date], Period] = {}
    for scope, preset in ALWAYS_FRESH:
        period = preset_period(preset, now)
        wanted[scope, period.first, period.last] = period
    rows = db.session.execute(
        select(
            ReportSnapshot.id, ReportSnapshot.scope, ReportSnapshot.preset, ReportSnapshot.first, ReportSnapshot.last
        ).where(ReportSnapshot.read_at >= now - READ_WINDOW)
    ).all()
    superseded = []
    for row_id, scope, preset, first, last in rows:
        period = _current(preset, first, last, now)
        wanted[scope, period.first, period.last] = period
        if (period.first, period.last) != (first, last):
            superseded.append(row_id)
    if superseded:
        db.session.execute(delete(ReportSnapshot).where(ReportSnapshot.id.in_(superseded)))
    commit()
    due = now - _max_age() / 2
    computed = 0
    for (scope, _first, _last), period in sorted(wanted.items()):
        snapshot = _find(scope, period)
        if snapshot is not None and snapshot.computed_at > due:
            continue
        report, compute_ms = _computed(scope, period, now)
        _store(scope, period, report, now, compute_ms)
        commit()
        computed += 1
    return computed
