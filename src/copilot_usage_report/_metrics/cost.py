"""What Copilot costs per calendar month: seats, and the AI credits beyond the pooled allowance.

The one definition, for the job summary and the history's page. GitHub bills a seat by the
month (``seat-price``, else the plan's list price: ``seats.seat_price``) and pools AI credits
per billing entity: each seat adds its plan's credits a month (``credit-pool``, else 1,900
Business, 3,900 Enterprise: ``_core.CREDIT_POOLS``); the pool resets at 00:00 UTC on the 1st;
credits beyond it cost ``_core.CREDIT_USD`` (0.01 USD) each. So a month's cost is::

    seats x seat price  +  max(0, credits used - seats x credits per seat) x 0.01

Credits used are GitHub's ``ai_credits_used`` summed over the month's per-user rows (a metrics
signal, not a bill: the billed credits are ``copilot-ai-credits``). Seats are those of the
month's archived seat snapshots, the most seats any of them held (GitHub raises the pool at once
when seats are added and lowers it only the next month); a month without a snapshot has no cost
(``None``: unknown, never a made-up seat count). A month not held to its end is also projected
to its end, linearly by days elapsed (its credits so far / the days from the 1st to the last day
held x the days of the month). Cost per active user divides by GitHub's
``monthly_active_users`` of the last day held; cost per merged pull request by the month's
``pull_requests.total_merged`` of the aggregate records, summed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from .._core import CREDIT_POOLS, CREDIT_USD
from .model import DayInsight
from .seats import seat_price

__all__ = ["MonthCost", "credits_used", "month_costs", "month_of"]

#: Seats by ``plan_type`` (``business``, ``enterprise``, …).
Seats = Mapping[str, int]


@dataclass(frozen=True, slots=True)
class MonthCost:
    """One calendar month's cost (USD), pool and projection; ``None`` where unknown."""

    month: str
    days_held: int
    days_in_month: int
    #: Days from the 1st to the last day held: what the projection divides by.
    days_elapsed: int
    credits_used: float
    seats: int | None
    seat_cost_usd: float | None
    pool_credits: int | None
    credits_beyond_pool: float | None
    credits_beyond_pool_usd: float | None
    cost_usd: float | None
    projected_credits: float
    projected_credits_beyond_pool: float | None
    projected_cost_usd: float | None
    monthly_active_users: int | None
    cost_per_active_user_usd: float | None
    merged_pull_requests: int | None
    cost_per_merged_pull_request_usd: float | None

    @property
    def complete(self) -> bool:
        """True when the month is held to its last day."""
        return self.days_elapsed == self.days_in_month

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def credits_used(days: Iterable[DayInsight]) -> float | None:
    """GitHub's ``ai_credits_used`` summed over the days' per-user rows (``None``: none sent)."""
    found = [day.ai_credits_used for day in days if day.ai_credits_used is not None]
    return round(sum(found), 6) if found else None


def _pool(seats: Seats, per_seat: int | None) -> int:
    return sum(
        n * (per_seat if per_seat is not None else CREDIT_POOLS.get(plan, CREDIT_POOLS["business"]))
        for plan, n in seats.items()
    )


def _div(cost: float | None, by: int | None) -> float | None:
    return None if cost is None or not by else round(cost / by, 2)


def month_costs(
    days: Iterable[DayInsight],
    seats: Mapping[str, Seats],
    *,
    price: float | None = None,
    pool_per_seat: int | None = None,
) -> list[MonthCost]:
    """Each calendar month of ``days`` (one scope's) that has per-user credits, oldest first.

    ``seats`` maps a month (``YYYY-MM``) to its seats by plan; ``price`` (USD a seat a month)
    and ``pool_per_seat`` override the list price and GitHub's pool.
    """
    months: dict[str, list[DayInsight]] = {}
    for day in days:
        months.setdefault(day.day.strftime("%Y-%m"), []).append(day)
    out = []
    for month, held in sorted(months.items()):
        used = credits_used(held)
        if used is None:
            continue
        last = max(held, key=lambda d: d.day)
        length = calendar.monthrange(last.day.year, last.day.month)[1]
        elapsed = last.day.day
        projected = used / elapsed * length
        plans = seats.get(month)
        seat_count = sum(plans.values()) if plans else None
        seat_cost = pool = beyond = beyond_usd = cost = projected_beyond = projected_cost = None
        if plans:
            seat_cost = round(sum(n * seat_price(plan, price) for plan, n in plans.items()), 2)
            pool = _pool(plans, pool_per_seat)
            beyond = round(max(0.0, used - pool), 6)
            beyond_usd = round(beyond * CREDIT_USD, 2)
            cost = round(seat_cost + beyond_usd, 2)
            projected_beyond = round(max(0.0, projected - pool), 6)
            projected_cost = round(seat_cost + projected_beyond * CREDIT_USD, 2)
        merged = [
            d.pull_requests.get("total_merged")
            for d in held
            if d.pull_requests and type(d.pull_requests.get("total_merged")) is int
        ]
        merged_total = sum(merged) if merged else None  # type: ignore[arg-type]
        mau = last.monthly_active_users
        out.append(
            MonthCost(
                month=month,
                days_held=len({d.day for d in held}),
                days_in_month=length,
                days_elapsed=elapsed,
                credits_used=round(used, 2),
                seats=seat_count,
                seat_cost_usd=seat_cost,
                pool_credits=pool,
                credits_beyond_pool=beyond,
                credits_beyond_pool_usd=beyond_usd,
                cost_usd=cost,
                projected_credits=round(projected, 2),
                projected_credits_beyond_pool=projected_beyond,
                projected_cost_usd=projected_cost,
                monthly_active_users=mau,
                cost_per_active_user_usd=_div(cost, mau),
                merged_pull_requests=merged_total,
                cost_per_merged_pull_request_usd=_div(cost, merged_total),
            )
        )
    return out


def month_of(day: date) -> str:
    """A day's calendar month, ``YYYY-MM`` (the key of ``month_costs``' ``seats``)."""
    return day.strftime("%Y-%m")
