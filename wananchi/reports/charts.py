"""Charts drawn as inline SVG on the server: no script, no external resource, a title and description to read aloud.

Presentation attributes only (no `style`), so the page's Content-Security-Policy holds. Each chart's data is
also on the page as a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup, escape

from wananchi.core.numbers import percent_text
from wananchi.reports.queries import Figures

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 44
RECEIVED_COLOUR = "#1d5b8c"
RESOLVED_COLOUR = "#2e7d32"
FIRST_RESPONSE_COLOUR = "#8c4a1d"
LATE_COLOUR = "#b10e1e"
TARGET_COLOUR = "#6a1b9a"
AXIS_COLOUR = "#555555"
GRID_COLOUR = "#d9d9d9"
FONT = 'font-family="sans-serif" font-size="12" fill="#222222"'


def _nice_max(value: float) -> int:
    """A round upper end for an axis at or above `value`."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return step * 4
    return int(value) + 1


def _frame(chart_id: str, title: str, description: str, body: list[str], legend: list[tuple[str, str]]) -> Markup:
    """The SVG element around a chart's shapes, with its accessible name, description and legend."""
    keys = []
    x = LEFT
    for colour, label in legend:
        keys.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 4}" {FONT}>{escape(label)}</text>'
        )
        x += 24 + 8 * len(label)
    return Markup(  # noqa: S704  (every text from outside is escaped above and below)
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "".join(keys)
        + "</svg>"
    )


def _y_axis(top_value: int, suffix: str = "") -> list[str]:
    """Horizontal grid lines and labels at quarters of the axis."""
    plot_height = HEIGHT - TOP - BOTTOM
    shapes = []
    for quarter in range(5):
        y = TOP + plot_height - plot_height * quarter / 4
        label = f"{top_value * quarter // 4}{suffix}"
        shapes.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{label}</text>'
        )
    return shapes


def _x_labels(weeks: Sequence[dt.date], slot: float) -> list[str]:
    """Week start dates under the plot, thinned out so they do not overlap."""
    every = max(1, len(weeks) // 8)
    return [
        f'<text x="{LEFT + slot * (n + 0.5):.1f}" y="{HEIGHT - 26}" text-anchor="middle" {FONT}>'
        f"{monday.day}/{monday.month}</text>"
        for n, monday in enumerate(weeks)
        if n % every == 0
    ]


def weekly_volume_chart(weeks: Sequence[tuple[dt.date, Figures]]) -> Markup:
    """Bars of tickets received and resolved in each week."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max([max(f.received, f.resolved) for _m, f in weeks] + [1]))
    slot = plot_width / max(1, len(weeks))
    bar = slot * 0.38
    shapes = _y_axis(top_value)
    for n, (monday, figures) in enumerate(weeks):
        for offset, value, colour, label in (
            (0.1, figures.received, RECEIVED_COLOUR, pgettext("count", "Received")),
            (0.52, figures.resolved, RESOLVED_COLOUR, pgettext("count", "Resolved")),
        ):
            height = plot_height * value / top_value
            shapes.append(
                f'<rect x="{LEFT + slot * n + slot * offset:.1f}" y="{TOP + plot_height - height:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(label)} {monday.isoformat()}: {value}</title></rect>"
            )
    shapes += _x_labels([monday for monday, _f in weeks], slot)
    received = sum(f.received for _m, f in weeks)
    resolved = sum(f.resolved for _m, f in weeks)
    description = _(
        "%(weeks)d weeks: %(received)d tickets received and %(resolved)d resolved in all.",
        weeks=len(weeks),
        received=received,
        resolved=resolved,
    )
    return _frame(
        "chart-volume",
        _("Tickets received and resolved, week by week"),
        description,
        shapes,
        [(RECEIVED_COLOUR, pgettext("count", "Received")), (RESOLVED_COLOUR, pgettext("count", "Resolved"))],
    )


def _target_line(target: int) -> list[str]:
    """A dashed horizontal line at a target share (percent), labelled at its right end."""
    plot_height = HEIGHT - TOP - BOTTOM
    y = TOP + plot_height * (1 - target / 100)
    label = _("Target %(target)s", target=percent_text(target))
    return [
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{TARGET_COLOUR}" '
        f'stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{WIDTH - RIGHT - 4}" y="{y - 5:.1f}" text-anchor="end" {FONT}>{escape(label)}</text>'
    ]


def weekly_share_chart(weeks: Sequence[tuple[dt.date, Figures]], target: int) -> Markup:
    """Lines of the share answered and resolved within target in each week (gaps where nothing was counted), and
    a dashed line at the target share."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(weeks))
    shapes = _y_axis(100, "%") + _target_line(target)
    for colour, share_of in (
        (FIRST_RESPONSE_COLOUR, lambda f: f.first_response_share),
        (RESOLVED_COLOUR, lambda f: f.resolution_share),
    ):
        segment: list[str] = []
        for n, (monday, figures) in enumerate(weeks):
            share = share_of(figures)
            if share is None:
                if len(segment) > 1:
                    shapes.append(
                        f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                    )
                segment = []
                continue
            x, y = LEFT + slot * (n + 0.5), TOP + plot_height * (1 - share)
            segment.append(f"{x:.1f},{y:.1f}")
            shapes.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{monday.isoformat()}: {_percent(share)}</title></circle>"
            )
        if len(segment) > 1:
            shapes.append(f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" stroke-width="2"/>')
    shapes += _x_labels([monday for monday, _f in weeks], slot)
    answered = [f.first_response_share for _m, f in weeks if f.first_response_share is not None]
    resolved = [f.resolution_share for _m, f in weeks if f.resolution_share is not None]
    description = _(
        "Share within target each week. Answered: from %(a_low)s to %(a_high)s. "
        "Resolved: from %(r_low)s to %(r_high)s. Target: %(target)s.",
        a_low=_percent(min(answered, default=None)),
        a_high=_percent(max(answered, default=None)),
        r_low=_percent(min(resolved, default=None)),
        r_high=_percent(max(resolved, default=None)),
        target=percent_text(target),
    )
    return _frame(
        "chart-share",
        _("Share within target, week by week"),
        description,
        shapes,
        [
            (FIRST_RESPONSE_COLOUR, _("Answered within target")),
            (RESOLVED_COLOUR, _("Resolved within target")),
            (TARGET_COLOUR, _("Target")),
        ],
    )


def _percent(share: float | None) -> str:
    return percent_text(None if share is None else share * 100)


def backlog_chart(labels: Sequence[str], counts: Sequence[int]) -> Markup:
    """Horizontal bars of the open tickets in each age bracket."""
    label_width = 170
    plot_width = WIDTH - label_width - 60
    row = (HEIGHT - TOP - BOTTOM) / max(1, len(counts))
    top_value = max(list(counts) + [1])
    shapes = []
    for n, (label, count) in enumerate(zip(labels, counts, strict=True)):
        y = TOP + row * n
        width = plot_width * count / top_value
        shapes.append(
            f'<text x="{label_width - 8}" y="{y + row * 0.6:.1f}" text-anchor="end" {FONT}>{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + row * 0.15:.1f}" width="{width:.1f}" height="{row * 0.7:.1f}" '
            f'fill="{RECEIVED_COLOUR}"/>'
            f'<text x="{label_width + width + 6:.1f}" y="{y + row * 0.6:.1f}" {FONT}>{count}</text>'
        )
    description = "; ".join(f"{label}: {count}" for label, count in zip(labels, counts, strict=True))
    return _frame("chart-backlog", _("Open tickets by age"), description, shapes, [])


def monthly_due_chart(months: Sequence[tuple[str, int, int]]) -> Markup:
    """Stacked bars of the tickets that fell due each month: resolved on time below, late above.

    `months`: (label, on time, late) for every month, oldest first.
    """
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max([on_time + late for _label, on_time, late in months] + [1]))
    slot = plot_width / max(1, len(months))
    bar = slot * 0.6
    shapes = _y_axis(top_value)
    for n, (label, on_time, late) in enumerate(months):
        x = LEFT + slot * n + slot * 0.2
        bottom = float(TOP + plot_height)
        for value, colour, name in ((on_time, RESOLVED_COLOUR, _("On time")), (late, LATE_COLOUR, _("Late"))):
            height = plot_height * value / top_value
            bottom -= height
            shapes.append(
                f'<rect x="{x:.1f}" y="{bottom:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                f"<title>{escape(label)}: {escape(name)} {value}</title></rect>"
            )
        if n % max(1, len(months) // 6) == 0:
            shapes.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - 26}" text-anchor="middle" {FONT}>{escape(label)}</text>'
            )
    on_time_total = sum(on_time for _label, on_time, _late in months)
    late_total = sum(late for _label, _on_time, late in months)
    description = _(
        "%(months)d months: %(on_time)d tickets resolved on time and %(late)d late or still open past their due date.",
        months=len(months),
        on_time=on_time_total,
        late=late_total,
    )
    return _frame(
        "chart-due",
        _("Tickets that fell due, month by month"),
        description,
        shapes,
        [(RESOLVED_COLOUR, _("On time")), (LATE_COLOUR, _("Late"))],
    )
