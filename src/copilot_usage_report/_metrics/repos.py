"""Repositories' days (``repos-1-day``), read by GitHub's definitions, never in the totals.

A ``repos`` row (``grains``) is one repository's day: ``repo_id``, ``repo_owner_name``,
``repo_name``, ``repo_visibility`` (``PUBLIC``, ``PRIVATE``, ``INTERNAL``), a
``pull_requests`` object shaped like the aggregate day's, and ``pull_request_review_times[]``
(from 2026-09-21 on: ``authored_by``, ``reviewed_by``, ``total_merged`` and the
``median_``/``p90_`` minutes of three review stages). ``RepoTally`` keeps each
(scope, day, repository) once (a later row of the same key wins, as aggregates do); the
organization's totals never include them (``_core.SUMMED``).

A median is never summed. Over several days, ``weighted_median`` gives the median of the
days' medians weighted by the PRs merged on each day (``derived.weighted_median``, the one
definition the pull requests' medians use too: the value at the middle of the weight, the mean
of two when the weight splits exactly); a day with no merge has no median (the
key is absent) and no weight. A stage's p90 over days is the same weighted median of the
days' p90 values, not a p90 of the PRs (GitHub gives no PR's own time).

Names: a ``PUBLIC`` repository's name is public and is shown; a ``PRIVATE`` or ``INTERNAL``
one's (or one of no known visibility) only when asked (``show-repositories``); otherwise
those repositories are counted by visibility.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from .derived import weighted_median
from .prs import PR_TOTALS

__all__ = [
    "PR_COUNTS",
    "STAGES",
    "VISIBILITIES",
    "RepoDay",
    "RepoTally",
    "Repos",
    "ReviewTime",
    "repo_day",
    "shown_name",
]

VISIBILITIES: Final = ("PUBLIC", "PRIVATE", "INTERNAL")
#: GitHub's ``pull_requests`` counts kept per repository and day (summable, by their names).
PR_COUNTS: Final = PR_TOTALS
#: The review stages of ``pull_request_review_times`` (each with ``median_`` and ``p90_``).
STAGES: Final = (
    "minutes_ready_to_first_review",
    "minutes_first_to_final_review",
    "minutes_final_review_to_merge",
)


def _count(value: object) -> int:
    return value if type(value) is int and value >= 0 else 0


def _minutes(value: object) -> float | None:
    """A duration GitHub gives (int or float); ``None`` when absent or not a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        minutes = float(value)
        if minutes >= 0:  # NaN and negatives: not a duration
            return minutes
    return None


@dataclass(frozen=True, slots=True)
class ReviewTime:
    """One ``pull_request_review_times`` entry of a repository's day."""

    authored_by: str
    reviewed_by: str
    total_merged: int
    #: ``median_<stage>`` and ``p90_<stage>`` by stage (``None``: absent).
    median: tuple[float | None, ...]
    p90: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class RepoDay:
    """One repository's day, GitHub's fields."""

    scope: str
    day: date
    repo_id: int
    owner: str
    name: str
    visibility: str
    counts: Mapping[str, int]
    #: ``median_minutes_to_merge``; ``None`` on a day nothing merged (absent, never 0).
    median_minutes_to_merge: float | None
    #: ``copilot_suggestions_by_comment_type``: (suggested, applied) by comment type.
    by_comment_type: Mapping[str, tuple[int, int]]
    review_times: tuple[ReviewTime, ...]

    @property
    def full_name(self) -> str:
        return self.name if "/" in self.name or not self.owner else f"{self.owner}/{self.name}"


def _scope(record: Mapping[str, Any]) -> str:
    org, ent = record.get("organization_id"), record.get("enterprise_id")
    if org is not None:
        return f"organization {org}"
    return f"enterprise {ent}" if ent is not None else ""


def repo_day(record: Mapping[str, Any], scope: str = "") -> RepoDay | None:
    """The row as a ``RepoDay``; ``None`` without a day or a repository id."""
    try:
        day = date.fromisoformat(str(record.get("day")))
    except ValueError:
        return None
    repo_id = record.get("repo_id", record.get("repository_id"))
    if type(repo_id) is not int:
        return None
    prs = record.get("pull_requests")
    prs = prs if isinstance(prs, dict) else {}
    kinds: dict[str, tuple[int, int]] = {}
    for item in prs.get("copilot_suggestions_by_comment_type") or ():
        if isinstance(item, dict) and isinstance(item.get("comment_type"), str):
            old = kinds.get(item["comment_type"], (0, 0))
            kinds[item["comment_type"]] = (
                old[0] + _count(item.get("total_copilot_suggestions")),
                old[1] + _count(item.get("total_copilot_applied_suggestions")),
            )
    times = tuple(
        ReviewTime(
            str(t.get("authored_by") or ""),
            str(t.get("reviewed_by") or ""),
            _count(t.get("total_merged")),
            tuple(_minutes(t.get(f"median_{s}")) for s in STAGES),
            tuple(_minutes(t.get(f"p90_{s}")) for s in STAGES),
        )
        for t in record.get("pull_request_review_times") or ()
        if isinstance(t, dict)
    )
    visibility = str(record.get("repo_visibility") or "").upper()
    return RepoDay(
        scope=scope or _scope(record),
        day=day,
        repo_id=repo_id,
        owner=str(record.get("repo_owner_name") or ""),
        name=str(record.get("repo_name") or record.get("repository") or repo_id),
        visibility=visibility if visibility in VISIBILITIES else "UNKNOWN",
        counts={name: _count(prs.get(name)) for name in PR_COUNTS},
        median_minutes_to_merge=_minutes(prs.get("median_minutes_to_merge")),
        by_comment_type=kinds,
        review_times=times,
    )


def shown_name(row: RepoDay, *, show: bool) -> str | None:
    """The repository's name where it may be shown: a public one always, another only with
    ``show`` (``show-repositories``); ``None`` otherwise."""
    return row.full_name if show or row.visibility == "PUBLIC" else None


@dataclass(frozen=True, slots=True)
class Repos:
    """Every repository's day read, in (scope, day, repository) order."""

    rows: tuple[RepoDay, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rows)

    def for_scope(self, scope: str) -> Repos:
        return Repos(tuple(r for r in self.rows if r.scope == scope))

    def total(self, name: str) -> int:
        """A ``pull_requests`` count summed over every repository and day."""
        return sum(r.counts[name] for r in self.rows)

    def by_repository(self) -> list[tuple[RepoDay, dict[str, int], float | None]]:
        """Per repository (its newest row names it): counts summed over days, and the
        median minutes to merge as the days' medians weighted by PRs merged."""
        groups: dict[tuple[str, int], list[RepoDay]] = {}
        for row in self.rows:
            groups.setdefault((row.scope, row.repo_id), []).append(row)
        out = []
        for days in groups.values():
            sums = {n: sum(d.counts[n] for d in days) for n in PR_COUNTS}
            median = weighted_median(
                (d.median_minutes_to_merge, d.counts["total_merged"]) for d in days
            )
            out.append((days[-1], sums, median))
        return out

    def by_visibility(self) -> dict[str, tuple[int, dict[str, int]]]:
        """Per visibility: how many repositories, and their counts summed."""
        out: dict[str, tuple[set[tuple[str, int]], dict[str, int]]] = {}
        for row in self.rows:
            seen, sums = out.setdefault(row.visibility, (set(), dict.fromkeys(PR_COUNTS, 0)))
            seen.add((row.scope, row.repo_id))
            for n in PR_COUNTS:
                sums[n] += row.counts[n]
        return {v: (len(s), c) for v, (s, c) in sorted(out.items())}

    def stages(self) -> list[tuple[str, str, int, list[float | None], list[float | None]]]:
        """Per (authored_by, reviewed_by): PRs merged, and each stage's median and p90 as the
        weighted median of the rows' values (weights: each row's ``total_merged``)."""
        groups: dict[tuple[str, str], list[ReviewTime]] = {}
        for row in self.rows:
            for t in row.review_times:
                groups.setdefault((t.authored_by, t.reviewed_by), []).append(t)
        return [
            (
                who[0],
                who[1],
                sum(t.total_merged for t in ts),
                [weighted_median((t.median[i], t.total_merged) for t in ts) for i in range(3)],
                [weighted_median((t.p90[i], t.total_merged) for t in ts) for i in range(3)],
            )
            for who, ts in sorted(groups.items())
        ]


@dataclass(slots=True)
class RepoTally:
    """Repositories' days as they are read; a later row of the same key replaces one."""

    _rows: dict[tuple[str, date, int], RepoDay] = field(default_factory=dict)

    def add(self, record: Mapping[str, Any], scope: str = "") -> bool:
        """Keep the row; False when it has no day or repository id."""
        row = repo_day(record, scope)
        if row is None:
            return False
        self._rows[(row.scope, row.day, row.repo_id)] = row
        return True

    def merge(self, other: RepoTally) -> None:
        self._rows.update(other._rows)

    def result(self) -> Repos:
        return Repos(tuple(self._rows[k] for k in sorted(self._rows)))
