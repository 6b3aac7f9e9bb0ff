"""The history's AI credits, cost and impact: its tables from hand-written folders, and the page's
sections in headless Chromium (network off), every number worked out here by hand.

Two months of an organization: October 30 and 31 past a one-seat pool, November 1 and 2 against
a two-seat pool (a seat snapshot in each month), a user in two teams, phases on the day records.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._standin.synthetic import write_day
from copilot_usage_report.history import build
from copilot_usage_report.history._build import BuildResult

from ._archive import query
from ._browser import Node, load, parse, require_chromium, rows

ORG = ("organization", "acme")
SCOPE = "orgs/acme"
CREDITS = {"2026-10-30": (1000.0, 500.0), "2026-10-31": (600.0, 100.0)}
CREDITS |= {"2026-11-01": (200.0, 100.0), "2026-11-02": (50.0, 50.0)}


def _user(uid: int, day: str, credits: float, phase: int) -> dict[str, Any]:
    return {
        "user_id": uid, "user_login": f"u{uid}", "day": day, "organization_id": "5",
        "user_initiated_interaction_count": 2, "used_chat": True, "ai_credits_used": credits,
        "ai_adoption_phase": {"phase": f"Phase {phase}", "phase_number": phase, "version": "v1"},
    }  # fmt: skip


def _aggregate(day: str, merged: int) -> dict[str, Any]:
    phases = [
        {"phase": "Phase 0", "phase_number": 0, "total_engaged_users": 1,
         "total_pull_requests_merged": 1, "avg_pull_requests_median_minutes_to_merge": 90.0},
        {"phase": "Phase 2", "phase_number": 2, "total_engaged_users": 1,
         "total_pull_requests_merged": merged - 1,
         "avg_pull_requests_median_minutes_to_merge": 30.0},
    ]  # fmt: skip
    return {
        "day": day, "organization_id": "5", "daily_active_users": 2, "monthly_active_users": 2,
        "pull_requests": {"total_merged": merged}, "totals_by_ai_adoption_phase": phases,
    }  # fmt: skip


def _seats(root: Path, day: date, plans: list[str]) -> None:
    folder = root / "orgs" / "acme" / "copilot-seats" / day.isoformat()
    folder.mkdir(parents=True)
    seats = [
        {"created_at": "2026-09-01T09:00:00Z", "pending_cancellation_date": None,
         "last_activity_at": f"{day.isoformat()}T08:00:00Z", "plan_type": plan,
         "assignee": {"login": f"u{n}", "id": n}, "assigning_team": None}
        for n, plan in enumerate(plans, 1)
    ]  # fmt: skip
    data = b"".join(json.dumps(s).encode() + b"\n" for s in seats)
    (folder / "seats.ndjson").write_bytes(data)
    manifest = {
        "manifest_version": 2, "tool": "hand", "scope": {"kind": "org", "name": "acme"},
        "report": "copilot-seats", "report_day": day.isoformat(),
        "api_origin": "https://api.github.com", "taken_at": f"{day.isoformat()}T12:00:00Z",
        "total_seats": len(seats), "pages": 1,
        "files": [{"name": "seats.ndjson", "size": len(data), "records": len(seats),
                   "sha256": hashlib.sha256(data).hexdigest(), "link": "https://api.github.com/x"}],
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("usercost") / "archive"
    for day, (one, two) in CREDITS.items():
        on = date.fromisoformat(day)
        write_day(root, ORG, "users-1-day", on, [_user(1, day, one, 2), _user(2, day, two, 0)])
        teams = [("core", 1), ("core", 2), ("web", 1)]
        members = [
            {"user_id": u, "day": day, "organization_id": "5", "team_id": 9, "slug": s}
            for s, u in teams
        ]
        write_day(root, ORG, "user-teams-1-day", on, members)
        write_day(root, ORG, "organization-1-day", on, [_aggregate(day, 3)])
    _seats(root, date(2026, 10, 31), ["business"])
    _seats(root, date(2026, 11, 2), ["business", "enterprise"])
    return build([root], root.parent / "site")


def test_the_tables_hold_the_months_cost(site: BuildResult) -> None:
    """Each month: credits, seats, pool, beyond the pool, cost, projection, per user, per PR."""
    got = query(
        site.database,
        "SELECT month, credits_used, seats, pool_credits, credits_beyond_pool, cost_usd, "
        "days_elapsed, projected_credits, projected_cost_usd, cost_per_active_user_usd, "
        "merged_pull_requests, cost_per_merged_pull_request_usd FROM month_costs ORDER BY month",
    )
    # October: 2,200 used, 1 Business seat (19 USD, pool 1,900): 300 beyond = 3 USD -> 22 USD;
    # 2 active users -> 11; 6 merged PRs -> 3.67.
    # November: 400 used in 2 of 30 days, 19 + 39 = 58 USD, pool 5,800; projection 6,000 ->
    # 200 beyond -> 60 USD; 58 / 2 users = 29; 58 / 6 merged PRs = 9.67.
    assert got == [
        ("2026-10", 2200.0, 1, 1900, 300.0, 22.0, 31, 2200.0, 22.0, 11.0, 6, 3.67),
        ("2026-11", 400.0, 2, 5800, 0.0, 58.0, 2, 6000.0, 60.0, 29.0, 6, 9.67),
    ]
    teams = query(
        site.database,
        "SELECT slug, SUM(ai_credits_used) FROM team_credit_days GROUP BY slug ORDER BY slug",
    )
    assert teams == [("core", 2600.0), ("web", 1850.0)]  # user 1 in both: 1,850 + 750
    impact = query(
        site.database,
        "SELECT month, phase_number, users, share, merged_prs_per_user_per_month, "
        "median_minutes_to_merge, adoption_multiplier FROM month_phases ORDER BY month, "
        "phase_number",
    )
    # Per phase a day: 1 user; phase 0 merges 1 a day, phase 2 merges 2; scaled to the month.
    assert impact[:2] == [
        ("2026-10", 0, 1, 0.5, 31.0, 90.0, 2.0),
        ("2026-10", 2, 1, 0.5, 62.0, 30.0, 2.0),
    ]
    assert {n.name for n in site.tables} >= {"month_costs.csv", "team_credits.csv"}


def _section(dom: Node) -> Node:
    return dom.one("div", **{"data-usercost": SCOPE})


def test_the_page_shows_them_beside_their_charts(
    site: BuildResult, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In Chromium: no console message, two monthly charts and the cost table, impact by phase."""
    require_chromium()
    loaded = load(site.page, tmp_path_factory.mktemp("chromium"))
    assert loaded.console == []
    section = _section(parse(loaded.dom))
    charts = {f.attrs["data-chart"] for f in section.all("figure")}
    assert charts == {"credits-by-month", "cost-by-month", "phases-by-month"}
    costs = rows(section.one("div", **{"data-table": "month-costs"}).one("table"))
    assert [r[0] for r in costs] == ["2026-10", "2026-11"]
    assert costs[0][6] == "22.00" and costs[1][6] == "58.00" and costs[1][7] == "60.00"
    assert costs[0][7] == "n/a"  # October is complete: no projection
    phases = rows(section.one("div", **{"data-table": "month-phases"}).one("table"))
    assert phases[0][:4] == ["2026-10", "Phase 0", "1", "50.0%"]
