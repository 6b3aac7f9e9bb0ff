"""Writing one grain's rows of one (scope, day): the ``days``, ``breakdowns``, ``users`` and
``teams`` tables, from records already chosen by ``_update``.

Each function replaces what the table held for the scope and day, so writing a
day again (a report completed by a re-run, a higher-ranked report arriving)
leaves only the new rows.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._archive import Refused
from .._metrics import Activity, Grain, Record, derived_metrics, grain_of, rounded
from ._archive import ArchiveFile
from ._schema import ACTIVITY, DAY_COLUMNS, NESTED, USER_FLAGS
from ._value import put_value

__all__ = ["activity", "put_day", "put_teams", "put_users"]

#: Breakdown dimensions: the report's list field and the fields that key its items.
_DIMENSIONS = (
    ("ide", "totals_by_ide", ("ide",)),
    ("feature", "totals_by_feature", ("feature",)),
    ("language_feature", "totals_by_language_feature", ("language", "feature")),
    ("language_model", "totals_by_language_model", ("language", "model")),
    ("model_feature", "totals_by_model_feature", ("model", "feature")),
)


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day_values(record: Record) -> list[int | float | None]:
    values: dict[str, int | float | None] = {}
    for name in DAY_COLUMNS:
        values[name] = _int(record.get(name))
    for outer, inner in NESTED:
        nested = record.get(outer)
        values[f"{outer}_{inner}"] = _int(nested.get(inner)) if isinstance(nested, dict) else None
    values.update(rounded(derived_metrics(_features(record), record)))
    return [values[name] for name in DAY_COLUMNS]


def _features(record: Record) -> dict[str, Activity] | None:
    """The record's activity by feature (``totals_by_feature`` summed by feature name), for
    ``derived_metrics``; ``None`` when it has no feature breakdown."""
    items = record.get("totals_by_feature")
    rows = [f for f in items if isinstance(f, dict)] if isinstance(items, list) else []
    if not rows:
        return None
    features: dict[str, Activity] = {}
    for row in rows:
        name = str(row.get("feature", ""))
        counts = Activity(*(_int(row.get(field)) or 0 for field in ACTIVITY))
        features[name] = features.get(name, Activity()) + counts
    return features


def put_day(db: sqlite3.Connection, scope: str, day: str, source: int, record: Record) -> None:
    """The aggregate day and its breakdowns, from the record of file ``source``."""
    db.execute("DELETE FROM days WHERE scope = ? AND day = ?", (scope, day))
    db.execute("DELETE FROM breakdowns WHERE scope = ? AND day = ?", (scope, day))
    db.execute(
        f"INSERT INTO days (scope, day, source_id, {', '.join(DAY_COLUMNS)}) "  # noqa: S608
        f"VALUES (?, ?, ?, {', '.join('?' * len(DAY_COLUMNS))})",
        (scope, day, source, *_day_values(record)),
    )
    put_value(db, scope, day, source, record)  # pull requests, agents, phases (``_value``)
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


def activity(record: Record) -> list[int]:
    """The seven activity counts of a per-user row (a missing one counts 0)."""
    return [_int(record.get(name)) or 0 for name in ACTIVITY]


def _flag(value: object) -> int | None:
    return int(value) if isinstance(value, bool) else None


def put_users(
    db: sqlite3.Connection,
    scope: str,
    day: str,
    users: Mapping[int, tuple[int, Record]],
    *,
    logins: bool,
) -> None:
    """Every user row of the day: ``users`` maps user_id to (its file's source_id, record)."""
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
                *activity(record),
                *(_flag(record.get(flag)) for flag in USER_FLAGS),
            )
            for user_id, (source, record) in sorted(users.items())
        ),
    )


def _rows_of(files: Sequence[ArchiveFile], day: str, grain: Grain) -> Iterable[Record]:
    """The records of ``grain`` (``grain_of``) of ``day`` in ``files``, in order."""
    for item in files:
        for record in item.records():
            if record.get("day") == day and grain_of(record) == grain:
                yield record


def put_teams(
    db: sqlite3.Connection, scope: str, day: str, by_id: Mapping[int, ArchiveFile]
) -> None:
    """GitHub's team metrics for one day: users joined with user-teams on ``user_id``.

    Both sides are whole reports: every file of the folder ``coverage`` names
    for the grain. Per team: its distinct members, the members with activity
    that day (``active_users``; a member with no per-user row is not active) and
    their summed activity. A user in two teams counts in both.
    """
    db.execute("DELETE FROM teams WHERE scope = ? AND day = ?", (scope, day))
    used: dict[str, tuple[int, list[ArchiveFile]]] = {}
    for grain, folder_id, source_id in db.execute(
        "SELECT grain, folder_id, source_id FROM coverage WHERE scope = ? AND day = ? "
        "AND status = 'used' AND grain IN ('users', 'user-teams') ORDER BY source_id",
        (scope, day),
    ).fetchall():
        used.setdefault(grain, (folder_id, []))[1].append(by_id[source_id])
    if "users" not in used or "user-teams" not in used:
        return
    (users_folder, users_files), (teams_folder, teams_files) = used["users"], used["user-teams"]
    by_name = sorted(users_files, key=lambda f: f.name)  # a later file's row wins, as in _update
    try:
        active_by_user = {
            r["user_id"]: activity(r)
            for r in _rows_of(by_name, day, "users")
            if r.get("user_id") is not None  # a login alone joins no team
        }
        members: dict[str, set[Any]] = defaultdict(set)
        team_ids: dict[str, int | None] = {}
        for row in _rows_of(teams_files, day, "user-teams"):
            slug = str(row.get("slug") or row.get("team_id"))
            members[slug].add(row.get("user_id"))
            team_ids[slug] = _int(row.get("team_id"))
    except Refused:
        return
    rows = []
    for slug in sorted(members):
        active = [active_by_user[u] for u in members[slug] if u in active_by_user]
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
                users_folder,
                teams_folder,
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
        "users_folder_id",
        "teams_folder_id",
    )
    db.executemany(
        f"INSERT INTO teams ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join('?' * len(columns))})",
        rows,
    )
