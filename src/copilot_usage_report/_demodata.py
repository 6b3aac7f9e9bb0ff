"""The demo's history: every report kind of one organization and one enterprise, made up.

Deterministic: a day's files depend on that calendar day alone (never on when they
are asked for), so two runs, two machines and an archive built last week agree on
every byte. Report days run from ``today - HISTORY_DAYS - 1`` to ``today - 2`` (as on
GitHub, yesterday is not ready yet), less a few gap days (``is_gap``) on which the
API answers 404, as GitHub does for a day it has no report for. The newest
``_NO_GAP_DAYS`` days never have a gap, so ``latest`` always finds the day before
yesterday.

The people: ``octo-demo`` has 30 users in five teams (each of at least five members,
as GitHub leaves smaller teams out; some users are in two teams); the enterprise
``octo-demo-enterprise`` holds them and 14 users of a second organization. Users
start using Copilot on different days and some weekdays are quieter, so adoption
grows and weeks have a shape. Fields are those of GitHub's newest published samples:
aggregate files wrap their days in ``day_totals``; per-user, user-teams and repos
reports are NDJSON. GitHub documents no repos record; ours is one row per repository
with a ``pull_requests`` object shaped like the aggregate's.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Literal

__all__ = [
    "DEMO_ENTERPRISE",
    "DEMO_ORG",
    "HISTORY_DAYS",
    "ScopeName",
    "aggregate_file",
    "history",
    "is_gap",
    "newest_day",
    "repos_file",
    "rolling_file",
    "user_teams_file",
    "users_file",
]

DEMO_ORG = "octo-demo"
DEMO_ENTERPRISE = "octo-demo-enterprise"
#: Days of history before the newest report day (so HISTORY_DAYS + 1 calendar days in all).
HISTORY_DAYS = 120
_NO_GAP_DAYS = 10
_ORG_ID = "4242"
_ENTERPRISE_ID = "1717"
_LABS_ORG_ID = "4243"

ScopeName = Literal["org", "enterprise"]
Record = dict[str, Any]

_FIRST_NAMES = (
    "mona", "hubot", "octocat", "ada", "grace", "linus", "margaret", "dennis", "barbara",
    "ken", "frances", "guido", "radia", "brian", "anita", "tim", "sophie", "alan", "hedy",
    "john", "katherine", "edsger", "donald", "lynn", "niklaus", "shafi", "yukihiro", "rasmus",
    "bjarne", "jean", "annie", "vint", "mary", "larry", "adele", "fran", "carol", "leslie",
    "butler", "ivan", "joan", "whitfield", "susan", "robin",
)  # fmt: skip
_TEAMS = {
    "frontend": (0, 1, 2, 3, 4, 5, 6),
    "backend": (5, 6, 7, 8, 9, 10, 11, 12),
    "platform": (12, 13, 14, 15, 16, 17),
    "data": (17, 18, 19, 20, 21, 22),
    "mobile": (23, 24, 25, 26, 27),
}
_TEAM_IDS = {"frontend": 101, "backend": 102, "platform": 103, "data": 104, "mobile": 105}
_IDES = ("vscode", "vscode", "vscode", "intellij", "visualstudio", "neovim")
_LANGUAGES = ("typescript", "python", "go", "java", "csharp", "rust", "markdown", "yaml")
_MODELS = ("claude-sonnet-4.6", "gpt-5.3-codex", "gpt-4.1", "claude-haiku-4.5", "gemini-3-pro")
_REPOS = ("web-app", "api-gateway", "billing", "data-pipeline", "ios-app", "infra", "docs")
_COUNTS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
)
_PR_FIELDS = (
    "total_created",
    "total_created_by_copilot",
    "total_reviewed",
    "total_reviewed_by_copilot",
    "total_merged",
    "total_merged_created_by_copilot",
    "total_merged_reviewed_by_copilot",
    "total_suggestions",
    "total_copilot_suggestions",
    "total_applied_suggestions",
    "total_copilot_applied_suggestions",
)


@dataclass(frozen=True, slots=True)
class _User:
    id: int
    login: str
    org_id: str
    ide: str
    languages: tuple[str, ...]
    engagement: float
    #: The first day this user used Copilot: adoption grows over the history.
    since: date
    chat: bool
    cli: bool


def _make_users() -> tuple[_User, ...]:
    users = []
    for n, name in enumerate(_FIRST_NAMES):
        rng = random.Random(f"user:{name}")
        users.append(
            _User(
                id=380000 + n * 17,
                login=f"{name}-octo",
                org_id=_ORG_ID if n < 30 else _LABS_ORG_ID,
                ide=rng.choice(_IDES),
                languages=tuple(rng.sample(_LANGUAGES, rng.randint(1, 3))),
                engagement=rng.uniform(0.2, 0.8),
                since=date(2026, 6, 1) + timedelta(days=rng.randint(0, 150) if n % 3 else 0),
                chat=rng.random() < 0.8,
                cli=rng.random() < 0.3,
            )
        )
    return tuple(users)


_USERS = _make_users()


def _users(scope: ScopeName) -> tuple[_User, ...]:
    return _USERS if scope == "enterprise" else _USERS[:30]


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


@cache
def _active(user: _User, day: date) -> bool:
    if day < user.since:
        return False
    rng = random.Random(f"active:{user.login}:{day.isoformat()}")
    weekday = 0.25 if day.weekday() >= 5 else 1.0
    return rng.random() < user.engagement * weekday


@cache
def _agent_since(user: _User) -> date:
    """Agent mode arrives later than completions and chat, so agent adoption grows."""
    return user.since + timedelta(days=random.Random(f"agent:{user.login}").randint(10, 90))


def _feature(name: str, **counts: int) -> Record:
    return {"feature": name, **{c: counts.get(c, 0) for c in _COUNTS}}


@cache
def _user_record(user: _User, day: date, scope: ScopeName) -> Record:
    """One user's row for one day (only called for days the user was active)."""
    rng = random.Random(f"row:{user.login}:{day.isoformat()}")
    shown = rng.randint(8, 70)
    accepted = round(shown * rng.uniform(0.18, 0.36))
    features = [
        _feature(
            "code_completion",
            code_generation_activity_count=shown,
            code_acceptance_activity_count=accepted,
            loc_suggested_to_add_sum=shown * rng.randint(2, 5),
            loc_added_sum=accepted * rng.randint(2, 4),
        )
    ]
    used_chat = user.chat and rng.random() < 0.7
    used_agent = day >= _agent_since(user) and rng.random() < 0.5
    if used_chat:
        asks = rng.randint(1, 12)
        features.append(
            _feature(
                "chat_panel_ask_mode",
                user_initiated_interaction_count=asks,
                code_generation_activity_count=asks // 2,
                code_acceptance_activity_count=asks // 4,
                loc_suggested_to_add_sum=asks * 6,
                loc_added_sum=asks * 2,
            )
        )
    if used_agent:
        turns = rng.randint(1, 8)
        added = turns * rng.randint(10, 60)
        # As GitHub reports agent mode: the turns under chat_panel_agent_mode, the lines the
        # agent wrote into files itself under agent_edit (agent-initiated activity).
        features.append(
            _feature(
                "chat_panel_agent_mode",
                user_initiated_interaction_count=turns,
                code_generation_activity_count=turns,
                code_acceptance_activity_count=turns // 2,
                loc_suggested_to_add_sum=turns * 4,
                loc_added_sum=turns * 2,
            )
        )
        features.append(
            _feature(
                "agent_edit",
                code_generation_activity_count=turns * 3,
                loc_added_sum=added,
                loc_deleted_sum=added // 5,
            )
        )
    used_cli = user.cli and rng.random() < 0.6
    if used_cli:
        prompts = rng.randint(1, 6)
        features.append(
            _feature(
                "copilot_cli",
                user_initiated_interaction_count=prompts,
                code_generation_activity_count=prompts,
                code_acceptance_activity_count=prompts,
                loc_added_sum=prompts * 9,
            )
        )
    totals = {c: sum(f[c] for f in features) for c in _COUNTS}
    languages = []
    for f in features:
        share = list(user.languages)
        for i, language in enumerate(share):
            part = {c: f[c] // len(share) + (f[c] % len(share) if i == 0 else 0) for c in _COUNTS}
            part.pop("user_initiated_interaction_count")
            languages.append({"language": language, "feature": f["feature"], **part})
    model_features = []
    for f in features:
        if f["feature"] == "code_completion":
            model = "gpt-4.1"
        else:
            model = _MODELS[(user.id + day.toordinal()) % len(_MODELS)]
        model_features.append({"model": model, **f})
    stamp = datetime(day.year, day.month, day.day, 16, 42, 10).isoformat() + ".000Z"
    record: Record = {
        "user_id": user.id,
        "user_login": user.login,
        "day": day.isoformat(),
        **_scope_ids(scope, user.org_id),
        **totals,
        "totals_by_ide": [
            {
                "ide": user.ide,
                **totals,
                "last_known_ide_version": {"ide_version": "1.106.2", "sampled_at": stamp},
                "last_known_plugin_version": {
                    "plugin": "copilot-chat",
                    "plugin_version": "0.33.4",
                    "sampled_at": stamp,
                },
            }
        ],
        "totals_by_feature": features,
        "totals_by_language_feature": languages,
        "totals_by_language_model": [
            {
                "language": lf["language"],
                "model": mf["model"],
                **{c: lf[c] for c in lf if c in _COUNTS},
            }
            for lf, mf in zip(
                languages, _repeat_each(model_features, len(user.languages)), strict=True
            )
        ],
        "totals_by_model_feature": model_features,
        "used_agent": used_agent,
        "used_chat": used_chat,
        "used_cli": used_cli,
        "used_copilot_code_review_active": rng.random() < 0.15,
        "used_copilot_code_review_passive": rng.random() < 0.4,
    }
    if used_cli:
        prompts = features[-1]["user_initiated_interaction_count"]
        record["totals_by_cli"] = {
            "session_count": max(1, prompts // 2),
            "request_count": prompts * 4,
            "prompt_count": prompts,
            "token_usage": {
                "output_tokens_sum": prompts * 2100,
                "prompt_tokens_sum": prompts * 9800,
                "avg_tokens_per_request": 2975.0,
            },
        }
    return record


def _counts_of(entry: Record) -> Record:
    return {c: entry[c] for c in _COUNTS if c in entry}


def _repeat_each(items: list[Record], times: int) -> list[Record]:
    return [item for item in items for _ in range(times)]


def _scope_ids(scope: ScopeName, org_id: str = _ORG_ID) -> Record:
    if scope == "enterprise":
        return {"enterprise_id": _ENTERPRISE_ID}
    return {"organization_id": org_id, "enterprise_id": _ENTERPRISE_ID}


def _rows(scope: ScopeName, day: date) -> list[Record]:
    return [_user_record(u, day, scope) for u in _users(scope) if _active(u, day)]


def _distinct(scope: ScopeName, day: date, days: int, test: str | None = None) -> int:
    """Users active on any of the ``days`` days ending on ``day`` (and using ``test``)."""
    window = [day - timedelta(days=n) for n in range(days)]
    count = 0
    for user in _users(scope):
        for d in window:
            if _active(user, d) and (test is None or _user_record(user, d, scope)[test]):
                count += 1
                break
    return count


def _sum_by(rows: list[Record], field: str, keys: tuple[str, ...]) -> list[Record]:
    """A breakdown summed across users: one entry per key, counts added up."""
    merged: dict[tuple[str, ...], Record] = {}
    for row in rows:
        for entry in row.get(field, []):
            key = tuple(entry[k] for k in keys)
            into = merged.setdefault(key, {k: entry[k] for k in keys})
            for c in _COUNTS:
                if c in entry:
                    into[c] = into.get(c, 0) + entry[c]
    return list(merged.values())


def _day_total(scope: ScopeName, day: date) -> Record:
    """The aggregate record of one day, summed from the users' rows (so the two agree)."""
    rows = _rows(scope, day)
    rng = random.Random(f"aggregate:{scope}:{day.isoformat()}")
    dau = len(rows)
    cli_rows = [r for r in rows if r["used_cli"]]
    agents = rng.randint(0, max(1, dau // 8))
    prs = rng.randint(dau // 3, dau + 2)
    by_copilot = rng.randint(0, prs // 3)
    merged = rng.randint(prs // 2, prs)
    reviewed_by_copilot = rng.randint(prs // 4, prs // 2 + 1)
    return {
        "day": day.isoformat(),
        **_scope_ids(scope),
        "daily_active_users": dau,
        "daily_active_cli_users": len(cli_rows),
        "daily_active_copilot_cloud_agent_users": agents,
        "weekly_active_users": _distinct(scope, day, 7),
        "weekly_active_copilot_cloud_agent_users": agents + rng.randint(0, 3),
        "monthly_active_users": _distinct(scope, day, 28),
        "monthly_active_chat_users": _distinct(scope, day, 28, "used_chat"),
        "monthly_active_agent_users": _distinct(scope, day, 28, "used_agent"),
        "monthly_active_copilot_cloud_agent_users": agents + rng.randint(2, 6),
        **{c: sum(r[c] for r in rows) for c in _COUNTS},
        "totals_by_ide": _sum_by(rows, "totals_by_ide", ("ide",)),
        "totals_by_feature": _sum_by(rows, "totals_by_feature", ("feature",)),
        "totals_by_language_feature": _sum_by(
            rows, "totals_by_language_feature", ("language", "feature")
        ),
        "totals_by_language_model": _sum_by(
            rows, "totals_by_language_model", ("language", "model")
        ),
        "totals_by_model_feature": _sum_by(rows, "totals_by_model_feature", ("model", "feature")),
        "pull_requests": {
            "total_created": prs,
            "total_created_by_copilot": by_copilot,
            "total_reviewed": prs,
            "total_reviewed_by_copilot": reviewed_by_copilot,
            "total_merged": merged,
            "total_merged_created_by_copilot": min(by_copilot, merged),
            "total_merged_reviewed_by_copilot": min(reviewed_by_copilot, merged),
            "total_suggestions": reviewed_by_copilot * 3,
            "total_copilot_suggestions": reviewed_by_copilot * 3,
            "total_applied_suggestions": reviewed_by_copilot,
            "total_copilot_applied_suggestions": reviewed_by_copilot,
            "median_minutes_to_merge": round(rng.uniform(90, 900), 1),
            "median_minutes_to_merge_copilot_authored": round(rng.uniform(60, 600), 1),
            "median_minutes_to_merge_copilot_reviewed": round(rng.uniform(60, 700), 1),
        },
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
        "daily_active_copilot_code_review_users": sum(
            r["used_copilot_code_review_active"] for r in rows
        ),
        "daily_passive_copilot_code_review_users": sum(
            r["used_copilot_code_review_passive"] for r in rows
        ),
    }


def _document(scope: ScopeName, start: date, end: date, day_totals: list[Record]) -> bytes:
    """An aggregate-style file: the days wrapped in ``day_totals``, as GitHub's samples are."""
    document = {
        "day_totals": day_totals,
        **_scope_ids(scope),
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


def rolling_file(scope: ScopeName, end: date, today: date, *, users: bool = False) -> bytes:
    """The 28-day report ending on ``end``: aggregate days, or per-user rows (``users``)."""
    start = end - timedelta(days=27)
    days = [start + timedelta(days=n) for n in range(28)]
    days = [d for d in days if not is_gap(d, today)]
    if users:
        rows = [
            {"report_start_day": start.isoformat(), "report_end_day": end.isoformat(), **r}
            for d in days
            for r in _rows(scope, d)
        ]
        return _document(scope, start, end, rows)
    return _document(scope, start, end, [_day_total(scope, d) for d in days])


def users_file(scope: ScopeName, day: date, part: int, parts: int) -> bytes:
    """``users-1-day``: one NDJSON row per active user, split over ``parts`` files."""
    rows = _rows(scope, day)
    return _ndjson(rows[part::parts])


def user_teams_file(scope: ScopeName, day: date) -> bytes:
    """``user-teams-1-day``: one row per (member, team), active or not that day."""
    rows = []
    for slug, members in _TEAMS.items():
        for n in members:
            user = _USERS[n]
            rows.append(
                {
                    "user_id": user.id,
                    "user_login": user.login,
                    "day": day.isoformat(),
                    **_scope_ids(scope, user.org_id),
                    "team_id": _TEAM_IDS[slug],
                    "slug": slug,
                }
            )
    return _ndjson(rows)


def repos_file(scope: ScopeName, day: date) -> bytes:
    """``repos-1-day``: one row per repository with pull-request activity that day."""
    rng = random.Random(f"repos:{scope}:{day.isoformat()}")
    rows = []
    for n, name in enumerate(_REPOS):
        if rng.random() < 0.3:
            continue
        created = rng.randint(1, 9)
        by_copilot = rng.randint(0, created // 2)
        reviewed = rng.randint(0, created)
        rows.append(
            {
                "day": day.isoformat(),
                **_scope_ids(scope),
                "repository_id": 700100 + n,
                "repository": f"{DEMO_ORG}/{name}",
                "pull_requests": {
                    **dict.fromkeys(_PR_FIELDS, 0),
                    "total_created": created,
                    "total_created_by_copilot": by_copilot,
                    "total_reviewed": created,
                    "total_reviewed_by_copilot": reviewed,
                    "total_merged": max(0, created - 1),
                    "total_merged_created_by_copilot": by_copilot,
                    "total_merged_reviewed_by_copilot": min(reviewed, max(0, created - 1)),
                },
            }
        )
    return _ndjson(rows)
