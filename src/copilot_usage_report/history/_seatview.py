"""What the page and ``seats.csv`` show of the seats, read from the database.

Per scope, from ``seats`` and ``seat_days`` (``_seats``) and the ``days`` table:

- **utilisation**: daily active users ÷ seats, for each day with both a snapshot and a
  report;
- **median days from assignment to first use** and the **activation rate** (the share of
  seats assigned at least 30 days before the newest snapshot that were used within 30 days
  of their assignment), both over seats assigned inside the archive's span (from its first
  report or snapshot day on), so a seat assigned before the archive began is not counted;
- **inactive seats** in the newest snapshot, by the one rule (``_metrics.is_inactive``) at
  ``inactive_days`` (``--inactive-days``), summed from ``seat_idle`` (as the fetch counts
  ``seats-inactive``);
- **reclaimable seats**: of those, the ones not pending cancellation, by what the ``seats``
  table knows of each; and their monthly cost at ``seat_price`` (``--seat-price``), else the
  plan's list price.

The threshold and the price are applied here, as the page is drawn: a build with another
one reads no snapshot again. Logins only with ``logins`` (``--show-logins``); otherwise
counts by team and plan.
"""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from .._core import DEFAULT_INACTIVE_DAYS
from .._metrics import is_inactive, seat_price
from ._csv import csv_text
from ._seats import has_seats
from ._view import Table

__all__ = ["SeatView", "buckets", "read_seat_views", "seats_csv"]

#: Where the inactive seats' table starts a new group of days since the last activity, past
#: the threshold.
EDGES = (60, 90, 180)
#: The activation rate's window: a seat used within this many days of its assignment.
ACTIVATION_DAYS = 30
NEVER = "never used"


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
    #: Inactive seats of the newest snapshot at ``inactive_days``, pending cancellation or not.
    inactive_seats: int
    inactive_days: int
    reclaimable: int
    reclaimable_cost: float
    #: The USD a seat the cost is at; ``None``: each plan's list price.
    seat_price: float | None
    history: Table  # day, total_seats, active_28, daily_active_users, utilisation
    inactive: Table


def _day(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text[:10])


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _when(text: str | None) -> datetime | None:
    """A stored instant (``2026-11-25T06:15:02Z``), or ``None``."""
    return None if text is None else _moment(text)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()[:19] + "Z"


def buckets(inactive_days: int) -> tuple[str, ...]:
    """The inactive seats' table's groups at ``inactive_days``: ``30-59 days``, ...,
    ``180+ days``, ``never used`` (the first from the threshold on)."""
    starts = [inactive_days, *(e for e in EDGES if e > inactive_days)]
    names = [f"{a}-{b - 1} days" for a, b in pairwise(starts)]
    return (*names, f"{starts[-1]}+ days", NEVER)


def _edges(taken: datetime, inactive_days: int) -> tuple[str, ...]:
    return tuple(_iso(taken - timedelta(days=days)) for days in EDGES if days > inactive_days)


def _bucket(last: str | None, edges: tuple[str, ...], names: tuple[str, ...]) -> str:
    if last is None:
        return NEVER
    return next((names[n] for n, edge in enumerate(edges) if last > edge), names[-2])


def read_seat_views(
    db: sqlite3.Connection,
    *,
    logins: bool,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    seat_price: float | None = None,
) -> dict[str, SeatView]:
    """One ``SeatView`` per scope with a snapshot (none without seat tables), with seats
    inactive after ``inactive_days`` and costing ``seat_price`` (else the list price)."""
    if not has_seats(db):
        return {}
    scopes = [r[0] for r in db.execute("SELECT DISTINCT scope FROM seat_days ORDER BY scope")]
    return {
        scope: _scope(db, scope, logins=logins, threshold=inactive_days, price=seat_price)
        for scope in scopes
    }


def _scope(
    db: sqlite3.Connection, scope: str, *, logins: bool, threshold: int, price: float | None
) -> SeatView:
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
        if (
            removed is None
            and not pending
            and is_inactive(_when(last), _when(assigned_at), taken, threshold)
        ):
            reclaim.append((login, team or "(no team)", plan, last))
    cost = sum(seat_price(r[2], price) for r in reclaim)
    inactive = db.execute(
        "SELECT COALESCE(SUM(seats), 0) FROM seat_idle WHERE scope = ? AND day = ? "
        "AND idle_days >= ?",
        (scope, newest, threshold),
    ).fetchone()[0]
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
        inactive_seats=int(inactive),
        inactive_days=threshold,
        reclaimable=len(reclaim),
        reclaimable_cost=cost,
        seat_price=price,
        history=Table(
            ("day", "seats", "active_28_days", "daily_active_users", "utilisation"),
            tuple(history),
        ),
        inactive=_inactive(reclaim, taken, threshold, logins=logins),
    )


Reclaim = tuple[str | None, str, str, str | None]  # login, team, plan, last activity


def _inactive(reclaim: list[Reclaim], taken: datetime, days: int, *, logins: bool) -> Table:
    edges, names = _edges(taken, days), buckets(days)
    if logins:
        rows = sorted(
            ((login or "", team, plan, _bucket(last, edges, names), (last or "")[:10])
             for login, team, plan, last in reclaim),
            key=lambda r: (names.index(r[3]), r[0]),
        )  # fmt: skip
        return Table(("login", "team", "plan", "since last activity", "last activity"), tuple(rows))
    counts: dict[tuple[str, str], list[int]] = {}
    for _, team, plan, last in reclaim:
        row = counts.setdefault((team, plan), [0] * len(names))
        row[names.index(_bucket(last, edges, names))] += 1
    return Table(
        ("team", "plan", *names, "total"),
        tuple((t, p, *c, sum(c)) for (t, p), c in sorted(counts.items())),
    )


def seats_csv(db: sqlite3.Connection, *, logins: bool) -> str | None:
    """The newest snapshot of each scope as CSV, one row per seat; ``None`` without seats."""
    if not has_seats(db):
        return None
    columns = ["scope", *(["login"] if logins else []), "assigned_at", "first_seen", "plan",
               "team", "pending_cancellation", "last_activity_at", "first_used"]  # fmt: skip
    login = "user_login, " if logins else ""
    return csv_text(
        columns,
        db.execute(
            f"SELECT scope, {login}assigned_at, first_seen, plan, team, pending, "  # noqa: S608
            "last_activity_at, first_used FROM seats WHERE removed IS NULL "
            "ORDER BY scope, assigned_at, user_key"
        ),
    )
