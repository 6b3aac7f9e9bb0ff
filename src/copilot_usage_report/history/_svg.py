"""A small line-chart renderer: inline SVG drawn when the page is built.

The chart scales with its container (``viewBox``), takes its colours from the
page's CSS (``.s0``…``.s7``, so light and dark mode both read), leaves a gap
where a day has no value, and carries a ``<title>`` for screen readers; the
numbers themselves go in the table beside it.

- The x axis reads as months (``Aug 2026``), its ticks on the first of each month
  (every second, third… month over a long span); a span under 45 days with fewer
  than two month starts is labelled by day (``4 Dec``). No label leaves the
  ``viewBox``: one that would is anchored at its tick's other side, one that would
  overlap its neighbour is left out.
- A point marked ``partial`` (a week with fewer than 7 days of data) is drawn as a
  hollow circle and the segments to it are dashed, so a short week does not read as
  a drop.
- A series with no value at all is not drawn, and ``legend`` leaves it out too: the
  legend names exactly the series the chart draws (``drawn``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from datetime import date
from html import escape

__all__ = ["Series", "drawn", "legend", "line_chart", "nice_ceiling", "x_ticks"]

Series = tuple[str, Sequence[float | None]]

_W, _H = 720, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 14, 12, 30
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: Axis labels are 15 px (the page's CSS); a character is at most this wide on average.
_CHAR_W = 9.0
_MAX_TICKS = 7
#: A span this long (days) is labelled by month even when it holds a single month start.
_MONTHS_FROM = 45


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


def x_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """The x axis's ticks from ``first`` to ``last``: month starts (``Aug 2026``), at most
    seven, on every month, second, third, fourth, sixth month or year (counted from
    January); by day (``4 Dec``) over a span shorter than 45 days with fewer than two
    month starts."""
    starts = [
        date(year, month, 1)
        for year in range(first.year, last.year + 1)
        for month in range(1, 13)
        if first <= date(year, month, 1) <= last
    ]
    if len(starts) >= 2 or (starts and (last - first).days >= _MONTHS_FROM):
        kept = starts
        for every in (1, 2, 3, 4, 6, 12, 24, 60, 120):
            kept = [d for d in starts if (12 * d.year + d.month - 1) % every == 0]
            if len(kept) <= _MAX_TICKS:
                break
        if not kept:  # pragma: no cover - each step keeps at least 1 in 2.5 of the last
            kept = starts[:1]
        return [(d, f"{_MONTHS[d.month - 1]} {d.year}") for d in kept]
    span = (last - first).days
    step = max(1, math.ceil((span + 1) / (_MAX_TICKS - 1)))
    days = [first.fromordinal(first.toordinal() + n) for n in range(0, span + 1, step)]
    return [(d, f"{d.day} {_MONTHS[d.month - 1]}") for d in days]


def drawn(series: Sequence[Series]) -> list[tuple[int, str]]:
    """The series the chart draws (those with a value), with their colour number."""
    return [(n, name) for n, (name, vs) in enumerate(series) if any(v is not None for v in vs)]


def legend(series: Sequence[Series]) -> str:
    """The legend of a chart of ``series``: one entry for each series it draws."""
    items = "".join(
        f'<li data-series="{escape(name)}"><i class="s{n % 8}"></i>{escape(name)}</li>'
        for n, name in drawn(series)
    )
    return f'<ul class="legend">{items}</ul>'


def line_chart(
    title: str,
    days: Sequence[date],
    series: Sequence[Series],
    *,
    unit: str = "",
    ceiling: float | None = None,
    fmt: Callable[[float], str] = _number,
    partial: Sequence[bool] | None = None,
    joined_within: int | None = None,
) -> str:
    """An SVG line chart of ``series`` over ``days`` (equal-length sequences); a point
    whose ``partial`` is true is drawn hollow, the segments to it dashed. Points up to
    ``joined_within`` days apart are joined (default: the usual step between them)."""
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

    def at(day: date) -> float:
        return _LEFT + plot_w * (day.toordinal() - first) / span

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
    parts += _x_axis(days[0], days[-1], at)
    xs = [at(d) for d in days]
    flags = list(partial) if partial is not None else [False] * len(days)
    limit = _gap_days(days) if joined_within is None else joined_within
    joined = [
        i > 0 and days[i].toordinal() - days[i - 1].toordinal() <= limit for i in range(len(days))
    ]
    for n, (name, vs) in enumerate(series):
        if all(v is None for v in vs):
            continue  # nothing to draw, and no legend entry (``drawn``)
        parts.append(_series(n, name, vs, xs, y, joined, flags))
    parts.append("</svg>")
    return "".join(parts)


def _x_axis(first: date, last: date, at: Callable[[date], float]) -> list[str]:
    """Tick marks and labels, each label inside the ``viewBox`` and clear of the last."""
    parts: list[str] = []
    right = -math.inf
    base = _H - _BOTTOM
    for day, label in x_ticks(first, last):
        x = at(day)
        width = _CHAR_W * len(label)
        left, anchor = x - width / 2, "middle"
        if left + width > _W - 2:
            left, anchor = x - width, "end"
        elif left < 2:
            left, anchor = x, "start"
        if left < right + 8:  # would overlap the label before it
            continue
        right = left + width
        parts.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{base}" y2="{base + 4}"/>'
            f'<text class="axis xtick" x="{x:.1f}" y="{_H - 8}" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    return parts


def _series(
    n: int,
    name: str,
    vs: Sequence[float | None],
    xs: Sequence[float],
    y: Callable[[float], float],
    joined: Sequence[bool],
    partial: Sequence[bool],
) -> str:
    """One series: solid segments, dashed ones to partial points, hollow partial points,
    and a dot for a point joined to nothing."""

    def point(i: int) -> str:
        value = vs[i]
        assert value is not None
        return f"{xs[i]:.1f} {y(value):.1f}"

    def segment(i: int) -> bool:  # is point i joined to point i - 1?
        return i > 0 and joined[i] and vs[i] is not None and vs[i - 1] is not None

    solid: list[str] = []
    dashed: list[str] = []
    marks: list[str] = []
    pen = -1  # the point the solid path ends at
    for i, v in enumerate(vs):
        if v is None:
            continue
        if segment(i) and (partial[i] or partial[i - 1]):
            dashed.append(f"M{point(i - 1)}L{point(i)}")
        elif segment(i):
            solid.append(("" if pen == i - 1 else f"M{point(i - 1)}") + f"L{point(i)}")
            pen = i
        if partial[i]:
            marks.append(f'<circle class="mark" cx="{xs[i]:.1f}" cy="{y(v):.1f}" r="3.5"/>')
        elif not segment(i) and not (i + 1 < len(vs) and segment(i + 1)):
            solid.append(f"M{point(i)}h0.1")  # a point joined to nothing still shows
    body = f"<title>{escape(name)}</title>"
    if solid:
        body += f'<path class="line" d="{"".join(solid)}"/>'
    if dashed:
        body += f'<path class="dash" d="{"".join(dashed)}"/>'
    body += "".join(marks)
    return f'<g class="series s{n % 8}" data-series="{escape(name)}">{body}</g>'


def _gap_days(days: Sequence[date]) -> int:
    """Consecutive points further apart than this are not joined (a missing day or week)."""
    if len(days) < 2:
        return 1
    steps = sorted(b.toordinal() - a.toordinal() for a, b in itertools.pairwise(days))
    return steps[len(steps) // 2]
