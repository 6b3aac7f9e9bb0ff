"""The demo's ``repos-1-day`` rows: one per repository active that day, GitHub's shape.

``repo_rows(scope, day, totals)`` splits the scope's own ``pull_requests`` of that day
(``totals``, the aggregate record's object) among the repositories: each count of each
repository is its share (largest remainders, by weights that depend on the day and the
repository alone), so for every count the repositories sum to the organization's (or the
enterprise's) total exactly, never more (GitHub's may be less: its repository rows cover
only cloud agent and code review activity), and everything is a deterministic function of
the day and the repository. A repository with no share that day has no row (GitHub lists only active
repositories), but for the day's busiest by weight, so that no file is empty; one with
nothing merged has no ``median_*`` key (absent, not 0).
``pull_request_review_times`` exists only from ``REVIEW_TIMES_FROM`` on (GitHub does not
backfill it): an entry for human-authored PRs reviewed by humans on days such PRs merged,
``[]`` otherwise; before that day the key is absent. Visibilities mix ``PUBLIC``,
``PRIVATE`` and ``INTERNAL``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from .._metrics import PR_TOTALS
from .people import Record, ScopeName, scope_ids

__all__ = ["REPOSITORIES", "REVIEW_TIMES_FROM", "repo_rows"]

#: (name, visibility) of each demo repository; its id is 700100 + its place.
REPOSITORIES: Final = (
    ("web-app", "PRIVATE"),
    ("api-gateway", "INTERNAL"),
    ("billing", "PRIVATE"),
    ("data-pipeline", "INTERNAL"),
    ("ios-app", "PRIVATE"),
    ("infra", "INTERNAL"),
    ("docs", "PUBLIC"),
    ("sdk-python", "PUBLIC"),
    ("design-system", "PUBLIC"),
    ("payments-core", "PRIVATE"),
)
#: The first day GitHub reports ``pull_request_review_times`` for (no backfill before).
REVIEW_TIMES_FROM: Final = date(2026, 9, 21)
_SPLIT: Final = PR_TOTALS
_COMMENT_TYPES: Final = ("bug_risk", "security", "performance", "readability")
_STAGES: Final = (
    ("minutes_ready_to_first_review", 5.0, 600.0),
    ("minutes_first_to_final_review", 0.0, 1500.0),
    ("minutes_final_review_to_merge", 1.0, 300.0),
)


def _int(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def _weights(scope: ScopeName, day: date) -> list[float]:
    """Each repository's share of the day's activity (0: quiet that day)."""
    weights = []
    for name, _ in REPOSITORIES:
        rng = random.Random(f"repo:{scope}:{name}:{day.isoformat()}")
        weights.append(0.0 if rng.random() < 0.25 else rng.uniform(0.2, 3.0))
    return weights


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` shared by ``weights`` (largest remainders; ties to the first): the parts
    sum to ``total`` exactly, a weight of 0 gets none."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def repo_rows(scope: ScopeName, day: date, totals: Mapping[str, Any]) -> list[Record]:
    """The day's rows, each count a share of ``totals`` (the scope's ``pull_requests``)."""
    weights = _weights(scope, day)
    shares = {k: _split(_int(totals.get(k)), weights) for k in _SPLIT}
    owner = "octo-demo"
    rows: list[Record] = []
    busiest = max(range(len(weights)), key=lambda i: (weights[i], -i))
    for n, (name, visibility) in enumerate(REPOSITORIES):
        share = {k: shares[k][n] for k in _SPLIT}
        if not any(share.values()) and n != busiest:  # a file is never empty: one quiet row
            continue
        share["total_merged_created_by_copilot"] = min(
            share["total_merged_created_by_copilot"], share["total_merged"]
        )
        share["total_merged_reviewed_by_copilot"] = min(
            share["total_merged_reviewed_by_copilot"], share["total_merged"]
        )
        rng = random.Random(f"repo-day:{scope}:{name}:{day.isoformat()}")
        prs: Record = dict(share)
        if share["total_merged"]:
            prs["median_minutes_to_merge"] = round(rng.uniform(30, 2000), 1)
        if share["total_merged_created_by_copilot"]:
            prs["median_minutes_to_merge_copilot_authored"] = round(rng.uniform(20, 900), 1)
        if share["total_merged_reviewed_by_copilot"]:
            prs["median_minutes_to_merge_copilot_reviewed"] = round(rng.uniform(20, 1200), 1)
        left = share["total_copilot_suggestions"]
        applied = share["total_copilot_applied_suggestions"]
        kinds = []
        for i, kind in enumerate(_COMMENT_TYPES):
            part = left if i == len(_COMMENT_TYPES) - 1 else rng.randint(0, left)
            took = min(applied, rng.randint(0, part))
            if part:
                kinds.append(
                    {
                        "comment_type": kind,
                        "total_copilot_suggestions": part,
                        "total_copilot_applied_suggestions": took,
                    }
                )
            left -= part
            applied -= took
        prs["copilot_suggestions_by_comment_type"] = kinds
        row: Record = {
            "day": day.isoformat(),
            **scope_ids(scope),
            "repo_id": 700100 + n,
            "repo_owner_name": owner,
            "repo_name": name,
            "repo_visibility": visibility,
            "pull_requests": prs,
        }
        if day >= REVIEW_TIMES_FROM:
            human = share["total_merged"] - share["total_merged_created_by_copilot"]
            times: list[Record] = []
            if human > 0:
                entry: Record = {"authored_by": "human", "reviewed_by": "human"}
                entry["total_merged"] = human
                for stage, low, high in _STAGES:
                    single = stage == "minutes_first_to_final_review" and rng.random() < 0.3
                    median = 0.0 if single else round(rng.uniform(low, high), 1)
                    entry[f"median_{stage}"] = median
                    entry[f"p90_{stage}"] = round(median * rng.uniform(1.5, 4.0), 1)
                times.append(entry)
            row["pull_request_review_times"] = times
        rows.append(row)
    return rows
