"""The tables of a report, as the page shows them and the exports write them: one source for both."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, Region
from wananchi.reports.queries import RATINGS, Figures, OldTicket, Report
from wananchi.tickets.labels import CHANNEL_LABELS, TYPE_LABELS
from wananchi.tickets.models import Channel, TicketType

# A date is shown in the page's language, written in ISO 8601 to a CSV and as a date cell to a workbook.
Cell = int | float | str | dt.date | None

SPLIT_TITLES = {
    "category": _l("By service"),
    "type": _l("By type of ticket"),
    "channel": _l("By channel"),
    "region": _l("By region"),
    "district": _l("By district"),
}
AGE_LABELS = [
    _l("0–2 working days"),
    _l("3–7 working days"),
    _l("8–14 working days"),
    _l("15–30 working days"),
    _l("Over 30 working days"),
]


@dataclass(frozen=True)
class Column:
    """A column: its key (for sorting), heading, and whether it holds numbers."""

    key: str
    heading: Any
    numeric: bool = True


@dataclass
class Table:
    """A titled table of cells; `name` names it in links and export files."""

    name: str
    title: Any
    columns: list[Column]
    rows: list[list[Cell]]
    caption: Any = ""
    row_ids: list[int] = field(default_factory=list)  # the institution of each row, where rows are institutions


def hours(minutes: int | None) -> float | None:
    """Working minutes as working hours, to one decimal."""
    return None if minutes is None else round(minutes / 60, 1)


def percent(share: float | None) -> float | None:
    """A share 0–1 as a percentage, to one decimal."""
    return None if share is None else round(share * 100, 1)


def average(value: float | None) -> float | None:
    """A mean rating to two decimals."""
    return None if value is None else round(value, 2)


FIGURE_COLUMNS: list[tuple[Column, Callable[[Figures], Cell]]] = [
    (Column("received", _l("Received")), lambda f: f.received),
    (Column("first_responded", _l("First responses")), lambda f: f.first_responded),
    (Column("first_response_share", _l("Answered within target (%)")), lambda f: percent(f.first_response_share)),
    (
        Column("first_response_median", _l("Median time to first response (working hours)")),
        lambda f: hours(f.first_response_median),
    ),
    (
        Column("first_response_p90", _l("90th percentile, first response (working hours)")),
        lambda f: hours(f.first_response_p90),
    ),
    (Column("resolved", _l("Resolved")), lambda f: f.resolved),
    (Column("resolution_share", _l("Resolved within target (%)")), lambda f: percent(f.resolution_share)),
    (
        Column("resolution_median", _l("Median time to resolution (working hours)")),
        lambda f: hours(f.resolution_median),
    ),
    (Column("resolution_p90", _l("90th percentile, resolution (working hours)")), lambda f: hours(f.resolution_p90)),
    (Column("open", _l("Open now")), lambda f: f.open),
    (Column("overdue", _l("Overdue now")), lambda f: f.overdue),
    (Column("satisfaction", _l("Average satisfaction (1–5)")), lambda f: average(f.satisfaction_average)),
    (Column("rated", _l("Ratings")), lambda f: f.rated),
]
# The splits show counts and shares within target; medians and percentiles are in the summary and the league table.
PERCENTILE_KEYS = {"first_response_median", "first_response_p90", "resolution_median", "resolution_p90"}
SPLIT_COLUMNS = [(column, value) for column, value in FIGURE_COLUMNS if column.key not in PERCENTILE_KEYS]


def sms_cost(segments: int) -> float:
    """What SMS segments cost, in Tanzanian shillings (SMS_PRICE_TZS each)."""
    return round(segments * float(current_app.config["SMS_PRICE_TZS"]), 2)


LEAGUE_EXTRA: list[tuple[Column, Callable[[Figures], Cell]]] = [
    (Column("transfers_in", _l("Transfers in")), lambda f: f.transfers_in),
    (Column("transfers_out", _l("Transfers out")), lambda f: f.transfers_out),
    (Column("sms_sent", _l("SMS sent")), lambda f: f.sms_sent),
    (Column("sms_segments", _l("SMS segments")), lambda f: f.sms_segments),
    (Column("sms_cost", _l("SMS cost (TZS)")), lambda f: sms_cost(f.sms_segments)),
]
LEAGUE_COLUMNS = FIGURE_COLUMNS + LEAGUE_EXTRA
LEAGUE_SORT_KEYS = {"name"} | {column.key for column, _value in LEAGUE_COLUMNS}


def _names(model: Any, ids: Sequence[int], localized: bool) -> dict[int, str]:
    """Names of rows of a model by id, in the page's language where the model has two."""
    if not ids:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(ids)))
    return {row.id: localized_name(row) if localized else row.name for row in rows}


def _split_labels(name: str, keys: Sequence[str | None]) -> dict[str | None, str]:
    """What each value of a split is called on the page."""
    unknown = str(_l("Not given"))
    ids = [int(key) for key in keys if key is not None and key.isdigit()]
    if name == "category":
        names = _names(Category, ids, True)
    elif name == "region":
        names = _names(Region, ids, False)
    elif name == "district":
        names = _names(District, ids, False)
    elif name == "type":
        return {key: str(TYPE_LABELS[TicketType(key)]) if key else unknown for key in keys}
    else:
        return {key: str(CHANNEL_LABELS.get(Channel(key), key)) if key else unknown for key in keys}
    return {key: names.get(int(key), key) if key is not None else unknown for key in keys}


def summary_table(report: Report) -> Table:
    """The figures of the whole report, one per row."""
    total = report.total
    rows: list[list[Cell]] = [[str(column.heading), value(total)] for column, value in FIGURE_COLUMNS]
    rows += [
        [str(_l("Commendations received")), total.commendations],
        [str(_l("Transfers in")), total.transfers_in],
        [str(_l("Transfers out")), total.transfers_out],
        [str(_l("Median time held before a transfer out (working hours)")), hours(total.held_median)],
        [str(_l("90th percentile, time held before a transfer out (working hours)")), hours(total.held_p90)],
        [str(_l("SMS sent")), total.sms_sent],
        [str(_l("SMS segments")), total.sms_segments],
        [str(_l("SMS cost (TZS)")), sms_cost(total.sms_segments)],
    ]
    return Table("summary", _l("Summary"), [Column("figure", _l("Figure"), False), Column("value", _l("Value"))], rows)


def backlog_table(report: Report) -> Table:
    """Open tickets now by age in working days."""
    rows: list[list[Cell]] = [[str(label), count] for label, count in zip(AGE_LABELS, report.total.ages, strict=True)]
    return Table(
        "backlog",
        _l("Open tickets by age"),
        [Column("age", _l("Age"), False), Column("open", _l("Open tickets"))],
        rows,
    )


def satisfaction_table(report: Report) -> Table:
    """How many tickets resolved in the period got each rating."""
    rows: list[list[Cell]] = [[rating, count] for rating, count in zip(RATINGS, report.total.ratings, strict=True)]
    return Table(
        "satisfaction",
        _l("Satisfaction ratings"),
        [Column("rating", _l("Rating (1–5)")), Column("tickets", _l("Tickets"))],
        rows,
    )


def weekly_table(report: Report) -> Table:
    """The weekly trend: received, resolved and the shares within target per week."""
    rows: list[list[Cell]] = [
        [
            monday,
            f.received,
            f.resolved,
            percent(f.first_response_share),
            f.first_responded,
            percent(f.resolution_share),
        ]
        for monday, f in report.weeks
    ]
    columns = [
        Column("week", _l("Week starting"), False),
        Column("received", _l("Received")),
        Column("resolved", _l("Resolved")),
        Column("first_response_share", _l("Answered within target (%)")),
        Column("first_responded", _l("First responses")),
        Column("resolution_share", _l("Resolved within target (%)")),
    ]
    return Table("weekly", _l("Week by week"), columns, rows)


SPLIT_CAPTION = _l(
    "Counts and shares within target. Medians and 90th percentiles are in the summary and, for a node, per institution."
)


def split_tables(report: Report) -> list[Table]:
    """One table per split (service, type, channel, region, district)."""
    tables = []
    for name, values in report.splits.items():
        labels = _split_labels(name, list(values))
        ordered = sorted(values.items(), key=lambda item: (-item[1].received, labels[item[0]]))
        rows: list[list[Cell]] = [[labels[key], *(value(f) for _c, value in SPLIT_COLUMNS)] for key, f in ordered]
        columns = [Column("name", SPLIT_TITLES[name], False)] + [column for column, _v in SPLIT_COLUMNS]
        tables.append(Table(f"by_{name}", SPLIT_TITLES[name], columns, rows, caption=SPLIT_CAPTION))
    return tables


def league_table(report: Report, sort: str = "received", descending: bool = True) -> Table:
    """Every institution of the node with its figures and sample sizes, sorted by any column."""
    names = _names(Institution, list(report.institutions), True)
    rows: list[tuple[int, list[Cell]]] = [
        (institution_id, [names.get(institution_id, str(institution_id)), *(value(f) for _c, value in LEAGUE_COLUMNS)])
        for institution_id, f in report.institutions.items()
    ]
    columns = [Column("name", _l("Institution"), False)] + [column for column, _v in LEAGUE_COLUMNS]
    index = next((n for n, column in enumerate(columns) if column.key == sort), 1)
    present = [row for row in rows if row[1][index] is not None]
    missing = sorted((row for row in rows if row[1][index] is None), key=lambda row: str(row[1][0]))
    present.sort(key=lambda row: (row[1][index], str(row[1][0])), reverse=descending)  # type: ignore[arg-type]
    ordered = present + missing
    return Table(
        "league",
        _l("Institutions"),
        columns,
        [cells for _id, cells in ordered],
        caption=_l(
            "Shares, medians and averages come with their sample sizes: first responses, resolved tickets and ratings."
        ),
        row_ids=[institution_id for institution_id, _cells in ordered],
    )


def oldest_table(tickets: list[OldTicket], today: int) -> Table:
    """The open tickets waiting longest."""
    rows: list[list[Cell]] = [
        [t.reference, t.subject, today - t.submitted_day if t.submitted_day is not None else None, t.institution]
        for t in tickets
    ]
    columns = [
        Column("reference", _l("Reference number"), False),
        Column("subject", _l("Subject"), False),
        Column("age", _l("Age (working days)")),
        Column("institution", _l("Institution"), False),
    ]
    return Table("oldest", _l("Open tickets waiting longest"), columns, rows)


def report_tables(
    report: Report,
    oldest: list[OldTicket],
    today: int,
    *,
    league: bool,
    sort: str = "received",
    descending: bool = True,
) -> list[Table]:
    """Every table of a report page, in page order."""
    tables = [summary_table(report), backlog_table(report), satisfaction_table(report), weekly_table(report)]
    if league:
        tables.append(league_table(report, sort, descending))
    tables += split_tables(report)
    tables.append(oldest_table(oldest, today))
    return tables


def month_label(month: str) -> dt.date:
    """The first day of a "YYYY-MM" month."""
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)
