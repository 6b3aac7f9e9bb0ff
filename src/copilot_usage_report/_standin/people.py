"""The demo's people: who uses Copilot in ``octo-demo``, in which teams, and what each does a day.

``octo-demo`` has 30 users in five teams (each of at least five members, as GitHub
leaves smaller teams out; some users are in two teams); the enterprise
``octo-demo-enterprise`` holds them and 14 users of a second organization. Users
start using Copilot on different days and some weekdays are quieter, so adoption
grows and weeks have a shape. A user's row for a day (``day_rows``) has the fields of
GitHub's newest published per-user samples; ``data`` builds the report files
from these rows, so the aggregate and per-user reports agree. Deterministic: a
row depends on the user and the calendar day alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Literal

from .._metrics import ACTIVITY_FIELDS
from .usercost import add_usage_cost, adoption_phase

__all__ = [
    "COUNTS",
    "TEAMS",
    "TEAM_IDS",
    "USERS",
    "Record",
    "ScopeName",
    "day_rows",
    "distinct",
    "scope_ids",
]

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
TEAMS = {
    "frontend": (0, 1, 2, 3, 4, 5, 6),
    "backend": (5, 6, 7, 8, 9, 10, 11, 12),
    "platform": (12, 13, 14, 15, 16, 17),
    "data": (17, 18, 19, 20, 21, 22),
    "mobile": (23, 24, 25, 26, 27),
}
TEAM_IDS = {"frontend": 101, "backend": 102, "platform": 103, "data": 104, "mobile": 105}
_IDES = ("vscode", "vscode", "vscode", "intellij", "visualstudio", "neovim")
_LANGUAGES = ("typescript", "python", "go", "java", "csharp", "rust", "markdown", "yaml")
_MODELS = ("claude-sonnet-4.6", "gpt-5.3-codex", "gpt-4.1", "claude-haiku-4.5", "gemini-3-pro")
#: GitHub's seven activity counts, in GitHub's order (the model's own list, not a copy).
COUNTS = ACTIVITY_FIELDS


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


USERS = _make_users()


def _users(scope: ScopeName) -> tuple[_User, ...]:
    return USERS if scope == "enterprise" else USERS[:30]


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
    return {"feature": name, **{c: counts.get(c, 0) for c in COUNTS}}


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
    totals = {c: sum(f[c] for f in features) for c in COUNTS}
    languages = []
    for f in features:
        share = list(user.languages)
        for i, language in enumerate(share):
            part = {c: f[c] // len(share) + (f[c] % len(share) if i == 0 else 0) for c in COUNTS}
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
        **scope_ids(scope, user.org_id),
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
                **{c: lf[c] for c in lf if c in COUNTS},
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
    add_usage_cost(record, user.login, day, _agent_since(user))
    return record


def _phased(user: _User, day: date, scope: ScopeName) -> Record:
    """The user's row of ``day`` with its ``ai_adoption_phase`` (``usercost``)."""
    record = _user_record(user, day, scope)
    if "ai_adoption_phase" not in record:
        record["ai_adoption_phase"] = adoption_phase(
            day, lambda d: _user_record(user, d, scope) if _active(user, d) else None
        )
    return record


def _repeat_each(items: list[Record], times: int) -> list[Record]:
    return [item for item in items for _ in range(times)]


def scope_ids(scope: ScopeName, org_id: str = _ORG_ID) -> Record:
    if scope == "enterprise":
        return {"enterprise_id": _ENTERPRISE_ID}
    return {"organization_id": org_id, "enterprise_id": _ENTERPRISE_ID}


def day_rows(scope: ScopeName, day: date) -> list[Record]:
    return [_phased(u, day, scope) for u in _users(scope) if _active(u, day)]


def distinct(scope: ScopeName, day: date, days: int, test: str | None = None) -> int:
    """Users active on any of the ``days`` days ending on ``day`` (and using ``test``)."""
    window = [day - timedelta(days=n) for n in range(days)]
    count = 0
    for user in _users(scope):
        for d in window:
            if _active(user, d) and (test is None or _user_record(user, d, scope)[test]):
                count += 1
                break
    return count
