"""What a fetch produced: the results it returns, and the run index it leaves in the archive.

The run index is ``<path>/runs/<run id>/index.json``: one folder per run, so the
indexes of many runs (or many artifacts merged into one folder) never overwrite
each other, and an artifact that holds it is rooted at ``<path>``. It is written
whatever ends the run: what was saved, what GitHub did not have, what failed.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from .._archive import LOCK_NAME, SCOPE_FOLDERS, atomic_write, make_folder
from .._core import ReportKind, Scope, Settings
from .._errors import CopilotUsageReportError, OutputError
from .._transfer import SavedFile

__all__ = [
    "INDEX_NAME",
    "INDEX_VERSION",
    "RUNS_FOLDER",
    "Failed",
    "FetchResult",
    "Missing",
    "Numbers",
    "RunRecord",
    "RunResult",
    "describe_failure",
    "index_run",
    "nothing_archived",
    "run_id",
    "write_index",
]

INDEX_NAME = "index.json"
#: What a run leaves in its own folder: the index, and the whole metrics (the CLI writes them).
_RUN_FILES = frozenset({INDEX_NAME, "metrics.json"})
RUNS_FOLDER = "runs"
#: 2: one index per run under ``runs/``, with ``status``, ``error`` and ``failed``.
INDEX_VERSION = 2


class Numbers(Protocol):
    """What a kind's fetch counted, as ``metrics`` keeps it (under ``ReportKind.metrics_key``)."""

    def metrics(self) -> dict[str, Any]:
        """The numbers as JSON values."""
        ...


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One report of one day (or one 28-day window): what was saved, and where."""

    org: str
    report: str
    report_day: date
    #: The links exactly as GitHub returned them (the last list asked for); empty when resumed.
    download_links: tuple[str, ...]
    folder: Path
    files: tuple[SavedFile, ...]
    #: Days asked for, in order, the last one being ``report_day``'s request.
    days_tried: tuple[date, ...]
    #: First day of a 28-day report's window (``report_day`` is its last).
    report_start_day: date | None = None
    #: True when the folder was already complete on disk and no request was needed.
    resumed: bool = False

    @property
    def total_bytes(self) -> int:
        """Bytes saved across all files."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True, slots=True)
class Missing:
    """A report GitHub had no file for (204 or 404), skipped or warned about by policy."""

    report: str
    #: The day asked for; for ``latest`` and 28-day reports, the newest day tried.
    day: date | None
    days_tried: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class Failed:
    """A report a failed run did not save: the one that failed, and those it never reached."""

    report: str
    #: The day asked for; ``None`` for ``latest`` and 28-day reports.
    day: date | None


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything one run fetched, in the order asked, and what was not available."""

    #: The organization login or enterprise slug.
    name: str
    reports: tuple[FetchResult, ...]
    missing: tuple[Missing, ...]
    #: This run's ``runs/<run id>/index.json`` (``None`` only if it could not be written).
    index: Path | None
    #: The numbers each kind not asked through report links counted (the seat list's, say),
    #: in the order asked (``kinds``).
    numbers: tuple[tuple[ReportKind, Numbers], ...] = ()

    def sections(self) -> dict[str, dict[str, Any]]:
        """Those numbers as ``metrics`` keeps them, each under its kind's ``metrics_key``."""
        return {kind.metrics_key: numbers.metrics() for kind, numbers in self.numbers}

    @property
    def files(self) -> tuple[SavedFile, ...]:
        """Every saved file, report by report."""
        return tuple(f for r in self.reports for f in r.files)

    @property
    def total_bytes(self) -> int:
        """Bytes saved across all reports."""
        return sum(r.total_bytes for r in self.reports)

    @property
    def days(self) -> tuple[date, ...]:
        """The distinct report days fetched, oldest first."""
        return tuple(sorted({r.report_day for r in self.reports}))

    @property
    def download_links(self) -> tuple[str, ...]:
        """Every link GitHub returned, report by report."""
        return tuple(link for r in self.reports for link in r.download_links)


def nothing_archived(output_dir: Path) -> bool:
    """True when ``output_dir`` holds no file but runs' own records (scope locks, run indexes).

    Such a folder holds no report: a caller that made it for a run that failed may
    remove it whole, as if empty.
    """
    try:
        for path in output_dir.rglob("*"):
            if not (path.is_file() or path.is_symlink()):
                continue
            parts = path.relative_to(output_dir).parts
            lock = path.name == LOCK_NAME and len(parts) == 3 and parts[0] in SCOPE_FOLDERS
            index = parts[0] == RUNS_FOLDER and len(parts) == 3 and parts[2] in _RUN_FILES
            if not (lock or index):
                return False
    except OSError:
        return False
    return True


def run_id(scope: Scope, started: datetime) -> str:
    """``20260103T061502Z-orgs-octo-demo-3f9a1c``: sorts by start time, unique to the run."""
    top = "orgs" if scope.kind == "org" else "enterprises"
    stamp = started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{top}-{scope.name.lower()}-{secrets.token_hex(3)}"


def describe_failure(failure: BaseException, token: str) -> tuple[str, str]:
    """``(error class name, one-line message)`` for the index, the token never in it."""
    if isinstance(failure, CopilotUsageReportError):
        message = failure.message
    elif isinstance(failure, KeyboardInterrupt):
        message = "interrupted"
    else:
        message = " ".join(str(failure).split())
    if token:
        message = message.replace(token, "***")
    return type(failure).__name__, message


def _instant(moment: datetime) -> str:
    """``2026-11-25T06:15:02.123Z``: always milliseconds, so the text sorts as the time does."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What the index says about a run besides its results."""

    tool: str
    scope: Scope
    api_origin: str
    day_spec: str
    started: datetime
    #: ``(error class name, one-line message)`` when the run failed.
    error: tuple[str, str] | None = None


def write_index(
    output_dir: Path,
    run: str,
    record: RunRecord,
    result: RunResult,
    failed: Sequence[Failed],
) -> Path:
    """Write ``<output_dir>/runs/<run>/index.json``; returns its path."""
    index = {
        "index_version": INDEX_VERSION,
        "tool": record.tool,
        "run": run,
        "status": "failed" if record.error else "complete",
        "error": {"type": record.error[0], "message": record.error[1]} if record.error else None,
        "started_at": _instant(record.started),
        "finished_at": _instant(datetime.now(UTC)),
        "scope": {"kind": record.scope.kind, "name": record.scope.name.lower()},
        "api_origin": record.api_origin,
        "day": record.day_spec,
        "reports": [
            {
                "report": r.report,
                "report_day": r.report_day.isoformat(),
                "report_start_day": _day(r.report_start_day),
                "folder": r.folder.relative_to(output_dir).as_posix(),
                "files": [f.name for f in r.files],
                "total_bytes": r.total_bytes,
                "resumed": r.resumed,
            }
            for r in result.reports
        ],
        "missing": [
            {
                "report": m.report,
                "day": _day(m.day),
                "days_tried": [d.isoformat() for d in m.days_tried],
            }
            for m in result.missing
        ],
        "failed": [{"report": f.report, "day": _day(f.day)} for f in failed],
    }
    folder = make_folder(output_dir / RUNS_FOLDER / run)
    path = folder / INDEX_NAME
    atomic_write(path, (json.dumps(index, indent=2) + "\n").encode())
    return path


def index_run(
    settings: Settings,
    record: RunRecord,
    result: RunResult,
    failed: Sequence[Failed],
    failure: BaseException | None,
) -> Path | None:
    """Write the run's index: ``record`` with the error ``failure`` ends the run with (scrubbed
    of the token); after a failure, a failing write only loses the index (``None``)."""
    error = None if failure is None else describe_failure(failure, settings.token)
    run = run_id(settings.scope, record.started)
    try:
        return write_index(settings.output_dir, run, replace(record, error=error), result, failed)
    except OutputError:
        if failure is None:
            raise
        return None
