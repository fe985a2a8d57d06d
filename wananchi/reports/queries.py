"""The report figures, computed by SQL aggregation over stored instants and working-time durations. Only reads.

Definitions (also on the pages):
- received: tickets submitted in the period; commendations: those of type commendation.
- first responded: tickets whose first response (a person's reply or request for information) fell in the period;
  within target: that response came before the holder's first-response due instant.
- resolved: tickets resolved in the period (and not reopened since); within target: before the resolution due
  instant. Satisfaction: the ratings of the tickets resolved in the period.
- durations are the working minutes stored on the ticket when the event happened (pauses excluded).
- median and 90th percentile are nearest-rank: sort the n values; the p-th percentile is the value at position
  ceil(p × n) (the median of 4 values is the 2nd, of 5 values the 3rd).
- fell due: tickets whose resolution due instant fell in the period, up to now; on time: resolved by that instant.
  Resolved late and still open past due count as late. Not counted: commendations (passed on, not chased),
  duplicates merged into another ticket, and tickets whose clock is paused since before their due instant (the
  due instant moves on when the citizen answers).
- open and overdue are counted now, whatever the period; the age of an open ticket is the number of working
  days (standard calendar) since the day it was submitted. Commendations are never overdue.
- transfers in and out: moves in the period into and out of the institutions; a move between two institutions of
  one node counts both ways. Time held before transfer: working minutes the sender kept the ticket.
- tickets count where they are now (their responsible institution).
- SMS: the SMS sent in the period about the scope's tickets (to their citizens and to staff), counted where the
  tickets are now; segments are the concatenated parts billed (GSM-7 or UCS-2), and the cost is segments times
  SMS_PRICE_TZS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, null, or_, select, text, tuple_, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.selectable import CTE

from wananchi.core.db import is_postgresql
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.notifications.models import Channel as MessageChannel
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.reports.periods import LOCAL_TIME, Period
from wananchi.reports.sql import local_month, week_index
from wananchi.sla.days import working_day_number
from wananchi.tickets.models import OPEN_STATUSES, Ticket, TicketTransfer, TicketType
from wananchi.tickets.permissions import subtree_ids
from wananchi.tickets.subjects import shown_subject

SPLITS = ("category", "type", "channel", "region", "district")
# Age buckets of the open backlog in working days: (first, last); None: no upper end.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 2), (3, 7), (8, 14), (15, 30), (31, None))
RATINGS = (1, 2, 3, 4, 5)
TOTAL = ("all", None)
# The dimensions with medians and 90th percentiles besides the total: the league table and the public months.
PERCENTILE_DIMS = frozenset({"institution", "month"})

Key = tuple[str, str | None]  # (dimension, value as text; None for the total or an unknown value)


@dataclass
class Figures:
    """The figures of one row of a report: the whole scope, one value of a split, one institution or week."""

    received: int = 0
    commendations: int = 0
    first_responded: int = 0
    first_response_within: int = 0
    first_response_median: int | None = None  # working minutes
    first_response_p90: int | None = None
    resolved: int = 0
    resolution_within: int = 0
    resolution_median: int | None = None
    resolution_p90: int | None = None
    open: int = 0
    overdue: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(AGE_BUCKETS))
    rated: int = 0
    rating_sum: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * len(RATINGS))
    transfers_in: int = 0
    transfers_out: int = 0
    held_median: int | None = None  # working minutes a sender kept a ticket it transferred out
    held_p90: int | None = None
    sms_sent: int = 0  # SMS sent in the period about these tickets
    sms_segments: int = 0  # their concatenated parts: what the government pays for
    fell_due: int = 0  # tickets whose resolution fell due in the period
    fell_due_on_time: int = 0  # of those, resolved by their due instant

    @property
    def first_response_share(self) -> float | None:
        """Share of the first responses given within target, 0–1."""
        return self.first_response_within / self.first_responded if self.first_responded else None

    @property
    def resolution_share(self) -> float | None:
        """Share of the resolutions within target, 0–1."""
        return self.resolution_within / self.resolved if self.resolved else None

    @property
    def on_time_share(self) -> float | None:
        """Share of the tickets that fell due which were resolved on time, 0–1."""
        return self.fell_due_on_time / self.fell_due if self.fell_due else None

    @property
    def satisfaction_average(self) -> float | None:
        """The mean rating (1–5) of the rated tickets."""
        return self.rating_sum / self.rated if self.rated else None


@dataclass
class Report:
    """Every figure of one report: the total, the splits, the league table by institution, the weekly trend."""

    period: Period
    total: Figures
    splits: dict[str, dict[str | None, Figures]]
    institutions: dict[int, Figures]
    weeks: list[tuple[dt.date, Figures]]
    months: list[tuple[str, Figures]]


@dataclass(frozen=True)
class OldTicket:
    """An open ticket waiting long: for the table of the oldest."""

    reference: str
    subject: str
    submitted_day: int | None
    institution: str


def oldest_open(ids: Sequence[int], limit: int = 20) -> list[OldTicket]:
    """The scope's open tickets submitted longest ago."""
    if not ids:
        return []
    statement = (
        select(Ticket, Institution)
        .join(Institution, Institution.id == Ticket.institution_id)
        .where(Ticket.institution_id.in_(ids), Ticket.status.in_(sorted(OPEN_STATUSES)))
        .order_by(Ticket.created_at, Ticket.id)
        .limit(limit)
    )
    return [
        OldTicket(ticket.reference, shown_subject(ticket), ticket.submitted_day, localized_name(institution))
        for ticket, institution in db.session.execute(statement)
    ]


def scope_ids(root_id: int) -> list[int]:
    """The ids of an institution and every institution below it."""
    return list(db.session.scalars(subtree_ids(root_id)))


# --- the rows each kind of figure is counted over ---------------------------------------------------------------


def _dims(base: CTE, names: Iterable[str], week_start: dt.datetime | None) -> list[tuple[str, ColumnElement[Any]]]:
    """The grouping expressions of the requested dimensions over a base of ticket rows."""
    columns = {
        "category": base.c.category_id,
        "type": base.c.type,
        "channel": base.c.channel,
        "region": base.c.region_id,
        "district": base.c.district_id,
        "institution": base.c.institution_id,
    }
    offset = int((LOCAL_TIME.utcoffset(dt.datetime(2020, 1, 1)) or dt.timedelta()).total_seconds() // 60)
    found: list[tuple[str, ColumnElement[Any]]] = []
    for name in names:
        if name == "week" and week_start is not None:
            found.append((name, week_index(base.c.at, int(week_start.timestamp()))))
        elif name == "month":
            found.append((name, local_month(base.c.at, offset)))
        elif name in columns:
            found.append((name, columns[name]))
    return found


def _set_keys(rows: Iterable[Any], names: Sequence[str], width: int) -> Iterable[tuple[Key, tuple[Any, ...]]]:
    """(dimension, value) of grouping-set rows laid out as (grouping bits, one key per dimension, figures...).

    The bits are GROUPING() of the dimensions, first dimension highest: all set for the total, all but one for a
    dimension's row.
    """
    full = (1 << len(names)) - 1
    for row in rows:
        bits = row[0]
        if bits == full:
            yield ("all", None), tuple(row[1 + len(names) : 1 + len(names) + width])
            continue
        index = len(names) - (full ^ bits).bit_length()
        yield (names[index], row[1 + index]), tuple(row[1 + len(names) : 1 + len(names) + width])


def _grouped(
    base: CTE,
    dims: Sequence[tuple[str, ColumnElement[Any]]],
    aggregates: Sequence[ColumnElement[Any]],
    *,
    whole_window: frozenset[str] = frozenset({"week"}),
) -> dict[Key, tuple[Any, ...]]:
    """One aggregate row per (dimension, value): the total and every dimension, in one statement.

    Rows outside the period but inside the trend window count only for the dimensions in `whole_window`. On
    PostgreSQL one pass with GROUPING SETS; elsewhere a UNION ALL of one grouped part per dimension.
    """
    if is_postgresql() and dims:
        in_period = base.c.in_period
        names = [name for name, _expression in dims]
        expressions = [expression for _name, expression in dims]
        sets = [tuple_(in_period)] + [
            tuple_(expression) if name in whole_window else tuple_(in_period, expression) for name, expression in dims
        ]
        statement = (
            select(
                func.grouping(*expressions),
                *(cast(expression, String) for expression in expressions),
                *aggregates,
            )
            .group_by(func.grouping_sets(*sets))
            .having(or_(func.grouping(in_period) == 1, in_period == 1))
        )
        return dict(_set_keys(db.session.execute(statement), names, len(aggregates)))
    parts: list[Select[Any]] = [
        select(literal("all").label("dim"), cast(null(), String).label("key"), *aggregates).where(base.c.in_period == 1)
    ]
    for name, expression in dims:
        part = select(literal(name).label("dim"), cast(expression, String).label("key"), *aggregates)
        if name not in whole_window:
            part = part.where(base.c.in_period == 1)
        parts.append(part.group_by(expression))
    rows = db.session.execute(union_all(*parts)).all()
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


def _percentiles(
    base: CTE, dims: Sequence[tuple[str, ColumnElement[Any]]], wanted: frozenset[str] = PERCENTILE_DIMS
) -> dict[Key, tuple[int, int]]:
    """Nearest-rank median and 90th percentile of `base.c.v` for the total and the dimensions in `wanted`.

    Per value of the dimension, count the tickets per duration (a histogram), accumulate the counts in ascending
    order of duration, and take the smallest duration whose running count reaches p × n (2 × count >= n for the
    median, 10 × count >= 9 × n for the 90th percentile): exact integers, the same on every backend.
    """
    counted = and_(base.c.in_period == 1, base.c.v.is_not(None))
    chosen = [(name, expression) for name, expression in dims if name in wanted]
    if is_postgresql() and chosen:
        # One pass: GROUPING SETS build every histogram; the windows sort by the raw keys (integers), not text.
        names = [name for name, _expression in chosen]
        keys = [f"key{n}" for n in range(len(chosen))]
        grouped = (
            select(
                func.grouping(*(expression for _name, expression in chosen)).label("bits"),
                *(expression.label(key) for key, (_name, expression) in zip(keys, chosen, strict=True)),
                base.c.v,
                func.count().label("c"),
            )
            .where(counted)
            .group_by(func.grouping_sets(tuple_(base.c.v), *(tuple_(e, base.c.v) for _name, e in chosen)))
            .subquery("histogram")
        )
        partition = [grouped.c.bits, *(grouped.c[key] for key in keys)]
        window = select(
            *partition,
            grouped.c.v,
            func.sum(grouped.c.c).over(partition_by=partition, order_by=grouped.c.v).label("running"),
            func.sum(grouped.c.c).over(partition_by=partition).label("n"),
        ).subquery("running")
        group = [window.c.bits, *(window.c[key] for key in keys)]
        ranked = select(
            window.c.bits,
            *(cast(window.c[key], String) for key in keys),
            func.min(case((window.c.running * 2 >= window.c.n, window.c.v))),
            func.min(case((window.c.running * 10 >= window.c.n * 9, window.c.v))),
        ).group_by(*group)
        return {key: (row[0], row[1]) for key, row in _set_keys(db.session.execute(ranked), names, 2)}
    counted = and_(base.c.in_period == 1, base.c.v.is_not(None))
    parts = [
        select(literal("all").label("dim"), cast(null(), String).label("key"), base.c.v, func.count().label("c"))
        .where(counted)
        .group_by(base.c.v)
    ]
    for name, expression in dims:
        if name in wanted:
            parts.append(
                select(literal(name).label("dim"), cast(expression, String).label("key"), base.c.v, func.count())
                .where(counted)
                .group_by(expression, base.c.v)
            )
    histogram = union_all(*parts).subquery("histogram")
    partition = [histogram.c.dim, histogram.c.key]
    running = select(
        histogram.c.dim,
        histogram.c.key,
        histogram.c.v,
        func.sum(histogram.c.c).over(partition_by=partition, order_by=histogram.c.v).label("running"),
        func.sum(histogram.c.c).over(partition_by=partition).label("n"),
    ).subquery("running")
    statement = select(
        running.c.dim,
        running.c.key,
        func.min(case((running.c.running * 2 >= running.c.n, running.c.v))),
        func.min(case((running.c.running * 10 >= running.c.n * 9, running.c.v))),
    ).group_by(running.c.dim, running.c.key)
    return {(dim, key): (median, p90) for dim, key, median, p90 in db.session.execute(statement)}


def _summary(
    base: CTE,
    dims: Sequence[tuple[str, ColumnElement[Any]]],
    aggregates: Sequence[ColumnElement[Any]],
    wanted: frozenset[str] = PERCENTILE_DIMS,
) -> tuple[dict[Key, tuple[Any, ...]], dict[Key, tuple[int, int]]]:
    """The aggregates of `_grouped` and the percentiles of `_percentiles` over one base."""
    return _grouped(base, dims, aggregates), _percentiles(base, dims, wanted)


def _ticket_base(
    name: str,
    ids: Sequence[int],
    at: Any,
    start: dt.datetime,
    window: dt.datetime,
    end: dt.datetime,
    *extra: ColumnElement[Any],
    where: Sequence[ColumnElement[bool]] = (),
) -> CTE:
    """The scope's tickets whose instant `at` falls in [window, end) (and that meet `where`), with the dimensions
    and `in_period`."""
    statement = select(
        Ticket.category_id,
        Ticket.type,
        Ticket.channel,
        Ticket.region_id,
        Ticket.district_id,
        Ticket.institution_id,
        at.label("at"),
        case((at >= start, 1), else_=0).label("in_period"),
        *extra,
    ).where(Ticket.institution_id.in_(ids), at >= window, at < end, *where)
    return statement.cte(name).prefix_with("MATERIALIZED")


def _within(instant: Any, due: Any) -> ColumnElement[int]:
    """1 where an instant came no later than its due instant, else 0."""
    return case((and_(due.is_not(None), instant <= due), 1), else_=0)


def _ints(row: tuple[Any, ...]) -> list[int]:
    return [int(value or 0) for value in row]


# --- the kinds of figures ------------------------------------------------------------------------------------------


def _received(figures: _Table, ids: Sequence[int], period: Period, window: dt.datetime, names: list[str]) -> None:
    base = _ticket_base(
        "received",
        ids,
        Ticket.created_at,
        period.start,
        window,
        period.end,
        case((Ticket.type == TicketType.COMMENDATION, 1), else_=0).label("commendation"),
    )
    rows = _grouped(base, _dims(base, names, window), [func.count(), func.sum(base.c.commendation)])
    for key, row in rows.items():
        target = figures[key]
        target.received, target.commendations = _ints(row)


def _responded(figures: _Table, ids: Sequence[int], period: Period, window: dt.datetime, names: list[str]) -> None:
    base = _ticket_base(
        "responded",
        ids,
        Ticket.first_response_at,
        period.start,
        window,
        period.end,
        Ticket.first_response_minutes.label("v"),
        _within(Ticket.first_response_at, Ticket.first_response_due_at).label("ok"),
    )
    grouped, ranks = _summary(base, _dims(base, names, window), [func.count(), func.sum(base.c.ok)])
    for key, row in grouped.items():
        figures[key].first_responded, figures[key].first_response_within = _ints(row)
    for key, (median, p90) in ranks.items():
        figures[key].first_response_median, figures[key].first_response_p90 = median, p90


def _resolved(figures: _Table, ids: Sequence[int], period: Period, window: dt.datetime, names: list[str]) -> None:
    base = _ticket_base(
        "resolved",
        ids,
        Ticket.resolved_at,
        period.start,
        window,
        period.end,
        Ticket.resolution_minutes.label("v"),
        _within(Ticket.resolved_at, Ticket.resolution_due_at).label("ok"),
        Ticket.satisfaction_rating.label("rating"),
    )
    aggregates = [func.count(), func.sum(base.c.ok), func.count(base.c.rating), func.sum(base.c.rating)]
    aggregates += [func.sum(case((base.c.rating == rating, 1), else_=0)) for rating in RATINGS]
    grouped, ranks = _summary(base, _dims(base, names, window), aggregates)
    for key, row in grouped.items():
        target = figures[key]
        values = _ints(row)
        target.resolved, target.resolution_within, target.rated, target.rating_sum = values[:4]
        target.ratings = values[4:]
    for key, (median, p90) in ranks.items():
        figures[key].resolution_median, figures[key].resolution_p90 = median, p90


def _fell_due(
    figures: _Table, ids: Sequence[int], period: Period, window: dt.datetime, now: dt.datetime, names: list[str]
) -> None:
    """Tickets whose resolution fell due in the period (up to now), and how many were resolved by then."""
    late_before_pause = or_(Ticket.sla_paused_at.is_(None), Ticket.sla_paused_at >= Ticket.resolution_due_at)
    base = _ticket_base(
        "fell_due",
        ids,
        Ticket.resolution_due_at,
        period.start,
        window,
        min(period.end, now),
        _within(Ticket.resolved_at, Ticket.resolution_due_at).label("ok"),
        where=(Ticket.type != TicketType.COMMENDATION, Ticket.merged_into_id.is_(None), late_before_pause),
    )
    for key, row in _grouped(base, _dims(base, names, window), [func.count(), func.sum(base.c.ok)]).items():
        figures[key].fell_due, figures[key].fell_due_on_time = _ints(row)


def _backlog(figures: _Table, ids: Sequence[int], now: dt.datetime, names: list[str]) -> None:
    """Open tickets now: by age in working days, and those past a due instant (not paused)."""
    today = working_day_number(now)
    age = literal(today) - Ticket.submitted_day
    base = (
        select(
            Ticket.category_id,
            Ticket.type,
            Ticket.channel,
            Ticket.region_id,
            Ticket.district_id,
            Ticket.institution_id,
            literal(1).label("in_period"),
            age.label("age"),
            case(
                (
                    and_(
                        Ticket.sla_paused_at.is_(None),
                        Ticket.next_due_at <= now,
                        Ticket.type != TicketType.COMMENDATION,
                    ),
                    1,
                ),
                else_=0,
            ).label("overdue"),
        )
        .where(Ticket.institution_id.in_(ids), Ticket.status.in_(sorted(OPEN_STATUSES)))
        .cte("backlog")
    )
    base = base.prefix_with("MATERIALIZED")
    buckets = [
        func.sum(
            case((and_(base.c.age >= low, base.c.age <= high) if high is not None else base.c.age >= low, 1), else_=0)
        )
        for low, high in AGE_BUCKETS
    ]
    dims = _dims(base, [name for name in names if name not in ("week", "month")], None)
    for key, row in _grouped(base, dims, [func.count(), func.sum(base.c.overdue), *buckets]).items():
        values = _ints(row)
        figures[key].open, figures[key].overdue = values[:2]
        figures[key].ages = values[2:]


def _transfers(figures: _Table, ids: Sequence[int], period: Period, by_institution: bool) -> None:
    """Moves into and out of the scope in the period, and how long senders held what they sent on."""
    in_period = and_(TicketTransfer.created_at >= period.start, TicketTransfer.created_at < period.end)
    for column, attribute in (
        (TicketTransfer.to_institution_id, "transfers_in"),
        (TicketTransfer.from_institution_id, "transfers_out"),
    ):
        statement = select(column, func.count()).where(column.in_(ids), in_period).group_by(column)
        for institution_id, count in db.session.execute(statement):
            setattr(figures[TOTAL], attribute, getattr(figures[TOTAL], attribute) + count)
            if by_institution:
                setattr(figures["institution", str(institution_id)], attribute, count)
    base = (
        select(
            TicketTransfer.from_institution_id.label("institution_id"),
            TicketTransfer.held_minutes.label("v"),
            literal(1).label("in_period"),
        )
        .where(TicketTransfer.from_institution_id.in_(ids), in_period)
        .cte("held")
    )
    dims = [("institution", base.c.institution_id)] if by_institution else []
    for key, (median, p90) in _percentiles(base, dims).items():
        figures[key].held_median, figures[key].held_p90 = median, p90


def _sms(figures: _Table, ids: Sequence[int], period: Period, by_institution: bool) -> None:
    """The SMS sent in the period about the scope's tickets, and their segments, per institution holding them."""
    statement = (
        select(Ticket.institution_id, func.count(), func.coalesce(func.sum(OutboxMessage.sms_segments), 0))
        .join(Ticket, Ticket.id == OutboxMessage.ticket_id)
        .where(
            OutboxMessage.channel == MessageChannel.SMS,
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at >= period.start,
            OutboxMessage.sent_at < period.end,
            Ticket.institution_id.in_(ids),
        )
        .group_by(Ticket.institution_id)
    )
    for institution_id, count, segments in db.session.execute(statement):
        figures[TOTAL].sms_sent += count
        figures[TOTAL].sms_segments += int(segments or 0)
        if by_institution:
            figures["institution", str(institution_id)].sms_sent = count
            figures["institution", str(institution_id)].sms_segments = int(segments or 0)


class _Table(dict[Key, Figures]):
    """Figures by (dimension, value), created on first use."""

    def __missing__(self, key: Key) -> Figures:
        self[key] = Figures()
        return self[key]


def build_report(
    ids: Sequence[int],
    period: Period,
    *,
    now: dt.datetime,
    splits: Sequence[str] = SPLITS,
    by_institution: bool = False,
    weekly: bool = True,
    monthly: bool = False,
    current: bool = True,
) -> Report:
    """Every figure for the institutions `ids` over `period`: total, splits, per institution, weeks, months.

    `current=False` leaves out what is counted now whatever the period (open, overdue, ages) and the transfers: a
    comparison with the period before needs neither.
    """
    names = list(splits) + (["institution"] if by_institution else []) + (["week"] if weekly else [])
    names += ["month"] if monthly else []
    window = period.trend_start if weekly else period.start
    figures = _Table()
    figures[TOTAL] = Figures()
    if is_postgresql():
        # The histograms and their windows sort a few hundred thousand small rows: keep them in memory. Compiling
        # these one-off statements to machine code costs more than it saves.
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(text("SET LOCAL jit = off"))
    if ids:
        _received(figures, ids, period, window, names)
        _responded(figures, ids, period, window, names)
        _resolved(figures, ids, period, window, names)
        _fell_due(figures, ids, period, window, now, names)
    if ids and current:
        _backlog(figures, ids, now, names)
        _transfers(figures, ids, period, by_institution)
        _sms(figures, ids, period, by_institution)
    splits_found: dict[str, dict[str | None, Figures]] = {name: {} for name in splits}
    institutions: dict[int, Figures] = {institution_id: Figures() for institution_id in ids} if by_institution else {}
    weeks: dict[int, Figures] = {}
    months: dict[str, Figures] = {}
    for (dim, key), value in figures.items():
        if dim in splits_found:
            splits_found[dim][key] = value
        elif dim == "institution" and key is not None:
            institutions[int(key)] = value
        elif dim == "week" and key is not None:
            weeks[int(key)] = value
        elif dim == "month" and key is not None:
            months[key] = value
    first_monday = window.astimezone(LOCAL_TIME).date()
    week_count = (period.last - first_monday).days // 7 + 1
    return Report(
        period=period,
        total=figures[TOTAL],
        splits=splits_found,
        institutions=institutions,
        weeks=[(first_monday + dt.timedelta(weeks=n), weeks.get(n, Figures())) for n in range(week_count)]
        if weekly
        else [],
        months=sorted(months.items()),
    )
