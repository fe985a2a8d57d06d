"""The first screen of a report: overdue now, then each headline figure with its target, the previous period's value,
an arrow and a red, amber or green state, so that a manager reads the report in ten seconds.

States: a share within target is green from REPORT_SHARE_GREEN percent, amber from REPORT_SHARE_AMBER, red below.
A time in which 9 in 10 tickets were answered (or resolved) is green within the shortest target that applies in the
scope, amber within the longest, red beyond it (targets differ by type of ticket, and administrators may set their
own). A figure drawn from fewer than MIN_SAMPLE tickets is greyed and not judged.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_decimal, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from wananchi.core.numbers import percent_text
from wananchi.extensions import db
from wananchi.reports.periods import Period
from wananchi.reports.queries import Figures
from wananchi.reports.tables import MIN_SAMPLE, hours, percent
from wananchi.sla.models import ResponseTarget
from wananchi.sla.targets import DEFAULT_TARGETS
from wananchi.tickets.models import TicketType


class State(enum.StrEnum):
    GREEN = "green"  # on target
    AMBER = "amber"  # close to target
    RED = "red"  # off target
    FEW = "few"  # fewer than MIN_SAMPLE tickets: not judged
    NONE = "none"  # nothing to count, or a figure without a target


STATE_LABELS = {
    State.GREEN: _l("Green: on target"),
    State.AMBER: _l("Amber: close to target"),
    State.RED: _l("Red: off target"),
    State.FEW: _l("Too few tickets to judge"),
    State.NONE: _l("Nothing to judge"),
}


class Change(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


ARROWS = {Change.UP: "▲", Change.DOWN: "▼", Change.SAME: "="}
CHANGE_LABELS = {Change.UP: _l("Up"), Change.DOWN: _l("Down"), Change.SAME: _l("Unchanged")}


@dataclass(frozen=True)
class Tile:
    """One headline figure as the page shows it."""

    key: str
    label: str  # what the figure is: "Answered within target", "9 in 10 answered within"
    value: str  # as shown, "—" when nothing was counted
    sample: str  # how many tickets it was drawn from
    few: bool  # drawn from fewer than MIN_SAMPLE tickets: greyed
    state: State
    target: str  # the target, in words ("" for a figure without one)
    change: Change | None  # against the previous period; None when either has nothing to compare
    previous: str  # the previous period's value in words (or that there is none)


@dataclass(frozen=True)
class TargetDays:
    """The shortest and longest targets (working days) in force in a scope, for first response and resolution."""

    first_response: tuple[int, int]
    resolution: tuple[int, int]


@dataclass(frozen=True)
class Headline:
    """The first screen of a report."""

    overdue: int
    oldest_age: int | None  # working days since the oldest open ticket was submitted
    tiles: list[Tile]
    volumes: list[Tile]
    previous_period: Period
    green: int
    amber: int
    targets: TargetDays


def target_days(ids: Sequence[int]) -> TargetDays:
    """The range of targets in force for the institutions `ids`: for each institution and type the most specific
    administrator's row without a service (else the default of PRODUCT.md), and every row naming a service."""
    rows = db.session.execute(
        select(
            ResponseTarget.institution_id,
            ResponseTarget.category_id,
            ResponseTarget.type,
            ResponseTarget.first_response_days,
            ResponseTarget.resolution_days,
        ).where(or_(ResponseTarget.institution_id.is_(None), ResponseTarget.institution_id.in_(ids)))
    ).all()
    general = [row for row in rows if row.category_id is None]
    found = [(row.first_response_days, row.resolution_days) for row in rows if row.category_id is not None]
    for institution_id in ids:
        for ticket_type in TicketType:
            matching = [
                row
                for row in general
                if row.institution_id in (None, institution_id) and row.type in (None, ticket_type)
            ]
            matching.sort(key=lambda row: (row.institution_id is None, row.type is None))
            if matching:
                found.append((matching[0].first_response_days, matching[0].resolution_days))
            else:
                default = DEFAULT_TARGETS[ticket_type]
                found.append((default.first_response_days, default.resolution_days))
    if not found:
        found = [(t.first_response_days, t.resolution_days) for t in DEFAULT_TARGETS.values()]
    first = [days for days, _resolution in found]
    resolution = [days for _first, days in found]
    return TargetDays((min(first), max(first)), (min(resolution), max(resolution)))


def _number(value: float) -> str:
    return format_decimal(value, "#,##0.#")


# What a headline figure was drawn from, agreeing with its count ("kati ya hoja 1 iliyotatuliwa", "… 4 zilizotatuliwa").
def _of_first_responses(count: int) -> str:
    return ngettext("of %(count)s first response", "of %(count)s first responses", count, count=_number(count))


def _of_fell_due(count: int) -> str:
    return ngettext(
        "of %(count)s ticket that fell due", "of %(count)s tickets that fell due", count, count=_number(count)
    )


def _of_resolved(count: int) -> str:
    return ngettext("of %(count)s resolved ticket", "of %(count)s resolved tickets", count, count=_number(count))


def _hours_text(value: float | None) -> str:
    return "—" if value is None else _("%(hours)s working hours", hours=_number(value))


def _days_text(low: int, high: int) -> str:
    if low == high:
        return ngettext("%(num)d working day", "%(num)d working days", low)
    return _("%(low)s to %(high)s working days", low=low, high=high)


def _previous(value: str | None) -> str:
    """The previous period's value in words."""
    if value is None:
        return _("nothing to compare with in the period before")
    return _("previously %(value)s", value=value)


def _change(current: float | None, previous: float | None) -> Change | None:
    if current is None or previous is None:
        return None
    if current > previous:
        return Change.UP
    return Change.DOWN if current < previous else Change.SAME


def share_state(share: float | None, sample: int, green: int, amber: int) -> State:
    """Green, amber or red for a share within target (percent), or not judged."""
    if share is None:
        return State.NONE
    if sample < MIN_SAMPLE:
        return State.FEW
    if share >= green:
        return State.GREEN
    return State.AMBER if share >= amber else State.RED


def time_state(minutes: int | None, sample: int, days: tuple[int, int], minutes_per_day: int) -> State:
    """Green within the shortest target, amber within the longest, red beyond it, or not judged."""
    if minutes is None:
        return State.NONE
    if sample < MIN_SAMPLE:
        return State.FEW
    if minutes <= days[0] * minutes_per_day:
        return State.GREEN
    return State.AMBER if minutes <= days[1] * minutes_per_day else State.RED


def _share_tile(
    key: str, label: str, sample_text: str, share: float | None, sample: int, before: float | None, target: str
) -> Tile:
    green, amber = thresholds()
    shown, earlier = percent(share), percent(before)
    return Tile(
        key=key,
        label=label,
        value=percent_text(shown),
        sample=sample_text,
        few=share is not None and sample < MIN_SAMPLE,
        state=share_state(shown, sample, green, amber),
        target=target,
        change=_change(shown, earlier),
        previous=_previous(percent_text(earlier) if earlier is not None else None),
    )


def _time_tile(
    key: str,
    label: str,
    sample_text: str,
    minutes: int | None,
    sample: int,
    before: int | None,
    days: tuple[int, int],
    minutes_per_day: int,
) -> Tile:
    shown, earlier = hours(minutes), hours(before)
    return Tile(
        key=key,
        label=label,
        value=_hours_text(shown),
        sample=sample_text,
        few=minutes is not None and sample < MIN_SAMPLE,
        state=time_state(minutes, sample, days, minutes_per_day),
        target=_("Target: %(days)s, by type of ticket", days=_days_text(*days)),
        change=_change(shown, earlier),
        previous=_previous(_hours_text(earlier) if earlier is not None else None),
    )


def _count_tile(key: str, label: str, value: float | None, before: float | None) -> Tile:
    shown = "—" if value is None else _number(value)
    return Tile(
        key=key,
        label=label,
        value=shown,
        sample="",
        few=False,
        state=State.NONE,
        target="",
        change=_change(value, before),
        previous=_previous(_number(before) if before is not None else None),
    )


def thresholds() -> tuple[int, int]:
    """The green and amber thresholds of a share within target, in percent (amber never above green)."""
    green = current_app.config["REPORT_SHARE_GREEN"]
    return green, min(current_app.config["REPORT_SHARE_AMBER"], green)


def build_headline(
    total: Figures,
    previous: Figures,
    previous_period: Period,
    *,
    oldest_age: int | None,
    targets: TargetDays,
    minutes_per_day: int,
) -> Headline:
    """The headline of a report from its totals and those of the period before."""
    green, amber = thresholds()
    share_target = _(
        "Target: at least %(green)s (amber from %(amber)s)", green=percent_text(green), amber=percent_text(amber)
    )
    tiles = [
        _share_tile(
            "first_response_share",
            _("Answered within target"),
            _of_first_responses(total.first_responded),
            total.first_response_share,
            total.first_responded,
            previous.first_response_share,
            share_target,
        ),
        _share_tile(
            "on_time_share",
            _("Resolved on time"),
            _of_fell_due(total.fell_due),
            total.on_time_share,
            total.fell_due,
            previous.on_time_share,
            share_target,
        ),
        _time_tile(
            "first_response_p90",
            _("9 in 10 tickets were answered within"),
            _of_first_responses(total.first_responded),
            total.first_response_p90,
            total.first_responded,
            previous.first_response_p90,
            targets.first_response,
            minutes_per_day,
        ),
        _time_tile(
            "resolution_p90",
            _("9 in 10 tickets were resolved within"),
            _of_resolved(total.resolved),
            total.resolution_p90,
            total.resolved,
            previous.resolution_p90,
            targets.resolution,
            minutes_per_day,
        ),
    ]
    satisfaction, satisfaction_before = total.satisfaction_average, previous.satisfaction_average
    volumes = [
        _count_tile("received", pgettext("count", "Received"), total.received, previous.received),
        _count_tile("resolved", pgettext("count", "Resolved"), total.resolved, previous.resolved),
        _count_tile(
            "satisfaction",
            _("Average satisfaction (1–5)"),
            None if satisfaction is None else round(satisfaction, 1),
            None if satisfaction_before is None else round(satisfaction_before, 1),
        ),
    ]
    return Headline(
        overdue=total.overdue,
        oldest_age=oldest_age,
        tiles=tiles,
        volumes=volumes,
        previous_period=previous_period,
        green=green,
        amber=amber,
        targets=targets,
    )
