"""CSV tables beside the report files: names, columns, row counts, safety and atomicity."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from copilot_usage_report._errors import OutputError, ReportFormatError
from copilot_usage_report._render.csv_tables import CSV_NAMES, write_csv

FIXTURES = Path(__file__).parents[1] / "fixtures" / "metrics"
ACTIVITY = [
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
]


def read(path: Path) -> list[list[str]]:
    """A CSV file's rows, header first."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A folder holding the aggregate, per-user and user-teams example files."""
    folder = tmp_path / "day"
    folder.mkdir()
    for name in ("organization-1-day.ndjson", "users-1-day.ndjson", "user-teams-1-day.ndjson"):
        shutil.copy(FIXTURES / name, folder)
    return folder


def test_every_table_lands_beside_the_files_with_its_columns_and_rows(reference):
    """Totals, four breakdowns, per-user and user-team rows: exact headers and row counts."""
    result = write_csv([reference])
    assert [p.name for p in result.files] == list(CSV_NAMES)
    assert all(p.parent == reference for p in result.files)
    tables = {p.name: read(p) for p in result.files}
    header, row = tables["totals.csv"]
    assert header[:6] == [
        *["day", "organization_id", "enterprise_id"],
        *["daily_active_users", "weekly_active_users", "monthly_active_users"],
    ]
    totals = dict(zip(header, row, strict=True))
    assert row[:6] == ["2026-11-20", "999", "13213", "42", "58", "77"]
    assert [totals[name] for name in ACTIVITY] == ["239", "998", "289", "2405", "0", "1830", "349"]
    assert totals["code_completions_suggested"] == "640"
    assert totals["code_completions_accepted"] == "210"
    assert totals["code_completion_acceptance_rate"] == str(round(100 * 210 / 640, 2))
    assert totals["agent_adoption_rate"] == str(round(100 * 19 / 77, 2))
    assert totals["daily_passive_copilot_code_review_users"] == "7"
    assert totals["totals_by_cli.token_usage.prompt_tokens_sum"] == "96000"
    assert totals["pull_requests.total_created"] == "14"
    # Our counts from the per-user rows, under names GitHub does not use:
    assert (totals["users_used_chat"], totals["users_used_agent"], totals["users_used_cli"]) == (
        *("2", "1", "1"),
    )
    assert "daily_active_chat_users" not in totals
    for dimension, rows in (("ide", 2), ("feature", 5), ("language", 3), ("model", 2)):
        table = tables[f"by_{dimension}.csv"]
        assert table[0] == [
            *["day", "organization_id", "enterprise_id", dimension],
            *[*ACTIVITY, "acceptance_rate", "active_users"],
        ]
        assert len(table) == 1 + rows, dimension
    assert tables["by_ide.csv"][1] == [
        *["2026-11-20", "999", "13213", "vscode"],
        *["170", "760", "226", "1840", "0", "1420", "300"],
        *["29.74", "1"],
    ]
    assert tables["by_language.csv"][1][-1] == ""  # no user counts per language
    users = tables["users.csv"]
    assert users[0][:5] == ["day", "organization_id", "enterprise_id", "user_id", "user_login"]
    named = [dict(zip(users[0], row, strict=True)) for row in users[1:]]
    assert [u["user_login"] for u in named] == ["alice", "bob", "carol"]
    assert [u["used_chat"] for u in named] == ["true", "true", "false"]
    assert [u["ides"] for u in named] == ["vscode", "intellij", ""]
    assert named[2]["features"] == "copilot_cli"
    assert named[0]["loc_added_sum"] == "88"
    # The team join, computed here from the fixture's rows: members' activity summed per team.
    lines = (reference / "users-1-day.ndjson").read_text().splitlines()
    by_id = {r["user_id"]: r for r in map(json.loads, lines)}
    members = {"backend": (1001, 1003), "frontend": (1001, 1002)}
    expected = [
        [
            *["2026-11-20", "999", "13213", slug, str(team_id), "2", "2"],
            *[str(sum(by_id[u].get(name, 0) for u in ids)) for name in ACTIVITY],
            _credits(by_id[u].get("ai_credits_used") for u in ids),  # 1001 counts in both
        ]
        for (slug, ids), team_id in zip(members.items(), (43, 42), strict=True)
    ]
    assert tables["teams.csv"][1:] == expected
    assert tables["user_teams.csv"] == [
        ["day", "user_id", "user_login", "team_id", "slug"],
        ["2026-11-20", "1001", "alice", "42", "frontend"],
        ["2026-11-20", "1001", "alice", "43", "backend"],
        ["2026-11-20", "1002", "bob", "42", "frontend"],
        ["2026-11-20", "1003", "carol", "43", "backend"],
    ]
    assert result.insight.newest is not None
    assert result.insight.newest.daily_active_users == 42


def test_each_folder_gets_its_own_tables_and_the_insight_covers_all(tmp_path):
    """Two day folders each get their own CSVs; the returned insight holds both days."""
    for day in ("2026-11-19", "2026-11-20"):
        record = json.loads((FIXTURES / "organization-1-day.ndjson").read_text())
        record["day"] = day
        (tmp_path / day).mkdir()
        (tmp_path / day / "agg.json").write_text(json.dumps(record, indent=2))
    result = write_csv([tmp_path])
    assert len(result.files) == 2 * 5
    assert [d.day.isoformat() for d in result.insight.days] == ["2026-11-19", "2026-11-20"]
    for day in ("2026-11-19", "2026-11-20"):
        totals = read(tmp_path / day / "totals.csv")
        assert [row[0] for row in totals[1:]] == [day]
        assert not (tmp_path / day / "users.csv").exists()


def test_a_rerun_gives_the_same_tables_and_never_reads_them_as_reports(reference):
    """Writing twice gives byte-identical tables; the CSVs are not taken for report files."""
    first = {p.name: p.read_bytes() for p in write_csv([reference]).files}
    second = write_csv([reference])
    assert {p.name: p.read_bytes() for p in second.files} == first
    assert len(second.insight.files) == 3


def test_formula_like_text_is_quoted_for_spreadsheets(tmp_path):
    """A text cell starting with = + - or @ gets a leading apostrophe; numbers do not."""
    (tmp_path / "teams.ndjson").write_text(
        json.dumps({"user_id": -5, "day": "2026-11-20", "team_id": 1, "slug": "=HYPERLINK(1)"})
        + "\n"
    )
    write_csv([tmp_path])
    (row,) = read(tmp_path / "user_teams.csv")[1:]
    assert row == ["2026-11-20", "-5", "", "1", "'=HYPERLINK(1)"]


def test_a_bad_record_leaves_no_csv_behind(tmp_path):
    """When a record is refused, no CSV (final or temporary) is left in the folder."""
    good = json.dumps({"user_id": 1, "day": "2026-11-20", "used_chat": True})
    bad = json.dumps({"user_id": 2, "day": "2026-11-20", "used_chat": "yes"})
    (tmp_path / "users.ndjson").write_text(good + "\n" + bad + "\n")
    with pytest.raises(ReportFormatError, match="line 2: field used_chat"):
        write_csv([tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.ndjson"]


def test_a_report_file_is_never_overwritten_by_a_table(tmp_path):
    """A report file named like a table (listed by its manifest) stops the CSVs, untouched."""
    record = (FIXTURES / "organization-1-day.ndjson").read_bytes()
    (tmp_path / "totals.csv").write_bytes(record)
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "tool": "t",
                "org": "o",
                "report": "organization-1-day",
                "report_day": "2026-11-20",
                "files": [{"name": "totals.csv", "size": 1, "sha256": "0", "link": "x"}],
            }
        )
    )
    with pytest.raises(OutputError, match="is a report file"):
        write_csv([tmp_path])
    assert (tmp_path / "totals.csv").read_bytes() == record
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "totals.csv"]


def _credits(values: object) -> str:
    """A team's ``ai_credits_used`` cell: its members' credits summed, empty when none has any."""
    found = [v for v in values if v is not None]  # type: ignore[attr-defined]
    return str(sum(found)) if found else ""
