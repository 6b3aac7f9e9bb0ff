"""The job summary's Seats section: today's seat list in numbers, and what idle seats cost.

No login: counts only (totals by plan, activity in 7 and 28 days, never used, inactive,
pending cancellation, assigned lately) and the monthly cost of the inactive seats, at list
price unless ``seat-price`` set it.
"""

from __future__ import annotations

from .._core import LIST_PRICES
from .._metrics import SeatCounts
from .markdown import markdown_text

__all__ = ["render_seats"]


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _usd(value: float) -> str:
    return f"{value:,.0f} USD" if value == int(value) else f"{value:,.2f} USD"


def render_seats(counts: SeatCounts) -> str:
    """The Seats section as Markdown."""
    users = counts.users
    plans = ", ".join(f"{markdown_text(plan)} {n}" for plan, n in counts.by_plan.items()) or "none"
    rows = [
        ("Seats (GitHub's total_seats)", str(counts.total_seats), ""),
        ("Active in the last 7 days", str(counts.active_7), _share(counts.active_7, users)),
        ("Active in the last 28 days", str(counts.active_28), _share(counts.active_28, users)),
        ("Never used", str(counts.never_used), _share(counts.never_used, users)),
        (
            f"Inactive ({counts.inactive_days} days or more, assigned as long ago)",
            str(counts.inactive),
            _share(counts.inactive, users),
        ),
        (
            "Pending cancellation",
            str(counts.pending_cancellation),
            _share(counts.pending_cancellation, users),
        ),
        (
            "Assigned in the last 28 days",
            str(counts.assigned_28),
            _share(counts.assigned_28, users),
        ),
    ]
    lines = [
        "### Seats",
        "",
        f"By plan: {plans}.",
        "",
        "| Seats | Count | Share |",
        "| --- | ---: | ---: |",
        *(f"| {label} | {value} | {share} |" for label, value, share in rows),
        "",
    ]
    if counts.list_price:
        prices = ", ".join(f"{plan.title()} {_usd(p)}" for plan, p in LIST_PRICES.items())
        basis = f"at list price ({prices} a seat a month)"
    else:
        basis = "at the seat-price given"
    lines.append(
        f"The {counts.inactive} inactive seat(s) cost {_usd(counts.inactive_cost)} a month {basis}."
    )
    return "\n".join(lines) + "\n"
