"""Bringing the database in step with the archive, touching only what changed.

Each report file is a ``sources`` row; ``coverage`` says which source each
(scope, day, grain) took its rows from. A new file replaces a day's rows only
when it ranks higher than the one they came from (a 1-day report over a 28-day
one, then the newer folder, then the later name), so the result does not depend
on the order files arrive in. Adding files reads only them (and, for teams, the
day's other per-user file); a file that changed or disappeared makes a full
rebuild, which gives the same rows as a first build.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .._metrics import Grain, Record, UnreadableFile, derived_metrics, grain_of, grain_records
from ._archive import ArchiveFile, Scan
from ._schema import ACTIVITY, DAY_COLUMNS, NESTED, USER_FLAGS

__all__ = ["Known", "Options", "known_files", "update"]

#: Breakdown dimensions: the report's list field and the fields that key its items.
_DIMENSIONS = (
    ("ide", "totals_by_ide", ("ide",)),
    ("feature", "totals_by_feature", ("feature",)),
    ("language_feature", "totals_by_language_feature", ("language", "feature")),
    ("language_model", "totals_by_language_model", ("language", "model")),
    ("model_feature", "totals_by_model_feature", ("model", "feature")),
)
Priority = tuple[int, str, str, str]
_USER_FIELDS = ("user_login", *ACTIVITY, *USER_FLAGS)


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
class _FileRows:
    aggregate: dict[tuple[str, str], Record] = field(default_factory=dict)
    users: dict[tuple[str, str], dict[int, Record]] = field(default_factory=dict)
    teams: dict[tuple[str, str], list[Record]] = field(default_factory=dict)
    unknown: int = 0


def known_files(db: sqlite3.Connection) -> dict[tuple[str, str, str, str], Known]:
    """The files the database was built from, by identity."""
    rows = db.execute(
        "SELECT scope, report, folder_day, name, source_id, sha256, size, mtime_ns FROM sources"
    )
    return {(r[0], r[1], r[2], r[3]): Known(r[4], r[5], r[6], r[7]) for r in rows}


def _priority(item: ArchiveFile) -> Priority:
    return (
        int(item.report.endswith("-1-day")),
        item.folder_day.isoformat(),
        item.report,
        item.name,
    )


def update(db: sqlite3.Connection, scan: Scan, options: Options) -> tuple[list[str], int]:
    """Apply the scan in the caller's transaction; returns reasons for files not used, and
    how many files were read."""
    skipped: list[str] = []
    known = known_files(db)
    current = {f.identity: f for f in scan.files}
    stale = [i for i, k in known.items() if i not in current or current[i].sha256 != k.sha256]
    if stale:
        for table in ("days", "breakdowns", "teams", "coverage", "sources"):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
        if options.users:
            db.execute("DELETE FROM users")
        known = {}
    for item in scan.files:
        if item.identity in known and known[item.identity].mtime_ns != item.mtime_ns:
            db.execute(
                "UPDATE sources SET mtime_ns = ? WHERE source_id = ?",
                (item.mtime_ns, known[item.identity].source_id),
            )
    new = sorted((f for f in scan.files if f.identity not in known), key=_priority)
    ids: dict[tuple[str, str, str, str], int] = {i: k.source_id for i, k in known.items()}
    for item in new:
        cursor = db.execute(
            "INSERT INTO sources (scope, report, folder_day, name, file, sha256, size, mtime_ns)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (*item.identity, item.file, item.sha256, item.size, item.mtime_ns),
        )
        ids[item.identity] = int(cursor.lastrowid or 0)
    priority = {ids[f.identity]: _priority(f) for f in scan.files}
    by_id = {ids[f.identity]: f for f in scan.files}
    team_days: set[tuple[str, str]] = set()
    for item in new:
        try:
            rows = _read(item)
        except UnreadableFile as exc:
            skipped.append(f"{exc}; skipped")
            # Not remembered: the next run reads it again, and names it again.
            db.execute("DELETE FROM sources WHERE source_id = ?", (ids[item.identity],))
            continue
        if not (rows.aggregate or rows.users or rows.teams):
            skipped.append(f"{item.path}: no record we recognise; skipped")
            db.execute("DELETE FROM sources WHERE source_id = ?", (ids[item.identity],))
            continue
        if rows.unknown:
            skipped.append(
                f"{item.path}: {rows.unknown} record(s) of a kind we do not know; ignored"
            )
        source = ids[item.identity]
        for (scope, day), record in rows.aggregate.items():
            if _takes(db, scope, day, "aggregate", source, priority):
                _put_day(db, scope, day, source, record)
        for (scope, day), users in rows.users.items():
            if _takes(db, scope, day, "users", source, priority):
                team_days.add((scope, day))
                if options.users:
                    _put_users(db, scope, day, source, users, logins=options.logins)
        for key in rows.teams:
            if _takes(db, *key, "user-teams", source, priority):
                team_days.add(key)
    for scope, day in sorted(team_days):
        _put_teams(db, scope, day, by_id)
    return skipped, len(new)


def _read(item: ArchiveFile) -> _FileRows:
    rows = _FileRows()
    scope = item.scope
    for record in grain_records(item.path):
        grain: Grain | None = grain_of(record)
        if grain is None:
            rows.unknown += 1
            continue
        key = (scope, str(record["day"]))
        if grain == "aggregate":
            rows.aggregate[key] = record  # a later record for the same day wins
        elif grain == "users":
            user_id = record.get("user_id")
            if isinstance(user_id, int):
                # Only the columns kept: a day of 100,000 users stays a few tens of MB.
                slim = {name: record.get(name) for name in _USER_FIELDS}
                rows.users.setdefault(key, {})[user_id] = slim
            else:
                rows.unknown += 1
        else:
            rows.teams.setdefault(key, []).append(record)
    return rows


def _takes(
    db: sqlite3.Connection,
    scope: str,
    day: str,
    grain: str,
    source: int,
    priority: Mapping[int, Priority],
) -> bool:
    """Whether ``source`` wins (scope, day, grain); if so, records it in ``coverage``."""
    row = db.execute(
        "SELECT source_id FROM coverage WHERE scope = ? AND day = ? AND grain = ?",
        (scope, day, grain),
    ).fetchone()
    if row is not None and row[0] in priority and priority[row[0]] > priority[source]:
        return False
    db.execute(
        "INSERT OR REPLACE INTO coverage (scope, day, grain, source_id) VALUES (?, ?, ?, ?)",
        (scope, day, grain, source),
    )
    return True


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day_values(record: Record) -> list[int | float | None]:
    values: dict[str, int | float | None] = {}
    for name in DAY_COLUMNS:
        values[name] = _int(record.get(name))
    for outer, inner in NESTED:
        nested = record.get(outer)
        values[f"{outer}_{inner}"] = _int(nested.get(inner)) if isinstance(nested, dict) else None
    values.update(derived_metrics(record))
    return [values[name] for name in DAY_COLUMNS]


def _put_day(db: sqlite3.Connection, scope: str, day: str, source: int, record: Record) -> None:
    db.execute("DELETE FROM days WHERE scope = ? AND day = ?", (scope, day))
    db.execute("DELETE FROM breakdowns WHERE scope = ? AND day = ?", (scope, day))
    db.execute(
        f"INSERT INTO days (scope, day, source_id, {', '.join(DAY_COLUMNS)}) "  # noqa: S608
        f"VALUES (?, ?, ?, {', '.join('?' * len(DAY_COLUMNS))})",
        (scope, day, source, *_day_values(record)),
    )
    rows: list[tuple[object, ...]] = []
    for dimension, list_field, keys in _DIMENSIONS:
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(ACTIVITY))
        items = record.get(list_field)
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict):
                continue
            parts = [str(item.get(k) or "unknown") for k in keys]
            total = sums[(parts[0], parts[1] if len(parts) > 1 else "")]
            for index, name in enumerate(ACTIVITY):
                total[index] += _int(item.get(name)) or 0
        rows.extend((scope, day, dimension, k, k2, source, *v) for (k, k2), v in sums.items())
    db.executemany(
        f"INSERT INTO breakdowns (scope, day, dimension, key, key2, source_id, "  # noqa: S608
        f"{', '.join(ACTIVITY)}) VALUES ({', '.join('?' * (6 + len(ACTIVITY)))})",
        rows,
    )


def _activity(record: Record) -> list[int]:
    return [_int(record.get(name)) or 0 for name in ACTIVITY]


def _flag(value: object) -> int | None:
    return int(value) if isinstance(value, bool) else None


def _put_users(
    db: sqlite3.Connection,
    scope: str,
    day: str,
    source: int,
    users: Mapping[int, Record],
    *,
    logins: bool,
) -> None:
    db.execute("DELETE FROM users WHERE scope = ? AND day = ?", (scope, day))
    columns = ("scope", "day", "user_id", "user_login", "source_id", *ACTIVITY, *USER_FLAGS)
    db.executemany(
        f"INSERT INTO users ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join('?' * len(columns))})",
        (
            (
                scope,
                day,
                user_id,
                str(record.get("user_login")) if logins and record.get("user_login") else None,
                source,
                *_activity(record),
                *(_flag(record.get(flag)) for flag in USER_FLAGS),
            )
            for user_id, record in sorted(users.items())
        ),
    )


def _rows_of(item: ArchiveFile, scope: str, day: str, grain: Grain) -> Iterable[Record]:
    for record in grain_records(item.path):
        if record.get("day") == day and grain_of(record) == grain:
            yield record


def _put_teams(
    db: sqlite3.Connection, scope: str, day: str, by_id: Mapping[int, ArchiveFile]
) -> None:
    """GitHub's team metrics for one day: users joined with user-teams on ``user_id``.

    Per team: its distinct members, the members with activity that day
    (``active_users``; a member with no per-user row is not active) and their
    summed activity. A user in two teams counts in both.
    """
    db.execute("DELETE FROM teams WHERE scope = ? AND day = ?", (scope, day))
    found = dict(
        db.execute(
            "SELECT grain, source_id FROM coverage WHERE scope = ? AND day = ? "
            "AND grain IN ('users', 'user-teams')",
            (scope, day),
        ).fetchall()
    )
    if "users" not in found or "user-teams" not in found:
        return
    users_file, teams_file = by_id[found["users"]], by_id[found["user-teams"]]
    try:
        activity = {r["user_id"]: _activity(r) for r in _rows_of(users_file, scope, day, "users")}
        members: dict[str, set[Any]] = defaultdict(set)
        team_ids: dict[str, int | None] = {}
        for row in _rows_of(teams_file, scope, day, "user-teams"):
            slug = str(row.get("slug") or row.get("team_id"))
            members[slug].add(row.get("user_id"))
            team_ids[slug] = _int(row.get("team_id"))
    except UnreadableFile:
        return
    rows = []
    for slug in sorted(members):
        active = [activity[u] for u in members[slug] if u in activity]
        sums = (
            [sum(values) for values in zip(*active, strict=True)] if active else [0] * len(ACTIVITY)
        )
        rows.append(
            (
                scope,
                day,
                slug,
                team_ids[slug],
                len(members[slug]),
                len(active),
                *sums,
                found["users"],
                found["user-teams"],
            )
        )
    columns = (
        "scope",
        "day",
        "slug",
        "team_id",
        "member_count",
        "active_users",
        *ACTIVITY,
        "users_source_id",
        "teams_source_id",
    )
    db.executemany(
        f"INSERT INTO teams ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join('?' * len(columns))})",
        rows,
    )
