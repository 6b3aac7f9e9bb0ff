"""Ambiguous records through every consumer, run as a user runs them: the summary, the CSV
tables and the history decide each one as the one classifier (``_metrics.grains``) does."""

from __future__ import annotations

import csv
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from ..history._archive import day_folder

DAY = "2026-11-20"
ORG = {"organization_id": "999"}


def _counts(g: int, a: int = 0, i: int = 0) -> dict[str, int]:
    return {
        "user_initiated_interaction_count": i,
        "code_generation_activity_count": g,
        "code_acceptance_activity_count": a,
    }


def _user(**fields: Any) -> dict[str, Any]:
    return {"day": DAY, **ORG, **fields}


#: A per-user report whose rows carry null team fields (a user row: null counts as absent),
#: one row with a login and no id (a user's day, never the organization's), and a
#: repository's row (not summed).
USERS = [
    _user(user_id=1, user_login="ann", team_id=None, slug=None, **_counts(4, 2)),
    _user(user_id=2, user_login="bob", team_id=None, slug=None, **_counts(6, 3, 1)),
    _user(user_login="cy", **_counts(2)),
]
REPOSITORY = {"day": DAY, **ORG, "repository_id": 5, "daily_active_users": 50, **_counts(1000)}
#: Membership rows, one of them with activity: a membership, whose activity is not counted.
TEAMS = [
    _user(user_id=1, user_login="ann", team_id=42, slug="core", **_counts(99)),
    _user(user_id=2, user_login="bob", team_id=42, slug="core"),
]
AGGREGATE = {"day": DAY, **ORG, "daily_active_users": 7, **_counts(40, 10)}


def _ndjson(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _files(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "users-1-day.ndjson").write_bytes(_ndjson([*USERS, REPOSITORY]))
    (folder / "user-teams-1-day.ndjson").write_bytes(_ndjson(TEAMS))
    return folder


def test_the_summary_counts_each_ambiguous_record_once_by_its_grain(run_cli, tmp_path):
    """Null team fields and a login without an id are users; a membership's counts are not."""
    folder = _files(tmp_path / "files")
    run = run_cli("summarize", "--json", str(folder))
    assert run.code == 0, run.stderr
    (day,) = json.loads(run.stdout)["days"]
    assert day["records"] == {"aggregate": 0, "user": 3, "user_team": 2}
    assert day["daily_active_users"] == 3
    assert day["code_generation_activity_count"] == 12  # neither the team's 99 nor the repo's
    (team,) = day["teams"]
    assert (team["slug"], team["members"], team["active_users"]) == ("core", 2, 2)
    assert team["code_generation_activity_count"] == 10


def test_the_csv_tables_put_each_ambiguous_record_in_its_grains_table(run_cli, tmp_path):
    """``users.csv`` holds every user row (null team fields too), ``user_teams.csv`` the members."""
    folder = _files(tmp_path / "files")
    run = run_cli("summarize", "--format", "csv", str(folder))
    assert run.code == 0, run.stderr
    with (folder / "users.csv").open(newline="") as handle:
        users = list(csv.DictReader(handle))
    with (folder / "user_teams.csv").open(newline="") as handle:
        teams = list(csv.DictReader(handle))
    assert [u["user_login"] for u in users] == ["ann", "bob", "cy"]
    assert [(t["user_login"], t["slug"]) for t in teams] == [("ann", "core"), ("bob", "core")]


def test_the_history_keeps_the_organizations_day_from_its_own_report(run_cli, tmp_path):
    """A login without an id, a repository's row and a membership with counts are never the
    organization's day, and the team join still comes out."""
    root = tmp_path / "archive"
    day_folder(root, "organization-1-day", DAY, {"report.json": json.dumps(AGGREGATE).encode()})
    day_folder(root, "users-1-day", DAY, {"users.ndjson": _ndjson(USERS)})
    day_folder(root, "user-teams-1-day", DAY, {"teams.ndjson": _ndjson(TEAMS)})
    day_folder(root, "repos-1-day", DAY, {"repos.ndjson": _ndjson([REPOSITORY])})
    site = tmp_path / "site"
    run = run_cli("history", str(root), "--out", str(site))
    assert run.code == 0, run.stderr
    with closing(sqlite3.connect(site / "copilot-usage.sqlite")) as db:
        days = db.execute(
            "SELECT d.day, s.report, d.daily_active_users, d.code_generation_activity_count "
            "FROM days d JOIN sources s USING (source_id)"
        ).fetchall()
        teams = db.execute(
            "SELECT slug, member_count, active_users, code_generation_activity_count FROM teams"
        ).fetchall()
        users = db.execute("SELECT user_id FROM users ORDER BY user_id").fetchall()
    assert days == [(DAY, "organization-1-day", 7, 40)]
    assert teams == [("core", 2, 2, 10)]
    assert users == [(1,), (2,)]
    assert "1 per-user row(s) without a numeric user_id" in run.stderr
