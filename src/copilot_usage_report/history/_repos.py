"""Repositories' days (``repos-1-day``) in the database: their own tables, never in ``days``.

``repositories``: one row per scope, day and repository, GitHub's ``pull_requests`` counts
and ``median_minutes_to_merge`` (``NULL`` on a day nothing merged: GitHub leaves it out).
``repo_comment_types``: ``copilot_suggestions_by_comment_type`` per scope, day, repository and
comment type. ``review_times``: ``pull_request_review_times`` per scope, day, repository,
``authored_by`` and ``reviewed_by`` (the six ``median_``/``p90_`` minutes, ``NULL`` when
absent). ``repo_files``: the files read (so a build reads only what changed). The database
keeps every name (it is the user's own file); the page and the CSV name private and
internal repositories only when asked (``PartOptions.repositories``).

A day's folder is the unit: when any of its files is new or changed, the day's rows of
that scope are replaced by the folder's rows (a later row of the same repository wins).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from .._archive import Refused
from .._metrics import PR_TOTALS, STAGES, RepoTally, grain_of
from ._archive import ArchiveFile
from ._csv import csv_text

__all__ = [
    "COUNT_COLUMNS",
    "REPOS",
    "STAGE_COLUMNS",
    "has_repos",
    "known_repo_files",
    "repos_csv",
    "update_repos",
]

REPOS = "repos-1-day"
COUNT_COLUMNS = PR_TOTALS
STAGE_COLUMNS = tuple(f"{kind}_{stage}" for stage in STAGES for kind in ("median", "p90"))

_DDL = f"""
CREATE TABLE IF NOT EXISTS repo_files (
  scope TEXT NOT NULL, day TEXT NOT NULL, name TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
  PRIMARY KEY (scope, day, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repositories (
  scope TEXT NOT NULL, day TEXT NOT NULL, repo_id INTEGER NOT NULL,
  repo_owner_name TEXT NOT NULL, repo_name TEXT NOT NULL, repo_visibility TEXT NOT NULL,
  {", ".join(f"{c} INTEGER NOT NULL" for c in COUNT_COLUMNS)},
  median_minutes_to_merge REAL,
  file TEXT NOT NULL,
  PRIMARY KEY (scope, day, repo_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repo_comment_types (
  scope TEXT NOT NULL, day TEXT NOT NULL, repo_id INTEGER NOT NULL, comment_type TEXT NOT NULL,
  total_copilot_suggestions INTEGER NOT NULL, total_copilot_applied_suggestions INTEGER NOT NULL,
  PRIMARY KEY (scope, day, repo_id, comment_type)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS review_times (
  scope TEXT NOT NULL, day TEXT NOT NULL, repo_id INTEGER NOT NULL,
  authored_by TEXT NOT NULL, reviewed_by TEXT NOT NULL, total_merged INTEGER NOT NULL,
  {", ".join(f"{c} REAL" for c in STAGE_COLUMNS)},
  PRIMARY KEY (scope, day, repo_id, authored_by, reviewed_by)
) WITHOUT ROWID;
"""
_SELECT_REPOS = (
    "SELECT scope, day, repo_id, repo_owner_name, repo_name, repo_visibility, "  # noqa: S608
    f"{', '.join(COUNT_COLUMNS)}, median_minutes_to_merge FROM repositories "
    "ORDER BY scope, day, repo_id"
)


@dataclass(frozen=True, slots=True)
class Known:
    sha256: str
    size: int
    mtime_ns: int


def has_repos(db: sqlite3.Connection) -> bool:
    """Whether the database holds the repositories' tables."""
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='repositories'")
    return row.fetchone() is not None


def known_repo_files(db: sqlite3.Connection) -> dict[tuple[str, str, str, str], Known]:
    """The files read, by the archive's identity of a file."""
    if not has_repos(db):
        return {}
    rows = db.execute("SELECT scope, day, name, sha256, size, mtime_ns FROM repo_files")
    return {(r[0], REPOS, r[1], r[2]): Known(r[3], r[4], r[5]) for r in rows}


def update_repos(db: sqlite3.Connection, files: Sequence[ArchiveFile]) -> tuple[list[str], int]:
    """Keep the archive's ``repos-1-day`` files in the caller's transaction; the reasons for
    folders not used, and how many files were read."""
    mine = [f for f in files if f.report == REPOS]
    if not mine and not has_repos(db):
        return [], 0
    for statement in _DDL.split(";"):  # not executescript: it would end the transaction
        if statement.strip():
            db.execute(statement)
    known = known_repo_files(db)
    folders: dict[tuple[str, str], list[ArchiveFile]] = {}
    for item in mine:
        folders.setdefault((item.scope, item.folder_day.isoformat()), []).append(item)
    reasons: list[str] = []
    read = 0
    for (scope, day), items in sorted(folders.items()):
        changed = [
            f
            for f in items
            if (k := known.get(f.identity)) is None or (k.sha256, k.size) != (f.sha256, f.size)
        ]
        if not changed:
            for f in items:  # the same bytes, touched: remember the new time
                db.execute(
                    "UPDATE repo_files SET mtime_ns = ? WHERE scope = ? AND day = ? AND name = ?",
                    (f.mtime_ns, scope, day, f.name),
                )
            continue
        tally = RepoTally()
        files_of: dict[tuple[str, str, int], str] = {}
        try:
            for f in items:
                read += 1
                for record in f.records():
                    if grain_of(record) == "repos" and tally.add(record, scope):
                        files_of[(scope, str(record.get("day")), record.get("repo_id", 0))] = f.file
        except Refused as exc:
            reasons.append(f"{exc}; the whole report {items[0].path.parent} is skipped")
            continue
        for table in ("repositories", "repo_comment_types", "review_times", "repo_files"):
            db.execute(f"DELETE FROM {table} WHERE scope = ? AND day = ?", (scope, day))  # noqa: S608
        db.executemany(
            "INSERT INTO repo_files VALUES (?, ?, ?, ?, ?, ?)",
            ((scope, day, f.name, f.sha256, f.size, f.mtime_ns) for f in items),
        )
        for row in tally.result().rows:
            when = row.day.isoformat()
            db.execute(
                f"INSERT OR REPLACE INTO repositories VALUES ({', '.join('?' * 19)})",  # noqa: S608
                (
                    scope, when, row.repo_id, row.owner, row.name, row.visibility,
                    *(row.counts[c] for c in COUNT_COLUMNS),
                    row.median_minutes_to_merge,
                    files_of.get((scope, when, row.repo_id), items[0].file),
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT OR REPLACE INTO repo_comment_types VALUES (?, ?, ?, ?, ?, ?)",
                ((scope, when, row.repo_id, k, *v) for k, v in row.by_comment_type.items()),
            )
            db.executemany(
                "INSERT OR REPLACE INTO review_times VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (scope, when, row.repo_id, t.authored_by, t.reviewed_by, t.total_merged,
                     *(v for pair in zip(t.median, t.p90, strict=True) for v in pair))
                    for t in row.review_times
                ),
            )  # fmt: skip
    return reasons, read


def _named(visibility: str, *, show: bool) -> bool:
    return show or visibility == "PUBLIC"


def repos_csv(db: sqlite3.Connection, *, show: bool) -> dict[str, str]:
    """``repositories.csv`` and ``review_times.csv`` (none without rows); a private or
    internal repository's owner and name are left empty unless ``show``."""
    if not has_repos(db):
        return {}
    out: dict[str, str] = {}
    rows = db.execute(_SELECT_REPOS).fetchall()
    if rows:
        header = ("scope", "day", "repo_id", "repo_owner_name", "repo_name", "repo_visibility",
                  *COUNT_COLUMNS, "median_minutes_to_merge")  # fmt: skip
        out["repositories.csv"] = csv_text(
            header,
            ((*r[:3], *(r[3:5] if _named(r[5], show=show) else ("", "")), *r[5:]) for r in rows),
        )
    times = db.execute(
        f"SELECT scope, day, repo_id, authored_by, reviewed_by, total_merged, "  # noqa: S608
        f"{', '.join(STAGE_COLUMNS)} FROM review_times "
        "ORDER BY scope, day, repo_id, authored_by, reviewed_by"
    ).fetchall()
    if times:
        stages = ("scope", "day", "repo_id", "authored_by", "reviewed_by", "total_merged",
                  *STAGE_COLUMNS)  # fmt: skip
        out["review_times.csv"] = csv_text(stages, times)
    return out
