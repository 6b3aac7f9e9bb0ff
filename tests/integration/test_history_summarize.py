"""The history's numbers for a day are ``summarize``'s of that day's folders, through the real CLI,
for every report kind the demo stand-in serves, on a day its per-user report is in three files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._app.demo import DEMO_ORG, DEMO_TOKEN, demo_standin
from copilot_usage_report._core.kinds import KINDS
from copilot_usage_report._metrics import ACTIVITY_FIELDS
from copilot_usage_report._standin import data
from copilot_usage_report._standin.people import day_rows
from copilot_usage_report._standin.server import StandIn

TODAY = datetime.now(UTC).date()
#: A recent day whose users-1-day report the stand-in splits over three files.
DAY = next(
    d
    for d in (data.newest_day(TODAY) - timedelta(days=n) for n in range(1, 9))
    if data.users_parts("org", d) == 3
)
ORG_KINDS = [k.name for k in KINDS["org"]]


@pytest.fixture(scope="module")
def demo() -> Iterator[StandIn]:
    with demo_standin(TODAY) as standin:
        yield standin


@pytest.fixture
def archive(demo: StandIn, run_cli: Any, tmp_path: Path) -> Path:
    """Every report kind of the demo organization for ``DAY``, fetched by the CLI."""
    env = {"GH_TOKEN": DEMO_TOKEN, "GITHUB_API_URL": demo.api_url}
    out = tmp_path / "out"
    run = run_cli(
        "fetch", "--org", DEMO_ORG, "--report", ",".join(ORG_KINDS), "--day", DAY.isoformat(),
        "--output-dir", str(out), env=env,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    return out / "orgs" / DEMO_ORG


def _summarize(run_cli: Any, *folders: Path) -> dict[str, dict[str, Any]]:
    run = run_cli("summarize", *map(str, folders), "--json")
    assert run.code == 0, run.stderr
    return {d["day"]: d for d in json.loads(run.stdout)["days"]}


def _history(run_cli: Any, source: Path, site: Path) -> sqlite3.Connection:
    run = run_cli("history", str(source), "--out", str(site))
    assert run.code == 0, run.stderr
    db = sqlite3.connect(site / "copilot-usage.sqlite")
    db.row_factory = sqlite3.Row
    return db


def _folder(scope: Path, kind: str) -> Path:
    (folder,) = (scope / kind).iterdir()
    return folder


def _same_day(row: sqlite3.Row, day: dict[str, Any], breakdowns: list[sqlite3.Row]) -> None:
    """A ``days`` row and its breakdowns against summarize's day: every field both name."""
    names = row.keys()  # a Row iterates over its values
    shared = [k for k in names if k in day and not isinstance(day[k], dict | list)]
    assert len(shared) >= 20, shared
    assert {k: row[k] for k in shared} == {k: day[k] for k in shared}
    assert row["pull_requests_total_created"] == day["pull_requests"]["total_created"]
    assert row["totals_by_cli_request_count"] == day["totals_by_cli"]["request_count"]
    for dimension in ("ide", "feature"):
        ours = {
            r["key"]: tuple(r[f] for f in ACTIVITY_FIELDS)
            for r in breakdowns
            if r["dimension"] == dimension
        }
        theirs = {
            e[dimension]: tuple(e[f] for f in ACTIVITY_FIELDS) for e in day["breakdowns"][dimension]
        }
        assert ours == theirs and ours, dimension


def _users_agree(db: sqlite3.Connection, days: dict[str, dict[str, Any]]) -> None:
    """Per day: one users row per user summarize read, and the same activity sums."""
    sums = ", ".join(f"SUM({f})" for f in ACTIVITY_FIELDS)
    rows = {
        r[0]: (r[1], *r[2:])
        for r in db.execute(f"SELECT day, COUNT(*), {sums} FROM users GROUP BY day")  # noqa: S608
    }
    assert rows == {
        day: (d["records"]["user"], *(d[f] for f in ACTIVITY_FIELDS)) for day, d in days.items()
    }


def test_every_report_kind_of_a_day_agrees_with_summarize(
    archive: Path, run_cli: Any, tmp_path: Path
) -> None:
    """Aggregate, per-user, teams, both 28-day reports and repos: the history as summarize."""
    users = _folder(archive, "users-1-day")
    assert len([p for p in users.iterdir() if p.name != "manifest.json"]) == 3
    with closing(_history(run_cli, archive.parent.parent, tmp_path / "site")) as db:
        # organization-1-day: the headline fields and the breakdowns.
        summary = _summarize(run_cli, _folder(archive, "organization-1-day"))[DAY.isoformat()]
        (row,) = db.execute("SELECT * FROM days WHERE day = ?", (DAY.isoformat(),))
        breakdowns = db.execute("SELECT * FROM breakdowns WHERE day = ?", (DAY.isoformat(),))
        _same_day(row, summary, list(breakdowns))
        # users-1-day: every file of the report.
        by_day = _summarize(run_cli, users)
        assert by_day[DAY.isoformat()]["records"]["user"] == len(day_rows("org", DAY))
        users_rows = db.execute("SELECT * FROM users WHERE day = ?", (DAY.isoformat(),))
        assert len(list(users_rows)) == by_day[DAY.isoformat()]["records"]["user"]
        # user-teams-1-day, joined with the whole users-1-day report.
        teams = _summarize(run_cli, users, _folder(archive, "user-teams-1-day"))
        fields = ("team_id", "members", "active_users", *ACTIVITY_FIELDS)
        expected = {t["slug"]: tuple(t[f] for f in fields) for t in teams[DAY.isoformat()]["teams"]}
        ours = {
            r["slug"]: (r["team_id"], r["member_count"], *(r[f] for f in fields[2:]))
            for r in db.execute("SELECT * FROM teams WHERE day = ?", (DAY.isoformat(),))
        }
        assert ours == expected and len(ours) >= 4
        # repos-1-day: its own table, one row per repository of the file, never in ``days``.
        (repo_file,) = _folder(archive, "repos-1-day").glob("*.ndjson")
        lines = repo_file.read_text().splitlines()
        expected_ids = sorted(json.loads(line)["repo_id"] for line in lines if line.strip())
        ids = sorted(
            r[0]
            for r in db.execute(
                "SELECT repo_id FROM repositories WHERE day = ?", (DAY.isoformat(),)
            )
        )
        assert ids == expected_ids and ids
        assert not list(db.execute("SELECT 1 FROM folders WHERE report = 'repos-1-day'"))


def test_the_28_day_reports_agree_with_summarize(
    archive: Path, run_cli: Any, tmp_path: Path
) -> None:
    """Each 28-day report alone, every day of it: the history's rows are summarize's."""
    aggregate = _folder(archive, "organization-28-day")
    with closing(_history(run_cli, aggregate, tmp_path / "aggregate")) as db:
        days = _summarize(run_cli, aggregate)
        rows = {r["day"]: r for r in db.execute("SELECT * FROM days")}
        assert sorted(rows) == sorted(days) and len(days) >= 25
        for day, summary in days.items():
            breakdowns = db.execute("SELECT * FROM breakdowns WHERE day = ?", (day,))
            _same_day(rows[day], summary, list(breakdowns))
    users = _folder(archive, "users-28-day")
    assert len([p for p in users.iterdir() if p.name != "manifest.json"]) == 3
    with closing(_history(run_cli, users, tmp_path / "users")) as db:
        _users_agree(db, _summarize(run_cli, users))
