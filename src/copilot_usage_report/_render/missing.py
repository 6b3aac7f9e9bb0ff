"""Days without a report, told as runs: one line for 347 days in a row, not 347 lines.

Pure data to text, shared by the terminal's end-of-run lines and the job summary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._pipeline import Missing

__all__ = ["MissingRun", "missing_runs"]


@dataclass(frozen=True, slots=True)
class MissingRun:
    """Consecutive days of one report that GitHub had no file for (or one undated miss)."""

    report: str
    first: date | None
    last: date | None
    days: int

    @property
    def span(self) -> str:
        """``A..B`` for several days, ``A`` for one, ``latest`` without a day."""
        if self.first is None or self.last is None:
            return "latest"
        return self.first.isoformat() if self.days == 1 else f"{self.first}..{self.last}"

    def describe(self) -> str:
        """One line: ``no users-1-day report for 2025-12-12..2026-11-20: 347 days``."""
        if self.first is None:
            return f"no {self.report} report (latest)"
        if self.days == 1:
            return f"no {self.report} report for {self.span}"
        return f"no {self.report} report for {self.span}: {self.days} days"


def missing_runs(missing: Iterable[Missing]) -> list[MissingRun]:
    """Group misses by report, then into runs of consecutive days, oldest first."""
    by_report: dict[str, list[Missing]] = {}
    for m in missing:
        by_report.setdefault(m.report, []).append(m)
    runs: list[MissingRun] = []
    for report, misses in by_report.items():
        days = sorted({m.day for m in misses if m.day is not None})
        runs += [MissingRun(report, None, None, 1) for m in misses if m.day is None]
        start = prev = None
        count = 0
        for day in days:
            if prev is not None and day == prev + timedelta(days=1):
                prev, count = day, count + 1
                continue
            if start is not None and prev is not None:
                runs.append(MissingRun(report, start, prev, count))
            start = prev = day
            count = 1
        if start is not None and prev is not None:
            runs.append(MissingRun(report, start, prev, count))
    return runs
