"""AI credits used, their cost and the month's cost against the pool, through the real CLI.

A fetch of per-user rows, user-teams rows and the seat list against loopback stand-ins: the
``ai-credits-used`` and ``ai-credits-cost-usd`` outputs, ``metrics`` and the job summary's
"AI credits and cost" section, with every expected number worked out here from the rows served.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from copilot_usage_report._app.demo import DEMO_ORG, DEMO_TOKEN, demo_standin
from copilot_usage_report._standin.people import TEAMS, USERS, day_rows
from copilot_usage_report._standin.seats import SeatBook
from copilot_usage_report._standin.server import StandIn

TOKEN = "ghp_USERCOSTTOKEN1234567890"
NOW = datetime.now(UTC)
YESTERDAY = NOW.date() - timedelta(days=1)


def _row(uid: int, credits: float, phase: int) -> dict[str, Any]:
    return {
        "user_id": uid,
        "user_login": f"user-{uid}",
        "day": YESTERDAY.isoformat(),
        "organization_id": "9",
        "user_initiated_interaction_count": 3,
        "used_chat": True,
        "ai_credits_used": credits,
        "ai_adoption_phase": {"phase": f"Phase {phase}", "phase_number": phase, "version": "v1"},
    }


def _seat(uid: int, plan: str) -> dict[str, Any]:
    stamp = (NOW - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "created_at": stamp,
        "last_activity_at": stamp,
        "plan_type": plan,
        "assignee": {"login": f"user-{uid}", "id": uid, "type": "User"},
    }


def _ndjson(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_credits_outputs_and_the_months_cost_through_the_cli(run_cli, tmp_path: Path):
    """Two users beyond a one-seat pool: outputs, metrics and the summary's cost row agree."""
    rows = [_row(1, 1500.25, 2), _row(2, 650.5, 3)]
    day = YESTERDAY.isoformat()
    members = [
        {"user_id": uid, "day": day, "organization_id": "9", "team_id": team, "slug": slug}
        for uid, team, slug in ((1, 1, "core"), (2, 1, "core"), (1, 2, "web"))
    ]
    with StandIn(token=TOKEN) as standin:
        standin.add_report("my-org", YESTERDAY, [("u.ndjson", _ndjson(rows))], kind="users-1-day")
        standin.add_report(
            "my-org", YESTERDAY, [("t.ndjson", _ndjson(members))], kind="user-teams-1-day"
        )
        standin.seat_books["orgs/my-org"] = SeatBook([_seat(1, "business")])
        run = run_cli(
            "fetch", "--org", "my-org", "--report", "users-1-day,user-teams-1-day,copilot-seats",
            "--day", "latest", "--retries", "0",
            env={"INPUT_TOKEN": TOKEN, "INPUT_API_URL": standin.api_url,
                 "INPUT_OUTPUT_DIR": str(tmp_path / "out")},
            actions=True,
        )  # fmt: skip
    assert run.code == 0, run.stderr
    used = 1500.25 + 650.5
    assert run.outputs["ai-credits-used"] == "2150.75"
    assert run.outputs["ai-credits-cost-usd"] == "21.51"  # 2,150.75 x 0.01, two decimals
    metrics = json.loads(run.outputs["metrics"])
    assert (metrics["ai_credits_used"], metrics["ai_credits_cost_usd"]) == (2150.75, 21.51)
    teams = {t["slug"]: t["ai_credits_used"] for t in metrics["days"][-1]["teams"]}
    assert teams == {"core": used, "web": 1500.25}  # user 1 in both teams
    assert "### AI credits and cost" in run.summary
    assert "### Impact by adoption phase" in run.summary
    month = YESTERDAY.strftime("%Y-%m")
    (line,) = [x for x in run.summary.splitlines() if x.startswith(f"| {month} (")]
    if YESTERDAY.month == NOW.month:  # the seat list's month: 19 USD + (2,150.75 - 1,900) x 0.01
        assert "| 1 | 1,900 | 250.75 | 21.51 |" in line
    else:  # the seat list is of another month: that month's cost is unknown, not made up
        assert "| — | — | — | — |" in line


def test_the_demos_credits_are_its_users_credits(run_cli, tmp_path: Path):
    """The demo's ai-credits-used is the sum of its users' rows for the day fetched."""
    with demo_standin(NOW.date()) as standin:
        run = run_cli(
            "fetch", "--org", DEMO_ORG, "--report", "users-1-day,user-teams-1-day",
            "--day", "latest", "--output-dir", str(tmp_path / "out"),
            env={"GH_TOKEN": DEMO_TOKEN, "GITHUB_API_URL": standin.api_url},
            actions=True,
        )  # fmt: skip
    assert run.code == 0, run.stderr
    (folder,) = (tmp_path / "out" / "orgs" / DEMO_ORG / "users-1-day").iterdir()
    rows = day_rows("org", datetime.fromisoformat(folder.name).date())
    assert run.outputs["ai-credits-used"] == f"{sum(r['ai_credits_used'] for r in rows):.2f}"
    credits = {r["user_id"]: r["ai_credits_used"] for r in rows}
    metrics = json.loads(run.outputs["metrics"])
    teams = {t["slug"]: t["ai_credits_used"] for t in metrics["days"][-1]["teams"]}
    for slug, indexes in TEAMS.items():
        spent = [credits[USERS[i].id] for i in indexes if USERS[i].id in credits]
        if not spent:
            assert teams.get(slug) is None
        else:  # a member of two teams (the demo has some) counts in both
            assert abs(teams[slug] - sum(spent)) < 1e-6
    assert all(r["ai_adoption_phase"]["phase_number"] in (0, 1, 2, 3) for r in rows)
    assert all(r["used_copilot_cloud_agent"] == r["used_copilot_coding_agent"] for r in rows)


def test_credits_used_stand_beside_credits_billed_for_the_days_with_both(run_cli, tmp_path):
    """Per-user rows for yesterday only, billing answers for two days: the summary compares
    yesterday alone, billed (the stand-in's recognised grossQuantity) minus used."""
    from copilot_usage_report._metrics.credits import recognised
    from copilot_usage_report._standin.credits import credit_usage

    before = YESTERDAY - timedelta(days=1)
    with StandIn(token=TOKEN) as standin:
        standin.credit_owners["organizations/my-org"] = "org"
        standin.add_report("my-org", YESTERDAY, [("u.ndjson", _ndjson([_row(1, 123.25, 2)]))],
                           kind="users-1-day")  # fmt: skip
        run = run_cli(
            "fetch", "--org", "my-org", "--report", "users-1-day,copilot-ai-credits",
            "--day", f"{before}..{YESTERDAY}", "--retries", "0",
            env={"INPUT_TOKEN": TOKEN, "INPUT_API_URL": standin.api_url,
                 "INPUT_OUTPUT_DIR": str(tmp_path / "out")},
            actions=True,
        )  # fmt: skip
    assert run.code == 0, run.stderr
    items = credit_usage("org", "my-org", YESTERDAY)["usageItems"]
    billed = sum(i["grossQuantity"] for i in items if recognised(i["sku"], i["unitType"]))
    assert billed > 0
    assert "## AI credits used beside AI credits billed" in run.summary
    assert f"The 1 day(s) with both, {YESTERDAY} to {YESTERDAY}" in run.summary
    share = f"{(billed - 123.25) / billed:.1%}"
    row = f"| 1 | 123.25 | {billed:,.2f} | {billed - 123.25:,.2f} | {share} |"
    assert row in run.summary.splitlines()
