"""A small line-chart renderer: inline SVG drawn when the page is built.

The chart scales with its container (``viewBox``), takes its colours from the
page's CSS (``.s0``…``.s7``, so light and dark mode both read), leaves a gap
where a day has no value, and carries a ``<title>`` for screen readers; the
numbers themselves go in the table beside it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from datetime import date
from html import escape

__all__ = ["Series", "line_chart", "nice_ceiling"]

Series = tuple[str, Sequence[float | None]]

_W, _H = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 14, 12, 30
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times 10^n at or above ``value`` (1 for 0)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


def _x_labels(days: Sequence[date]) -> list[tuple[int, str]]:
    """Indices and labels for the x axis: month starts, at most about 7 of them."""
    if not days:
        return []
    span = (days[-1] - days[0]).days
    if span <= 45:
        step = max(1, len(days) // 6)
        return [
            (i, f"{days[i].day} {_MONTHS[days[i].month - 1]}") for i in range(0, len(days), step)
        ]
    starts = [i for i, d in enumerate(days) if i == 0 or d.month != days[i - 1].month]
    every = max(1, math.ceil(len(starts) / 7))
    return [(i, f"{_MONTHS[days[i].month - 1]} {days[i].year % 100:02d}") for i in starts[::every]]


def line_chart(
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    *,
    unit: str = "",
    ceiling: float | None = None,
    fmt: Callable[[float], str] = _number,
) -> str:
    """An SVG line chart of ``series`` over ``days`` (equal-length sequences)."""
    values = [v for _, vs in series for v in vs if v is not None]
    if ceiling is not None:
        top, step = ceiling, ceiling / 4
    else:  # a round step, and as many of them as the largest value needs
        step = nice_ceiling(max(values, default=0.0) / 4)
        top = step * max(1, math.ceil(max(values, default=0.0) / step - 1e-9))
    if not days:
        return ""
    first = days[0].toordinal()
    span = max(1, days[-1].toordinal() - first)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM

    def x(i: int) -> float:
        return _LEFT + plot_w * (days[i].toordinal() - first) / span

    def y(v: float) -> float:
        return _TOP + plot_h * (1 - min(v, top) / top)

    parts = [
        f'<svg viewBox="0 0 {_W} {_H}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(round(top / step) + 1):
        v = step * tick
        ty = y(v)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_W - _RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">'
            f"{escape(fmt(v))}{escape(unit)}</text>"
        )
    labels: list[tuple[int, str]] = []
    for i, label in _x_labels(days):
        if labels and x(i) - x(labels[-1][0]) < 64:  # too close to the previous label to read
            if labels[-1][0] != 0:
                continue
            labels.pop()  # a partial first month gives way to the first whole one
        labels.append((i, label))
    for i, label in labels:
        parts.append(
            f'<text class="axis" x="{x(i):.1f}" y="{_H - 8}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    limit = _gap_days(days)
    for n, (name, vs) in enumerate(series):
        d: list[str] = []
        pen_up = True
        for i, point in enumerate(vs):
            gap = i > 0 and days[i].toordinal() - days[i - 1].toordinal() > limit
            if point is None or gap:
                pen_up = True
                if point is None:
                    continue
            d.append(f"{'M' if pen_up else 'L'}{x(i):.1f} {y(point):.1f}")
            pen_up = False
        if len(d) == 1:  # a lone point still shows
            d.append("h0.1")
        parts.append(
            f'<path class="line s{n % 8}" data-series="{escape(name)}" d="{"".join(d)}">'
            f"<title>{escape(name)}</title></path>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _gap_days(days: Sequence[date]) -> int:
    """Consecutive points further apart than this are not joined (a missing day or week)."""
    if len(days) < 2:
        return 1
    steps = sorted(b.toordinal() - a.toordinal() for a, b in itertools.pairwise(days))
    return steps[len(steps) // 2]
