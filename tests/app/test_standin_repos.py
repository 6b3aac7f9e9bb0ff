"""The demo stand-in's ``repos-1-day`` rows agree with its organization's and enterprise's days."""

from __future__ import annotations

import json
from datetime import date, timedelta

from copilot_usage_report._metrics import grain_of
from copilot_usage_report._standin import data
from copilot_usage_report._standin.repos import REVIEW_TIMES_FROM

_COUNTS = ("total_created", "total_merged", "total_created_by_copilot", "total_reviewed_by_copilot")


def _rows(scope: data.ScopeName, day: date) -> list[dict]:
    return [json.loads(line) for line in data.repos_file(scope, day).splitlines()]


def _aggregate(scope: data.ScopeName, day: date) -> dict:
    record = json.loads(data.aggregate_file(scope, day))
    (total,) = [d for d in record.get("day_totals", [record]) if d["day"] == day.isoformat()]
    return total


def test_repositories_share_the_days_pull_requests() -> None:
    """For every count, the repositories of a day sum to at most the scope's own total; rows
    are GitHub's shape, a mix of visibilities, the same bytes on every call; a day nothing
    merged has no median; review times only from 2026-09-21."""
    days = [date(2026, 8, 1) + timedelta(days=n) for n in range(0, 120, 3)]
    seen: set[str] = set()
    quiet = 0
    for scope in ("org", "enterprise"):
        for day in days:
            rows = _rows(scope, day)
            assert rows and all(grain_of(r) == "repos" for r in rows)
            assert data.repos_file(scope, day) == data.repos_file(scope, day)
            prs = _aggregate(scope, day)["pull_requests"]
            for name in _COUNTS:
                assert sum(r["pull_requests"][name] for r in rows) <= prs[name], (day, name)
            for r in rows:
                seen.add(r["repo_visibility"])
                merged = r["pull_requests"]["total_merged"]
                assert ("median_minutes_to_merge" in r["pull_requests"]) == (merged > 0)
                quiet += merged == 0
                assert ("pull_request_review_times" in r) == (day >= REVIEW_TIMES_FROM)
    assert seen == {"PUBLIC", "PRIVATE", "INTERNAL"}
    assert quiet > 0
