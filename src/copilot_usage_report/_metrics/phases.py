"""Per-user rows by GitHub's ``ai_adoption_phase``: users and AI credits used per phase; and
the cloud agent flag read with its fallback (``used_copilot_coding_agent``, its old name).

A row's phase is its ``ai_adoption_phase`` object (``phase``, ``phase_number``); a row
without one is in no phase here. Credits are kept as exact partial sums (``sums.exact_sum``),
so files read in blocks, or tallies merged, give the same last digit.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from .fast import FastPhase
from .sums import Bad, column, exact_sum

__all__ = ["CLOUD", "Phase", "add_phases", "cloud_fallback", "credit_column", "phase_rows"]

_NUMBERS = frozenset({int, float})

CLOUD = "used_copilot_cloud_agent"

#: A phase as the rows name it: ``(phase_number, phase)``.
Phase = tuple[Any, Any]


def add_phases(
    users: Counter[Phase],
    credits: dict[Phase, list[float]],
    phases: Sequence[Any],
    spent: Sequence[Any] | None,
) -> None:
    """Count a block's rows per phase (``phases``, a column), and add their credits
    (``spent``, the aligned ``ai_credits_used`` column, checked as numbers already; ``None``
    when no row of the block has credits: then the phases' credits stay unknown; in a block
    with credits, a row without any adds 0). Python work per row is one type test and one
    append (the old per-row count's cost); per phase the sums run in C."""
    groups: defaultdict[Any, list[Any]] = defaultdict(list)
    aligned = repeat(None, len(phases)) if spent is None else spent
    for p, used in zip(phases, aligned, strict=True):  # one step a row
        if type(p) is FastPhase:
            groups[(p.phase_number, p.phase)].append(used)
        elif type(p) is dict and p:
            groups[(p.get("phase_number"), p.get("phase"))].append(used)
    for at, values in groups.items():
        users[at] += len(values)
        if spent is not None:  # a zero adds nothing; ``None`` is dropped
            credits[at] = exact_sum(credits.get(at, ()), list(map(float, filter(None, values))))


def phase_rows(users: Counter[Phase], credits: dict[Phase, list[float]]) -> list[dict[str, Any]]:
    """``{phase, phase_number, users, ai_credits_used}`` per phase, by phase number."""
    out = []
    for (number, label), n in sorted(users.items(), key=lambda i: str(i[0])):
        parts = credits.get((number, label))
        used = None if parts is None else round(math.fsum(parts), 6)
        out.append({"phase": label, "phase_number": number, "users": n, "ai_credits_used": used})
    return out


def cloud_fallback(cloud: Sequence[Any], flags: Mapping[str, Sequence[Any]]) -> int:
    """Rows without ``used_copilot_cloud_agent`` whose ``used_copilot_coding_agent`` is true
    (GitHub sends both with one value since 2026-04-23, older rows the old one only): counted
    as cloud agent users. No Python work a row unless a row lacks the new field."""
    if None not in cloud:
        return 0
    coding = flags["used_copilot_coding_agent"]
    return sum(1 for new, old in zip(cloud, coding, strict=True) if new is None and old is True)


def credit_column(records: Sequence[Any]) -> tuple[list[Any], list[float] | None]:
    """The rows' ``ai_credits_used`` column, and its values as floats, as the fast path decodes
    them (``None`` when no row carries credits); ``Bad`` for a value of another type."""
    spent = column(records, "ai_credits_used")
    credits = [c for c in spent if c is not None]
    if not credits:
        return spent, None
    if not _NUMBERS.issuperset(map(type, credits)):
        raise Bad
    try:
        return spent, list(map(float, credits))  # an integer 5 is 5.0 either way
    except OverflowError:
        raise Bad from None
