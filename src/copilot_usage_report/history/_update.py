"""Bringing the database in step with the archive, touching only what changed.

The unit is the report folder (scope, report kind, day, its manifest), never a
single file: GitHub splits a large report over several files, and the rows of a
grain for a scope and day are always one whole report. Each folder is a
``folders`` row, each of its files a ``sources`` row; ``coverage`` says, per
(scope, day, grain), which folder the rows are (one ``used`` row per file of it
holding records of that day) and which folders were skipped there. A folder
replaces a day's rows only when it ranks higher than the one they came from (a
1-day report over a 28-day one, then the newer folder, then the report's name), so
the result does not depend on the order folders arrive in.

Adding folders reads only them (and, for teams, the day's other report); a
folder that gained a file (a re-run that completed a report) is read again
whole; a file that changed or disappeared makes a full rebuild, which gives the
same rows as a first build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._archive import MAX_INTEGER, Refused
from .._core import SUMMED, report_grain
from .._metrics import Grain, Rank, Record, grain_of, report_rank
from ._archive import ArchiveFolder, Scan, SkippedFolder
from ._rows import put_day, put_teams, put_users
from ._schema import ACTIVITY, USER_FLAGS
from ._value import VALUE_TABLES

__all__ = ["Known", "Options", "known_files", "update"]

Priority = Rank
Key = tuple[str, str]  # scope, day
_USER_FIELDS = ("user_login", *ACTIVITY, *USER_FLAGS)
#: The lists of an aggregate record whose items the history sums by key (``_rows``).
_LISTS = tuple(
    f"totals_by_{d}"
    for d in ("ide", "feature", "language_feature", "language_model", "model_feature")
)
_TABLES = (*VALUE_TABLES, "days", "breakdowns", "teams", "coverage", "sources", "folders")


@dataclass(frozen=True, slots=True)
class Options:
    users: bool
    logins: bool


@dataclass(frozen=True, slots=True)
class Known:
    source_id: int
    sha256: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class _FolderRows:
    """One report's records by (scope, day), each with the ``source_id`` of its file."""

    aggregate: dict[Key, tuple[int, Record]] = field(default_factory=dict)
    users: dict[Key, dict[int, tuple[int, Record]]] = field(default_factory=dict)
    teams: dict[Key, set[int]] = field(default_factory=dict)
    unknown: int = 0
    #: Per-user rows without the numeric ``user_id`` the ``users`` table is keyed by (a login
    #: only, say): a user's day all the same, never the organization's.
    no_id: int = 0
    #: Per-repository rows (``repos``), which the history does not keep.
    repos: int = 0
    #: Per activity count, the sum of its size over every user row (bounds any team's sum).
    user_sums: list[int] = field(default_factory=lambda: [0] * len(ACTIVITY))


def known_files(db: sqlite3.Connection) -> dict[tuple[str, str, str, str], Known]:
    """The files the database was built from, by identity."""
    rows = db.execute(
        "SELECT scope, report, folder_day, name, source_id, sha256, size, mtime_ns FROM sources"
    )
    return {(r[0], r[1], r[2], r[3]): Known(r[4], r[5], r[6], r[7]) for r in rows}


def _priority(folder: ArchiveFolder | SkippedFolder) -> Priority:
    return report_rank(folder.report, folder.folder_day.isoformat())


def _wipe(db: sqlite3.Connection, options: Options) -> None:
    for table in _TABLES:
        db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
    if options.users:
        db.execute("DELETE FROM users")


def update(db: sqlite3.Connection, scan: Scan, options: Options) -> tuple[list[str], int]:
    """Apply the scan in the caller's transaction; returns reasons for folders not used, and
    how many files were read."""
    known = known_files(db)
    current = {f.identity: f for f in scan.files}
    if any(i not in current or current[i].sha256 != k.sha256 for i, k in known.items()):
        _wipe(db, options)
        known = {}
    result = _apply(db, scan, options, known)
    if result is None:  # a folder read before cannot be read now: its rows must go
        _wipe(db, options)
        result = _apply(db, scan, options, {})
    assert result is not None  # nothing is known in a rebuild, so no folder was read before
    return result


def _apply(
    db: sqlite3.Connection,
    scan: Scan,
    options: Options,
    known: Mapping[tuple[str, str, str, str], Known],
) -> tuple[list[str], int] | None:
    skipped: list[str] = []
    db.execute("DELETE FROM coverage WHERE status = 'skipped'")
    db.execute("DELETE FROM folders WHERE status = 'skipped'")
    for item in scan.files:
        seen = known.get(item.identity)
        if seen is not None and seen.mtime_ns != item.mtime_ns:
            db.execute(
                "UPDATE sources SET mtime_ns = ? WHERE source_id = ?",
                (item.mtime_ns, seen.source_id),
            )
    folder_ids: dict[tuple[str, str, str], int] = {
        (r[0], r[1], r[2]): r[3]
        for r in db.execute("SELECT scope, report, folder_day, folder_id FROM folders")
    }
    ids = {i: k.source_id for i, k in known.items()}
    changed = sorted(
        (f for f in scan.folders if any(x.identity not in known for x in f.files)), key=_priority
    )
    for folder in changed:
        _register(db, folder, folder_ids, ids)
    priority = {folder_ids[f.identity]: _priority(f) for f in scan.folders}
    by_id = {ids[x.identity]: x for f in scan.folders for x in f.files}
    team_days: set[Key] = set()
    read = 0
    for folder in changed:
        folder_id = folder_ids[folder.identity]
        read += len(folder.files)
        try:
            rows = _read(folder, ids, users=options.users)
            problem = None if rows.aggregate or rows.users or rows.teams else "no record"
            if problem and rows.repos and not rows.unknown and not rows.no_id:
                problem = "repos"
            problem = problem or _overflow(rows)
        except Refused as exc:
            problem = str(exc)
        if problem is not None:
            if any(x.identity in known for x in folder.files):
                return None
            if problem == "repos":
                reason = f"{folder.path}: per-repository rows, which the history does not keep"
            elif problem == "no record":
                reason = f"{folder.path}: no record we recognise; skipped"
            else:
                reason = f"{problem}; the whole report {folder.path} is skipped"
            skipped.append(reason)
            # Not remembered: the next run reads it again, and names it again.
            db.execute("DELETE FROM sources WHERE folder_id = ?", (folder_id,))
            db.execute("DELETE FROM folders WHERE folder_id = ?", (folder_id,))
            del folder_ids[folder.identity]
            _skip(db, SkippedFolder(folder.scope, folder.report, folder.folder_day, reason))
            continue
        if rows.unknown:
            skipped.append(
                f"{folder.path}: {rows.unknown} record(s) of a kind we do not know; ignored"
            )
        if rows.no_id:
            skipped.append(
                f"{folder.path}: {rows.no_id} per-user row(s) without a numeric user_id (the "
                "users table's key, and the team join's); ignored"
            )
        for key, (source, record) in rows.aggregate.items():
            if _takes(db, key, "aggregate", folder_id, {source}, priority):
                put_day(db, *key, source, record)
        for key, users in rows.users.items():
            sources = {source for source, _ in users.values()}
            if _takes(db, key, "users", folder_id, sources, priority):
                team_days.add(key)
                if options.users:
                    put_users(db, *key, users, logins=options.logins)
        for key, sources in rows.teams.items():
            if _takes(db, key, "user-teams", folder_id, sources, priority):
                team_days.add(key)
    for lost in scan.skipped_folders:
        _skip(db, lost)
    for scope, day in sorted(team_days):
        put_teams(db, scope, day, by_id)
    return skipped, read


def _register(
    db: sqlite3.Connection,
    folder: ArchiveFolder,
    folder_ids: dict[tuple[str, str, str], int],
    ids: dict[tuple[str, str, str, str], int],
) -> None:
    """The folder's row (new, or its file count updated) and a source row per new file."""
    folder_id = folder_ids.get(folder.identity)
    if folder_id is None:
        cursor = db.execute(
            "INSERT INTO folders (scope, report, folder_day, folder, files, status)"
            " VALUES (?, ?, ?, ?, ?, 'read')",
            (*folder.identity, folder.folder, len(folder.files)),
        )
        folder_id = folder_ids[folder.identity] = int(cursor.lastrowid or 0)
    else:
        db.execute(
            "UPDATE folders SET files = ? WHERE folder_id = ?", (len(folder.files), folder_id)
        )
    for item in folder.files:
        if item.identity in ids:
            continue
        cursor = db.execute(
            "INSERT INTO sources (folder_id, scope, report, folder_day, name, file, sha256, "
            "size, mtime_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (folder_id, *item.identity, item.file, item.sha256, item.size, item.mtime_ns),
        )
        ids[item.identity] = int(cursor.lastrowid or 0)


def _skip(db: sqlite3.Connection, folder: SkippedFolder) -> None:
    """A folder not used at all: a ``folders`` row with the reason, and a ``coverage`` row on
    its day for the grain its report kind holds."""
    cursor = db.execute(
        "INSERT INTO folders (scope, report, folder_day, folder, files, status, reason)"
        " VALUES (?, ?, ?, ?, 0, 'skipped', ?)",
        (*folder.identity, folder.folder, folder.reason),
    )
    grain = report_grain(folder.report)
    if grain in SUMMED:
        db.execute(
            "INSERT INTO coverage (scope, day, grain, status, folder_id, source_id)"
            " VALUES (?, ?, ?, 'skipped', ?, NULL)",
            (folder.scope, folder.folder_day.isoformat(), grain, cursor.lastrowid),
        )


def _read(
    folder: ArchiveFolder, ids: Mapping[tuple[str, str, str, str], int], *, users: bool
) -> _FolderRows:
    """Every record of every file of the folder, merged: one report, whatever its files."""
    rows = _FolderRows()
    scope = folder.scope
    for item in folder.files:
        source = ids[item.identity]
        for record in item.records():
            grain: Grain | None = grain_of(record)
            day = record.get("day")
            if grain == "repos":
                rows.repos += 1
                continue
            if grain is None or not isinstance(day, str):
                rows.unknown += 1
                continue
            key = (scope, day)
            if grain == "aggregate":
                rows.aggregate[key] = (source, record)  # a later record for the same day wins
            elif grain == "users":
                user_id = record.get("user_id")
                if isinstance(user_id, int):
                    sums = rows.user_sums
                    for index, name in enumerate(ACTIVITY):
                        value = record.get(name)
                        if isinstance(value, int):
                            sums[index] += abs(value)
                    # Only the columns kept: a day of 100,000 users stays a few tens of MB.
                    slim = {name: record.get(name) for name in _USER_FIELDS} if users else {}
                    rows.users.setdefault(key, {})[user_id] = (source, slim)
                else:
                    rows.no_id += 1
            else:
                rows.teams.setdefault(key, set()).add(source)
    return rows


def _overflow(rows: _FolderRows) -> str | None:
    """Why a sum the history makes of the folder's counts would pass ``MAX_INTEGER`` (a
    breakdown's key over its items, a team over its members), or ``None``."""
    for key, (_, record) in rows.aggregate.items():
        for list_field in _LISTS:
            items = record.get(list_field)
            for name in ACTIVITY:
                total = sum(
                    abs(v)
                    for item in (items if isinstance(items, list) else ())
                    if isinstance(item, dict) and isinstance(v := item.get(name), int)
                )
                if total > MAX_INTEGER:
                    return f"the {name} of {list_field} on {key[1]} sum beyond ±{MAX_INTEGER:,}"
    for name, total in zip(ACTIVITY, rows.user_sums, strict=True):
        if total > MAX_INTEGER:
            return f"the users' {name} sum beyond ±{MAX_INTEGER:,}"
    return None


def _takes(
    db: sqlite3.Connection,
    key: Key,
    grain: str,
    folder_id: int,
    sources: set[int],
    priority: Mapping[int, Priority],
) -> bool:
    """Whether the folder wins (scope, day, grain); if so, ``coverage`` names its files."""
    row = db.execute(
        "SELECT folder_id FROM coverage WHERE scope = ? AND day = ? AND grain = ? "
        "AND status = 'used' LIMIT 1",
        (*key, grain),
    ).fetchone()
    if row is not None and row[0] in priority and priority[row[0]] > priority[folder_id]:
        return False
    db.execute(
        "DELETE FROM coverage WHERE scope = ? AND day = ? AND grain = ? AND status = 'used'",
        (*key, grain),
    )
    db.executemany(
        "INSERT INTO coverage (scope, day, grain, status, folder_id, source_id)"
        " VALUES (?, ?, ?, 'used', ?, ?)",
        ((*key, grain, folder_id, source) for source in sorted(sources)),
    )
    return True
