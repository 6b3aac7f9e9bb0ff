"""The job summary's "AI credits and cost" and "Impact by adoption phase" sections.

Numbers from ``_metrics``' one definitions (``cost.month_costs``, ``impact.month_impact``):
credits used per month, per team and per phase, the month's cost against the pooled allowance
with its projection, and the phases' users, throughput and merge time. Seats come from the run's
seat list (report ``copilot-seats``) for the month it was taken; other months' cost is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._metrics import DayInsight, Insight, SeatCounts, month_costs, month_impact, month_of
from .markdown import markdown_code

__all__ = ["credit_sections", "impact_sections"]

_NONE = "\u2014"  # as the usage summary shows an absent number


def _usd(value: float | None) -> str:
    return _NONE if value is None else f"{value:,.2f}"


def _num(value: float | None, digits: int = 2) -> str:
    return _NONE if value is None else f"{value:,.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _seats(seats: SeatCounts | None) -> dict[str, Mapping[str, int]]:
    if seats is None or seats.taken is None:
        return {}
    return {month_of(seats.taken.date()): seats.by_plan}


def credit_sections(
    insight: Insight, seats: SeatCounts | None = None, pool_per_seat: int | None = None
) -> list[str]:
    """ "AI credits and cost" of one scope's days; none without ``ai_credits_used``."""
    price = seats.price if seats is not None else None
    months = month_costs(insight.days, _seats(seats), price=price, pool_per_seat=pool_per_seat)
    if not months:
        return []
    rows = []
    for m in months:
        held = f"{m.month} ({m.days_held} of {m.days_in_month} days)"
        rows.append(
            [
                held,
                _num(m.credits_used),
                _NONE if m.seats is None else f"{m.seats:,}",
                _NONE if m.pool_credits is None else f"{m.pool_credits:,}",
                _num(m.credits_beyond_pool),
                _usd(m.cost_usd),
                _usd(None if m.complete else m.projected_cost_usd),
                _usd(m.cost_per_active_user_usd),
                _usd(m.cost_per_merged_pull_request_usd),
            ]
        )
    header = ["Month", "Credits used", "Seats", "Pool", "Beyond pool", "Cost (USD)"]
    header += ["Projected (USD)", "Per active user", "Per merged PR"]
    out = ["### AI credits and cost", _table(header, rows)]
    notes = [
        "Credits used are GitHub's `ai_credits_used` of the per-user rows (a usage signal, "
        "not the bill). Cost is seats x seat price plus the credits beyond the pool "
        "(seats x 1,900 Business or 3,900 Enterprise, `credit-pool` overriding; reset on "
        "the 1st UTC) x 0.01 USD; a month not held to its end is projected linearly by days "
        "elapsed."
    ]
    if any(m.seats is None for m in months):
        notes.append(
            "Cost is unknown (a dash) for a month without a seat list: fetch report "
            "`copilot-seats` in that month."
        )
    out.append(" ".join(notes))
    out += _by_team_and_phase(insight.days)
    return out


def _by_team_and_phase(days: Sequence[DayInsight]) -> list[str]:
    teams: dict[str, float] = {}
    phases: dict[tuple[Any, Any], list[float]] = {}
    for day in days:
        for team in day.teams:
            if team.ai_credits_used is not None:
                teams[team.slug] = teams.get(team.slug, 0.0) + team.ai_credits_used
        for row in day.users_by_phase:
            at = (row.get("phase_number"), row.get("phase"))
            entry = phases.setdefault(at, [0.0, 0.0])
            entry[0] += row.get("users") or 0
            entry[1] += row.get("ai_credits_used") or 0.0
    out = []
    if teams:
        rows = [
            [markdown_code(slug), _num(used)]
            for slug, used in sorted(teams.items(), key=lambda i: -i[1])
        ]
        out += [
            "### AI credits used by team",
            _table(["Team", "Credits used"], rows),
            "A member of two teams counts in both, as in GitHub's team metrics.",
        ]
    if phases:
        rows = [
            [markdown_code(str(label)), f"{int(users):,}", _num(used)]
            for (_, label), (users, used) in sorted(phases.items(), key=lambda i: str(i[0][0]))
        ]
        out += [
            "### AI credits used by adoption phase",
            _table(["Phase", "User-days", "Credits used"], rows),
        ]
    return out


def impact_sections(insight: Insight, seats: SeatCounts | None = None) -> list[str]:
    """ "Impact by adoption phase", per month; none without adoption phases."""
    passive = {}
    if seats is not None and seats.taken is not None:
        passive[month_of(seats.taken.date())] = seats.total_seats - seats.active_28
    months = month_impact(insight.days, passive)
    if not months:
        return []
    rows = []
    for m in months:
        for p in m.phases:
            rows.append(
                [
                    m.month,
                    markdown_code(str(p.phase)),
                    f"{p.users:,}",
                    _NONE if p.share is None else f"{p.share * 100:.1f} %",
                    _num(p.merged_prs_per_user_per_month),
                    _num(p.median_minutes_to_merge, 0),
                ]
            )
        rows.append(
            [
                m.month,
                "passive seats / multiplier",
                _NONE if m.passive_users is None else f"{m.passive_users:,}",
                "",
                _num(m.adoption_multiplier) + ("x" if m.adoption_multiplier else ""),
                "",
            ]
        )
    header = ["Month", "Phase", "Users", "Share", "Merged PRs per user per month"]
    header.append("Median minutes to merge")
    return [
        "### Impact by adoption phase",
        _table(header, rows),
        "Users and share: the month's last day held. Merged PRs per user per month: the "
        "phase's merged PRs over the month's days / its mean users, scaled to the month. "
        "Median minutes to merge: the days' medians, their median weighted by merged PRs. "
        "Passive seats: seats without activity in the 28 days (from the seat list). "
        "Adoption multiplier: phases 1-3's merged PRs per user per month / phase 0's.",
    ]
