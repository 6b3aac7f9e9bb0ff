"""What the page shows, read from the database: one ``ScopeView`` per scope.

Everything the page draws comes from here, so the page and the database
cannot disagree. Periods: the last 28 days with data end at the scope's newest
day; the 28 days before them are the comparison.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .._metrics import ACTIVITY_LABELS, percent, ratio

__all__ = ["WEEK_DAYS", "Headline", "ScopeView", "Table", "read_views", "weekly"]

#: Breakdown charts: id, title, dimension, the column counted, and how many keys are drawn.
BREAKDOWNS = (
    ("ide", "Code generation by IDE, per week", "ide", "code_generation_activity_count"),
    (
        "language",
        "Code generation by language, per week",
        "language_feature",
        "code_generation_activity_count",
    ),
    (
        "model",
        "Chat requests by model, per week",
        "model_feature",
        "user_initiated_interaction_count",
    ),
    (
        "feature",
        "Code generation by feature, per week",
        "feature",
        "code_generation_activity_count",
    ),
)
TOP = 6
#: A weekly table's column of the days with data in each week (a week of fewer is marked).
WEEK_DAYS = "days counted"
#: The activity counts the team and user tables show, under the labels the summary uses.
_COUNTS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_added_sum",
)
_COUNT_LABELS = tuple(ACTIVITY_LABELS[name] for name in _COUNTS)


@dataclass(frozen=True, slots=True)
class Table:
    """A chart's numbers: column names and rows (``None`` is an empty cell)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class Headline:
    label: str
    value: float | None
    previous: float | None
    kind: str  # "count", "rate" (percent) or "ratio"


@dataclass(frozen=True, slots=True)
class ScopeView:
    scope: str
    first: date
    last: date
    days: int
    gaps: tuple[tuple[date, date], ...]
    headline: tuple[Headline, ...]
    daily: Table  # day and every column the daily charts use
    breakdowns: dict[str, Table]  # chart id -> week, days counted, a column per key
    teams_day: str | None  # the newest day with team rows
    teams_latest: Table | None
    teams_weekly: Table | None
    users: Table | None


_DAILY = (
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "code_completions_suggested",
    "code_completions_accepted",
    "code_completion_acceptance_rate",
    "agent_adoption_rate",
    "chat_requests",
    "average_chat_requests_per_active_user",
    "loc_added_user_initiated",
    "loc_added_agent_initiated",
)


def weekly(day: date) -> date:
    """The Monday starting ``day``'s week (ISO weeks)."""
    return day - timedelta(days=day.weekday())


def read_views(db: sqlite3.Connection, *, logins: bool) -> list[ScopeView]:
    scopes = [r[0] for r in db.execute("SELECT DISTINCT scope FROM days ORDER BY scope")]
    has_users = bool(
        db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='users'").fetchone()
    )
    return [_scope(db, scope, logins=logins and has_users) for scope in scopes]


def _gaps(days: list[date]) -> tuple[tuple[date, date], ...]:
    gaps = []
    for a, b in itertools.pairwise(days):
        if (b - a).days > 1:
            gaps.append((a + timedelta(days=1), b - timedelta(days=1)))
    return tuple(gaps)


def _scope(db: sqlite3.Connection, scope: str, *, logins: bool) -> ScopeView:
    rows = db.execute(
        f"SELECT day, {', '.join(_DAILY)} FROM days WHERE scope = ? ORDER BY day",  # noqa: S608
        (scope,),
    ).fetchall()
    days = [date.fromisoformat(r[0]) for r in rows]
    daily = Table(("day", *_DAILY), tuple(tuple(r) for r in rows))
    counted = _week_days(db, "days", scope)
    breakdowns = {
        chart: _breakdown(db, scope, dimension, column, counted)
        for chart, _, dimension, column in BREAKDOWNS
    }
    teams_day, teams_latest, teams_weekly = _teams(db, scope)
    return ScopeView(
        scope=scope,
        first=days[0],
        last=days[-1],
        days=len(days),
        gaps=_gaps(days),
        headline=_headline(rows, days[-1]),
        daily=daily,
        breakdowns=breakdowns,
        teams_day=teams_day,
        teams_latest=teams_latest,
        teams_weekly=teams_weekly,
        users=_users(db, scope, days[-1]) if logins else None,
    )


def _headline(rows: list[Any], last: date) -> tuple[Headline, ...]:
    start = last - timedelta(days=27)
    before = start - timedelta(days=28)
    now = [r for r in rows if r[0] >= start.isoformat()]
    then = [r for r in rows if before.isoformat() <= r[0] < start.isoformat()]
    col = {name: i + 1 for i, name in enumerate(_DAILY)}

    def total(period: list[Any], name: str) -> int | None:
        values = [r[col[name]] for r in period if r[col[name]] is not None]
        return sum(values) if values else None

    def mean(period: list[Any], name: str) -> float | None:
        values = [r[col[name]] for r in period if r[col[name]] is not None]
        return round(sum(values) / len(values), 1) if values else None

    def latest(period: list[Any], name: str) -> float | None:
        values = [r[col[name]] for r in period if r[col[name]] is not None]
        return values[-1] if values else None

    def both(label: str, kind: str, fn: Any) -> Headline:
        return Headline(label, fn(now), fn(then) if then else None, kind)

    return (
        both("Daily active users (average)", "count", lambda p: mean(p, "daily_active_users")),
        both("Weekly active users (latest)", "count", lambda p: latest(p, "weekly_active_users")),
        both("Total active users (latest)", "count", lambda p: latest(p, "monthly_active_users")),
        both(
            "Code completion acceptance rate",
            "rate",
            lambda p: percent(
                total(p, "code_completions_accepted"), total(p, "code_completions_suggested")
            ),
        ),
        both("Agent adoption (latest)", "rate", lambda p: latest(p, "agent_adoption_rate")),
        both(
            "Chat requests per active user (per day)",
            "ratio",
            lambda p: ratio(total(p, "chat_requests"), total(p, "daily_active_users")),
        ),
        both(
            "Lines added, user-initiated", "count", lambda p: total(p, "loc_added_user_initiated")
        ),
        both(
            "Lines added, agent-initiated", "count", lambda p: total(p, "loc_added_agent_initiated")
        ),
    )


def _week_days(db: sqlite3.Connection, table: str, scope: str) -> dict[str, int]:
    """The days with rows in ``table`` in each week (its Monday) of ``scope``."""
    return dict(
        db.execute(
            f"SELECT date(day, 'weekday 0', '-6 days') AS week, COUNT(DISTINCT day) "  # noqa: S608
            f"FROM {table} WHERE scope = ? GROUP BY week",
            (scope,),
        ).fetchall()
    )


def _breakdown(
    db: sqlite3.Connection, scope: str, dimension: str, column: str, counted: dict[str, int]
) -> Table:
    """Weekly sums per key: the ``TOP`` largest keys over all time, the rest as ``other``;
    beside each week, the days of the scope with data in it."""
    # date(day, 'weekday 0', '-6 days') is the Monday starting the day's week (as ``weekly``).
    rows = db.execute(
        f"SELECT date(day, 'weekday 0', '-6 days') AS week, key, SUM({column}) "  # noqa: S608
        "FROM breakdowns WHERE scope = ? AND dimension = ? GROUP BY week, key",
        (scope, dimension),
    ).fetchall()
    totals: dict[str, int] = defaultdict(int)
    for _, key, value in rows:
        totals[_label(dimension, key)] += value or 0
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    shown = set(ranked[:TOP])
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for week, key, value in rows:
        label = _label(dimension, key)
        sums[(week, label if label in shown else "other")] += value or 0
    order = [k for k in ranked if k in shown] + (["other"] if len(ranked) > TOP else [])
    weeks = sorted({w for w, _ in sums})
    table_rows = tuple((w, counted.get(w, 0), *(sums.get((w, k), 0) for k in order)) for w in weeks)
    return Table(("week", WEEK_DAYS, *order), table_rows)


def _label(dimension: str, key: str) -> str:
    """GitHub sometimes sends a version (``1.133.0:``) as an IDE name: shown as ``unknown``."""
    if dimension == "ide" and key[:1].isdigit():
        return "unknown"
    return key


def _teams(db: sqlite3.Connection, scope: str) -> tuple[str | None, Table | None, Table | None]:
    last = db.execute("SELECT MAX(day) FROM teams WHERE scope = ?", (scope,)).fetchone()[0]
    if last is None:
        return None, None, None
    latest = db.execute(
        f"SELECT slug, member_count, active_users, {', '.join(_COUNTS)} "  # noqa: S608
        "FROM teams WHERE scope = ? AND day = ? ORDER BY active_users DESC, slug",
        (scope, last),
    ).fetchall()
    latest_table = Table(
        ("Team", "Members", "Active users", *_COUNT_LABELS), tuple(tuple(r) for r in latest)
    )
    slugs = [r[0] for r in latest][:8]
    rows = db.execute(
        "SELECT day, slug, active_users FROM teams WHERE scope = ? ORDER BY day", (scope,)
    ).fetchall()
    per_week: dict[tuple[str, str], list[int]] = defaultdict(list)
    for day, slug, active in rows:
        if slug in slugs:
            per_week[(weekly(date.fromisoformat(day)).isoformat(), slug)].append(active)
    weeks = sorted({w for w, _ in per_week})
    counted = _week_days(db, "teams", scope)
    trend = Table(
        ("week", WEEK_DAYS, *slugs),
        tuple((w, counted[w], *(_mean(per_week.get((w, s))) for s in slugs)) for w in weeks),
    )
    return str(last), latest_table, trend


def _mean(values: list[int] | None) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _users(db: sqlite3.Connection, scope: str, last: date) -> Table:
    start = (last - timedelta(days=27)).isoformat()
    sums = ", ".join(f"SUM({name})" for name in _COUNTS)
    rows = db.execute(
        f"SELECT user_login, COUNT(*), {sums} FROM users "  # noqa: S608
        "WHERE scope = ? AND day >= ? "
        "GROUP BY user_id ORDER BY 3 DESC, 4 DESC, user_login LIMIT 25",
        (scope, start),
    ).fetchall()
    return Table(("Login", "Active days", *_COUNT_LABELS), tuple(tuple(r) for r in rows))
