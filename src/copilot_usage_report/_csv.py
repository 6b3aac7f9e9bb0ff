"""Flattened CSV tables written beside the report files, for spreadsheets.

Each folder of report files gets, from its own files: ``totals.csv`` (one row
per day), ``by_ide.csv``, ``by_feature.csv``, ``by_language.csv`` and
``by_model.csv`` (one row per day and key, every key), and when it holds such
records ``users.csv`` (one row per user and day) and ``user_teams.csv``. Every
CSV appears whole or not at all (written under a temporary name and renamed),
and the per-user rows stream to disk as the records are read, so memory stays
bounded. A text cell that a spreadsheet would run as a formula is quoted with
a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from ._errors import OutputError
from ._metrics import (
    ACTIVITY_FIELDS,
    DIMENSIONS,
    UNKNOWN,
    Activity,
    Insight,
    Record,
    Tally,
    UserDay,
    UserTeam,
    require_report_files,
    rounded_rate,
)
from ._store import atomic_write, partial_file

__all__ = ["CSV_NAMES", "CsvResult", "write_csv"]

TOTALS: Final = "totals.csv"
USERS: Final = "users.csv"
USER_TEAMS: Final = "user_teams.csv"
#: Every name this module writes; a report file of the same name is never overwritten.
CSV_NAMES: Final = (TOTALS, *(f"by_{d}.csv" for d in DIMENSIONS), USERS, USER_TEAMS)

_USER_COLUMNS: Final = (
    "day",
    "user_id",
    "user_login",
    "used_chat",
    "used_agent",
    "used_cli",
    *ACTIVITY_FIELDS,
    "acceptance_rate",
    "ides",
    "features",
)
_TEAM_COLUMNS: Final = ("day", "user_id", "user_login", "team_id", "slug")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class CsvResult:
    """What ``write_csv`` read and wrote."""

    insight: Insight
    #: The CSV files written, folder by folder, in ``CSV_NAMES`` order.
    files: tuple[Path, ...]


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _activity_cells(activity: Activity) -> list[Cell]:
    return [*activity.as_dict().values(), rounded_rate(activity.acceptance_rate)]


def _tables(insight: Insight) -> dict[str, bytes]:
    """The totals and breakdown tables of one folder's insight, by file name."""
    if not insight.days:
        return {}
    first = insight.days[0].metrics()
    tables = {TOTALS: _csv_bytes(list(first), [list(d.metrics().values()) for d in insight.days])}
    for dimension in DIMENSIONS:
        header = [
            "day",
            dimension,
            *ACTIVITY_FIELDS,
            "acceptance_rate",
            "active_users",
        ]
        rows = [
            [day.day.isoformat(), row.key, *_activity_cells(row.activity), row.users]
            for day in insight.days
            for row in day.rows(dimension)
        ]
        tables[f"by_{dimension}.csv"] = _csv_bytes(header, rows)
    return tables


class _Pending:
    """A CSV being written under a temporary name; ``commit`` gives it its final name."""

    def __init__(self, handle: IO[bytes], temp: Path, final: Path) -> None:
        self._handle = handle
        self._text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text)
        self._temp = temp
        self._final = final

    def row(self, values: Sequence[Cell]) -> None:
        self._writer.writerow([_cell(v) for v in values])

    def commit(self) -> Path:
        """Flush, close and rename: the final name appears only now, holding every row."""
        self._text.flush()
        os.fsync(self._handle.fileno())
        self._text.close()
        self._temp.replace(self._final)
        return self._final


@contextmanager
def _pending_csv(folder: Path, name: str) -> Iterator[_Pending]:
    """A CSV under a temporary name in ``folder``, deleted unless committed before the end."""
    with partial_file(folder, name) as (handle, temp):
        yield _Pending(handle, temp, folder / name)


class _RowSink:
    """Streams per-user and user-team rows into their CSVs, each opened on its first row."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        self._folder = folder
        self._stack = stack
        self._open: dict[str, _Pending] = {}

    def __call__(self, record: Record) -> None:
        if isinstance(record, UserDay):
            activity = Activity(*(getattr(record, name) or 0 for name in ACTIVITY_FIELDS))
            ides = {t.ide or UNKNOWN for t in record.totals_by_ide or ()}
            features = {t.feature or UNKNOWN for t in record.totals_by_feature or ()}
            self._row(
                USERS,
                _USER_COLUMNS,
                [
                    record.day.isoformat(),
                    record.user_id,
                    record.user_login,
                    record.used_chat,
                    record.used_agent,
                    record.used_cli,
                    *_activity_cells(activity),
                    ";".join(sorted(ides)),
                    ";".join(sorted(features)),
                ],
            )
        elif isinstance(record, UserTeam):
            self._row(
                USER_TEAMS,
                _TEAM_COLUMNS,
                [
                    record.day.isoformat(),
                    record.user_id,
                    record.user_login,
                    record.team_id,
                    record.slug,
                ],
            )

    def _row(self, name: str, header: Sequence[str], row: Sequence[Cell]) -> None:
        target = self._open.get(name)
        if target is None:
            target = self._open[name] = self._stack.enter_context(_pending_csv(self._folder, name))
            target.row(header)
        target.row(row)

    def commit(self) -> list[Path]:
        """Give every streamed CSV its final name; returns their paths."""
        return [self._open[name].commit() for name in (USERS, USER_TEAMS) if name in self._open]


def write_csv(paths: Iterable[Path]) -> CsvResult:
    """Read the report files under ``paths`` once, writing each folder's CSVs beside its files.

    Returns the ``Insight`` of all the files together, as ``summarize_paths``
    would. A CSV name that is also one of the folder's report files is an
    ``OutputError``: a report file is never overwritten.
    """
    by_folder: dict[Path, list[Path]] = {}
    for path in require_report_files(paths):
        by_folder.setdefault(path.parent, []).append(path)
    total = Tally()
    written: list[Path] = []
    for folder, files in by_folder.items():
        clash = sorted({f.name for f in files} & set(CSV_NAMES))
        if clash:
            raise OutputError(
                f"{folder / clash[0]} is a report file, so its CSV table was not written over "
                "it; rename the report file to write CSVs there."
            )
        tally = Tally()
        with ExitStack() as stack:
            sink = _RowSink(folder, stack)
            for path in files:
                tally.add_file(path, on_record=sink)
            tables = _tables(tally.insight())
            for name, data in tables.items():
                atomic_write(folder / name, data)
                written.append(folder / name)
            written += sink.commit()
        total.merge(tally)
    return CsvResult(insight=total.insight(), files=tuple(written))
