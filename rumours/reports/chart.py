"""The inbox's weekly chart: reports and unanswered searches per week, as inline SVG (no script)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 240
MARGIN_START = 44  # room for the scale
MARGIN_END = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 40  # room for the week labels
REPORT_COLOUR = "#1d4e89"  # both colours have 3:1 contrast or more on white (WCAG 1.4.11)
SEARCH_COLOUR = "#b45309"
TEXT_COLOUR = "#333333"
GRID_COLOUR = "#c8c8c8"


def scale_top(value: int) -> int:
    """The top of the scale: 1, 2 or 5 times a power of ten, at least `value` (and 1)."""
    value = max(value, 1)
    power = 1
    while power * 10 <= value:
        power *= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def weekly_chart(weeks: Sequence[tuple[dt.date, int, int]], title: str, description: str,
                 week_label: Callable[[dt.date], str], reports_label: str,
                 searches_label: str) -> Markup:
    """An SVG bar chart, two bars per week, with a title and description for screen readers
    (the page also shows the same figures as a table)."""
    top = scale_top(max((max(r, s) for _w, r, s in weeks), default=0))
    plot_width = WIDTH - MARGIN_START - MARGIN_END
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / max(len(weeks), 1)
    bar = max(slot * 0.35, 1.0)
    base = MARGIN_TOP + plot_height
    parts = [
        f'<svg class="weekly-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="chart-title chart-desc" '
        f'direction="ltr">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for fraction in (0, 0.5, 1):
        y = base - plot_height * fraction
        parts.append(f'<line x1="{MARGIN_START}" x2="{WIDTH - MARGIN_END}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN_START - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'font-size="11" fill="{TEXT_COLOUR}">{escape(_scale(top, fraction))}</text>')
    for index, (week, reported, searched) in enumerate(weeks):
        x = MARGIN_START + slot * index + (slot - 2 * bar) / 2
        for offset, value, colour, label in ((0, reported, REPORT_COLOUR, reports_label),
                                             (bar, searched, SEARCH_COLOUR, searches_label)):
            height = plot_height * value / top
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{base - height:.1f}" width="{bar:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>{escape(week_label(week))}: '
                f'{escape(label)} {value}</title></rect>')
        if index % max(len(weeks) // 6, 1) == 0:
            parts.append(f'<text x="{x + bar:.1f}" y="{base + 16}" text-anchor="middle" '
                         f'font-size="11" fill="{TEXT_COLOUR}">{escape(week_label(week))}</text>')
    legend_y = HEIGHT - 8
    for offset, colour, label in ((0, REPORT_COLOUR, reports_label),
                                  (WIDTH // 2, SEARCH_COLOUR, searches_label)):
        parts.append(f'<rect x="{MARGIN_START + offset}" y="{legend_y - 9}" width="10" '
                     f'height="10" fill="{colour}"/>')
        parts.append(f'<text x="{MARGIN_START + offset + 14}" y="{legend_y}" font-size="11" '
                     f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))  # noqa: S704 - every text part escaped above


def _scale(top: int, fraction: float) -> str:
    value = top * fraction
    return str(int(value)) if value == int(value) else f"{value:.1f}"
