"""Pull requests over a range of aggregate days, computed by hand from small records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._metrics import weighted_median
from copilot_usage_report._metrics.prs import pr_ranges
from copilot_usage_report._metrics.summarize import summarize_paths

SAMPLES = Path(__file__).parents[1] / "fixtures" / "samples"


def _day(day: str, **pulls: Any) -> dict[str, Any]:
    return {"day": day, "organization_id": "7", "daily_active_users": 3, "pull_requests": pulls}


def _write(path: Path, days: list[dict[str, Any]], start: str, end: str) -> Path:
    """A report file in an archive's folders (``<report>/<day>/``): the folder ranks it."""
    report = "organization-1-day" if start == end else "organization-28-day"
    path = path.parent / report / end / path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"day_totals": days, "organization_id": "7",
                    "report_start_day": start, "report_end_day": end})
    )  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], None),
        ([(10.0, 1)], 10.0),
        ([(10.0, 1), (100.0, 3)], 100.0),  # 3 of 4 merged PRs sit at 100
        ([(10.0, 2), (30.0, 2)], 20.0),  # the weight splits exactly: the mean of the two
        ([(50.0, 0), (7.0, 5)], 7.0),  # a median without merged PRs weighs nothing
    ],
)
def test_weighted_median_is_the_middle_of_the_merged_prs(pairs, expected):
    """The median of the days' medians, each counted as many times as the PRs it covers."""
    assert weighted_median(pairs) == expected


def test_sums_across_split_files_and_the_1_day_record_wins(tmp_path):
    """Two 1-day files and a 28-day file over them: totals add up the 1-day records."""
    _write(tmp_path / "a.json", [_day("2026-11-01", total_created=4, total_merged=3,
           total_created_by_copilot=1, total_merged_created_by_copilot=1,
           total_reviewed_by_copilot=2, median_minutes_to_merge=30.0)],
           "2026-11-01", "2026-11-01")  # fmt: skip
    _write(tmp_path / "b.json", [_day("2026-11-02", total_created=2, total_merged=0,
           total_reviewed_by_copilot=1)], "2026-11-02", "2026-11-02")  # fmt: skip
    _write(tmp_path / "c.json", [
        _day("2026-11-01", total_created=99, total_merged=99),
        _day("2026-11-02", total_created=99, total_merged=99),
        _day("2026-11-03", total_created=5, total_merged=1, median_minutes_to_merge=600.0,
             copilot_suggestions_by_comment_type=[
                 {"comment_type": "security", "total_copilot_suggestions": 3,
                  "total_copilot_applied_suggestions": 1}]),
    ], "2026-11-01", "2026-11-03")  # fmt: skip
    (pulls,) = pr_ranges(summarize_paths([tmp_path]).days)
    assert pulls["days"] == 3
    assert pulls["total_created"] == 4 + 2 + 5
    assert pulls["total_merged"] == 3 + 0 + 1
    assert pulls["total_created_by_copilot"] == 1
    assert pulls["total_reviewed_by_copilot"] == 3
    # 3 PRs merged at a median of 30 minutes against 1 at 600: the weighted median is 30
    assert pulls["median_minutes_to_merge"] == 30.0
    assert pulls["days_without_merge_median"] == 1
    assert pulls["median_minutes_to_merge_copilot_authored"] is None
    assert pulls["copilot_suggestions_by_comment_type"] == [
        {"comment_type": "security", "total_copilot_suggestions": 3,
         "total_copilot_applied_suggestions": 1}
    ]  # fmt: skip


def test_a_range_without_pull_requests_has_none(tmp_path):
    """Records without a ``pull_requests`` object give no range (the outputs stay absent)."""
    day = {"day": "2026-11-01", "organization_id": "7", "daily_active_users": 3}
    _write(tmp_path / "a.json", [day], "2026-11-01", "2026-11-01")
    assert pr_ranges(summarize_paths([tmp_path]).days) == []


def test_githubs_example_records_give_githubs_values():
    """GitHub's example schema: the first enterprise merged 2 PRs (median 2.5), the second none."""
    insight = summarize_paths([SAMPLES / "github-docs" / "example-schema.enterprise-level.json"])
    first, second = pr_ranges(insight.days)
    assert (first["total_created"], first["total_merged"], first["total_reviewed"]) == (2, 2, 1)
    assert first["total_created_by_copilot"] == first["total_merged_created_by_copilot"] == 1
    assert first["median_minutes_to_merge"] == 2.5
    assert first["median_minutes_to_merge_copilot_authored"] == 2.5
    assert (second["total_created"], second["total_merged"]) == (1, 0)
    # nothing merged: the medians are absent in GitHub's record, so none here, not 0
    assert second["median_minutes_to_merge"] is None
    assert second["days_without_merge_median"] == 1


def test_the_viewer_sample_28_days_sum_each_days_counts():
    """copilot-metrics-viewer's 28-day file: the range's totals are the days' sums."""
    path = SAMPLES / "copilot-metrics-viewer" / "organization-28-day-report.json"
    days = json.loads(path.read_text())["day_totals"]
    expected = sum((d.get("pull_requests") or {}).get("total_created", 0) for d in days)
    (pulls,) = pr_ranges(summarize_paths([path]).days)
    assert pulls["total_created"] == expected
    assert pulls["days"] == sum(1 for d in days if isinstance(d.get("pull_requests"), dict))
