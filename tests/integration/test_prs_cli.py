"""Pull requests and agents through the real CLI: ``prs-*`` outputs, ``metrics``, the summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

SCHEMA = (
    Path(__file__).parents[2] / "src" / "copilot_usage_report" / "_metrics" / "metrics.schema.json"
)


def _file(root: Path, report: str, day: str, days: list[dict[str, Any]]) -> None:
    folder = root / "orgs" / "acme" / report / day
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps({"day_totals": days, "organization_id": "7"}))


def _day(day: str, **extra: Any) -> dict[str, Any]:
    return {"day": day, "organization_id": "7", "daily_active_users": 5, **extra}


def test_summarize_sets_the_pr_outputs_and_sections(run_cli, tmp_path):
    """Sums of total_* over the days, the weighted median, agents in their own section."""
    _file(tmp_path, "organization-1-day", "2026-11-01", [_day("2026-11-01", pull_requests={
        "total_created": 4, "total_merged": 3, "total_created_by_copilot": 2,
        "total_merged_created_by_copilot": 1, "total_reviewed_by_copilot": 2,
        "median_minutes_to_merge": 40.0}, daily_active_copilot_code_review_users=9)])  # fmt: skip
    _file(tmp_path, "organization-1-day", "2026-11-02", [_day("2026-11-02", pull_requests={
        "total_created": 6, "total_merged": 1, "total_reviewed_by_copilot": 5,
        "median_minutes_to_merge": 900.0},
        daily_active_copilot_code_review_users=4,
        totals_by_3rd_party_agent=[{"agent": "claude", "session_count": 3}],
        totals_by_ai_adoption_phase=[
            {"phase": "Phase 1", "phase_number": 1, "total_engaged_users": 2,
             "avg_pull_requests_merged": 1.5},
            {"phase": "Phase 2", "phase_number": 2, "total_engaged_users": 1,
             "avg_pull_requests_merged": 4.0}])])  # fmt: skip
    run = run_cli("summarize", str(tmp_path), actions=True)
    assert run.code == 0, run.stderr
    assert run.outputs["prs-created"] == "10"
    assert run.outputs["prs-merged"] == "4"
    assert run.outputs["prs-created-by-copilot"] == "2"
    assert run.outputs["prs-merged-created-by-copilot"] == "1"
    assert run.outputs["prs-reviewed-by-copilot"] == "7"
    metrics = json.loads(run.outputs["metrics"])
    jsonschema.validate(metrics, json.loads(SCHEMA.read_text()))
    (pulls,) = metrics["pull_requests"]
    assert pulls["median_minutes_to_merge"] == 40.0  # 3 of the 4 merged PRs: 40 minutes
    assert "### Pull requests and code review\n" in run.stdout
    assert "(median of the days' medians, weighted by merged PRs)" in run.stdout
    agents = run.stdout[run.stdout.index("### Agents\n") :]
    # the newest day's rolling count, not 9 + 4
    assert (
        "| Daily active code review users (2026-11-02) "
        "(`daily_active_copilot_code_review_users`) | 4 |" in agents
    )
    assert "Third-party agent `claude`: `session_count` | 3 |" in agents
    assert "| Phase 2 | 1 | 4.00 |" in agents  # per phase, never summed
    # the raw name is no longer listed in the headline
    head = run.stdout[: run.stdout.index("### Pull requests and code review")]
    assert "copilot_code_review" not in head and "Copilot code review users" not in head


def test_no_pull_requests_leaves_the_outputs_absent(run_cli, tmp_path):
    """Records without ``pull_requests``: no ``prs-*`` output, no section, no metrics key."""
    _file(tmp_path, "organization-1-day", "2026-11-01", [_day("2026-11-01")])
    run = run_cli("summarize", str(tmp_path), actions=True)
    assert run.code == 0, run.stderr
    assert not any(name.startswith("prs-") for name in run.outputs)
    assert "pull_requests" not in json.loads(run.outputs["metrics"])
    assert "### Pull requests and code review" not in run.stdout
