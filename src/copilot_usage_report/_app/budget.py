"""The step outputs within GitHub's budget, by design, whatever the scope or range.

GitHub keeps at most 1 MB of outputs per job, all steps' outputs together, counted as
UTF-16 (two bytes an ASCII character), and fails the job past it; the action may run
several times in one job. So all outputs of one run together stay under ``BUDGET``
(128 KB as UTF-16), however many days, files, users or teams:

- ``metrics`` is compact by design: the headline numbers of every day, and for each
  scope's newest day the top entries of each breakdown and the busiest ``TEAMS``
  teams; ``left_out`` says what it left out and names ``metrics-file``, which holds
  everything (``summarize --json`` of the same files). When even the headlines do not
  fit its share, the oldest days go first (each scope keeps its newest), counted.
- Lists (links, files, folders, days) stay whole while everything fits; else each is
  cut to its share: the first entries, then one entry ``… and N more, in <index>``.
  ``upload-paths`` is never cut: past its share it names the report folders
  (``<path>/orgs/<org>/<report>``) instead of each day's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._metrics import Insight

__all__ = [
    "BUDGET",
    "LIST_SHARE",
    "TEAMS",
    "compact_metrics",
    "fit_outputs",
    "shorten",
    "utf16_size",
]

#: All outputs of one run together, in bytes of UTF-16 (GitHub's 1 MB per job, shared).
BUDGET: Final = 128 * 1024
#: What one list output may take once the whole set does not fit.
LIST_SHARE: Final = 8 * 1024
#: The JSON-array outputs cut by the list rule.
_LISTS: Final = ("download-links", "files", "path", "days", "missing-days", "report-day")
#: Teams of the newest day kept in the ``metrics`` output.
TEAMS: Final = 10


def utf16_size(text: str) -> int:
    """The bytes ``text`` takes as UTF-16, as GitHub counts an output."""
    return len(text.encode("utf-16-le", "surrogatepass"))


def _size(outputs: Mapping[str, str]) -> int:
    return sum(utf16_size(name) + utf16_size(value) for name, value in outputs.items())


def _cut_list(values: list[str], room: int, where: str) -> str:
    """A JSON array of ``values`` within ``room``: the first entries, then a count of the rest."""
    kept: list[str] = []
    for value in values:
        marker = f"… and {len(values) - len(kept) - 1:,} more, in {where}"
        if utf16_size(json.dumps([*kept, value, marker])) > room:
            break
        kept.append(value)
    if len(kept) == len(values):
        return json.dumps(kept)
    return json.dumps([*kept, f"… and {len(values) - len(kept):,} more, in {where}"])


def _report_folders(paths: list[str]) -> str:
    """Each day folder's report folder (``…/<report>``), once; the run's own files as they are."""
    out: dict[str, None] = {}
    for path in paths:
        p = Path(path)
        out[str(p.parent) if p.name[:4].isdigit() else path] = None
    return "\n".join(out)


def fit_outputs(
    outputs: Mapping[str, str], insight: Insight | None, metrics_file: str
) -> dict[str, str]:
    """``outputs`` with ``metrics`` compact and everything together under ``BUDGET``.

    ``outputs`` hold every list whole (and no ``metrics``); the result is what is written.
    """
    out = dict(outputs)
    where = out.get("index") or "the run's index"
    if _size(out) > BUDGET // 2:  # the lists leave the metrics less than half: cut them
        for name in _LISTS:
            value = out.get(name, "")
            if utf16_size(value) > LIST_SHARE and value.startswith("["):
                out[name] = _cut_list(json.loads(value), LIST_SHARE, where)
        paths = out.get("upload-paths", "")
        if utf16_size(paths) > 2 * LIST_SHARE:
            out["upload-paths"] = _report_folders(paths.split("\n"))
    if insight is not None:
        room = BUDGET - _size(out) - utf16_size("metrics") - 1024  # a margin for the runner
        out["metrics"] = json.dumps(compact_metrics(insight, metrics_file, room))
    return out


def compact_metrics(insight: Insight, metrics_file: str, room: int) -> dict[str, Any]:
    """The ``metrics`` output: every day's headline, the newest day's top entries, ``left_out``.

    Within ``room`` bytes of UTF-16: past it, the oldest days' headlines are left out
    (each scope keeps its newest day), and counted.
    """
    from .._metrics import TOP

    newest = {id(insight.for_scope(scope).days[-1]) for scope in insight.scopes}
    teams = 0
    entries: list[dict[str, Any]] = []
    for day in insight.days:
        if id(day) not in newest:
            entries.append(day.headline())
            continue
        entry = day.metrics(top=TOP)
        teams += max(0, len(entry["teams"]) - TEAMS)
        entry["teams"] = entry["teams"][:TEAMS]
        entries.append(entry)
    full = insight.metrics()
    left_out: dict[str, Any] = {
        "breakdowns": f"each breakdown past its top {TOP} keys (summed as other), and every "
        "breakdown of days but each scope's newest",
        "teams": teams,
        "days": 0,
        "file": metrics_file,
    }
    result = {"start_day": full["start_day"], "end_day": full["end_day"], **insight.credits()}
    if "pull_requests" in full:  # the range's sums: a few numbers per scope
        result["pull_requests"] = full["pull_requests"]
    result["days"] = entries
    result["left_out"] = left_out
    droppable = [id(day) not in newest for day in insight.days]
    while utf16_size(json.dumps(result)) > room and any(droppable):
        # the oldest headlines first, a tenth of those left at a time
        n = max(1, sum(droppable) // 10)
        kept: list[tuple[dict[str, Any], bool]] = []
        for entry, can in zip(result["days"], droppable, strict=True):
            if can and n:
                n -= 1
                left_out["days"] += 1
                continue
            kept.append((entry, can))
        result["days"] = [entry for entry, _ in kept]
        droppable = [can for _, can in kept]
    return result


def shorten(value: str, width: int = 72) -> str:
    """One line of at most ``width`` characters: a longer or multi-line value cut, with its
    size and where the whole of it is."""
    if len(value) <= width and "\n" not in value:
        return value
    size = f"{len(value.encode()):,} bytes"
    head = value.split("\n", 1)[0][: max(8, width - 40)]
    return f"{head}… ({size}; --json prints it whole)"
