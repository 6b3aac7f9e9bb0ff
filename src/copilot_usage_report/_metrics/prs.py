"""Pull requests and agents over a range of aggregate days, by GitHub's definitions.

An organization's or enterprise's day record (``*-1-day``, a 28-day report's ``day_totals``)
carries GitHub's ``pull_requests`` object: counts of the day (``total_*``), which add up
over days, and medians of the PRs merged that day (``median_minutes_to_merge*``), absent on
a day nothing merged. A median is never summed: over a range we give the median of the
days' medians weighted by the PRs each median covers (``total_merged`` for
``median_minutes_to_merge``, ``total_merged_created_by_copilot`` for the Copilot-authored one,
``total_merged_reviewed_by_copilot`` for the Copilot-reviewed one), a number of ours that
approximates the range's median (``weighted_median``; ``docs/metrics.md`` says so).

The day's records are the ones the summary already chose (a 1-day report's over a 28-day
one's, ``precedence``): ``pr_ranges`` reads them from an ``Insight``'s days. The user counts of
code review and cloud agent are GitHub's rolling counts of one day (daily, weekly, monthly):
never summed, the newest day's are shown. ``totals_by_ai_adoption_phase`` holds per-user
averages per phase: never summed across phases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .derived import weighted_median

#: A ``model.DayInsight`` (not imported: the model imports this module).
DayInsight = Any

__all__ = [
    "MEDIANS",
    "PR_OUTPUTS",
    "PR_TOTALS",
    "agent_counts",
    "pr_ranges",
    "value_fields",
]

#: GitHub's counts of the day in ``pull_requests``: each adds up over days.
PR_TOTALS: Final = (
    "total_created",
    "total_reviewed",
    "total_merged",
    "total_suggestions",
    "total_applied_suggestions",
    "total_created_by_copilot",
    "total_reviewed_by_copilot",
    "total_merged_created_by_copilot",
    "total_merged_reviewed_by_copilot",
    "total_copilot_suggestions",
    "total_copilot_applied_suggestions",
)
#: GitHub's medians of the day, each with the count of the merged PRs it is the median of.
MEDIANS: Final = {
    "median_minutes_to_merge": "total_merged",
    "median_minutes_to_merge_copilot_authored": "total_merged_created_by_copilot",
    "median_minutes_to_merge_copilot_reviewed": "total_merged_reviewed_by_copilot",
}
#: The step outputs, each the sum of one ``total_*`` over the range.
PR_OUTPUTS: Final = {
    "prs-created": "total_created",
    "prs-merged": "total_merged",
    "prs-created-by-copilot": "total_created_by_copilot",
    "prs-merged-created-by-copilot": "total_merged_created_by_copilot",
    "prs-reviewed-by-copilot": "total_reviewed_by_copilot",
}
#: GitHub's user counts of code review and cloud agent (rolling; nullable for cloud agent).
AGENT_COUNTS: Final = tuple(
    f"{period}_{kind}_copilot_{what}_users"
    for what, kinds in (("cloud_agent", ("active",)), ("code_review", ("active", "passive")))
    for kind in kinds
    for period in ("daily", "weekly", "monthly")
)
_COMMENT_COUNTS: Final = ("total_copilot_suggestions", "total_copilot_applied_suggestions")


def _count(value: object) -> int:
    return value if type(value) is int and value >= 0 else 0


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _range(days: Sequence[DayInsight]) -> dict[str, Any] | None:
    """One scope's days with a ``pull_requests`` object, added up (``None`` when none has one)."""
    pulls = [(day, day.pull_requests) for day in days if isinstance(day.pull_requests, Mapping)]
    if not pulls:
        return None
    totals = {name: sum(_count(p.get(name)) for _, p in pulls) for name in PR_TOTALS}
    medians: dict[str, float | None] = {}
    for median, weight in MEDIANS.items():
        pairs = []
        for _, p in pulls:
            value = _number(p.get(median))
            if value is not None:  # absent on a day nothing merged: no weight
                pairs.append((value, _count(p.get(weight)) or 1))
        found = weighted_median(pairs)
        medians[median] = None if found is None else round(found, 1)
    by_type: dict[str, dict[str, int]] = {}
    for _, p in pulls:
        for entry in p.get("copilot_suggestions_by_comment_type") or ():
            if not isinstance(entry, Mapping):
                continue
            into = by_type.setdefault(
                str(entry.get("comment_type")), dict.fromkeys(_COMMENT_COUNTS, 0)
            )
            for name in _COMMENT_COUNTS:
                into[name] += _count(entry.get(name))
    first = days[0]
    return {
        "organization_id": first.organization_id,
        "enterprise_id": first.enterprise_id,
        "start_day": pulls[0][0].day.isoformat(),
        "end_day": pulls[-1][0].day.isoformat(),
        "days": len(pulls),
        "days_without_merge_median": sum(
            1 for _, p in pulls if _number(p.get("median_minutes_to_merge")) is None
        ),
        **totals,
        **medians,
        "copilot_suggestions_by_comment_type": [
            {"comment_type": name, **counts} for name, counts in sorted(by_type.items())
        ],
    }


def pr_ranges(days: Sequence[DayInsight]) -> list[dict[str, Any]]:
    """Each scope's pull requests over its days (in the days' order of scopes)."""
    scopes: dict[str, list[DayInsight]] = {}
    for day in days:
        scopes.setdefault(day.scope, []).append(day)
    return [r for part in scopes.values() if (r := _range(part)) is not None]


def value_fields(record: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """An aggregate record's third-party agents and adoption phases, as sent (lists of objects)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in ("totals_by_3rd_party_agent", "totals_by_ai_adoption_phase"):
        value = record.get(name)
        if type(value) is list:
            out[name] = [dict(entry) for entry in value if type(entry) is dict]
    return out


def agent_counts(day: DayInsight) -> dict[str, int | None]:
    """The day's code review and cloud agent user counts GitHub sent (rolling: not summed)."""
    return {name: day.user_counts[name] for name in AGENT_COUNTS if name in day.user_counts}
