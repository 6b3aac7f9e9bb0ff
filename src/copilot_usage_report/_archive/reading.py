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

from .._core import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES
from .bounded import Refused, decode_json, line_problem, open_regular

__all__ = ["read_lines", "read_records"]

Record = dict[str, Any]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@contextmanager
def _open(path: Path) -> Iterator[IO[bytes]]:
    with open_regular(path) as raw:
        if path.name.endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as inflated:
                yield cast(IO[bytes], inflated)
        else:
            yield raw


def _raw_lines(handle: IO[bytes], path: Path) -> Iterator[tuple[int, bytes]]:
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise Refused(f"{path} line {number}: longer than {MAX_LINE_BYTES:,} bytes")
        if line.strip():
            yield number, line


def read_lines(path: Path) -> Iterator[bytes]:
    """Every non-blank line of an NDJSON file, each within the bounds; raises ``Refused``."""
    try:
        with _open(path) as handle:
            for number, line in _raw_lines(handle, path):
                problem = line_problem(line)
                if problem is not None:
                    raise Refused(f"{path} line {number}: {problem}")
                yield line
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise Refused(f"{path}: cannot be read ({exc})") from None


def read_records(path: Path, first: date, last: date) -> Iterator[Record]:
    """Every record object of the file, wrappers opened, each checked; raises ``Refused``."""
    try:
        with _open(path) as handle:
            lines = _raw_lines(handle, path)
            head = next(lines, None)
            if head is None:
                return
            number, line = head
            value = _value(line, path, number, quiet=True) if line.lstrip()[:1] == b"{" else None
            if value is None:  # one document, perhaps over several lines
                rest = handle.read(MAX_DOCUMENT_BYTES + 1)
                if len(line) + len(rest) > MAX_DOCUMENT_BYTES:
                    raise Refused(f"{path}: not NDJSON, and too large for one JSON document")
                value = _value(line + rest, path, None, quiet=False)
                yield from _checked(value, path, None, first, last)
                return
            yield from _checked(value, path, number, first, last)
            for number, line in lines:
                value = _value(line, path, number, quiet=False)
                yield from _checked(value, path, number, first, last)
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
    value: object, path: Path, number: int | None, first: date, last: date
) -> Iterator[Record]:
    for record in _opened(value):
        if "day" in record:
            problem = _day_problem(record["day"], first, last)
            if problem is not None:
                raise Refused(f"{_where(path, number)}: {problem}")
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
