"""A deterministic synthetic archive on disk, for the tests, the history benchmark and the
dashboard screenshot (``scripts/dashboard_screenshot.py``'s default source).

Records have the shapes of GitHub's published samples (aggregate days with
their breakdowns, per-user rows, user-team rows); values follow a seeded
random walk, so the same arguments always give the same bytes. Folders follow
the archive layout with today's manifest (scope, report, day, origin, files).

Why a second generator beside the demo's (``data`` and ``people``): the demo's days run back
from today and are served over HTTP, every kind, people summed into the aggregates; these are
fixed calendar days written straight to disk, so the screenshot's page digest and the
benchmark's year never move with the date. (The third, ``benchmarks/_data.py``, writes
per-user lines by the megabyte for the download benchmarks and is not shipped.)
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .._metrics import ACTIVITY_FIELDS

__all__ = ["write_archive", "write_day"]

_IDES = ("vscode", "intellij", "visualstudio", "neovim")
_FEATURES = (
    "code_completion",
    "chat_panel_ask_mode",
    "chat_panel_agent_mode",
    "chat_panel_edit_mode",
    "agent_edit",
    "chat_inline",
)
_LANGUAGES = ("python", "typescript", "go", "java", "rust", "markdown", "yaml")
_MODELS = ("gpt-4.1", "claude-sonnet-4.5", "gpt-5", "gemini-2.5-pro")
_TEAMS = ("platform", "frontend", "backend", "data", "mobile")


def _counts(rng: random.Random, scale: float, *, chat: bool = True) -> dict[str, int]:
    generated = int(rng.uniform(5, 20) * scale)
    accepted = int(generated * rng.uniform(0.15, 0.4))
    added = int(accepted * rng.uniform(2, 6))
    return {
        "user_initiated_interaction_count": int(rng.uniform(1, 6) * scale) if chat else 0,
        "code_generation_activity_count": generated,
        "code_acceptance_activity_count": accepted,
        "loc_suggested_to_add_sum": int(generated * rng.uniform(2, 5)),
        "loc_suggested_to_delete_sum": 0,
        "loc_added_sum": added,
        "loc_deleted_sum": int(added * rng.uniform(0, 0.3)),
    }


def _total(items: Iterable[dict[str, Any]]) -> dict[str, int]:
    keys = ACTIVITY_FIELDS
    rows = list(items)
    return {k: sum(int(r[k]) for r in rows) for k in keys}


def aggregate_record(day: date, rng: random.Random, users: int, org_id: str) -> dict[str, Any]:
    """One aggregate day: headline counts equal to the sums of its feature breakdown."""
    trend = 1 + 0.002 * (day.toordinal() % 365)
    weekday = 0.45 if day.weekday() >= 5 else 1.0
    dau = max(1, int(users * 0.55 * trend * weekday * rng.uniform(0.9, 1.1)))
    features = [
        {
            "feature": f,
            **_counts(
                rng, dau * (2.0 if f == "code_completion" else 0.5), chat=f.startswith("chat_")
            ),
        }
        for f in _FEATURES
    ]
    total = _total(features)
    ides = [{"ide": i, **_counts(rng, dau / (n + 1))} for n, i in enumerate(_IDES)]
    languages = [
        {"language": lang, "feature": "code_completion", **_counts(rng, dau / (n + 1))}
        for n, lang in enumerate(_LANGUAGES)
    ]
    for row in languages:
        row.pop("user_initiated_interaction_count")
    models = [
        {"model": m, "feature": "chat_panel_agent_mode", **_counts(rng, dau / (n + 2))}
        for n, m in enumerate(_MODELS)
    ]
    mau = min(users, int(dau * 1.4) + 1)
    return {
        "day": day.isoformat(),
        "organization_id": org_id,
        "enterprise_id": "4242",
        "daily_active_users": dau,
        "weekly_active_users": min(users, int(dau * 1.2) + 1),
        "monthly_active_users": mau,
        "monthly_active_chat_users": int(mau * 0.7),
        "monthly_active_agent_users": int(mau * min(0.9, 0.25 * trend)),
        "daily_active_cli_users": int(dau * 0.08),
        **total,
        "totals_by_ide": ides,
        "totals_by_feature": features,
        "totals_by_language_feature": languages,
        "totals_by_language_model": [
            {
                "language": "python",
                "model": m["model"],
                **{
                    k: v
                    for k, v in m.items()
                    if k not in ("model", "feature", "user_initiated_interaction_count")
                },
            }
            for m in models
        ],
        "totals_by_model_feature": models,
        "pull_requests": {
            "total_created": int(dau * 0.3),
            "total_reviewed": int(dau * 0.4),
            "total_merged": int(dau * 0.25),
            "total_created_by_copilot": 1,
            "total_reviewed_by_copilot": int(dau * 0.1),
        },
    }


def _user_rows(day: date, rng: random.Random, users: int, org_id: str) -> list[dict[str, Any]]:
    rows = []
    for n in range(users):
        if rng.random() < 0.4:
            continue  # not active that day: no row
        rows.append(
            {
                "user_id": 1000 + n,
                "user_login": f"user{n:03d}",
                "day": day.isoformat(),
                "organization_id": org_id,
                "enterprise_id": "4242",
                **_counts(rng, 1.0),
                "used_agent": rng.random() < 0.3,
                "used_chat": rng.random() < 0.6,
            }
        )
    return rows


def _team_rows(day: date, users: int, org_id: str) -> list[dict[str, Any]]:
    rows = []
    for n in range(users):
        for t in {n % len(_TEAMS), (n * 7) % len(_TEAMS)}:
            rows.append(
                {
                    "user_id": 1000 + n,
                    "user_login": f"user{n:03d}",
                    "day": day.isoformat(),
                    "organization_id": org_id,
                    "team_id": 100 + t,
                    "slug": _TEAMS[t],
                }
            )
    return rows


def write_day(
    root: Path, scope: tuple[str, str], report: str, day: date, records: list[dict[str, Any]]
) -> Path:
    """One day folder with one NDJSON file and today's manifest; returns the folder."""
    kind, name = scope
    folder = (
        root
        / ("orgs" if kind == "organization" else "enterprises")
        / name
        / report
        / day.isoformat()
    )
    folder.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode()
    file_name = f"{report}-{day.isoformat()}.ndjson"
    (folder / file_name).write_bytes(data)
    manifest = {
        "tool": "synthetic",
        "scope": {"kind": kind, "name": name},
        "report": report,
        "day": day.isoformat(),
        "origin": "https://api.github.com",
        "files": [
            {
                "name": file_name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "records": len(records),
            }
        ],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def write_archive(
    root: Path,
    *,
    org: str = "octo-demo",
    start: date = date(2026, 1, 1),
    days: int = 90,
    gaps: Iterable[int] = (),
    users: int = 0,
    seed: int = 1,
    kind: str = "organization",
) -> list[date]:
    """Write ``days`` days from ``start`` (minus the ``gaps`` offsets); returns the days written.

    With ``users`` > 0, also per-user (``users-1-day``) and team (``user-teams-1-day``)
    reports for those users.
    """
    skip = set(gaps)
    written = []
    report = "enterprise-1-day" if kind == "enterprise" else "organization-1-day"
    for offset in range(days):
        day = start + timedelta(days=offset)
        if offset in skip:
            continue
        # Seeded per day: a day has the same bytes whatever range it is written in.
        rng = random.Random(f"{seed}:{org}:{day}")
        write_day(
            root, (kind, org), report, day, [aggregate_record(day, rng, max(4 * users, 80), "9")]
        )
        if users:
            write_day(root, (kind, org), "users-1-day", day, _user_rows(day, rng, users, "9"))
            write_day(root, (kind, org), "user-teams-1-day", day, _team_rows(day, users, "9"))
        written.append(day)
    return written
