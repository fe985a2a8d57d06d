"""Stored report snapshots: the figures of a slow report, kept for a few minutes and refreshed by the worker."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, utcnow
from wananchi.extensions import Model


class ReportSnapshot(Model):
    """Every figure of one report (a scope over a period) as computed at `computed_at`, serialised as JSON.

    `scope` names what was counted: "node:<id>", "institution:<id>", "public" (the country) or "public:<id>", or
    "totals-<scope>" for the totals only (what a report compares with over the period before its own).
    A preset period ("month", "year", "before_month", ...) is recomputed for the preset's current dates by the worker.
    """

    __tablename__ = "report_snapshot"
    __table_args__ = (UniqueConstraint("scope", "first", "last", name="uq_report_snapshot_scope_first_last"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    preset: Mapped[str] = mapped_column(String(20))
    first: Mapped[dt.date] = mapped_column(Date)
    last: Mapped[dt.date] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    compute_ms: Mapped[int] = mapped_column(Integer)  # how long the figures took to compute
    read_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    payload: Mapped[str] = mapped_column(Text)
