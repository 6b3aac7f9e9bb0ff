"""Pull requests, agents and adoption phases of the aggregate days: tables, months, CSV.

``pull_requests``: per scope and day, GitHub's ``pull_requests`` of the day's aggregate
record (the record ``days`` holds: a 1-day report's over a 28-day one's), its counts and its
medians (``NULL`` on a day nothing merged, as GitHub leaves them out). ``agent_usage``: per
scope, day and surface (``cli``, ``copilot_app``, ``3rd_party_agent``) and agent, GitHub's
session, request and prompt counts and tokens. ``adoption_phases``: per scope, day and phase,
``totals_by_ai_adoption_phase`` as sent (per-user averages: never summed across phases). The
code review and cloud agent user counts are columns of ``days``.

By month (``months``): counts summed; median minutes to merge as the median of the days'
medians weighted by the PRs merged (``_metrics.weighted_median``, never a sum of medians);
GitHub's rolling user counts (monthly code review and cloud agent users) of the month's last
day with a record, never summed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any, Final

from .._metrics import PR_TOTALS, Record, weighted_median
from ._csv import csv_text

__all__ = ["VALUE_DDL", "VALUE_TABLES", "agent_months", "pr_months", "put_value", "value_csv"]

_TOTALS: Final = PR_TOTALS
_MEDIANS: Final = (
    "median_minutes_to_merge",
    "median_minutes_to_merge_copilot_authored",
    "median_minutes_to_merge_copilot_reviewed",
)
_USAGE: Final = ("session_count", "request_count", "prompt_count")
_TOKENS: Final = ("output_tokens_sum", "prompt_tokens_sum")
#: GitHub's per-phase fields kept (averages per user; any other is left out).
_PHASE: Final = (
    "total_engaged_users",
    "total_pull_requests_merged",
    "avg_user_initiated_interactions",
    "avg_code_generation_activities",
    "avg_code_acceptance_activities",
    "avg_loc_added",
    "avg_loc_deleted",
    "avg_pull_requests_created",
    "avg_pull_requests_merged",
    "avg_pull_requests_reviewed",
    "avg_pull_requests_median_minutes_to_merge",
    "avg_pull_requests_minutes_to_review",
    "avg_pull_requests_review_cycles",
)
_INT_PHASE: Final = frozenset({"total_engaged_users", "total_pull_requests_merged"})

VALUE_TABLES: Final = ("pull_requests", "agent_usage", "adoption_phases")
VALUE_DDL: Final = f"""
CREATE TABLE IF NOT EXISTS pull_requests (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {", ".join(f"{n} INTEGER" for n in _TOTALS)},
  {", ".join(f"{n} REAL" for n in _MEDIANS)},
  PRIMARY KEY (scope, day)
);
CREATE TABLE IF NOT EXISTS agent_usage (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  surface TEXT NOT NULL,
  agent TEXT NOT NULL DEFAULT '',
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {", ".join(f"{n} INTEGER" for n in (*_USAGE, *_TOKENS))},
  PRIMARY KEY (scope, day, surface, agent)
);
CREATE TABLE IF NOT EXISTS adoption_phases (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  phase_number INTEGER NOT NULL,
  phase TEXT,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {", ".join(f"{n} {'INTEGER' if n in _INT_PHASE else 'REAL'}" for n in _PHASE)},
  PRIMARY KEY (scope, day, phase_number)
);
"""


def _int(value: object) -> int | None:
    return value if type(value) is int else None


def _real(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _usage(value: Mapping[str, Any]) -> list[int | None]:
    tokens = value.get("token_usage")
    tokens = tokens if isinstance(tokens, dict) else {}
    return [_int(value.get(n)) for n in _USAGE] + [_int(tokens.get(n)) for n in _TOKENS]


def put_value(db: sqlite3.Connection, scope: str, day: str, source: int, record: Record) -> None:
    """The day's pull requests, agent usage and phases, replacing what the tables held."""
    for table in VALUE_TABLES:
        db.execute(f"DELETE FROM {table} WHERE scope = ? AND day = ?", (scope, day))  # noqa: S608
    pulls = record.get("pull_requests")
    if isinstance(pulls, dict):
        columns = (*_TOTALS, *_MEDIANS)
        db.execute(
            f"INSERT INTO pull_requests (scope, day, source_id, {', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join('?' * (3 + len(columns)))})",
            (scope, day, source, *(_int(pulls.get(n)) for n in _TOTALS),
             *(_real(pulls.get(n)) for n in _MEDIANS)),
        )  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    for surface in ("cli", "copilot_app"):
        value = record.get(f"totals_by_{surface}")
        if isinstance(value, dict):
            rows.append((scope, day, surface, "", source, *_usage(value)))
    agents = record.get("totals_by_3rd_party_agent")
    seen: set[str] = set()
    for entry in agents if isinstance(agents, list) else ():
        if isinstance(entry, dict):
            name = next((str(v) for v in entry.values() if isinstance(v, str)), "unknown")
            if name not in seen:
                seen.add(name)
                rows.append((scope, day, "3rd_party_agent", name, source, *_usage(entry)))
    db.executemany(f"INSERT INTO agent_usage VALUES ({', '.join('?' * 10)})", rows)  # noqa: S608
    phases = record.get("totals_by_ai_adoption_phase")
    phase_rows = {
        p["phase_number"]: (scope, day, p["phase_number"], _text(p.get("phase")), source,
                            *(_int(p.get(n)) if n in _INT_PHASE else _real(p.get(n))
                              for n in _PHASE))
        for p in (phases if isinstance(phases, list) else ())
        if isinstance(p, dict) and type(p.get("phase_number")) is int
    }  # fmt: skip
    db.executemany(
        f"INSERT INTO adoption_phases VALUES ({', '.join('?' * (5 + len(_PHASE)))})",  # noqa: S608
        list(phase_rows.values()),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


PR_MONTH_COLUMNS: Final = (
    "month",
    "days",
    "total_created",
    "total_merged",
    "total_created_by_copilot",
    "total_merged_created_by_copilot",
    "total_reviewed_by_copilot",
    "median_minutes_to_merge",
    "days_without_merge_median",
)


def pr_months(db: sqlite3.Connection, scope: str) -> list[tuple[Any, ...]]:
    """Per month: the counts summed, and the days' medians' median weighted by merged PRs."""
    rows = db.execute(
        "SELECT substr(day, 1, 7), total_created, total_merged, total_created_by_copilot, "
        "total_merged_created_by_copilot, total_reviewed_by_copilot, median_minutes_to_merge "
        "FROM pull_requests WHERE scope = ? ORDER BY day",
        (scope,),
    ).fetchall()
    months: dict[str, list[Any]] = {}
    medians: dict[str, list[tuple[float, int]]] = {}
    for month, *counts, median in rows:
        into = months.setdefault(month, [month, 0, 0, 0, 0, 0, 0, None, 0])
        into[1] += 1
        for i, n in enumerate(counts):
            into[2 + i] += n or 0
        if median is None:
            into[8] += 1
        else:
            medians.setdefault(month, []).append((median, counts[1] or 1))
    for month, into in months.items():
        found = weighted_median(medians.get(month, []))
        into[7] = None if found is None else round(found, 1)
    return [tuple(r) for r in months.values()]


AGENT_MONTH_COLUMNS: Final = (
    "month",
    "last_day",
    "monthly_active_copilot_code_review_users",
    "monthly_passive_copilot_code_review_users",
    "monthly_active_copilot_cloud_agent_users",
    "cli_sessions",
    "copilot_app_sessions",
    "3rd_party_agent_sessions",
)


def agent_months(db: sqlite3.Connection, scope: str) -> list[tuple[Any, ...]]:
    """Per month: GitHub's rolling user counts of its last day, and sessions summed."""
    counts = {
        r[0]: r
        for r in db.execute(
            "SELECT substr(day, 1, 7), day, monthly_active_copilot_code_review_users, "
            "monthly_passive_copilot_code_review_users, monthly_active_copilot_cloud_agent_users "
            "FROM days WHERE scope = ? ORDER BY day",
            (scope,),
        )
    }  # the last day of each month wins
    sessions: dict[tuple[str, str], int] = {
        (r[0], r[1]): r[2]
        for r in db.execute(
            "SELECT substr(day, 1, 7), surface, SUM(session_count) FROM agent_usage "
            "WHERE scope = ? GROUP BY 1, 2",
            (scope,),
        )
    }
    if not sessions and all(all(v is None for v in r[2:]) for r in counts.values()):
        return []
    return [
        (*row, *(sessions.get((month, s)) for s in ("cli", "copilot_app", "3rd_party_agent")))
        for month, row in counts.items()
    ]


def value_csv(db: sqlite3.Connection) -> dict[str, str]:
    """``pull_requests.csv``, ``agent_usage.csv`` and ``adoption_phases.csv`` (those with rows)."""
    out: dict[str, str] = {}
    for table in VALUE_TABLES:
        cursor = db.execute(f"SELECT * FROM {table} ORDER BY scope, day")  # noqa: S608
        rows = cursor.fetchall()
        if rows:
            out[f"{table}.csv"] = csv_text([d[0] for d in cursor.description], rows)
    return out
