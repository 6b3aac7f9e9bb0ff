"""Flattened CSV tables written beside the report files, for spreadsheets.

Each folder of report files gets, from its own files, the tables that have rows:
``totals.csv`` (one row per organization or enterprise and day with an aggregate
record or per-user rows: the ``metrics`` headline, nested objects flattened as
``parent.field``), ``by_ide.csv``, ``by_feature.csv``, ``by_language.csv`` and
``by_model.csv`` (one row per day and key, every key, as GitHub sent it: an IDE
version label stays as it is), ``users.csv`` (one row per user and day) and
``user_teams.csv``; a folder of user-team rows gets ``teams.csv`` (the team join
of its days, from every folder the run read), when the run read per-user rows of
those days. A folder of user-team rows alone has no totals. Every
CSV appears whole or not at all (written under a temporary name and renamed),
and the per-user rows stream to disk as the records are read, so memory stays
bounded. A text cell that a spreadsheet would run as a formula is quoted with
a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any, Final, Literal

from .._archive import atomic_write, partial_file
from .._errors import OutputError
from .._metrics import (
    ACTIVITY_FIELDS,
    DIMENSIONS,
    UNKNOWN,
    USER_FLAGS,
    Activity,
    Grain,
    Insight,
    Tally,
    require_report_files,
    rounded_rate,
    unrecognised_error,
)

__all__ = ["CSV_NAMES", "CsvResult", "write_csv"]

TOTALS: Final = "totals.csv"
TEAMS: Final = "teams.csv"
USERS: Final = "users.csv"
USER_TEAMS: Final = "user_teams.csv"
#: Every name this module writes; a report file of the same name is never overwritten.
CSV_NAMES: Final = (TOTALS, *(f"by_{d}.csv" for d in DIMENSIONS), TEAMS, USERS, USER_TEAMS)

_USER_COLUMNS: Final = (
    "day",
    "organization_id",
    "enterprise_id",
    "user_id",
    "user_login",
    *USER_FLAGS,
    *ACTIVITY_FIELDS,
    "acceptance_rate",
    "ides",
    "features",
    "ide_versions",
    "last_known_cli_version",
    "ai_credits_used",
    "ai_adoption_phase",
)
_SCOPE: Final = ("day", "organization_id", "enterprise_id")
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


def _flat(value: object, prefix: str, into: dict[str, Cell]) -> None:
    """Nested objects as ``parent.field`` columns; lists as JSON text."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flat(item, f"{prefix}.{key}" if prefix else str(key), into)
    elif isinstance(value, list):
        into[prefix] = json.dumps(value, separators=(",", ":")) if value else None
    else:
        into[prefix] = value  # type: ignore[assignment]


def _tables(insight: Insight) -> dict[str, bytes]:
    """The totals and breakdown tables of one folder's insight that have rows, by file name."""
    days = [d for d in insight.days if d.aggregate_records or d.user_records]
    if not days:
        return {}
    rows: list[dict[str, Cell]] = []
    for day in days:
        flat: dict[str, Cell] = {}
        _flat(day.headline(), "", flat)
        rows.append(flat)
    header = list(dict.fromkeys(key for row in rows for key in row))
    tables = {TOTALS: _csv_bytes(header, [[row.get(k) for k in header] for row in rows])}
    for dimension in DIMENSIONS:
        header = [*_SCOPE, dimension, *ACTIVITY_FIELDS, "acceptance_rate", "active_users"]
        body = []
        for day in days:
            users = day.active_users.get(dimension)
            for key, activity in sorted(
                day.breakdowns[dimension].items(), key=lambda i: (-i[1].volume, i[0])
            ):
                body.append(
                    [
                        day.day.isoformat(),
                        day.organization_id,
                        day.enterprise_id,
                        key,
                        *_activity_cells(activity),
                        None if users is None else users.get(key, 0),
                    ]
                )
        if body:
            tables[f"by_{dimension}.csv"] = _csv_bytes(header, body)
    return tables


def _teams(total: Insight, days: set[tuple[date, str]]) -> bytes | None:
    """The team join of ``days`` (day, scope) from every folder read; none without per-user
    rows of those days (the join would count no activity)."""
    team_rows = [
        [day.day.isoformat(), day.organization_id, day.enterprise_id, *team.as_dict().values()]
        for day in total.days
        if (day.day, day.scope) in days and day.user_records
        for team in day.teams
    ]
    if not team_rows:
        return None
    header = [*_SCOPE, "slug", "team_id", "active_users", "members", *ACTIVITY_FIELDS]
    return _csv_bytes([*header, "ai_credits_used"], team_rows)


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


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _ide_version(item: dict[str, Any]) -> str | None:
    """``ide version`` from an IDE entry's ``last_known_ide_version``, when it has one."""
    known = item.get("last_known_ide_version")
    version = _text(known.get("ide_version")) if isinstance(known, dict) else None
    return None if version is None else f"{item.get('ide') or UNKNOWN} {version}"


class _RowSink:
    """Streams per-user and user-team rows into their CSVs, each opened on its first row."""

    def __init__(self, folder: Path, stack: ExitStack) -> None:
        self._folder = folder
        self._stack = stack
        self._open: dict[str, _Pending] = {}

    def __call__(self, grain: Grain, record: dict[str, Any]) -> None:
        scope = [record.get("day"), record.get("organization_id"), record.get("enterprise_id")]
        if grain == "users":
            activity = Activity(*(record.get(name) or 0 for name in ACTIVITY_FIELDS))
            ides = record.get("totals_by_ide") or ()
            cli = record.get("totals_by_cli") or {}
            phase = record.get("ai_adoption_phase")
            self._row(
                USERS,
                _USER_COLUMNS,
                [
                    *scope,
                    record.get("user_id"),
                    record.get("user_login"),
                    *(record.get(flag) for flag in USER_FLAGS),
                    *_activity_cells(activity),
                    ";".join(sorted({t.get("ide") or UNKNOWN for t in ides})),
                    ";".join(
                        sorted(
                            {
                                t.get("feature") or UNKNOWN
                                for t in record.get("totals_by_feature") or ()
                            }
                        )
                    ),
                    ";".join(sorted(filter(None, map(_ide_version, ides)))),
                    _text((cli.get("last_known_cli_version") or {}).get("cli_version"))
                    if isinstance(cli, dict)
                    else None,
                    record.get("ai_credits_used"),
                    _text(phase.get("phase")) if isinstance(phase, dict) else None,
                ],
            )
        elif grain == "user-teams":
            self._row(
                USER_TEAMS,
                _TEAM_COLUMNS,
                [
                    record.get("day"),
                    record.get("user_id"),
                    record.get("user_login"),
                    record.get("team_id"),
                    record.get("slug"),
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


def write_csv(
    paths: Iterable[Path], *, unrecognised: Literal["error", "skip"] = "error"
) -> CsvResult:
    """Read the report files under ``paths`` once, writing each folder's CSVs beside its files.

    Returns the ``Insight`` of all the files together, as ``summarize_paths``
    would (the team join sees every folder). A CSV name that is also one of the
    folder's report files is an ``OutputError``: a report file is never
    overwritten. A file with no record of a known kind is an error unless
    ``unrecognised="skip"``.
    """
    by_folder: dict[Path, list[Path]] = {}
    for path in require_report_files(paths):
        by_folder.setdefault(path.parent, []).append(path)
    total = Tally()
    written: list[Path] = []
    team_days: dict[Path, set[tuple[date, str]]] = {}
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
                tally.add_file(path, total, on_record=sink)
            insight = tally.insight()
            if insight.skipped and unrecognised == "error":
                raise unrecognised_error(insight.skipped)
            tables = _tables(insight)
            for name, data in tables.items():
                atomic_write(folder / name, data)
                written.append(folder / name)
            written += sink.commit()
            team_days[folder] = {(d.day, d.scope) for d in insight.days if d.team_records}
    insight = total.insight()
    for folder, days in team_days.items():
        table = _teams(insight, days) if days else None
        if table is not None:
            atomic_write(folder / TEAMS, table)
            written.append(folder / TEAMS)
    place = {folder: n for n, folder in enumerate(by_folder)}
    written.sort(key=lambda p: (place[p.parent], CSV_NAMES.index(p.name)))
    return CsvResult(insight=insight, files=tuple(written))
