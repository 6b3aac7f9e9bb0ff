"""The history's AI credits used, cost and impact tables: a part of its own (``_kinds``).

Read from the archive's 1-day folders (the organization's or enterprise's day record, its
per-user rows and its user-teams rows), added up by ``_metrics``' one definitions (``Tally``:
credits per team and per phase; ``month_costs``, ``month_impact``), so the page, the CSV files
and a ``select`` give the same numbers:

- ``credit_days`` (scope, day): ``ai_credits_used`` of the day's per-user rows, the rows, and the
  day record's ``monthly_active_users``, ``pull_requests.total_merged`` and
  ``totals_by_ai_adoption_phase`` as sent (JSON);
- ``team_credit_days`` (scope, day, slug): the members' credits (GitHub's team join: a user in two
  teams counts in both), for teams whose members' rows carry any;
- ``phase_days`` (scope, day, phase): per-user rows and their credits by ``ai_adoption_phase``;
- ``month_costs`` and ``month_phases``: every calendar month held, written anew on each build
  from the tables above and the seat snapshots (``seat_days``, ``seats``), where archived, at
  the build's ``--seat-price`` and ``--credit-pool`` (another value reads no file again).

A day is read again when a file of its folders changes; ``usercost_sources`` remembers them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from .._archive import Refused
from .._metrics import (
    Activity,
    DayInsight,
    RecordError,
    Tally,
    grain_of,
    month_costs,
    month_impact,
)
from ._archive import ArchiveFile

__all__ = ["read_days", "update_usercost"]

_REPORTS = ("organization-1-day", "enterprise-1-day", "users-1-day", "user-teams-1-day")
_DDL = """
CREATE TABLE IF NOT EXISTS usercost_sources (
  scope TEXT NOT NULL, report TEXT NOT NULL, folder_day TEXT NOT NULL, name TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
  PRIMARY KEY (scope, report, folder_day, name)
);
CREATE TABLE IF NOT EXISTS credit_days (
  scope TEXT NOT NULL, day TEXT NOT NULL, ai_credits_used REAL, user_rows INTEGER NOT NULL,
  monthly_active_users INTEGER, pull_requests_total_merged INTEGER,
  totals_by_ai_adoption_phase TEXT NOT NULL, PRIMARY KEY (scope, day)
);
CREATE TABLE IF NOT EXISTS team_credit_days (
  scope TEXT NOT NULL, day TEXT NOT NULL, slug TEXT NOT NULL, team_id TEXT,
  members INTEGER NOT NULL, ai_credits_used REAL, PRIMARY KEY (scope, day, slug)
);
CREATE TABLE IF NOT EXISTS phase_days (
  scope TEXT NOT NULL, day TEXT NOT NULL, phase_number INTEGER, phase TEXT,
  users INTEGER NOT NULL, ai_credits_used REAL
);
CREATE TABLE IF NOT EXISTS month_costs (
  scope TEXT NOT NULL, month TEXT NOT NULL, days_held INTEGER NOT NULL,
  days_in_month INTEGER NOT NULL, days_elapsed INTEGER NOT NULL, credits_used REAL NOT NULL,
  seats INTEGER, seat_cost_usd REAL, pool_credits INTEGER, credits_beyond_pool REAL,
  credits_beyond_pool_usd REAL, cost_usd REAL, projected_credits REAL NOT NULL,
  projected_credits_beyond_pool REAL, projected_cost_usd REAL, monthly_active_users INTEGER,
  cost_per_active_user_usd REAL, merged_pull_requests INTEGER,
  cost_per_merged_pull_request_usd REAL, PRIMARY KEY (scope, month)
);
CREATE TABLE IF NOT EXISTS month_phases (
  scope TEXT NOT NULL, month TEXT NOT NULL, last_day TEXT NOT NULL, phase_number INTEGER,
  phase TEXT, users INTEGER NOT NULL, share REAL, merged_pull_requests REAL,
  merged_prs_per_user_per_month REAL, median_minutes_to_merge REAL, passive_users INTEGER,
  adoption_multiplier REAL
)
"""
#: ``month_costs``' columns after the scope, in ``MonthCost``'s order.
MONTH_COST_COLUMNS = (
    "month", "days_held", "days_in_month", "days_elapsed", "credits_used", "seats",
    "seat_cost_usd", "pool_credits", "credits_beyond_pool", "credits_beyond_pool_usd",
    "cost_usd", "projected_credits", "projected_credits_beyond_pool", "projected_cost_usd",
    "monthly_active_users", "cost_per_active_user_usd", "merged_pull_requests",
    "cost_per_merged_pull_request_usd",
)  # fmt: skip
_DAY_TABLES = ("credit_days", "team_credit_days", "phase_days")


def _create(db: sqlite3.Connection) -> None:
    for statement in _DDL.split(";"):  # not executescript: it would end the transaction
        if statement.strip():
            db.execute(statement)


def update_usercost(
    db: sqlite3.Connection,
    files: Sequence[ArchiveFile],
    seat_price: float | None,
    credit_pool: int | None = None,
) -> tuple[list[str], int]:
    """Bring the tables in step with ``files`` (days whose files changed are read again),
    then write the month tables anew at ``seat_price`` and ``credit_pool`` (``None``: the
    list price, GitHub's pool), so another value reads no file again. It reads the reports'
    own files again, so it counts none as new (the reports' part does)."""
    _create(db)
    mine = {f.identity: f for f in files if f.report in _REPORTS}
    known = {
        (r[0], r[1], r[2], r[3]): (r[4], r[5], r[6])
        for r in db.execute("SELECT * FROM usercost_sources")
    }
    changed = {
        (f.scope, f.folder_day.isoformat())
        for key, f in mine.items()
        if known.get(key) != (f.sha256, f.size, f.mtime_ns)
    }
    changed |= {(key[0], key[2]) for key in known if key not in mine}
    for scope, day in sorted(changed):
        for table in _DAY_TABLES:
            db.execute(f"DELETE FROM {table} WHERE scope = ? AND day = ?", (scope, day))  # noqa: S608
        day_files = [
            f for f in mine.values() if (f.scope, f.folder_day.isoformat()) == (scope, day)
        ]
        _put_day(db, scope, day, day_files)
    db.execute("DELETE FROM usercost_sources")
    db.executemany(
        "INSERT INTO usercost_sources VALUES (?, ?, ?, ?, ?, ?, ?)",
        ((*key, f.sha256, f.size, f.mtime_ns) for key, f in mine.items()),
    )
    _put_months(db, seat_price, credit_pool)
    return [], 0


def _put_day(db: sqlite3.Connection, scope: str, day: str, files: Sequence[ArchiveFile]) -> None:
    tally = Tally()
    try:
        for item in sorted(files, key=lambda f: (f.report, f.name)):
            for record in item.records():
                grain = grain_of(record)
                if record.get("day") != day or grain not in ("aggregate", "users", "user-teams"):
                    continue
                try:
                    tally.add(grain, record)
                except RecordError:
                    continue  # a field of a wrong type: the usage tables name it
    except Refused:
        return  # a file the gate refuses: the reports' part names it; the day keeps no credits
    for insight in tally.insight().days:  # one scope's day: a 1-day folder holds no other
        merged = (insight.pull_requests or {}).get("total_merged")
        db.execute(
            "INSERT OR REPLACE INTO credit_days VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                scope,
                day,
                insight.ai_credits_used,
                insight.user_records,
                insight.monthly_active_users,
                merged if type(merged) is int else None,
                json.dumps(list(insight.phase_totals)),
            ),
        )
        db.executemany(
            "INSERT OR REPLACE INTO team_credit_days VALUES (?, ?, ?, ?, ?, ?)",
            (
                (scope, day, t.slug, None if t.team_id is None else str(t.team_id), t.members,
                 t.ai_credits_used)
                for t in insight.teams
                if t.ai_credits_used is not None
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO phase_days VALUES (?, ?, ?, ?, ?, ?)",
            (
                (scope, day, p["phase_number"], p["phase"], p["users"], p["ai_credits_used"])
                for p in insight.users_by_phase
            ),
        )


def read_days(db: sqlite3.Connection) -> dict[str, list[DayInsight]]:
    """Each scope's days as the month definitions read them (no breakdown: none is needed)."""
    phases: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for scope, day, number, label, users, used in db.execute(
        "SELECT scope, day, phase_number, phase, users, ai_credits_used FROM phase_days "
        "ORDER BY scope, day, phase_number"
    ):
        row = {"phase": label, "phase_number": number, "users": users, "ai_credits_used": used}
        phases.setdefault((scope, day), []).append(row)
    out: dict[str, list[DayInsight]] = {}
    for scope, day, used, _, mau, merged, totals in db.execute(
        "SELECT * FROM credit_days ORDER BY scope, day"
    ):
        out.setdefault(scope, []).append(
            DayInsight(
                day=date.fromisoformat(day),
                organization_id=None,
                enterprise_id=None,
                user_counts={} if mau is None else {"monthly_active_users": mau},
                activity=Activity(),
                breakdowns={},
                active_users={},
                users_used={},
                pull_requests=None if merged is None else {"total_merged": merged},
                ai_credits_used=used,
                users_by_phase=phases.get((scope, day), []),
                phase_totals=json.loads(totals),
            )
        )
    return out


def _has(db: sqlite3.Connection, table: str) -> bool:
    return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone())


def _seats(db: sqlite3.Connection) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
    """Per scope and month: seats by plan (the snapshot of the month with the most seats), and
    passive seats (no activity in the 28 days) of the month's last snapshot."""
    by_plan: dict[str, dict[str, Any]] = {}
    passive: dict[str, dict[str, int]] = {}
    if not (_has(db, "seat_days") and _has(db, "seats")):
        return by_plan, passive
    for scope, day, total, active in db.execute(
        "SELECT scope, day, total_seats, active_28 FROM seat_days ORDER BY scope, day"
    ):
        month = day[:7]
        passive.setdefault(scope, {})[month] = total - active
        plans = dict(
            db.execute(
                "SELECT plan, COUNT(*) FROM seats WHERE scope = ? AND first_seen <= ? "
                "AND (removed IS NULL OR removed > ?) GROUP BY plan",
                (scope, day, day),
            ).fetchall()
        )
        kept = by_plan.setdefault(scope, {}).get(month)
        if kept is None or sum(plans.values()) > sum(kept.values()):
            by_plan[scope][month] = plans
    return by_plan, passive


def _put_months(db: sqlite3.Connection, seat_price: float | None, pool: int | None) -> None:
    db.execute("DELETE FROM month_costs")
    db.execute("DELETE FROM month_phases")
    seats, passive = _seats(db)
    for scope, days in read_days(db).items():
        for cost in month_costs(days, seats.get(scope, {}), price=seat_price, pool_per_seat=pool):
            values = cost.as_dict()
            db.execute(
                f"INSERT INTO month_costs VALUES (?, {', '.join('?' * len(MONTH_COST_COLUMNS))})",  # noqa: S608
                (scope, *(values[c] for c in MONTH_COST_COLUMNS)),
            )
        for month in month_impact(days, passive.get(scope, {})):
            db.executemany(
                "INSERT INTO month_phases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (scope, month.month, month.last_day, p.phase_number, p.phase, p.users,
                     p.share, p.merged_pull_requests, p.merged_prs_per_user_per_month,
                     p.median_minutes_to_merge, month.passive_users, month.adoption_multiplier)
                    for p in month.phases
                ),
            )  # fmt: skip


def month_rows(db: sqlite3.Connection) -> Mapping[str, list[tuple[Any, ...]]]:
    """Each scope's ``month_costs`` rows, oldest first (``MONTH_COST_COLUMNS``)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    if not _has(db, "month_costs"):
        return out
    for row in db.execute("SELECT * FROM month_costs ORDER BY scope, month"):
        out.setdefault(row[0], []).append(tuple(row[1:]))
    return out
