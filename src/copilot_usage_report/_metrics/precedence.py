"""Which report's aggregate record of a day counts: the history's rule, everywhere.

An organization's (or enterprise's) day comes in two reports: the 1-day report of that
day, and every 28-day report whose window holds it. The record that counts is the one of
the highest ``Rank``: a 1-day report's over a 28-day one's, then the newer report folder's,
then the report's name, whatever order the files arrive in. ``history`` ranks its folders
with ``report_rank``; a summary (``Tally``) ranks each file by the archive folder it sits in
(``<report>/<day>/<file>``, ``rank_of``). Two records of one rank (a report's split or
repeated files disagreeing) are a real conflict: the later wins, with a note.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final, TypeAlias

__all__ = ["LOOSE", "Rank", "rank_of", "report_rank"]

#: (a 1-day report, the report folder's day, the report's name): the higher wins.
Rank: TypeAlias = tuple[int, str, str]
#: The rank of a file outside an archive's report folders: below every report folder's.
LOOSE: Final[Rank] = (0, "", "")


def report_rank(report: str, day: str) -> Rank:
    """The rank of the report ``report`` saved for ``day`` (an ISO date)."""
    return (int(report.endswith("-1-day")), day, report)


def rank_of(path: Path) -> Rank:
    """The rank of a report file by the archive folder it sits in (``LOOSE`` outside one)."""
    folder = path.parent
    report = folder.parent.name
    if len(folder.name) != 10 or not report.endswith("-day"):
        return LOOSE
    try:
        day = date.fromisoformat(folder.name)
    except ValueError:
        return LOOSE
    return report_rank(report, day.isoformat())
