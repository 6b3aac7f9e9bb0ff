"""Impact by AI adoption phase, per calendar month, as GitHub's impact dashboard shows it.

The one definition, for the job summary and the history's page, over every month held (GitHub's
dashboard shows six). GitHub's phases (``ai_adoption_phase``): 0 no cohort, 1 code first,
2 agent first, 3 multi-agent. Per month and phase:

- **users** and **share**: the phase's users on the month's last day held (GitHub's
  ``total_engaged_users`` of ``totals_by_ai_adoption_phase``, else that day's per-user rows
  counted by phase), and their share of all users in a phase that day;
- **merged PRs per user per month** (GitHub's dashboard name): the phase's merged pull requests
  over the month's days (``total_pull_requests_merged``, else ``avg_pull_requests_merged`` x
  ``total_engaged_users``: GitHub sends per-user averages) / the phase's mean users over those
  days, scaled to the whole month by days (days held / days of the month);
- **median minutes to merge**: the days' ``avg_pull_requests_median_minutes_to_merge`` (a
  median per day: never summed), their median weighted by the day's merged PRs;
- **passive users** (ours, where a seat snapshot of the month is archived): seats with no
  activity in the 28 days before it (``total_seats - seats_active_28_days``);
- **adoption multiplier**: merged PRs per user per month of engaged users (phases 1 to 3
  together) / that of phase 0 ("no cohort": licensed users without two days of use in the 28,
  the only passive users whose pull requests GitHub counts). ``None`` when phase 0 is absent
  or merged nothing. GitHub's docs do not say which users its multiplier compares; this is our
  choice (docs/metrics.md).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .model import DayInsight

__all__ = ["MonthImpact", "PhaseImpact", "month_impact", "weighted_median"]


@dataclass(frozen=True, slots=True)
class PhaseImpact:
    """One phase's month."""

    phase_number: int | None
    phase: str | None
    users: int
    share: float | None
    merged_pull_requests: float | None
    merged_prs_per_user_per_month: float | None
    median_minutes_to_merge: float | None


@dataclass(frozen=True, slots=True)
class MonthImpact:
    """One calendar month by phase, with passive users and the adoption multiplier."""

    month: str
    last_day: str
    phases: tuple[PhaseImpact, ...] = ()
    passive_users: int | None = None
    adoption_multiplier: float | None = None
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def weighted_median(pairs: Iterable[tuple[float, float]]) -> float | None:
    """The median of values weighted by their weights (``(value, weight)``; weight 0 ignored):
    the lowest value at which the running weight reaches half the total."""
    kept = sorted((v, w) for v, w in pairs if w > 0)
    total = sum(w for _, w in kept)
    if not total:
        return None
    running = 0.0
    for value, weight in kept:
        running += weight
        if running >= total / 2:
            return value
    return kept[-1][0]  # pragma: no cover - the loop returns


def _number(value: object) -> float | None:
    return float(value) if type(value) in (int, float) else None  # type: ignore[arg-type]


def _merged(entry: Mapping[str, Any]) -> float | None:
    total = _number(entry.get("total_pull_requests_merged"))
    if total is not None:
        return total
    avg, users = _number(entry.get("avg_pull_requests_merged")), entry.get("total_engaged_users")
    return None if avg is None or type(users) is not int else avg * users


def _key(entry: Mapping[str, Any]) -> tuple[int | None, str | None]:
    number = entry.get("phase_number")
    label = entry.get("phase")
    return (number if type(number) is int else None, label if type(label) is str else None)


def month_impact(
    days: Iterable[DayInsight], passive: Mapping[str, int] | None = None
) -> list[MonthImpact]:
    """Each calendar month of ``days`` (one scope's) with adoption phases, oldest first;
    ``passive`` maps a month (``YYYY-MM``) to its passive seats, where archived."""
    months: dict[str, list[DayInsight]] = {}
    for day in days:
        months.setdefault(day.day.strftime("%Y-%m"), []).append(day)
    out = []
    for month, held in sorted(months.items()):
        held.sort(key=lambda d: d.day)
        last = held[-1]
        counted = [(_key(p), p.get("total_engaged_users")) for p in last.ai_adoption_phases] or [
            (_key(p), p.get("users")) for p in last.users_by_phase
        ]
        if not counted and not any(d.phase_totals for d in held):
            continue
        length = calendar.monthrange(last.day.year, last.day.month)[1]
        users = {at: n if type(n) is int else 0 for at, n in counted}
        everyone = sum(users.values())
        merged: dict[Any, float] = {}
        engaged: dict[Any, list[int]] = {}
        minutes: dict[Any, list[tuple[float, float]]] = {}
        with_totals = [d for d in held if d.phase_totals]
        for day in with_totals:
            for entry in day.phase_totals:
                at = _key(entry)
                count = entry.get("total_engaged_users")
                engaged.setdefault(at, []).append(count if type(count) is int else 0)
                got = _merged(entry)
                if got is not None:
                    merged[at] = merged.get(at, 0.0) + got
                median = _number(entry.get("avg_pull_requests_median_minutes_to_merge"))
                if median is not None and got:
                    minutes.setdefault(at, []).append((median, got))
        scale = length / len(with_totals) if with_totals else 0.0

        phases = []
        for at in sorted({*users, *engaged}, key=lambda k: (k[0] is None, k[0] or 0, k[1] or "")):
            rate = _rate(merged, engaged, [at], scale) if at in merged else None
            phases.append(
                PhaseImpact(
                    phase_number=at[0],
                    phase=at[1],
                    users=users.get(at, 0),
                    share=round(users.get(at, 0) / everyone, 4) if everyone else None,
                    merged_pull_requests=merged.get(at),
                    merged_prs_per_user_per_month=None if rate is None else round(rate, 2),
                    median_minutes_to_merge=weighted_median(minutes.get(at, ())),
                )
            )
        out.append(
            MonthImpact(
                month=month,
                last_day=last.day.isoformat(),
                phases=tuple(phases),
                passive_users=(passive or {}).get(month),
                adoption_multiplier=_multiplier(merged, engaged, scale),
            )
        )
    return out


def _rate(
    merged: Mapping[Any, float], engaged: Mapping[Any, list[int]], keys: list[Any], scale: float
) -> float | None:
    """Merged PRs per user per month of the phases ``keys`` together (their mean users added)."""
    prs = sum(merged.get(k, 0.0) for k in keys)
    mean = sum(sum(engaged[k]) / len(engaged[k]) for k in keys if engaged.get(k))
    return prs / mean * scale if mean else None


def _multiplier(
    merged: Mapping[Any, float], engaged: Mapping[Any, list[int]], scale: float
) -> float | None:
    """Engaged (phases 1-3) merged PRs per user per month / phase 0's."""
    zero = [k for k in engaged if k[0] == 0]
    rest = [k for k in engaged if k[0] in (1, 2, 3)]
    passive, active = _rate(merged, engaged, zero, scale), _rate(merged, engaged, rest, scale)
    if not passive or active is None:
        return None
    return round(active / passive, 2)
