"""Pull requests, agents and phases of the aggregate days: tables, months, CSV and the page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report.history import build
from copilot_usage_report.history._build import BuildResult

from ._archive import day_folder, query
from ._browser import load, parse, require_chromium, rows

SCOPE = "orgs/octo-demo"


def _day(day: str, pulls: dict[str, Any] | None, **extra: Any) -> bytes:
    record = {"day": day, "organization_id": "1", "daily_active_users": 4, **extra}
    if pulls is not None:
        record["pull_requests"] = pulls
    return json.dumps({"day_totals": [record], "organization_id": "1"}).encode()


#: Two months by hand: April's merge medians 30 (3 PRs) and 500 (1 PR); a day with no merge.
DAYS = {
    "2026-04-01": _day("2026-04-01", {"total_created": 5, "total_merged": 3,
                                      "total_created_by_copilot": 2,
                                      "median_minutes_to_merge": 30.0},
                       monthly_active_copilot_code_review_users=7,
                       totals_by_cli={"session_count": 2, "request_count": 9, "prompt_count": 4,
                                      "token_usage": {"output_tokens_sum": 10,
                                                      "prompt_tokens_sum": 20}},
                       totals_by_3rd_party_agent=[{"agent": "claude", "session_count": 5}]),
    "2026-04-02": _day("2026-04-02", {"total_created": 2, "total_merged": 1,
                                      "median_minutes_to_merge": 500.0},
                       monthly_active_copilot_code_review_users=9,
                       totals_by_ai_adoption_phase=[
                           {"phase": "Phase 1", "phase_number": 1, "total_engaged_users": 3,
                            "avg_pull_requests_merged": 0.5},
                           {"phase": "Phase 2", "phase_number": 2, "total_engaged_users": 1,
                            "avg_pull_requests_merged": 2.0}]),
    "2026-05-01": _day("2026-05-01", {"total_created": 4, "total_merged": 0},
                       monthly_active_copilot_code_review_users=8),
    "2026-05-02": _day("2026-05-02", None),
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("value")
    for day, data in DAYS.items():
        day_folder(root / "a", "organization-1-day", day, {"r.json": data})
    return build([root / "a"], root / "site")


def test_the_tables_keep_the_days_with_absent_medians_as_null(site: BuildResult) -> None:
    """One pull_requests row a day with the fields; a day nothing merged has NULL medians."""
    assert query(
        site.database,
        "SELECT day, total_created, total_merged, median_minutes_to_merge FROM pull_requests "
        "ORDER BY day",
    ) == [("2026-04-01", 5, 3, 30.0), ("2026-04-02", 2, 1, 500.0), ("2026-05-01", 4, 0, None)]
    assert query(
        site.database, "SELECT surface, agent, session_count, request_count FROM agent_usage"
    ) == [("cli", "", 2, 9), ("3rd_party_agent", "claude", 5, None)]
    assert query(
        site.database,
        "SELECT day, phase_number, total_engaged_users, avg_pull_requests_merged "
        "FROM adoption_phases ORDER BY phase_number",
    ) == [("2026-04-02", 1, 3, 0.5), ("2026-04-02", 2, 1, 2.0)]


def test_the_csv_files_are_the_tables(site: BuildResult) -> None:
    """pull_requests.csv beside the database holds the table's rows."""
    text = (site.page.parent / "pull_requests.csv").read_text()
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["day"], r["total_created"], r["median_minutes_to_merge"]) for r in table] == [
        ("2026-04-01", "5", "30.0"), ("2026-04-02", "2", "500.0"), ("2026-05-01", "4", ""),
    ]  # fmt: skip
    assert (site.page.parent / "adoption_phases.csv").is_file()
    assert (site.page.parent / "agent_usage.csv").is_file()


def test_the_page_shows_months_with_a_weighted_median_in_chromium(
    site: BuildResult, tmp_path: Path
) -> None:
    """In Chromium: the sections, their charts drawn, and their tables' numbers by month."""
    require_chromium()
    loaded = load(site.page, tmp_path)
    assert loaded.console == []
    section = parse(loaded.dom).one("section", **{"data-scope": SCOPE})
    figures = {f.attrs["data-chart"]: f for f in section.all("figure")}
    assert {"prs", "prs-merge-minutes", "code-review-users", "agent-sessions"} <= set(figures)
    for name in ("prs", "prs-merge-minutes", "code-review-users", "agent-sessions"):
        assert [p for p in figures[name].all("path") if "line" in p.classes()], name
    months = rows(figures["prs"].one("table"))
    # April: 7 created, 4 merged; 3 PRs at 30 minutes against 1 at 500 -> 30, not a mean
    # May: the day without pull_requests adds nothing, the day without merges has no median
    assert months == [
        ["2026-04", "2", "7", "4", "2", "0", "0", "30", "0"],
        ["2026-05", "1", "4", "0", "0", "0", "0", "", "1"],
    ]
    agents = rows(figures["code-review-users"].one("table"))
    # the rolling count of the month's last day with a record, never a sum (May's has none)
    assert [(r[0], r[1], r[2]) for r in agents] == [
        ("2026-04", "2026-04-02", "9"),
        ("2026-05", "2026-05-02", ""),
    ]
    assert agents[0][5:] == ["2", "", "5"]  # CLI, app, third-party sessions summed
    phases = rows(section.one("div", **{"data-table": "adoption-phases"}).one("table"))
    assert [r[:2] for r in phases] == [["Phase 1", "3"], ["Phase 2", "1"]]
