"""Repositories' days (``repos-1-day``) read by GitHub's definitions, apart from the totals."""

from __future__ import annotations

import json
from pathlib import Path

from copilot_usage_report._metrics import summarize_paths, weighted_median
from copilot_usage_report._render import render_insight

from .._repos import (
    CREATED,
    FILES,
    INTERNAL,
    MERGED,
    MERGED_BY_COPILOT,
    PRIVATE,
    PUBLIC,
    REPO_MEDIANS,
    ndjson,
)


def _files(root: Path) -> list[Path]:
    paths = []
    for (day, name), rows in FILES.items():
        path = root / day / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(ndjson(rows))
        paths.append(path)
    return paths


def test_weighted_median_is_the_middle_of_the_weight() -> None:
    """The value at the middle of the weight (the mean of two when it splits exactly); absent
    values and 0 weights count for nothing, and no value at all gives none."""
    assert weighted_median([(10.0, 2), (30.0, 1)]) == 10.0
    assert weighted_median([(60.0, 1), (1000.0, 5)]) == 1000.0
    assert weighted_median([(300.0, 5), (10.0, 5)]) == 155.0  # the weight splits: their mean
    assert weighted_median([(None, 9), (7.0, 1), (500.0, 0)]) == 7.0
    assert weighted_median([(None, 3)]) is None


def test_split_files_sum_and_stay_out_of_the_totals(tmp_path: Path) -> None:
    """The rows of a day split over two files add up; no repository row is an aggregate day."""
    aggregate = {"day": "2026-09-30", "organization_id": "42", "daily_active_users": 9}
    (tmp_path / "org.json").write_text(json.dumps(aggregate))
    insight = summarize_paths([*_files(tmp_path), tmp_path / "org.json"])
    repos = insight.repos
    assert len(repos.rows) == 5 and not insight.skipped
    assert repos.total("total_created") == CREATED
    assert repos.total("total_merged") == MERGED
    assert repos.total("total_merged_created_by_copilot") == MERGED_BY_COPILOT
    assert [(d.day.isoformat(), d.count("daily_active_users")) for d in insight.days] == [
        ("2026-09-30", 9)
    ]
    assert insight.activity == summarize_paths([tmp_path / "org.json"]).activity


def test_absent_medians_stay_absent_and_days_are_weighted(tmp_path: Path) -> None:
    """A day nothing merged has no median (not 0); over days, the days' medians weighted by
    PRs merged."""
    repos = summarize_paths(_files(tmp_path)).repos
    quiet = [r for r in repos.rows if r.name == PRIVATE and r.day.isoformat() == "2026-10-01"]
    assert [r.median_minutes_to_merge for r in quiet] == [None]
    medians = {row.name: median for row, _, median in repos.by_repository()}
    assert medians == REPO_MEDIANS
    (stage,) = repos.stages()
    assert stage[:3] == ("human", "human", 2 + 1 + 1 + 5)
    # ready: 10 x2, 30, 60, 1000 x5 (of 9) -> 1000; final review to merge: 1, 2 x5... -> 2
    assert stage[3] == [1000.0, 0.0, 2.0]
    assert stage[4] == [2000.0, 0.0, 6.0]


def test_private_names_only_when_asked(tmp_path: Path) -> None:
    """Private and internal names are left out of the summary unless asked; public ones shown."""
    insight = summarize_paths(_files(tmp_path))
    hidden = render_insight(insight)
    assert "### Repositories, 2026-09-30 to 2026-10-02" in hidden
    assert PUBLIC in hidden and PRIVATE not in hidden and INTERNAL not in hidden
    assert "Names of 1 private and 1 internal repositories are left out" in hidden
    shown = render_insight(insight, show_repositories=True)
    assert PRIVATE in shown and INTERNAL in shown and "left out" not in shown
    top = shown.split("#### Top repositories by PRs merged")[1].split("####")[0]
    assert top.index(INTERNAL) < top.index(PRIVATE) < top.index(PUBLIC)  # 10, 3, 1 merged
