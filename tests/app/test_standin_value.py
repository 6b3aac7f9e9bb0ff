"""The demo's aggregate days carry pull requests, agents and phases that add up."""

from __future__ import annotations

import json
from datetime import date

from copilot_usage_report._standin import data
from copilot_usage_report._standin.data import aggregate_file, history

TODAY = date(2026, 12, 4)


def _days(scope: data.ScopeName) -> list[dict]:
    return [json.loads(aggregate_file(scope, d))["day_totals"][0] for d in history(TODAY)]


def test_pull_requests_add_up_and_a_day_without_merges_has_no_median() -> None:
    """Copilot's share within the whole; medians absent exactly where nothing merged."""
    scopes: tuple[data.ScopeName, ...] = ("org", "enterprise")
    for scope in scopes:
        days = _days(scope)
        assert any(d["pull_requests"]["total_merged"] == 0 for d in days), scope
        for day in days:
            pulls = day["pull_requests"]
            assert pulls["total_created_by_copilot"] <= pulls["total_created"]
            assert pulls["total_merged_created_by_copilot"] <= pulls["total_merged"]
            assert pulls["total_merged_reviewed_by_copilot"] <= pulls["total_merged"]
            assert pulls["total_copilot_applied_suggestions"] <= pulls["total_copilot_suggestions"]
            assert ("median_minutes_to_merge" in pulls) == (pulls["total_merged"] > 0)
            assert ("median_minutes_to_merge_copilot_authored" in pulls) == (
                pulls["total_merged_created_by_copilot"] > 0
            )
            by_type = pulls["copilot_suggestions_by_comment_type"]
            assert (
                sum(t["total_copilot_suggestions"] for t in by_type)
                == pulls["total_copilot_suggestions"]
            )


def test_agents_and_phases_are_consistent_with_the_user_counts() -> None:
    """Code review users grow from daily to monthly; phases split the monthly active users."""
    for day in _days("org"):
        for kind in ("active", "passive"):
            daily, weekly, monthly = (
                day[f"{p}_{kind}_copilot_code_review_users"] for p in ("daily", "weekly", "monthly")
            )
            assert daily <= weekly <= monthly
            assert monthly <= max(daily, day["monthly_active_users"])
        phases = day["totals_by_ai_adoption_phase"]
        assert [p["phase_number"] for p in phases] == [1, 2, 3]
        assert sum(p["total_engaged_users"] for p in phases) <= day["monthly_active_users"]
        assert day["totals_by_copilot_app"]["request_count"] >= 0
        assert {a["agent"] for a in day["totals_by_3rd_party_agent"]} == {"claude", "codex"}
