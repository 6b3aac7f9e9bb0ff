"""The demo's pull requests, code review, agents and adoption phases of an aggregate day.

Made up but consistent, and deterministic per scope and day: merged PRs never exceed
created ones plus a backlog, Copilot's share never exceeds the whole, a day nothing merged
has no ``median_*`` key (as GitHub sends it), weekly and monthly code review users are at
least the daily ones, and the adoption phases split the monthly active users
(``totals_by_ai_adoption_phase`` holds per-user averages, as GitHub's does).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

__all__ = ["day_value"]

_PHASES = ((1, "Phase 1", 0.45), (2, "Phase 2", 0.25), (3, "Phase 3", 0.1))


def _pulls(rng: random.Random, dau: int) -> dict[str, Any]:
    created = rng.randint(dau // 3, dau + 2)
    by_copilot = rng.randint(0, created // 3)
    merged = 0 if rng.random() < 0.12 else rng.randint(created // 2, created)
    reviewed_by_copilot = rng.randint(created // 4, created // 2 + 1)
    merged_by_copilot = min(by_copilot, merged)
    merged_reviewed = min(reviewed_by_copilot, merged)
    suggestions = reviewed_by_copilot * 3
    applied = reviewed_by_copilot
    security = suggestions // 3
    pulls: dict[str, Any] = {
        "total_created": created,
        "total_created_by_copilot": by_copilot,
        "total_reviewed": created,
        "total_reviewed_by_copilot": reviewed_by_copilot,
        "total_merged": merged,
        "total_merged_created_by_copilot": merged_by_copilot,
        "total_merged_reviewed_by_copilot": merged_reviewed,
        "total_suggestions": suggestions + created // 2,
        "total_copilot_suggestions": suggestions,
        "total_applied_suggestions": applied + created // 4,
        "total_copilot_applied_suggestions": applied,
        "copilot_suggestions_by_comment_type": [
            {"comment_type": "bug_risk", "total_copilot_suggestions": suggestions - security,
             "total_copilot_applied_suggestions": applied - applied // 3},
            {"comment_type": "security", "total_copilot_suggestions": security,
             "total_copilot_applied_suggestions": applied // 3},
        ],
    }  # fmt: skip
    if merged:  # GitHub leaves the medians out on a day nothing merged
        pulls["median_minutes_to_merge"] = round(rng.uniform(90, 900), 1)
    if merged_by_copilot:
        pulls["median_minutes_to_merge_copilot_authored"] = round(rng.uniform(60, 600), 1)
    if merged_reviewed:
        pulls["median_minutes_to_merge_copilot_reviewed"] = round(rng.uniform(60, 700), 1)
    return pulls


def _rolling(kind: str, daily: int, mau: int, rng: random.Random) -> dict[str, int]:
    """Weekly and monthly code review users: at least the daily, at most the monthly users."""
    monthly = max(daily, min(mau, daily + rng.randint(3, 10)))
    weekly = rng.randint(daily, monthly)
    return {
        f"weekly_{kind}_copilot_code_review_users": weekly,
        f"monthly_{kind}_copilot_code_review_users": monthly,
    }


def day_value(scope: str, day: date, rows: list[dict[str, Any]], mau: int) -> dict[str, Any]:
    """The value fields of one aggregate day, from the day's user rows and monthly users."""
    rng = random.Random(f"value:{scope}:{day.isoformat()}")
    dau = len(rows)
    active = sum(bool(r.get("used_copilot_code_review_active")) for r in rows)
    passive = sum(bool(r.get("used_copilot_code_review_passive")) for r in rows)
    app_users = rng.randint(0, max(1, dau // 10))
    phases = []
    for number, name, share in _PHASES:
        users = int(mau * share)
        phases.append({
            "phase": name, "phase_number": number, "total_engaged_users": users,
            "avg_user_initiated_interactions": round(rng.uniform(5, 40) * number, 1),
            "avg_pull_requests_created": round(rng.uniform(0.2, 1.0) * number, 2),
            "avg_pull_requests_merged": round(rng.uniform(0.1, 0.8) * number, 2),
        })  # fmt: skip
    return {
        "pull_requests": _pulls(rng, dau),
        "daily_active_copilot_code_review_users": active,
        "daily_passive_copilot_code_review_users": passive,
        **_rolling("active", active, mau, rng),
        **_rolling("passive", passive, mau, rng),
        "totals_by_copilot_app": {
            "session_count": app_users * 2,
            "request_count": app_users * 7,
            "prompt_count": app_users * 5,
            "token_usage": {
                "output_tokens_sum": app_users * 9000,
                "prompt_tokens_sum": app_users * 12000,
                "avg_tokens_per_request": 3000.0 if app_users else 0.0,
            },
        },
        "totals_by_3rd_party_agent": [
            {
                "agent": "claude",
                "session_count": rng.randint(0, 6),
                "request_count": rng.randint(0, 30),
            },
            {
                "agent": "codex",
                "session_count": rng.randint(0, 4),
                "request_count": rng.randint(0, 20),
            },
        ],
        "totals_by_ai_adoption_phase": phases,
    }
