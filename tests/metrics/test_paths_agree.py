"""Property: the per-user fast path and the dict path accept, refuse and add up the same rows."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import summarize_paths
from copilot_usage_report._render.csv_tables import write_csv

COUNTS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_added_sum",
)
#: Mostly valid values, sometimes of a type GitHub never sends.
VALUES = st.one_of(
    st.integers(0, 50),
    st.none(),
    st.integers(2**63, 2**70),
    st.booleans(),
    st.text(max_size=2),
    st.lists(st.integers(0, 3), max_size=1),
)
COUNT = st.one_of(st.integers(0, 50), st.integers(0, 50), st.none(), VALUES)
ELEMENT = st.fixed_dictionaries(
    {},
    optional={
        "ide": st.one_of(st.sampled_from(["vscode", "vim", "", "1.2.0:"]), st.none(), VALUES),
        "feature": st.sampled_from(["code_completion", "chat_panel_ask_mode", "agent_edit"]),
        **{name: COUNT for name in COUNTS},
    },
)
ROW = st.fixed_dictionaries(
    {
        "user_id": st.one_of(st.integers(0, 4), st.sampled_from(["a", "b"])),
        "day": st.sampled_from(["2026-11-20", "2026-11-21", "2026-11-20", "not a day"]),
    },
    optional={
        "user_login": st.sampled_from(["ann", "zoë"]),
        "organization_id": st.one_of(st.sampled_from(["7", 7, "8"]), st.none()),
        "used_chat": st.one_of(st.booleans(), st.none(), VALUES),
        "used_agent": st.booleans(),
        "totals_by_ide": st.one_of(st.lists(ELEMENT, max_size=3), st.none(), VALUES),
        "totals_by_feature": st.lists(ELEMENT, max_size=3),
        "ai_credits_used": st.one_of(st.floats(0, 5), st.integers(0, 5), st.none()),
        **{name: COUNT for name in COUNTS},
    },
)


def _outcome(read: Any, path: Path) -> object:
    try:
        insight = read(path)
    except ReportFormatError as exc:
        return ("error", exc.message.split(": field")[0])
    return insight.metrics()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=12))
def test_fast_and_dict_paths_agree(rows: list[dict[str, Any]]) -> None:
    """Either both refuse at the same line, or both give the same metrics."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "users.ndjson"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        fast = _outcome(lambda p: summarize_paths([p]), path)
        for name in path.parent.iterdir():
            if name.suffix == ".csv":
                name.unlink()
        slow = _outcome(lambda p: write_csv([p]).insight, path)
        assert fast == slow


KEYS = st.sampled_from(
    [
        "day",
        "user_id",
        "slug",
        "team_id",
        "organization_id",
        "enterprise_id",
        "daily_active_users",
        "monthly_active_users",
        "day_totals",
        "totals_by_ide",
        "totals_by_feature",
        "totals_by_language_model",
        "totals_by_cli",
        "pull_requests",
        "totals_by_ai_adoption_phase",
        "ai_adoption_phase",
        "used_cli",
        "ide",
        "feature",
        "token_usage",
        *COUNTS,
    ]
)
ANY_JSON = st.recursive(
    st.one_of(VALUES, st.just("2026-11-20"), st.floats(allow_nan=False, allow_infinity=False)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(ANY_JSON, min_size=1, max_size=5), one_document=st.booleans())
def test_any_json_is_summarised_or_refused_in_one_line(
    values: list[Any], one_document: bool
) -> None:
    """Whatever JSON a file holds, in any shape: numbers, or a ReportFormatError; no crash."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        text = (
            json.dumps(values, indent=1)
            if one_document
            else "".join(json.dumps(v) + "\n" for v in values)
        )
        path.write_text(text)
        try:
            insight = summarize_paths([path], unrecognised="skip")
        except ReportFormatError as exc:
            assert "\n" not in exc.message
        else:
            json.dumps(insight.metrics())
