"""The seat snapshots of an archive in the database: one row per seat, one row per day.

A year of daily snapshots of 100,000 seats grows with the seats, not seats times days:
``seats`` holds one row per (scope, user), changed only when its seat changes (assigned,
first seen, removed and the last day it was seen, plan, team, pending cancellation, the
latest ``last_activity_at``, the first day of use); ``seat_days`` one row per snapshot
with its totals, and the file it came from (so a build reads only new snapshots);
``seat_idle`` the raw fact behind ``inactive``: per snapshot, how many seats had been idle
(``_metrics.idle_days``) how many whole days (up to ``MAX_INACTIVE_DAYS``). Inactive at any
threshold is a sum over it, so ``inactive-days`` is applied when the page is drawn (and
``seat_days.inactive`` rewritten for it), never by reading the snapshots again.

Snapshots are applied in day order per scope. A new snapshot after the newest one applied
is read alone; one before it, or an applied one that changed or went away, rebuilds the
scope's rows from all its snapshots, which gives the same rows as a first build.

The first day of use is the earliest of the seat's first ``last_activity_at`` and the
per-user reports' first active day of that user (``users``, when the database keeps them).
The tables exist only in a database built from an archive that holds seat snapshots; one
built before ``seat_idle`` existed has its seat tables rebuilt from the snapshots.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from .._archive import Refused, load_json
from .._core import DEFAULT_INACTIVE_DAYS, MAX_INACTIVE_DAYS, SEATS
from .._errors import ReportFormatError
from .._metrics import SeatFact, count_seats, idle_days, seat_facts
from ._archive import ArchiveFile

__all__ = [
    "SEATS_FILE",
    "has_seats",
    "known_seat_files",
    "update_seats",
]

SEATS_FILE = "seats.ndjson"
#: The same on the history branch, which keeps files naming users gzip-compressed.
SEATS_GZ = SEATS_FILE + ".gz"

_DDL = """
CREATE TABLE IF NOT EXISTS seats (
  scope TEXT NOT NULL,
  user_key TEXT NOT NULL,
  user_id INTEGER,
  user_login TEXT,
  assigned_at TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT,
  removed TEXT,
  plan TEXT NOT NULL,
  team TEXT NOT NULL,
  pending INTEGER NOT NULL,
  last_activity_at TEXT,
  first_activity TEXT,
  first_used TEXT,
  PRIMARY KEY (scope, user_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seat_days (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  taken_at TEXT NOT NULL,
  total_seats INTEGER NOT NULL,
  seated_users INTEGER NOT NULL,
  active_7 INTEGER NOT NULL,
  active_28 INTEGER NOT NULL,
  never_used INTEGER NOT NULL,
  inactive INTEGER NOT NULL,
  inactive_days INTEGER NOT NULL,
  pending_cancellation INTEGER NOT NULL,
  assigned_28 INTEGER NOT NULL,
  added INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  PRIMARY KEY (scope, day)
);
CREATE TABLE IF NOT EXISTS seat_idle (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  idle_days INTEGER NOT NULL,
  seats INTEGER NOT NULL,
  PRIMARY KEY (scope, day, idle_days)
) WITHOUT ROWID;
"""

#: One seat's row: the columns a snapshot may change, in ``_COLUMNS`` order.
_COLUMNS = (
    "user_id", "user_login", "assigned_at", "first_seen", "last_seen", "removed", "plan",
    "team", "pending", "last_activity_at", "first_activity",
)  # fmt: skip
Row = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Known:
    sha256: str
    size: int
    mtime_ns: int


def has_seats(db: sqlite3.Connection) -> bool:
    """Whether the database holds seat tables (only archives with snapshots make them)."""
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='seat_days'")
    return row.fetchone() is not None


def known_seat_files(db: sqlite3.Connection) -> dict[tuple[str, str, str, str], Known]:
    """The snapshot files applied, by the archive's identity of a file."""
    if not has_seats(db):
        return {}
    rows = db.execute("SELECT scope, day, name, sha256, size, mtime_ns FROM seat_days")
    return {(r[0], SEATS, r[1], r[2]): Known(r[3], r[4], r[5]) for r in rows}


def update_seats(
    db: sqlite3.Connection,
    files: Sequence[ArchiveFile],
    *,
    logins: bool,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
) -> tuple[list[str], int]:
    """Apply the archive's snapshots in the caller's transaction, ``seat_days.inactive`` at
    ``inactive_days``; reasons for files not used, and how many were read."""
    snapshots = [f for f in files if f.report == SEATS and f.name in (SEATS_FILE, SEATS_GZ)]
    if not snapshots and not has_seats(db):
        return [], 0
    if has_seats(db) and not _has_table(db, "seat_idle"):  # older tables: rebuilt below
        db.execute("DROP TABLE seats")
        db.execute("DROP TABLE seat_days")
    for statement in _DDL.split(";"):  # not executescript: it would end the transaction
        if statement.strip():
            db.execute(statement)
    skipped: list[str] = []
    read = 0
    known = known_seat_files(db)
    by_scope: dict[str, list[ArchiveFile]] = {}
    for item in snapshots:
        by_scope.setdefault(item.scope, []).append(item)
    gone = {k[0] for k in known if k[0] not in by_scope}
    for scope in sorted(gone):
        _forget(db, scope)
    for scope, items in sorted(by_scope.items()):
        items.sort(key=lambda f: f.folder_day)
        mine = {k: v for k, v in known.items() if k[0] == scope}
        current = {f.identity: f for f in items}
        newest = max((k[2] for k in mine), default="")
        stale = any(k not in current or current[k].sha256 != v.sha256 for k, v in mine.items())
        new = [f for f in items if f.identity not in mine]
        if stale or any(f.folder_day.isoformat() < newest for f in new):
            _forget(db, scope)
            new = items
        else:
            for f in items:
                if f.identity in mine and mine[f.identity].mtime_ns != f.mtime_ns:
                    db.execute(
                        "UPDATE seat_days SET mtime_ns = ? WHERE scope = ? AND day = ?",
                        (f.mtime_ns, scope, f.folder_day.isoformat()),
                    )
        if not new:
            continue
        state = _state(db, scope)
        for item in new:
            try:
                _apply(db, item, state, logins=logins, inactive_days=inactive_days)
            except (OSError, EOFError, ValueError, ReportFormatError, Refused) as exc:
                skipped.append(f"{item.path}: not a seat list we can read ({exc}); skipped")
                continue
            read += 1
    _first_used(db)
    db.execute(
        "UPDATE seat_days SET inactive_days = ?1, inactive = (SELECT COALESCE(SUM(i.seats), 0) "
        "FROM seat_idle i WHERE i.scope = seat_days.scope AND i.day = seat_days.day "
        "AND i.idle_days >= ?1) WHERE inactive_days != ?1",
        (inactive_days,),
    )
    return skipped, read


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
    return row.fetchone() is not None


def _forget(db: sqlite3.Connection, scope: str) -> None:
    db.execute("DELETE FROM seats WHERE scope = ?", (scope,))
    db.execute("DELETE FROM seat_days WHERE scope = ?", (scope,))
    db.execute("DELETE FROM seat_idle WHERE scope = ?", (scope,))


def _state(db: sqlite3.Connection, scope: str) -> dict[str, Row]:
    """Every seat row of the scope, by user key, as ``_COLUMNS``."""
    rows = db.execute(
        f"SELECT user_key, {', '.join(_COLUMNS)} FROM seats WHERE scope = ?",  # noqa: S608
        (scope,),
    )
    return {r[0]: tuple(r[1:]) for r in rows}


def _taken(item: ArchiveFile) -> tuple[datetime, int | None]:
    """When the snapshot was taken and GitHub's ``total_seats``, from its manifest."""
    manifest = load_json(item.path.parent / "manifest.json", 4 * 1024 * 1024)
    text = manifest.get("taken_at") if isinstance(manifest, dict) else None
    total = manifest.get("total_seats") if isinstance(manifest, dict) else None
    if isinstance(text, str):
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        taken = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    else:  # an older manifest: the end of the snapshot's day
        taken = datetime.combine(item.folder_day, time(23, 59, 59), tzinfo=UTC)
    return taken, total if isinstance(total, int) else None


def _iso(moment: datetime | None) -> str | None:
    """``2026-11-25T06:15:02Z``: one form, so stored instants compare as text."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat()[:19] + "Z"  # YYYY-MM-DDTHH:MM:SS, without fraction or offset


def _apply(
    db: sqlite3.Connection,
    item: ArchiveFile,
    state: dict[str, Row],
    *,
    logins: bool,
    inactive_days: int,
) -> None:
    """One snapshot, after every earlier one of its scope: rows that changed, the day's totals."""
    taken, total = _taken(item)
    facts = seat_facts(item.lines())
    day = item.folder_day.isoformat()
    scope = item.scope
    previous = db.execute(
        "SELECT MAX(day) FROM seat_days WHERE scope = ? AND day < ?", (scope, day)
    ).fetchone()[0]
    inserts: list[Row] = []
    updates: list[Row] = []
    present: set[str] = set()
    added = 0
    for fact in facts:
        present.add(fact.key)
        old = state.get(fact.key)
        row = _row(fact, old, day, logins=logins)
        if old is None:
            inserts.append((scope, fact.key, *row))
            added += 1
        elif row != old:
            if old[5] is not None:  # removed before, back now
                added += 1
            updates.append((*row, scope, fact.key))
        state[fact.key] = row
    removed = 0
    for key, row in state.items():
        if key not in present and row[5] is None:
            new = (*row[:4], previous or day, day, *row[6:])
            updates.append((*new, scope, key))
            state[key] = new
            removed += 1
    marks = ", ".join("?" for _ in range(len(_COLUMNS) + 2))
    db.executemany(
        f"INSERT INTO seats (scope, user_key, {', '.join(_COLUMNS)}) VALUES ({marks})",  # noqa: S608
        inserts,
    )
    sets = ", ".join(f"{c} = ?" for c in _COLUMNS)
    db.executemany(
        f"UPDATE seats SET {sets} WHERE scope = ? AND user_key = ?",  # noqa: S608
        updates,
    )
    counts = count_seats(
        facts, total_seats=len(facts) if total is None else total, taken=taken,
        inactive_days=inactive_days,
    )  # fmt: skip
    db.execute(
        "INSERT OR REPLACE INTO seat_days (scope, day, name, sha256, size, mtime_ns, taken_at, "
        "total_seats, seated_users, active_7, active_28, never_used, inactive, inactive_days, "
        "pending_cancellation, assigned_28, added, removed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            scope, day, item.name, item.sha256, item.size, item.mtime_ns, _iso(taken),
            counts.total_seats, counts.users, counts.active_7, counts.active_28,
            counts.never_used, counts.inactive, inactive_days, counts.pending_cancellation,
            counts.assigned_28, added, removed,
        ),
    )  # fmt: skip
    idle: dict[int, int] = {}
    for fact in facts:
        days = idle_days(fact.last_activity_at, fact.created_at, taken)
        if days is not None and days >= 1:  # no threshold is below 1
            days = min(days, MAX_INACTIVE_DAYS)  # nor above: the rest counts as that
            idle[days] = idle.get(days, 0) + 1
    db.execute("DELETE FROM seat_idle WHERE scope = ? AND day = ?", (scope, day))
    db.executemany(
        "INSERT INTO seat_idle (scope, day, idle_days, seats) VALUES (?, ?, ?, ?)",
        [(scope, day, days, n) for days, n in sorted(idle.items())],
    )


def _row(fact: SeatFact, old: Row | None, day: str, *, logins: bool) -> Row:
    """The seat's row after this snapshot (``_COLUMNS`` order)."""
    last = _iso(fact.last_activity_at)
    first_activity = fact.last_activity_at.date().isoformat() if fact.last_activity_at else None
    assigned = _iso(fact.created_at)
    if old is not None:
        assigned = _least(old[2], assigned)
        last = _most(old[9], last)
        first_activity = _least(old[10], first_activity)
    user_id = int(fact.key) if fact.key.isdigit() else None
    return (
        user_id,
        fact.login if logins and fact.login else None,
        assigned,
        day if old is None else old[3],
        None,
        None,
        fact.plan,
        fact.team,
        int(fact.pending),
        last,
        first_activity,
    )


def _least(a: object, b: str | None) -> str | None:
    if a is None:
        return b
    return str(a) if b is None else min(str(a), b)


def _most(a: object, b: str | None) -> str | None:
    if a is None:
        return b
    return str(a) if b is None else max(str(a), b)


def _first_used(db: sqlite3.Connection) -> None:
    """Each seat's first day of use: its first activity, or the user's first report day."""
    firsts: dict[tuple[str, int], str] = {}
    users = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='users'")
    if users.fetchone() is not None:
        db.execute("CREATE INDEX IF NOT EXISTS users_by_user ON users (scope, user_id, day)")
        firsts = {
            (r[0], r[1]): r[2]
            for r in db.execute(
                "SELECT scope, user_id, MIN(day) FROM users GROUP BY scope, user_id"
            )
        }
    changed = []
    for scope, key, user_id, first_activity, first_used in db.execute(
        "SELECT scope, user_key, user_id, first_activity, first_used FROM seats"
    ):
        reported = firsts.get((scope, user_id))
        first = _least(reported, first_activity)
        if first != first_used:
            changed.append((first, scope, key))
    db.executemany("UPDATE seats SET first_used = ? WHERE scope = ? AND user_key = ?", changed)


def day_of(text: str | None) -> date | None:
    """The day of a stored instant or day."""
    return None if not text else date.fromisoformat(text[:10])
