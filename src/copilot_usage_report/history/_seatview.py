"""What the page and ``seats.csv`` show of the seats, read from the database.

Per scope, from ``seats`` and ``seat_days`` (``_seats``) and the ``days`` table:

- **utilisation**: daily active users ÷ seats, for each day with both a snapshot and a
  report;
- **median days from assignment to first use** and the **activation rate** (the share of
  seats assigned at least 30 days before the newest snapshot that were used within 30 days
  of their assignment), both over seats assigned inside the archive's span (from its first
  report or snapshot day on), so a seat assigned before the archive began is not counted;
- **reclaimable seats**: in the newest snapshot, not pending cancellation, no activity for
  30 days (or never) and assigned at least 30 days before it; and their monthly cost at
  list price.

Logins only with ``logins`` (``--show-logins``); otherwise counts by team and plan.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .._metrics import seat_price
from ._seats import INACTIVE_DAYS, has_seats
from ._view import Table

__all__ = ["BUCKETS", "SeatView", "read_seat_views", "seats_csv"]

#: Days since the last activity, as the inactive seats' table groups them.
BUCKETS = ("30-59 days", "60-89 days", "90-179 days", "180+ days", "never used")
ACTIVATION_DAYS = 30


@dataclass(frozen=True, slots=True)
class SeatView:
    scope: str
    newest: date
    total_seats: int
    active_28: int
    never_used: int
    utilisation: float | None  # percent, the newest day with both numbers
    utilisation_day: date | None
    median_days_to_first_use: float | None
    first_use_seats: int
    activation_rate: float | None  # percent
    activation_seats: int
    reclaimable: int
    reclaimable_cost: float
    history: Table  # day, total_seats, active_28, daily_active_users, utilisation
    inactive: Table


def _day(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text[:10])


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()[:19] + "Z"


def bucket(last: str | None, taken: datetime) -> str:
    """The inactive-table bucket of a seat last active at ``last`` (a stored instant)."""
    return _bucket(last, _edges(taken))


def _edges(taken: datetime) -> tuple[str, ...]:
    return tuple(_iso(taken - timedelta(days=days)) for days in (60, 90, 180))


def _bucket(last: str | None, edges: tuple[str, ...]) -> str:
    if last is None:
        return BUCKETS[-1]
    return next((BUCKETS[n] for n, edge in enumerate(edges) if last > edge), BUCKETS[3])


def read_seat_views(db: sqlite3.Connection, *, logins: bool) -> dict[str, SeatView]:
    """One ``SeatView`` per scope with a snapshot (none without seat tables)."""
    if not has_seats(db):
        return {}
    scopes = [r[0] for r in db.execute("SELECT DISTINCT scope FROM seat_days ORDER BY scope")]
    return {scope: _scope(db, scope, logins=logins) for scope in scopes}


def _scope(db: sqlite3.Connection, scope: str, *, logins: bool) -> SeatView:
    days = db.execute(
        "SELECT s.day, s.total_seats, s.active_28, s.never_used, s.taken_at, d.daily_active_users "
        "FROM seat_days s LEFT JOIN days d ON d.scope = s.scope AND d.day = s.day "
        "WHERE s.scope = ? ORDER BY s.day",
        (scope,),
    ).fetchall()
    history = []
    for day, total, active, _, _, dau in days:
        rate = None if dau is None or not total else round(100.0 * dau / total, 1)
        history.append((day, total, active, dau, rate))
    with_rate = [r for r in history if r[4] is not None]
    newest, total, active, never, taken_text, _ = days[-1]
    taken = _moment(taken_text)
    first_report = db.execute("SELECT MIN(day) FROM days WHERE scope = ?", (scope,)).fetchone()[0]
    span = min(d for d in (days[0][0], first_report) if d is not None)
    seats = db.execute(
        "SELECT user_login, assigned_at, removed, plan, team, pending, last_activity_at, "
        "first_used FROM seats WHERE scope = ?",
        (scope,),
    ).fetchall()
    waits: list[int] = []
    base = activated = 0
    cutoff = date.fromisoformat(newest) - timedelta(days=ACTIVATION_DAYS)
    idle_since = _iso(taken - timedelta(days=INACTIVE_DAYS))  # instants compare as text
    reclaim: list[Reclaim] = []
    for login, assigned_at, removed, plan, team, pending, last, first_used in seats:
        if assigned_at is not None and assigned_at[:10] >= span:
            assigned = date.fromisoformat(assigned_at[:10])
            used = _day(first_used)
            if used is not None:
                waits.append(max(0, (used - assigned).days))
            if assigned <= cutoff:
                base += 1
                activated += used is not None and (used - assigned).days <= ACTIVATION_DAYS
        idle = last is None or last <= idle_since
        old = assigned_at is not None and assigned_at <= idle_since
        if removed is None and not pending and idle and old:
            reclaim.append((login, team or "(no team)", plan, last))
    cost = sum(seat_price(r[2], None) for r in reclaim)
    return SeatView(
        scope=scope,
        newest=date.fromisoformat(newest),
        total_seats=int(total),
        active_28=int(active),
        never_used=int(never),
        utilisation=with_rate[-1][4] if with_rate else None,
        utilisation_day=date.fromisoformat(with_rate[-1][0]) if with_rate else None,
        median_days_to_first_use=float(statistics.median(waits)) if waits else None,
        first_use_seats=len(waits),
        activation_rate=round(100.0 * activated / base, 1) if base else None,
        activation_seats=base,
        reclaimable=len(reclaim),
        reclaimable_cost=cost,
        history=Table(
            ("day", "seats", "active_28_days", "daily_active_users", "utilisation"),
            tuple(history),
        ),
        inactive=_inactive(reclaim, taken, logins=logins),
    )


Reclaim = tuple[str | None, str, str, str | None]  # login, team, plan, last activity


def _inactive(reclaim: list[Reclaim], taken: datetime, *, logins: bool) -> Table:
    edges = _edges(taken)
    if logins:
        rows = sorted(
            ((login or "", team, plan, _bucket(last, edges), (last or "")[:10])
             for login, team, plan, last in reclaim),
            key=lambda r: (BUCKETS.index(r[3]), r[0]),
        )  # fmt: skip
        return Table(("login", "team", "plan", "since last activity", "last activity"), tuple(rows))
    counts: dict[tuple[str, str], list[int]] = {}
    for _, team, plan, last in reclaim:
        row = counts.setdefault((team, plan), [0] * len(BUCKETS))
        row[BUCKETS.index(_bucket(last, edges))] += 1
    return Table(
        ("team", "plan", *BUCKETS, "total"),
        tuple((t, p, *c, sum(c)) for (t, p), c in sorted(counts.items())),
    )


def seats_csv(db: sqlite3.Connection, *, logins: bool) -> str | None:
    """The newest snapshot of each scope as CSV, one row per seat; ``None`` without seats."""
    if not has_seats(db):
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = ["scope", *(["login"] if logins else []), "assigned_at", "first_seen", "plan",
               "team", "pending_cancellation", "last_activity_at", "first_used"]  # fmt: skip
    writer.writerow(columns)
    login = "user_login, " if logins else ""
    writer.writerows(  # None is written as an empty cell
        db.execute(
            f"SELECT scope, {login}assigned_at, first_seen, plan, team, pending, "  # noqa: S608
            "last_activity_at, first_used FROM seats WHERE removed IS NULL "
            "ORDER BY scope, assigned_at, user_key"
        )
    )
    return buffer.getvalue()
