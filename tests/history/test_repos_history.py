"""The history keeps repositories' days in their own tables, CSV and page section."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from copilot_usage_report.history import build

from .._repos import FILES, INTERNAL, MERGED, PRIVATE, PUBLIC, ndjson
from ._archive import day_folder


def _archive(root: Path) -> Path:
    days: dict[str, dict[str, bytes]] = {}
    for (day, name), rows in FILES.items():
        days.setdefault(day, {})[name] = ndjson(rows)
    for day, files in days.items():
        day_folder(root, "repos-1-day", day, files)
    return root


def test_tables_keep_every_row_and_absent_medians_as_null(tmp_path: Path) -> None:
    """One row per repository and day from split files; a day nothing merged has NULL, never 0;
    the review stages in ``review_times``; nothing in ``days``."""
    site = build([_archive(tmp_path / "archive")], tmp_path / "site")
    assert site.skipped == ()
    with closing(sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")) as db:
        rows = db.execute(
            "SELECT day, repo_name, total_merged, median_minutes_to_merge FROM repositories "
            "ORDER BY day, repo_id"
        ).fetchall()
        assert rows == [
            ("2026-09-30", PRIVATE, 3, 100.0),
            ("2026-09-30", PUBLIC, 1, 50.0),
            ("2026-10-01", PRIVATE, 0, None),
            ("2026-10-01", INTERNAL, 5, 300.0),
            ("2026-10-02", INTERNAL, 5, 10.0),
        ]
        assert sum(r[2] for r in rows) == MERGED
        assert db.execute("SELECT COUNT(*) FROM days").fetchone() == (0,)
        times = db.execute(
            "SELECT day, repo_id, total_merged, median_minutes_ready_to_first_review, "
            "p90_minutes_final_review_to_merge FROM review_times ORDER BY day, repo_id"
        ).fetchall()
        assert times == [
            ("2026-09-30", 1, 2, 10.0, 15.0),
            ("2026-09-30", 2, 1, 30.0, 21.0),
            ("2026-10-01", 3, 1, 60.0, 3.0),
            ("2026-10-02", 3, 5, 1000.0, 6.0),
        ]
    again = build([tmp_path / "archive"], tmp_path / "site")
    assert again.added == 0  # nothing changed: nothing read again


def test_private_names_only_with_show_repositories(tmp_path: Path) -> None:
    """The page and the CSV name a private or internal repository only when asked; the
    database keeps every name; a public one is always named."""
    archive = _archive(tmp_path / "archive")
    hidden = build([archive], tmp_path / "hidden")
    files = {p.name: p.read_text() for p in (hidden.page, *hidden.tables)}
    assert set(files) == {"index.html", "repositories.csv", "review_times.csv"}
    for name, text in files.items():
        assert PRIVATE not in text and INTERNAL not in text, name
    assert PUBLIC in files["index.html"] and PUBLIC in files["repositories.csv"]
    assert "1 private repositories" in files["index.html"]
    with closing(sqlite3.connect(tmp_path / "hidden" / "copilot-usage.sqlite")) as db:
        names = {r[0] for r in db.execute("SELECT repo_name FROM repositories")}
    assert names == {PRIVATE, PUBLIC, INTERNAL}
    shown = build([archive], tmp_path / "shown", show_repositories=True)
    for path in (shown.page, *shown.tables[:1]):
        text = path.read_text()
        assert PRIVATE in text and INTERNAL in text, path.name


def test_the_history_branch_takes_repos_reports_only_with_show_repositories(
    tmp_path: Path,
) -> None:
    """``publish-history`` stages the raw ``repos-1-day`` folders, which name private
    repositories, only when asked, and says so otherwise."""
    from copilot_usage_report.history._stage import stage_days

    archive = _archive(tmp_path / "archive")
    warnings: list[str] = []
    left = stage_days(archive, tmp_path / "a", per_user=False, warn=warnings.append)
    assert left == [] and len(warnings) == 1 and "show-repositories" in warnings[0]
    taken = stage_days(archive, tmp_path / "b", per_user=False, repositories=True)
    assert sorted(d.day for d in taken) == ["2026-09-30", "2026-10-01", "2026-10-02"]
