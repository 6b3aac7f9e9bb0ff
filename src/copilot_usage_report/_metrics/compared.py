"""AI credits used beside AI credits billed, for the days that have both.

The usage reports' ``ai_credits_used`` (summed over a day's per-user rows) is a usage signal;
the billing API's ``grossQuantity`` of the items recognised as AI credits (``copilot-ai-credits``)
is the bill. They need not agree (when a use is billed, rounding, users outside the report), so
the comparison is ours, not GitHub's: ``credits_used``, ``credits_billed``, ``difference``
(billed minus used) and ``difference_share`` (the difference / billed), over only the days
with both a credits figure in the usage reports and an archived billing answer (a day with
only one is left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

__all__ = ["CreditsCompared", "compare_credits"]


@dataclass(frozen=True, slots=True)
class CreditsCompared:
    """Credits used and billed over the same days (``first`` to ``last``, ``days`` of them)."""

    days: int
    first: date
    last: date
    credits_used: float
    credits_billed: float
    difference: float
    #: ``difference`` / ``credits_billed``; ``None`` when nothing was billed.
    difference_share: float | None


def compare_credits(
    used: Mapping[date, float | None], billed: Mapping[date, float]
) -> CreditsCompared | None:
    """``used`` (day: ``ai_credits_used``, ``None`` when no row carries it) beside ``billed``
    (day: gross credits billed of an archived answer) over the days in both; ``None``: none."""
    both = sorted(d for d, v in used.items() if v is not None and d in billed)
    if not both:
        return None
    used_sum = round(sum(used[d] or 0.0 for d in both), 6)
    billed_sum = round(sum(billed[d] for d in both), 6)
    difference = round(billed_sum - used_sum, 6)
    share = round(difference / billed_sum, 6) if billed_sum else None
    return CreditsCompared(len(both), both[0], both[-1], used_sum, billed_sum, difference, share)
