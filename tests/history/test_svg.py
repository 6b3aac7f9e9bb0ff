"""The chart renderer: scale, gaps, escaping, and a page that stays small."""

from __future__ import annotations

import re
from datetime import date, timedelta

from copilot_usage_report.history._svg import line_chart, nice_ceiling


def _days(n: int, start: date = date(2026, 1, 1)) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def test_nice_ceiling() -> None:
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
    svg = line_chart("t", _days(3), [("a", [0, 5, 10])])
    d = re.search(r'data-series="a" d="([^"]+)"', svg)
    assert d is not None
    points = [tuple(map(float, p.split())) for p in re.findall(r"[ML]([\d. ]+)", d.group(1))]
    assert points[0] == (60.0, 230.0) and points[-1] == (706.0, 12.0)
    assert ">10<" in svg and ">0<" in svg


def test_a_missing_day_or_value_breaks_the_line() -> None:
    days = [*_days(5), date(2026, 1, 9), date(2026, 1, 10)]  # 3 days missing
    svg = line_chart("t", days, [("a", [1, 2, None, 4, 5, 6, 7])])
    path = re.search(r'data-series="a" d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    assert path.count("M") == 3  # 1-2, 4-5, then the days after the gap


def test_names_are_escaped_and_a_lone_point_shows() -> None:
    svg = line_chart("<b>", _days(1), [("x<y", [3])])
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'data-series="x&lt;y"' in svg
    assert "h0.1" in svg


def test_a_year_of_a_series_stays_small() -> None:
    values: list[float | None] = [float(i % 97) for i in range(365)]
    assert len(line_chart("t", _days(365), [("a", values)] * 3)) < 40_000
