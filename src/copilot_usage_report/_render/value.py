"""The summary's "Pull requests and code review" and "Agents" sections, as Markdown.

From an organization's or enterprise's aggregate day records (``_metrics.prs``): pull request
counts summed over the days, medians as the median of the days' medians weighted by the merged
PRs (never summed), code review and cloud agent user counts of the newest day (GitHub's rolling
counts), CLI and Copilot app counts summed, third-party agents, and the newest day's AI
adoption phases (GitHub's per-user averages, shown per phase and never added across phases).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._metrics import DayInsight, Insight, agent_counts, pr_ranges
from .markdown import markdown_code, markdown_text

__all__ = ["value_sections"]

_NONE = "—"
_PR_LABELS = {
    "total_created": "PRs created",
    "total_merged": "PRs merged",
    "total_reviewed": "PRs reviewed (a PR counts on each day it is reviewed)",
    "total_created_by_copilot": "PRs created by Copilot",
    "total_merged_created_by_copilot": "PRs created by Copilot and merged",
    "total_reviewed_by_copilot": "PRs reviewed by Copilot code review",
    "total_merged_reviewed_by_copilot": "PRs merged that Copilot code review reviewed",
    "total_suggestions": "Review suggestions",
    "total_applied_suggestions": "Review suggestions applied",
    "total_copilot_suggestions": "Copilot review suggestions",
    "total_copilot_applied_suggestions": "Copilot review suggestions applied",
    "median_minutes_to_merge": "Median minutes to merge",
    "median_minutes_to_merge_copilot_authored": "Median minutes to merge, Copilot-authored",
    "median_minutes_to_merge_copilot_reviewed": "Median minutes to merge, Copilot-reviewed",
}
_USER_LABELS = {
    "daily_active_copilot_cloud_agent_users": "Daily active cloud agent users",
    "weekly_active_copilot_cloud_agent_users": "Weekly active cloud agent users",
    "monthly_active_copilot_cloud_agent_users": "Monthly active cloud agent users",
    "daily_active_copilot_code_review_users": "Daily active code review users",
    "weekly_active_copilot_code_review_users": "Weekly active code review users",
    "monthly_active_copilot_code_review_users": "Monthly active code review users",
    "daily_passive_copilot_code_review_users": "Daily passive code review users",
    "weekly_passive_copilot_code_review_users": "Weekly passive code review users",
    "monthly_passive_copilot_code_review_users": "Monthly passive code review users",
}
_USAGE = (
    ("totals_by_cli", "Copilot CLI"),
    ("totals_by_copilot_app", "Copilot app"),
)


def _number(value: object) -> str:
    if value is None or isinstance(value, bool):
        return _NONE
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return _NONE


def _average(value: object) -> str:
    """A per-user average with two decimals (a count as it is)."""
    return f"{value:,.2f}" if isinstance(value, float) else _number(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def _pull_requests(insight: Insight, newest: DayInsight) -> list[str]:
    ranges = pr_ranges(insight.days)
    if not ranges:
        return []
    pulls = ranges[0]
    several = pulls["days"] > 1
    rows = []
    for name, label in _PR_LABELS.items():
        if name.startswith("median_") and several:
            label += " (median of the days' medians, weighted by merged PRs)"
        rows.append([f"{label} ({markdown_code(name)})", _number(pulls[name])])
    out = ["### Pull requests and code review", _table(["Metric", "Value"], rows)]
    note = f"Summed over {pulls['days']} day(s) from {pulls['start_day']} to {pulls['end_day']}"
    if pulls["days_without_merge_median"]:
        note += f"; {pulls['days_without_merge_median']} day(s) merged nothing and have no median"
    out.append(note + ".")
    types = pulls["copilot_suggestions_by_comment_type"]
    if types:
        out.append(
            _table(
                ["Comment type", "Copilot suggestions", "Applied"],
                [
                    [
                        markdown_code(t["comment_type"]),
                        _number(t["total_copilot_suggestions"]),
                        _number(t["total_copilot_applied_suggestions"]),
                    ]
                    for t in types
                ],
            )
        )
    return out


def _sum_usage(found: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for entry in found:
        flat = {**entry, **(entry.get("token_usage") or {})}
        for key, value in flat.items():
            if type(value) is int and key != "avg_tokens_per_request":
                sums[key] = sums.get(key, 0) + value
    return sums


def _third_party(days: Sequence[DayInsight]) -> dict[str, dict[str, int]]:
    """Each third-party agent's counts summed over days, by its first text field's value."""
    by: dict[str, dict[str, int]] = {}
    for day in days:
        for entry in day.agents.get("totals_by_3rd_party_agent", ()):
            name = next((str(v) for v in entry.values() if isinstance(v, str)), "unknown")
            into = by.setdefault(name, {})
            for key, value in _sum_usage([entry]).items():
                into[key] = into.get(key, 0) + value
    return by


def _agents(insight: Insight, newest: DayInsight) -> list[str]:
    rows: list[list[str]] = []
    suffix = f" ({newest.day})" if len(insight.days) > 1 else ""
    for name, value in agent_counts(newest).items():
        rows.append(
            [f"{_USER_LABELS.get(name, name)}{suffix} ({markdown_code(name)})", _number(value)]
        )
    for attr, title in _USAGE:
        found = [getattr(day, attr) for day in insight.days if getattr(day, attr)]
        for key, value in _sum_usage(found).items():
            rows.append([f"{title}: {markdown_code(key)}", _number(value)])
    for agent, counts in sorted(_third_party(insight.days).items()):
        for key, value in counts.items():
            rows.append(
                [f"Third-party agent {markdown_code(agent)}: {markdown_code(key)}", _number(value)]
            )
    out = ["### Agents", _table(["Metric", "Value"], rows)] if rows else []
    phases = newest.agents.get("totals_by_ai_adoption_phase") or []
    if phases:
        keys = [k for k in phases[0] if k not in ("phase", "phase_number")]
        body = [
            [markdown_text(str(p.get("phase"))), *(_average(p.get(k)) for k in keys)]
            for p in phases
        ]
        out += [
            f"AI adoption phases on {newest.day} (GitHub's per-user averages per phase; "
            "they do not add up across phases):",
            _table(["Phase", *(markdown_code(k) for k in keys)], body),
        ]
    return out


def value_sections(insight: Insight, newest: DayInsight) -> list[str]:
    """One scope's pull request and agent sections (none without their fields)."""
    return _pull_requests(insight, newest) + _agents(insight, newest)
