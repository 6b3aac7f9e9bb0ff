"""The demo's history: every report kind of one organization and one enterprise, made up.

Deterministic: a day's files depend on that calendar day alone (never on when they
are asked for), so two runs, two machines and an archive built last week agree on
every byte. Report days run from ``today - HISTORY_DAYS - 1`` to ``today - 2`` (as on
GitHub, yesterday is not ready yet), less a few gap days (``is_gap``) on which the
API answers 404, as GitHub does for a day it has no report for. The newest
``_NO_GAP_DAYS`` days never have a gap, so ``latest`` always finds the day before
yesterday.

The people behind the numbers (``people``): their rows per day are summed
into the aggregate records here, so the reports of one day agree. Fields are those
of GitHub's newest published samples: aggregate files wrap their days in
``day_totals``; per-user, user-teams and repos reports are NDJSON. GitHub documents
no full repos record; ours (``repos``) is one row per repository with GitHub's fields
(``repo_id``, ``repo_visibility``, ``pull_requests``, ``pull_request_review_times``).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from .people import COUNTS, TEAM_IDS, TEAMS, USERS, Record, ScopeName, day_rows, distinct, scope_ids
from .repos import repo_rows
from .value import day_value

__all__ = [
    "DEMO_ENTERPRISE",
    "DEMO_ORG",
    "HISTORY_DAYS",
    "USERS_28_DAY_PARTS",
    "ScopeName",
    "aggregate_file",
    "history",
    "is_gap",
    "newest_day",
    "repos_file",
    "rolling_file",
    "user_teams_file",
    "users_file",
    "users_parts",
]

DEMO_ORG = "octo-demo"
DEMO_ENTERPRISE = "octo-demo-enterprise"
#: Days of history before the newest report day (so HISTORY_DAYS + 1 calendar days in all).
HISTORY_DAYS = 120
_NO_GAP_DAYS = 10


def newest_day(today: date) -> date:
    """The newest report day: the day before yesterday, as GitHub readies days."""
    return today - timedelta(days=2)


def is_gap(day: date, today: date) -> bool:
    """A day without any report: one day in 31, and a three-day outage every 61 days."""
    if day > newest_day(today) - timedelta(days=_NO_GAP_DAYS):
        return False
    n = day.toordinal()
    return n % 31 == 0 or n % 61 in (7, 8, 9)


def history(today: date) -> tuple[date, ...]:
    """Every day the demo has reports for, oldest first."""
    newest = newest_day(today)
    days = (newest - timedelta(days=back) for back in range(HISTORY_DAYS, -1, -1))
    return tuple(d for d in days if not is_gap(d, today))


def _sum_by(rows: list[Record], field: str, keys: tuple[str, ...]) -> list[Record]:
    """A breakdown summed across users: one entry per key, counts added up."""
    merged: dict[tuple[str, ...], Record] = {}
    for row in rows:
        for entry in row.get(field, []):
            key = tuple(entry[k] for k in keys)
            into = merged.setdefault(key, {k: entry[k] for k in keys})
            for c in COUNTS:
                if c in entry:
                    into[c] = into.get(c, 0) + entry[c]
    return list(merged.values())


def _day_total(scope: ScopeName, day: date) -> Record:
    """The aggregate record of one day, summed from the users' rows (so the two agree)."""
    rows = day_rows(scope, day)
    rng = random.Random(f"aggregate:{scope}:{day.isoformat()}")
    dau = len(rows)
    cli_rows = [r for r in rows if r["used_cli"]]
    agents = rng.randint(0, max(1, dau // 8))
    return {
        "day": day.isoformat(),
        **scope_ids(scope),
        "daily_active_users": dau,
        "daily_active_cli_users": len(cli_rows),
        "daily_active_copilot_cloud_agent_users": agents,
        "weekly_active_users": distinct(scope, day, 7),
        "weekly_active_copilot_cloud_agent_users": agents + rng.randint(0, 3),
        "monthly_active_users": distinct(scope, day, 28),
        "monthly_active_chat_users": distinct(scope, day, 28, "used_chat"),
        "monthly_active_agent_users": distinct(scope, day, 28, "used_agent"),
        "monthly_active_copilot_cloud_agent_users": agents + rng.randint(2, 6),
        **{c: sum(r[c] for r in rows) for c in COUNTS},
        "totals_by_ide": _sum_by(rows, "totals_by_ide", ("ide",)),
        "totals_by_feature": _sum_by(rows, "totals_by_feature", ("feature",)),
        "totals_by_language_feature": _sum_by(
            rows, "totals_by_language_feature", ("language", "feature")
        ),
        "totals_by_language_model": _sum_by(
            rows, "totals_by_language_model", ("language", "model")
        ),
        "totals_by_model_feature": _sum_by(rows, "totals_by_model_feature", ("model", "feature")),
        "totals_by_cli": {
            "session_count": sum(r["totals_by_cli"]["session_count"] for r in cli_rows),
            "request_count": sum(r["totals_by_cli"]["request_count"] for r in cli_rows),
            "prompt_count": sum(r["totals_by_cli"]["prompt_count"] for r in cli_rows),
            "token_usage": {
                "output_tokens_sum": sum(
                    r["totals_by_cli"]["token_usage"]["output_tokens_sum"] for r in cli_rows
                ),
                "prompt_tokens_sum": sum(
                    r["totals_by_cli"]["token_usage"]["prompt_tokens_sum"] for r in cli_rows
                ),
                "avg_tokens_per_request": 2975.0 if cli_rows else 0.0,
            },
        },
        **day_value(scope, day, rows, distinct(scope, day, 28)),
    }


def _document(scope: ScopeName, start: date, end: date, day_totals: list[Record]) -> bytes:
    """An aggregate-style file: the days wrapped in ``day_totals``, as GitHub's samples are."""
    document = {
        "day_totals": day_totals,
        **scope_ids(scope),
        "report_start_day": start.isoformat(),
        "report_end_day": end.isoformat(),
        "created_at": f"{(end + timedelta(days=1)).isoformat()}T03:36:11.710Z",
    }
    return (json.dumps(document, indent=1) + "\n").encode()


def _ndjson(records: list[Record]) -> bytes:
    return b"".join(json.dumps(r, separators=(",", ":")).encode() + b"\n" for r in records)


def aggregate_file(scope: ScopeName, day: date) -> bytes:
    """``organization-1-day`` / ``enterprise-1-day``: one day in a ``day_totals`` wrapper."""
    return _document(scope, day, day, [_day_total(scope, day)])


#: How many files the 28-day per-user report is split over.
USERS_28_DAY_PARTS = 3


def rolling_file(
    scope: ScopeName, end: date, today: date, *, users: bool = False, part: int = 0, parts: int = 1
) -> bytes:
    """The 28-day report ending on ``end``: aggregate days, or per-user rows (``users``).

    The per-user rows are split over ``parts`` files (this is file ``part``, from 0),
    each a ``day_totals`` wrapper of its own, as GitHub splits a large report.
    """
    start = end - timedelta(days=27)
    days = [start + timedelta(days=n) for n in range(28)]
    days = [d for d in days if not is_gap(d, today)]
    if users:
        rows = [
            {"report_start_day": start.isoformat(), "report_end_day": end.isoformat(), **r}
            for d in days
            for r in day_rows(scope, d)
        ]
        return _document(scope, start, end, rows[part::parts])
    return _document(scope, start, end, [_day_total(scope, d) for d in days])


def users_parts(scope: ScopeName, day: date) -> int:
    """How many files a day's ``users-1-day`` report is split over: three every third day,
    else two (so every week of the demo holds both), never more than the day has users
    (GitHub serves no empty file)."""
    wanted = 3 if day.toordinal() % 3 == 0 else 2
    return max(1, min(wanted, len(day_rows(scope, day))))


def users_file(scope: ScopeName, day: date, part: int, parts: int) -> bytes:
    """``users-1-day``: one NDJSON row per active user, split over ``parts`` files."""
    rows = day_rows(scope, day)
    return _ndjson(rows[part::parts])


def user_teams_file(scope: ScopeName, day: date) -> bytes:
    """``user-teams-1-day``: one row per (member, team), active or not that day."""
    rows = []
    for slug, members in TEAMS.items():
        for n in members:
            user = USERS[n]
            rows.append(
                {
                    "user_id": user.id,
                    "user_login": user.login,
                    "day": day.isoformat(),
                    **scope_ids(scope, user.org_id),
                    "team_id": TEAM_IDS[slug],
                    "slug": slug,
                }
            )
    return _ndjson(rows)


def repos_file(scope: ScopeName, day: date) -> bytes:
    """``repos-1-day``: one row per repository active that day, a share of the day's
    ``pull_requests`` (``repos.repo_rows``)."""
    return _ndjson(repo_rows(scope, day, _day_total(scope, day)["pull_requests"]))
