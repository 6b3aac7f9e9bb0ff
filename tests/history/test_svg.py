"""The chart renderer: scale, gaps, month ticks inside the chart, partial weeks, legends."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from copilot_usage_report.history._svg import Series, legend, line_chart, nice_ceiling, x_ticks

MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")


def _days(n: int, start: date = date(2026, 1, 1), step: int = 1) -> list[date]:
    return [start + timedelta(days=i * step) for i in range(n)]


def _series(svg: str, name: str) -> str:
    found = re.search(rf'<g class="series s\d" data-series="{name}">(.*?)</g>', svg)
    assert found is not None, name
    return found.group(1)


def _path(svg: str, name: str, kind: str = "line") -> str:
    found = re.search(rf'<path class="{kind}" d="([^"]+)"', _series(svg, name))
    return found.group(1) if found else ""


def _ticks(svg: str) -> list[tuple[float, str, str]]:
    return [
        (float(x), anchor, label)
        for x, anchor, label in re.findall(
            r'<text class="axis xtick" x="([\d.]+)" y="\d+" text-anchor="(\w+)">([^<]*)</text>', svg
        )
    ]


def test_nice_ceiling() -> None:
    """Round ceilings: 1, 2, 2.5 or 5 times a power of ten."""
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 7, 11, 26, 240, 999, 1001)] == [
        1,
        0.5,
        1,
        10,
        20,
        50,
        250,
        1000,
        2000,
    ]


def test_points_span_the_plot_and_the_top_value_is_the_ceiling() -> None:
    """The first point sits at the plot's left bottom, the largest at its right top."""
    svg = line_chart("t", _days(3), [("a", [0, 5, 10])])
    points = [tuple(map(float, p.split())) for p in re.findall(r"[ML]([\d. ]+)", _path(svg, "a"))]
    assert points[0] == (60.0, 230.0) and points[-1] == (706.0, 12.0)
    assert ">10<" in svg and ">0<" in svg


def test_a_missing_day_or_value_breaks_the_line() -> None:
    """A gap in the days or a missing value lifts the pen."""
    days = [*_days(5), date(2026, 1, 9), date(2026, 1, 10)]  # 3 days missing
    svg = line_chart("t", days, [("a", [1, 2, None, 4, 5, 6, 7])])
    assert _path(svg, "a").count("M") == 3  # 1-2, 4-5, then the days after the gap


def test_names_are_escaped_and_a_lone_point_shows() -> None:
    """Names are escaped; a point joined to nothing is still drawn."""
    svg = line_chart("<b>", _days(1), [("x<y", [3])])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'data-series="x&lt;y"' in svg
    assert "h0.1" in svg
    between_gaps = line_chart("t", _days(5), [("a", [1, None, 3, None, 5])])
    assert _path(between_gaps, "a").count("h0.1") == 3


def test_a_year_of_a_series_stays_small() -> None:
    """365 days of three series stay under 40 kB."""
    values: list[float | None] = [float(i % 97) for i in range(365)]
    assert len(line_chart("t", _days(365), [("a", values)] * 3)) < 40_000


def test_ticks_read_as_months_on_their_first_day() -> None:
    """Over months, ticks are month starts labelled ``Aug 2026``; over a few days, days."""
    ticks = x_ticks(date(2026, 8, 2), date(2026, 12, 2))
    assert [label for _, label in ticks] == ["Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026"]
    assert all(day.day == 1 for day, _ in ticks)
    years = x_ticks(date(2024, 1, 5), date(2026, 12, 1))
    assert 2 <= len(years) <= 7 and all(MONTH.match(label) for _, label in years)
    assert [label for _, label in years][:2] == ["Jul 2024", "Jan 2025"]
    assert [label for _, label in x_ticks(date(2026, 11, 25), date(2026, 12, 1))] == [
        "25 Nov",
        "27 Nov",
        "29 Nov",
        "1 Dec",
    ]


def test_no_tick_label_leaves_the_chart_or_overlaps_another() -> None:
    """The last tick near the right edge is anchored at its end, inside the viewBox."""
    for first, last in [
        (date(2026, 8, 2), date(2026, 12, 2)),  # the page that showed "Dec 2("
        (date(2026, 8, 3), date(2026, 11, 30)),
        (date(2025, 12, 29), date(2026, 4, 27)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ]:
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        ticks = _ticks(line_chart("t", days, [("a", [1.0] * len(days))]))
        assert ticks and all(MONTH.match(label) for _, _, label in ticks)
        boxes = []
        for x, anchor, label in ticks:
            width = 9.0 * len(label)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            assert left >= 0 and left + width <= 720, (first, label)
            boxes.append((left, left + width))
        assert all(a[1] < b[0] for a, b in itertools.pairwise(boxes))
    assert _ticks(line_chart("t", _days(123, date(2026, 8, 2)), [("a", [1.0] * 123)]))[-1][1:] == (
        "end",
        "Dec 2026",
    )


def test_a_partial_week_is_hollow_and_its_segments_dashed() -> None:
    """A week of fewer days is a hollow mark joined by dashes, never a solid drop."""
    weeks = _days(5, date(2026, 1, 5), step=7)
    partial = [True, False, False, False, True]
    svg = line_chart("t", weeks, [("a", [3, 7, 7, 7, 2])], partial=partial)
    body = _series(svg, "a")
    marks = re.findall(r'<circle class="mark" cx="([\d.]+)"', body)
    assert [float(x) for x in marks] == [60.0, 706.0]
    assert _path(svg, "a").count("L") == 2  # the three whole weeks, solid
    assert _path(svg, "a", "dash").count("M") == 2  # to the first and to the last week
    whole = line_chart("t", weeks, [("a", [3, 7, 7, 7, 2])], partial=[False] * 5)
    assert "mark" not in whole and "dash" not in whole and _path(whole, "a").count("L") == 4


def test_a_series_without_values_has_no_line_and_no_legend_entry() -> None:
    """The legend names exactly the series the chart draws."""
    series: list[Series] = [
        ("seats", [3, 4]),
        ("daily active users", [None, None]),
        ("active", [1, None]),
    ]
    svg = line_chart("t", _days(2), series)
    drawn = re.findall(r'<g class="series (s\d)" data-series="([^"]*)"', svg)
    named = re.findall(r'<li data-series="[^"]*"><i class="(s\d)"></i>([^<]*)</li>', legend(series))
    assert drawn == named == [("s0", "seats"), ("s2", "active")]
