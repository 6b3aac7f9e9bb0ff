"""The history and the summary carry the same derived metrics, under the same names."""

from __future__ import annotations

import json
from pathlib import Path

from copilot_usage_report._metrics import DERIVED
from copilot_usage_report._metrics.summarize import day_insight
from copilot_usage_report.history import build

from ._archive import day_folder, query

DAY = "2026-11-20"


def _feature(name: str, i: int, g: int, a: int, la: int, ld: int) -> dict[str, object]:
    return {
        "feature": name,
        "user_initiated_interaction_count": i,
        "code_generation_activity_count": g,
        "code_acceptance_activity_count": a,
        "loc_added_sum": la,
        "loc_deleted_sum": ld,
    }


#: A day with every kind of feature: completions, the chat panel's modes, inline chat, agent
#: edits, the CLI, and a ``chat_``-named feature that is none of GitHub's chat modes.
RECORD = {
    "day": DAY,
    "organization_id": "999",
    "daily_active_users": 7,
    "weekly_active_users": 9,
    "monthly_active_users": 12,
    "monthly_active_agent_users": 5,
    "user_initiated_interaction_count": 41,
    "code_generation_activity_count": 100,
    "code_acceptance_activity_count": 30,
    "totals_by_feature": [
        _feature("code_completion", 0, 60, 21, 40, 3),
        _feature("chat_panel_ask_mode", 9, 10, 2, 5, 1),
        _feature("chat_panel_agent_mode", 6, 10, 3, 7, 2),
        _feature("chat_inline", 4, 5, 1, 2, 0),
        _feature("agent_edit", 0, 10, 3, 90, 8),
        _feature("copilot_cli", 11, 0, 0, 0, 0),
        _feature("chat_something_else", 11, 5, 0, 9, 9),
    ],
}


def test_the_days_row_has_the_summarys_derived_metrics(tmp_path: Path) -> None:
    """Every derived column of ``days`` equals the summary's headline field of the same name."""
    day_folder(tmp_path / "a", "organization-1-day", DAY, {"r.json": json.dumps(RECORD).encode()})
    build([tmp_path / "a"], tmp_path / "site")
    (row,) = query(
        tmp_path / "site" / "copilot-usage.sqlite",
        f"SELECT {', '.join(DERIVED)} FROM days",  # noqa: S608
    )
    headline = day_insight(RECORD).headline()
    assert dict(zip(DERIVED, row, strict=True)) == {name: headline[name] for name in DERIVED}
    assert headline["chat_requests"] == 19  # the panel's modes and inline chat, nothing else
    assert headline["code_completions_suggested"] == 60
    assert headline["average_chat_requests_per_active_user"] == round(19 / 7, 2)
    assert headline["loc_added_user_initiated"] == 40 + 5 + 7 + 2
