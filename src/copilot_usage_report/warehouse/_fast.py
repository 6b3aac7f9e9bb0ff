"""A folder's files read by Arrow's own JSON reader (C++, on threads): the dataset's fast path.

``arrow_reading`` gives a table's record batches, each cast to the table's columns
exactly as ``_write`` casts the records that ``_read`` and ``_convert`` give,
or raises ``NotFast``: the caller then reads the folder that other way, which alone decides
what goes in and what leaves a folder out. Nothing the fast path writes is kept then (the
partition is written aside). It takes a folder only when that other reading would give the
same rows, which it checks on the way:

- a file is compact NDJSON: every line one JSON object, ``{`` its first byte and ``}``
  its last, as many rows as lines (so no line holds two values and no value two lines);
  valid UTF-8 (Arrow does not check it); no ``NaN`` or ``Infinity`` (Arrow reads them,
  JSON has none: checked in the columns); no line longer than a block (``BLOCK_BYTES``, which
  bounds memory);
- every field is a column of the table and of its type (a new field, a fraction in an
  integer column: Arrow refuses, and the other reading widens the columns); a date is read
  as its string and cast as the other reading casts it;
- every record is of the table's grain by ``_metrics``' classifier: ``grain_of_columns``
  is asked once for each distinct set of non-null fields a batch holds; its ``day`` is the
  folder's (one-day tables) or kept as ``record_day``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from .._metrics import grain_of_columns
from ._read import open_report
from ._tables import Table
from ._types import Columns, Type, to_arrow

__all__ = ["BLOCK_BYTES", "NotFast", "arrow_reading"]

#: What Arrow's reader reads and parses at a time (a line longer than this is read the other way).
BLOCK_BYTES = 2 << 20
_OPEN, _CLOSE = ord("{"), ord("}")
#: Fields whose every set of null and non-null a batch can hold, asked of the classifier.
_MAX_MIXED = 62


class NotFast(Exception):
    """The fast path cannot give exactly the rows of the other reading; read it that way."""


def arrow_reading(
    files: Sequence[Path], table: Table, tables: tuple[Table, ...], columns: Columns, day: str
) -> Callable[[], Iterator[Any]] | None:
    """The table's record batches of ``files`` read by Arrow (each call reads them again);
    ``None`` where the fast path never applies (a report feeding several tables, a table
    told by a key rather than a grain)."""
    if len(tables) != 1 or table.kind is None:
        return None

    def batches() -> Iterator[Any]:
        reading = _Reading(table, columns, day)
        for path in files:
            yield from reading.file(path)

    return batches


def _as_read(spelled: Type) -> Type:
    """The type asked of Arrow's reader: a date read as its string."""
    if isinstance(spelled, str):
        return "string" if spelled == "date" else spelled
    if "list" in spelled:
        return {"list": _as_read(spelled["list"])}
    return {"struct": [[name, _as_read(t)] for name, t in spelled["struct"]]}


class _Reading:
    """One table's reading of a folder: the schemas asked and given, the classifier's answers."""

    def __init__(self, table: Table, columns: Columns, day: str) -> None:
        import pyarrow as pa

        self.kind = table.kind
        self.one_day = table.one_day
        self.day = day
        own = [(name, t) for name, t in columns if table.one_day or name != "record_day"]
        self.read = pa.schema(
            [pa.field(name, to_arrow(_as_read(t))) for name, t in own]
            + [pa.field("day", pa.string())]
        )
        self.target = pa.schema([pa.field(name, to_arrow(t)) for name, t in columns])
        self.names = [name for name, _ in columns]
        self.fractional = [name for name, t in own if "double" in json.dumps(t)]
        self.grains: dict[tuple[frozenset[str], frozenset[str]], object] = {}

    def file(self, path: Path) -> Iterator[Any]:
        import pyarrow as pa
        import pyarrow.json as pj

        rows = 0
        try:
            with open_report(path) as handle:
                checked = _Checked(handle)
                reader = pj.open_json(
                    pa.PythonFile(checked, mode="r"),
                    read_options=pj.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
                    parse_options=pj.ParseOptions(
                        explicit_schema=self.read, unexpected_field_behavior="error"
                    ),
                    # the C library's allocator gives freed blocks back at once: peak RSS 238
                    # MiB against 271 with Arrow's default (mimalloc), as fast (docs/performance.md)
                    memory_pool=pa.system_memory_pool(),
                )
                for batch in reader:
                    rows += batch.num_rows
                    yield self._cast(batch)
                checked.finish()
        except (pa.ArrowException, ValueError, TypeError, OSError, EOFError) as exc:
            raise NotFast(f"{path.name}: {type(exc).__name__}") from None
        if not checked.exact(rows):
            raise NotFast(f"{path.name} is not compact NDJSON of one object a line")

    def _cast(self, batch: Any) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        self._classify(batch)
        if not all(_finite(batch.column(name)) for name in self.fractional):
            raise NotFast("NaN or Infinity, which JSON has not")
        days = batch.column("day")
        by_name = {name: batch.column(name) for name in batch.schema.names}
        if self.one_day:
            if days.null_count < len(days) and not pc.all(pc.equal(days, self.day)).as_py():
                raise NotFast("a record of another day")
        else:
            by_name["record_day"] = days
        # the cast the other reading's records get, column by column (a date from its string)
        arrays = [
            column if column.type == field.type else column.cast(field.type)
            for column, field in zip(
                (by_name[name] for name in self.names), self.target, strict=True
            )
        ]
        return pa.RecordBatch.from_arrays(arrays, schema=self.target)

    def _classify(self, batch: Any) -> None:
        """``NotFast`` unless every record of the batch is of the table's grain."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if batch.num_rows == 0:
            return
        values: set[str] = set()
        nulls: set[str] = set()
        mixed: list[str] = []
        for name in batch.schema.names:
            count = batch.column(name).null_count
            if count == 0:
                values.add(name)
            elif count == batch.num_rows:
                nulls.add(name)
            else:
                mixed.append(name)
        if len(mixed) > _MAX_MIXED:
            raise NotFast("too many fields null in some records only")
        patterns = {0}
        if mixed:
            code = pa.scalar(0, pa.int64())
            for bit, name in enumerate(mixed):
                valid = pc.cast(pc.is_valid(batch.column(name)), pa.int64())
                code = pc.add(code, pc.multiply(valid, 1 << bit))
            patterns = set(pc.unique(code).to_pylist())
        for pattern in patterns:
            on = frozenset(n for bit, n in enumerate(mixed) if pattern >> bit & 1)
            key = (frozenset(values | on), frozenset(nulls.union(mixed) - on))
            if key not in self.grains:
                self.grains[key] = grain_of_columns(*key)
            if self.grains[key] != self.kind:
                raise NotFast("a record of another grain, or of none")


def _finite(array: Any) -> bool:
    """Whether every number of a column (in lists and structs too) is finite; Arrow's reader
    reads ``NaN`` and ``Infinity``, which a JSON reader refuses."""
    import pyarrow.compute as pc
    import pyarrow.types as at

    kind = array.type
    if at.is_floating(kind):
        return pc.all(pc.is_finite(array)).as_py() is not False
    if at.is_struct(kind):
        return all(_finite(array.field(index)) for index in range(kind.num_fields))
    if at.is_list(kind):
        return _finite(array.values)
    return True


class _Checked:
    """A report file as Arrow's reader reads it, its lines checked on the way: each ``{`` to
    ``}`` (found with ``bytes.find``, nothing copied), no longer than a block, valid UTF-8.
    Once a line fails, it reads as the end of the file: the file goes to the line reader."""

    closed = False

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self.lines = 0
        self.plain = True
        self._first = self._last = -1  # the line begun: its first and last byte so far
        self._begun = 0  # and its length so far
        self._utf8 = codecs.getincrementaldecoder("utf-8")()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.plain:  # the file goes to the line reader: Arrow's reader reads no more
            return b""
        data = self._handle.read(size)
        if data:
            self._see(data)
        return data

    def _see(self, data: bytes) -> None:
        if not data.isascii():
            try:
                self._utf8.decode(data)
            except UnicodeDecodeError:
                self.plain = False
        find, size, start = data.find, len(data), 0
        first, last, lines, plain = self._first, self._last, 0, True
        while True:
            end = find(b"\n", start)
            stop = size if end < 0 else end
            if stop > start:
                if first < 0:
                    first = data[start]
                last = data[stop - 1]
            if end < 0:
                break
            plain = plain and first == _OPEN and last == _CLOSE
            lines += 1
            first = last = -1
            start = end + 1
        # a line longer than a block would grow Arrow's buffer: the line reader bounds it
        self._begun = self._begun + size if start == 0 else size - start
        self._first, self._last = first, last
        self.lines += lines
        self.plain = self.plain and plain and self._begun <= BLOCK_BYTES

    def finish(self) -> None:
        """Count a last line without its newline; a file cut inside a character is not plain."""
        if self._first >= 0:
            self._see(b"\n")
        try:
            self._utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            self.plain = False

    def exact(self, rows: int) -> bool:
        """Whether every line was one object, ``{`` to ``}``, and the reader gave one row each."""
        return self.plain and self.lines == rows
