"""Per-user rows by GitHub's ``ai_adoption_phase``: users and AI credits used per phase.

A row's phase is its ``ai_adoption_phase`` object (``phase``, ``phase_number``); a row
without one is in no phase here. Credits are kept as exact partial sums (``sums.exact_sum``),
so files read in blocks, or tallies merged, give the same last digit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .fast import FastPhase
from .sums import exact_sum

__all__ = ["Phase", "add_phases", "phase_rows"]

#: A phase as the rows name it: ``(phase_number, phase)``.
Phase = tuple[Any, Any]


def add_phases(
    users: Counter[Phase],
    credits: dict[Phase, list[float]],
    phases: Sequence[Any],
    spent: Sequence[Any],
) -> None:
    """Count a block's rows per phase (``phases``, a column), and add their credits
    (``spent``, the aligned ``ai_credits_used`` column, checked as numbers already)."""
    by_phase: dict[Phase, list[float]] = {}
    for phase, used in zip(phases, spent, strict=True):
        if not phase:
            continue
        if type(phase) is dict:
            at = (phase.get("phase_number"), phase.get("phase"))
        elif isinstance(phase, FastPhase):
            at = (phase.phase_number, phase.phase)
        else:
            continue
        users[at] += 1
        if used is not None:
            by_phase.setdefault(at, []).append(float(used))
    for at, values in by_phase.items():
        credits[at] = exact_sum(credits.get(at, ()), values)


def phase_rows(users: Counter[Phase], credits: dict[Phase, list[float]]) -> list[dict[str, Any]]:
    """``{phase, phase_number, users, ai_credits_used}`` per phase, by phase number."""
    out = []
    for (number, label), n in sorted(users.items(), key=lambda i: str(i[0])):
        parts = credits.get((number, label))
        used = None if parts is None else round(math.fsum(parts), 6)
        out.append({"phase": label, "phase_number": number, "users": n, "ai_credits_used": used})
    return out
