"""Writing one partition: batches of records in, one Parquet file out, renamed in whole.

Records arrive in batches (``BATCH_ROWS``); each batch becomes Arrow arrays of
the table's columns (types inferred, then cast to the columns: a new field
widens them first), and a row group is written every ``ROW_GROUP_ROWS`` rows,
so memory holds a row group, never the file. The file is written under a hidden
temporary name beside its final one and renamed over it only when complete; its
footer records the folder and the SHA-256 of every file it came from. Row groups are
encoded on a thread of their own while the next records are decoded.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from .._archive import make_folder
from ._merge import merge_columns
from ._types import Columns, from_arrow, to_arrow

__all__ = [
    "BATCH_ROWS",
    "PART_NAME",
    "ROW_GROUP_ROWS",
    "SOURCE_KEY",
    "Widened",
    "commit",
    "write_part",
]

#: Records decoded before they become Arrow arrays (a few MB of Python objects).
BATCH_ROWS = 4096
#: Rows a row group holds (tens of MB of Arrow data at GitHub's per-user record size).
ROW_GROUP_ROWS = 32768
#: The one file of a partition, so that a sync to a bucket replaces it, never duplicates it.
PART_NAME = "part-0.parquet"
#: The footer key holding where the partition came from (JSON).
SOURCE_KEY = b"copilot_usage_report.source"


class Widened(Exception):
    """A batch brought a field after rows were written: the caller starts the file again."""

    def __init__(self, columns: Columns) -> None:
        super().__init__("widened")
        self.columns = columns


def read_source(path: Path) -> dict[str, Any] | None:
    """The source a partition records, or ``None`` when absent or unreadable."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path).metadata or {}
        value = json.loads(meta[SOURCE_KEY])
    except Exception:  # a footer that does not read (any Arrow error) is a partition to rewrite
        return None
    return value if isinstance(value, dict) else None


def write_part(
    folder: Path,
    batches: Callable[[], Iterable[Any]],
    columns: Columns,
    source: dict[str, Any],
) -> tuple[Columns, int, Path]:
    """Write the partition aside, beside ``folder/part-0.parquet``: the columns used, the rows,
    and the hidden file written, for the caller to rename in (``commit``) or remove.

    A batch is a list of records (decoded JSON objects), or an Arrow record batch already
    of ``columns``' types (``_fast``), which never widens them.

    The columns are widened by whatever the records bring (``Widened`` restarts
    the file, reading the batches again, when that happens after rows are written).
    """
    while True:
        try:
            return _write(folder, batches, columns, source)
        except Widened as wider:
            columns = wider.columns


def commit(temp: Path) -> Path:
    """Rename a file ``write_part`` wrote over the partition's one file, in one step."""
    final = temp.with_name(PART_NAME)
    temp.replace(final)
    return final


def _write(
    folder: Path,
    batches: Callable[[], Iterable[Any]],
    columns: Columns,
    source: dict[str, Any],
) -> tuple[Columns, int, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    make_folder(folder)
    temp = folder / f".{PART_NAME}.{os.getpid()}-{uuid.uuid4().hex[:12]}.part"
    writer: pq.ParquetWriter | None = None
    pending: list[pa.Table] = []
    rows = pending_rows = 0
    metadata = {SOURCE_KEY: json.dumps(source, sort_keys=True).encode()}
    # Encoding and compressing a row group releases the GIL: it runs on a thread of its own
    # while the next records are decoded, one row group at a time.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet")
    writing: Future[None] | None = None

    def schema() -> pa.Schema:
        return pa.schema([pa.field(name, to_arrow(t)) for name, t in columns], metadata=metadata)

    def flush() -> None:
        nonlocal writer, pending, pending_rows, writing
        if writer is None:
            writer = pq.ParquetWriter(temp, schema(), compression="zstd")
        if writing is not None:
            writing.result()
            writing = None
        if pending:
            writing = pool.submit(writer.write_table, pa.concat_tables(pending))
        pending, pending_rows = [], 0

    done = False
    try:
        for batch in batches():
            if not isinstance(batch, list):  # Arrow's reader: already the columns' types
                part = pa.Table.from_batches([batch])
            else:
                array = pa.array(batch)
                found = from_arrow(array.type)
                if isinstance(found, dict) and "struct" in found:
                    wider = merge_columns(columns, found["struct"])
                    if wider is not columns:
                        if writer is not None or pending:
                            raise Widened(wider)
                        columns = wider
                part = pa.Table.from_struct_array(array.cast(pa.struct(list(schema()))))
            pending.append(part.replace_schema_metadata(metadata))
            pending_rows += len(batch)
            rows += len(batch)
            if pending_rows >= ROW_GROUP_ROWS:
                flush()
        flush()
        if writing is not None:
            writing.result()
        assert writer is not None
        writer.close()
        writer = None
        done = True
    finally:
        pool.shutdown(wait=True)
        if writer is not None:
            with suppress(Exception):
                writer.close()
        if not done:
            with suppress(OSError):
                temp.unlink(missing_ok=True)
    return columns, rows, temp
