"""Reading an admitted report file through the gate: records and lines, each checked as read.

A file holds one record per line (NDJSON), one JSON document, a JSON array, or a
``day_totals`` wrapper; gzip-compressed or not (the same shapes ``_metrics.grains``
tells apart). Each line, or the document, is decoded once; it is walked for the bounds
only when its text could break them (``bounded.line_problem``'s test), and each record's
``day`` is checked against the report's window. The first failure raises ``Refused``.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

import msgspec

from .._core import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES
from .bounded import Refused, block_problem, decode_json, open_regular

__all__ = ["read_lines", "read_records"]

Record = dict[str, Any]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NO_DAY = object()
#: Lines are read, screened and decoded about this many bytes at a time.
_BATCH = 256 * 1024
_DECODE = msgspec.json.Decoder().decode


@contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    with open_regular(path) as raw:
        if path.name.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
                yield cast(IO[bytes], inflated)
        else:
            yield raw


def _head(handle: IO[bytes], path: Path) -> tuple[int, bytes] | None:
    """The first line that is not blank, and its number."""
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise Refused(f"{path} line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        if line.strip():
            return number, line
    return None


def _batches(handle: IO[bytes], path: Path, number: int) -> Iterator[tuple[int, list[bytes]]]:
    """The rest of the lines (line ``number`` on), a batch of about ``_BATCH`` bytes at a time,
    each batch screened whole (``block_problem``): its first line's number, and its lines."""
    while batch := handle.readlines(_BATCH):
        if max(map(len, batch)) > MAX_LINE_BYTES:
            long = next(i for i, line in enumerate(batch) if len(line) > MAX_LINE_BYTES)
            raise Refused(f"{path} line {number + long}: longer than {MAX_LINE_BYTES:,} bytes")
        found = block_problem(batch)
        if found is not None:
            raise Refused(f"{path} line {number + found[0]}: {found[1]}")
        yield number, batch
        number += len(batch)


def read_lines(path: Path) -> Iterator[bytes]:
    """Every non-blank line of an NDJSON file, each within the bounds; raises ``Refused``."""
    try:
        with _open(path) as handle:
            for _, batch in _batches(handle, path, 1):
                yield from (line for line in batch if line.strip())
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise Refused(f"{path}: cannot be read ({exc})") from None


def read_records(path: Path, first: date, last: date) -> Iterator[Record]:
    """Every record object of the file, wrappers opened, each checked; raises ``Refused``.

    Each line is decoded once; a batch of lines whose screen passes is not walked at all."""
    try:
        with _open(path) as handle:
            head = _head(handle, path)
            if head is None:
                return
            number, line = head
            good: set[str] = set()
            value = _value(line, path, number, quiet=True) if line.lstrip()[:1] == b"{" else None
            if value is None:  # one document, perhaps over several lines
                rest = handle.read(MAX_DOCUMENT_BYTES + 1)
                if len(line) + len(rest) > MAX_DOCUMENT_BYTES:
                    raise Refused(f"{path}: not NDJSON, and too large for one JSON document")
                value = _value(line + rest, path, None, quiet=False)
                yield from _checked(value, path, None, first, last, good)
                return
            yield from _checked(value, path, number, first, last, good)
            for start, batch in _batches(handle, path, number + 1):
                for offset, line in enumerate(batch):
                    try:
                        value = _DECODE(line)  # screened: nests at most MAX_DEPTH deep
                    except RecursionError:  # not reached: the screen refuses it first
                        raise Refused(f"{path} line {start + offset}: nested too deep") from None
                    except msgspec.DecodeError:
                        if not line.strip():
                            continue
                        raise Refused(f"{path} line {start + offset}: not JSON") from None
                    yield from _checked(value, path, start + offset, first, last, good)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise Refused(f"{path}: cannot be read ({exc})") from None


def _where(path: Path, number: int | None) -> str:
    return f"{path} line {number}" if number else str(path)


def _value(data: bytes, path: Path, number: int | None, *, quiet: bool) -> object:
    """The JSON value of ``data`` within bounds; ``None`` for text that is not JSON when
    ``quiet`` (the first line of a document), else ``Refused``."""
    try:
        value, problem = decode_json(data)
    except ValueError:
        if quiet:
            return None
        raise Refused(f"{_where(path, number)}: not JSON") from None
    if problem is not None:
        raise Refused(f"{_where(path, number)}: {problem}")
    return value


def _checked(
    value: object, path: Path, number: int | None, first: date, last: date, good: set[str]
) -> Iterator[Record]:
    """The records of ``value``, each ``day`` checked (``good``: the days already found good)."""
    for record in _opened(value):
        day = record.get("day", _NO_DAY)
        if day is not _NO_DAY and not (type(day) is str and day in good):
            problem = _day_problem(day, first, last)
            if problem is not None:
                raise Refused(f"{_where(path, number)}: {problem}")
            good.add(day)
        yield record


def _day_problem(day: object, first: date, last: date) -> str | None:
    if not isinstance(day, str) or not _DAY.fullmatch(day):
        return f"a record's day {str(day)[:40]!r} is not a date (YYYY-MM-DD)"
    try:
        when = date.fromisoformat(day)
    except ValueError:
        return f"a record's day {day!r} is not a date (YYYY-MM-DD)"
    if not first <= when <= last:
        window = str(last) if first == last else f"{first}..{last}"
        return f"a record's day {day} is not its folder's ({window})"
    return None


def _opened(value: object) -> Iterator[Record]:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, list | dict):
                yield from _opened(item)
    elif isinstance(value, dict):
        inner = value.get("day_totals")
        if isinstance(inner, list):
            for item in inner:
                if isinstance(item, dict):
                    yield item
        else:
            yield value
