"""The report folder is the unit: every file its manifest lists counts, or none of them does."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from copilot_usage_report._standin import data
from copilot_usage_report._standin.people import day_rows
from copilot_usage_report.history import build

from ._archive import day_folder, dump, query

DAY = date(2026, 11, 30)
ROWS = day_rows("org", DAY)


def _users(parts: int) -> dict[str, bytes]:
    return {
        f"copilot-usage-report-{n + 1}.ndjson": data.users_file("org", DAY, n, parts)
        for n in range(parts)
    }


def _teams_archive(root: Path, parts: int) -> Path:
    day_folder(root, "users-1-day", DAY.isoformat(), _users(parts))
    day_folder(
        root, "user-teams-1-day", DAY.isoformat(), {"t.ndjson": data.user_teams_file("org", DAY)}
    )
    return root


def test_every_file_of_a_split_report_counts(tmp_path: Path) -> None:
    """Three files of one users-1-day report: every user has a row, coverage names all three."""
    result = build([_teams_archive(tmp_path / "a", 3)], tmp_path / "site")
    assert query(result.database, "SELECT COUNT(*) FROM users") == [(len(ROWS),)]
    files = query(
        result.database,
        "SELECT s.name FROM coverage c JOIN sources s USING (source_id) "
        "WHERE c.grain = 'users' AND c.status = 'used' ORDER BY s.name",
    )
    assert files == [(name,) for name in sorted(_users(3))]
    one = build([_teams_archive(tmp_path / "b", 1)], tmp_path / "one")
    teams = "SELECT slug, member_count, active_users, loc_added_sum FROM teams ORDER BY slug"
    assert query(result.database, teams) == query(one.database, teams)


def test_a_folder_with_a_bad_file_is_skipped_whole_with_one_warning(tmp_path: Path) -> None:
    """One mismatching file of three: no row of the report is used, one warning, coverage says."""
    archive = _teams_archive(tmp_path / "a", 3)
    folder = archive / "orgs/octo-demo/users-1-day" / DAY.isoformat()
    (folder / "copilot-usage-report-2.ndjson").write_bytes(b'{"user_id": 1, "day": "x"}\n')
    (folder / "copilot-usage-report-3.ndjson").unlink()

    result = build([archive], tmp_path / "site")

    (warning,) = result.skipped
    assert str(folder) in warning and "skipped, not half-used" in warning
    assert "copilot-usage-report-2.ndjson" in warning and "copilot-usage-report-3.ndjson" in warning
    assert query(result.database, "SELECT COUNT(*) FROM users") == [(0,)]
    assert query(result.database, "SELECT COUNT(*) FROM teams") == [(0,)]
    assert query(
        result.database,
        "SELECT c.day, c.grain, c.status, f.folder, f.reason = ? FROM coverage c "
        "JOIN folders f USING (folder_id) WHERE c.grain = 'users'",
        warning,
    ) == [(DAY.isoformat(), "users", "skipped", f"orgs/octo-demo/users-1-day/{DAY}", 1)]
    assert "1 report folder(s) or file(s) were skipped" in result.page.read_text()


def test_a_skipped_day_falls_back_to_the_28_day_report_whole(tmp_path: Path) -> None:
    """A broken 1-day folder: the day's users are the 28-day report's, all of its files."""
    today = date(2026, 12, 3)
    newest = data.newest_day(today)
    files = {
        f"r-{n}.json": data.rolling_file("org", newest, today, users=True, part=n, parts=3)
        for n in range(3)
    }
    day_folder(tmp_path / "a", "users-28-day", newest.isoformat(), files)
    folder = day_folder(tmp_path / "a", "users-1-day", DAY.isoformat(), _users(2))
    (folder / "copilot-usage-report-1.ndjson").write_bytes(b"\n")

    result = build([tmp_path / "a"], tmp_path / "site")

    assert query(result.database, "SELECT COUNT(*) FROM users WHERE day = ?", DAY.isoformat()) == [
        (len(ROWS),)
    ]
    assert query(
        result.database,
        "SELECT c.status, f.report, COUNT(*) FROM coverage c JOIN folders f USING (folder_id) "
        "WHERE c.day = ? AND c.grain = 'users' GROUP BY 1, 2 ORDER BY 1",
        DAY.isoformat(),
    ) == [("skipped", "users-1-day", 1), ("used", "users-28-day", 3)]


def test_a_1_day_report_wins_a_split_28_day_one_as_a_whole(tmp_path: Path) -> None:
    """Both split: the 1-day folder's rows replace the 28-day folder's for its day, entirely."""
    today = date(2026, 12, 3)
    newest = data.newest_day(today)
    files = {
        f"r-{n}.json": data.rolling_file("org", newest, today, users=True, part=n, parts=3)
        for n in range(3)
    }
    day_folder(tmp_path / "a", "users-28-day", newest.isoformat(), files)
    half = dict(list(_users(2).items())[:1])  # a 1-day report of half the users
    day_folder(tmp_path / "a", "users-1-day", DAY.isoformat(), half)
    result = build([tmp_path / "a"], tmp_path / "site")
    assert query(result.database, "SELECT COUNT(*) FROM users WHERE day = ?", DAY.isoformat()) == [
        (len(ROWS[0::2]),)
    ]
    assert query(
        result.database,
        "SELECT DISTINCT s.report FROM users JOIN sources s USING (source_id) WHERE day = ?",
        DAY.isoformat(),
    ) == [("users-1-day",)]


def test_adding_the_second_file_of_a_day_makes_the_whole_report(tmp_path: Path) -> None:
    """A re-run that completes a report: the incremental update gives the whole report's rows."""
    archive = tmp_path / "a"
    complete = _teams_archive(tmp_path / "complete", 2)
    first_file = dict(list(_users(2).items())[:1])
    day_folder(archive, "users-1-day", DAY.isoformat(), first_file)
    day_folder(
        archive, "user-teams-1-day", DAY.isoformat(), {"t.ndjson": data.user_teams_file("org", DAY)}
    )
    before = build([archive], tmp_path / "site")
    assert query(before.database, "SELECT COUNT(*) FROM users") == [(len(ROWS[0::2]),)]

    users = archive / "orgs/octo-demo/users-1-day" / DAY.isoformat()
    shutil.rmtree(users)
    shutil.copytree(complete / "orgs/octo-demo/users-1-day" / DAY.isoformat(), users)
    after = build([archive], tmp_path / "site")

    assert after.added == 2  # the folder is read again, whole; the teams folder is not
    assert query(after.database, "SELECT COUNT(*) FROM users") == [(len(ROWS),)]
    fresh = build([complete], tmp_path / "fresh")
    assert dump(after.database) == dump(fresh.database)
    assert after.page.read_bytes() == fresh.page.read_bytes()
    assert after.csv.read_bytes() == fresh.csv.read_bytes()


def test_a_copy_with_more_files_of_the_same_report_is_kept(tmp_path: Path) -> None:
    """Two trees, one holding the first file only: the complete copy is used, silently."""
    day_folder(
        tmp_path / "partial", "users-1-day", DAY.isoformat(), dict(list(_users(2).items())[:1])
    )
    day_folder(tmp_path / "whole", "users-1-day", DAY.isoformat(), _users(2))
    result = build([tmp_path / "partial", tmp_path / "whole"], tmp_path / "site")
    assert result.skipped == ()
    assert query(result.database, "SELECT COUNT(*) FROM users") == [(len(ROWS),)]
    assert query(result.database, "SELECT folder, files, status FROM folders") == [
        (f"orgs/octo-demo/users-1-day/{DAY}", 2, "read")
    ]


def test_a_manifest_listing_a_missing_file_skips_the_folder(tmp_path: Path) -> None:
    """A file the manifest lists but the folder lacks: the other file is not used either."""
    folder = day_folder(tmp_path / "a", "users-1-day", DAY.isoformat(), _users(2))
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / manifest["files"][1]["name"]).unlink()
    result = build([tmp_path / "a"], tmp_path / "site")
    assert len(result.skipped) == 1 and "unreadable" in result.skipped[0]
    assert query(result.database, "SELECT COUNT(*) FROM users") == [(0,)]
