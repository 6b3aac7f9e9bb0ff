"""An archive in, the Parquet dataset out: only what changed is written.

For every report folder of the archive (``_admit``): when each partition it
feeds already records the folder and the files' SHA-256 its manifest lists, nothing
is read (those files were checked when the partition was written);
otherwise its partitions are written aside and renamed in (``_write``). A folder
left out (its manifest does not check out, a record of no kind its table takes,
a day that is not the folder's, a field whose type changes) gets one warning and
changes nothing in the dataset. The dataset's columns, widened by any new field,
are kept in its top file named by ``SCHEMA_FILE``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._archive import atomic_write, clean_partials, make_folder
from .._errors import InputError
from ._admit import Admitted, Refused, admit, claimed, report_folders
from ._fast import NotFast, arrow_reading
from ._merge import Conflict
from ._read import BadFile, values
from ._tables import Table, table_for, tables_of, unwrapped
from ._types import Columns, declared
from ._write import BATCH_ROWS, PART_NAME, commit, read_source, write_part

__all__ = ["SCHEMA_FILE", "WarehouseResult", "convert", "partition_folder"]

#: The dataset's own record of its tables' columns (Spark and Hive skip names starting ``_``).
SCHEMA_FILE = "_schema.json"
SCHEMA_FORMAT = 1


class _LeftOut(Exception):
    """A folder's records do not fit its table; the message says why, in one line."""


@dataclass
class WarehouseResult:
    """What a conversion did: partitions written, folders found unchanged, folders left out."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0
    left_out: list[str] = field(default_factory=list)


def partition_folder(out: Path, table: str, scope: str, day: str) -> Path:
    """``<out>/<table>/scope=<scope>/day=<day>``: the Hive layout every engine reads."""
    return out / table / f"scope={scope}" / f"day={day}"


def convert(
    archive: Path,
    out: Path,
    *,
    admit_folder: Callable[[Path], Admitted | Refused] = admit,
    arrow_reader: bool = True,
) -> WarehouseResult:
    """Bring the dataset at ``out`` up to date with the archive at ``archive``.

    ``arrow_reader=False`` reads every file with the line reader, never Arrow's (``_fast``):
    the same rows, slower (the tests compare the two)."""
    from importlib.util import find_spec

    if find_spec("pyarrow") is None:
        raise InputError(
            "the warehouse needs pyarrow, which is not installed: install the extra with "
            "pip install 'copilot-usage-report[warehouse]' (the action's warehouse input does)."
        )
    if not archive.is_dir():
        raise InputError(
            f"{archive} is not a folder: name the archive a fetch wrote (the folder holding "
            "orgs/ or enterprises/)."
        )
    make_folder(out)
    schema = _load_schema(out)
    before = json.dumps(schema, sort_keys=True)
    result = WarehouseResult()
    unknown: set[str] = set()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="admit") as hashing:
        _every_folder(archive, out, schema, result, unknown, hashing, admit_folder, arrow_reader)
    if json.dumps(schema, sort_keys=True) != before or not (out / SCHEMA_FILE).is_file():
        _save_schema(out, schema)
    return result


def _every_folder(
    archive: Path,
    out: Path,
    schema: dict[str, Columns],
    result: WarehouseResult,
    unknown: set[str],
    hashing: ThreadPoolExecutor,
    admit_folder: Callable[[Path], Admitted | Refused],
    arrow_reader: bool,
) -> None:
    for folder in report_folders(archive):
        tables = tables_of(folder.parent.name)
        if not tables:
            if folder.parent.name not in unknown:
                unknown.add(folder.parent.name)
                result.left_out.append(
                    f"{folder.parent}: the dataset has no table for {folder.parent.name} "
                    "reports yet; left out"
                )
            continue
        claim = claimed(folder)
        if claim is not None and _unchanged(out, claim, tables):
            result.unchanged += 1
            continue
        # The files are checked (hashed) on a second thread while they are converted; the
        # partitions, written aside, are renamed in only when the folder is admitted.
        verdict = hashing.submit(admit_folder, folder)
        written, problem = (
            _convert_folder(out, claim, tables, schema, arrow_reader) if claim else ([], None)
        )
        admitted = verdict.result()
        if isinstance(admitted, Refused) or claim is None or admitted.source() != claim.source():
            problem = admitted.reason if isinstance(admitted, Refused) else "it changed while read"
        if problem is not None:
            for _, _, temp, _ in written:
                temp.unlink(missing_ok=True)
            result.left_out.append(f"{folder}: left out of the dataset: {problem}")
            continue
        for table, columns, temp, rows in written:
            final = commit(temp)
            schema[table] = columns
            result.written.append(str(final.relative_to(out)))
            result.rows += rows


def _convert_folder(
    out: Path,
    claim: Admitted,
    tables: tuple[Table, ...],
    schema: dict[str, Columns],
    arrow_reader: bool,
) -> tuple[list[tuple[str, Columns, Path, int]], str | None]:
    """Every partition of the folder written aside: (table, columns, hidden file, rows) each,
    and why the folder cannot go in, if it cannot (nothing is then kept). Arrow's reader
    writes it when it can (``_fast``); else, or when it gives up, the line reader."""
    written: list[tuple[str, Columns, Path, int]] = []
    try:
        day = claim.day.isoformat()
        paths = [file.path for file in claim.files]
        for table in tables:
            part = partition_folder(out, table.name, claim.scope, day)
            if part.is_dir():
                clean_partials(part)
            lines = _batches(claim, table, tables)
            fast = arrow_reading(paths, table, tables, schema[table.name], day)
            try:
                columns, rows, temp = write_part(
                    part,
                    fast if arrow_reader and fast else lines,
                    schema[table.name],
                    claim.source(),
                )
            except NotFast:
                columns, rows, temp = write_part(part, lines, schema[table.name], claim.source())
            written.append((table.name, columns, temp, rows))
    except (_LeftOut, BadFile, Conflict) as exc:
        return written, str(exc)
    except (ValueError, TypeError, OverflowError, NotImplementedError) as exc:  # Arrow refuses
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return written, f"a value does not fit its column ({reason})"
    return written, None


def _unchanged(out: Path, claim: Admitted, tables: tuple[Table, ...]) -> bool:
    """Whether every partition the folder feeds records the source its manifest claims (read
    from the manifest and the Parquet footers only: those files were checked when written)."""
    source = claim.source()
    for table in tables:
        part = partition_folder(out, table.name, claim.scope, claim.day.isoformat())
        path = part / PART_NAME
        if not path.is_file() or read_source(path) != source:
            return False
    return True


def _batches(
    admitted: Admitted, table: Table, tables: tuple[Table, ...]
) -> Callable[[], Iterator[list[dict[str, Any]]]]:
    """The table's records of the folder, a batch at a time (read again on each call)."""
    day = admitted.day.isoformat()

    def batches() -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        for file in admitted.files:
            for value in values(file.path):
                for record in unwrapped(value):
                    if type(record) is not dict or (home := table_for(tables, record)) is None:
                        raise _LeftOut(
                            f"{file.name} holds a record that is none of "
                            f"{', '.join(t.name for t in tables)} (by its fields)"
                        )
                    if home is not table:
                        continue
                    own = record.pop("day", None)
                    if table.one_day:
                        if own is not None and own != day:
                            raise _LeftOut(f"{file.name} holds a record of {own!s:.10}, not {day}")
                    elif own is not None:
                        record["record_day"] = own
                    batch.append(record)
                    if len(batch) >= BATCH_ROWS:
                        yield batch
                        batch = []
        if batch:
            yield batch

    return batches


def _load_schema(out: Path) -> dict[str, Columns]:
    """The dataset's columns by table: its ``SCHEMA_FILE``, over the declared ones."""
    schema = {name: [list(c) for c in columns] for name, columns in declared().items()}
    path = out / SCHEMA_FILE
    try:
        saved = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return schema
    tables = saved.get("tables") if isinstance(saved, dict) else None
    if isinstance(tables, dict):
        for name, columns in tables.items():
            if name in schema and isinstance(columns, list):
                schema[name] = columns
    return schema


def _save_schema(out: Path, schema: dict[str, Columns]) -> None:
    data = {
        "format": SCHEMA_FORMAT,
        "about": "Columns of each table of this dataset (the types of copilot-usage-report's "
        "docs/warehouse.md); partitioned by scope (string) and day (date).",
        "tables": schema,
    }
    atomic_write(out / SCHEMA_FILE, (json.dumps(data, indent=1) + "\n").encode())
