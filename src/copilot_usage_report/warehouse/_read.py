"""The JSON values of one report file, read a line at a time.

NDJSON (one value a line), one JSON document, or a JSON array; gzip or not. A
line is decoded by msgspec, or the standard library for what msgspec refuses
(``_metrics.parse_line``); a document is read whole only up to the document bound.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from .._core import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES
from .._errors import ReportFormatError
from .._metrics import parse_document, parse_line

__all__ = ["BadFile", "open_report", "values"]


class BadFile(Exception):
    """A file that is not JSON we can read; the message says where."""


def open_report(path: Path) -> IO[bytes]:
    """The file's bytes, gunzipped when its name ends ``.gz``."""
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def values(path: Path) -> Iterator[object]:
    """Every JSON value of the file, in order; ``BadFile`` for a damaged one."""
    try:
        with open_report(path) as handle:
            yield from _values(handle, path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BadFile(f"{path.name} cannot be read ({exc})") from None


def _values(handle: IO[bytes], path: Path) -> Iterator[object]:
    number = 0
    started = False
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise BadFile(f"{path.name} line {number} is longer than any report record")
        if not line.strip():
            continue
        try:
            value = parse_line(line)
        except (ValueError, RecursionError):
            if started:
                raise BadFile(f"{path.name} line {number} is not JSON") from None
            yield _document(line, handle, path)
            return
        started = True
        yield value


def _document(first: bytes, handle: IO[bytes], path: Path) -> object:
    rest = handle.read(MAX_DOCUMENT_BYTES + 1 - len(first))
    data = first + rest
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadFile(f"{path.name} is neither NDJSON nor a JSON document small enough to read")
    try:
        return parse_document(path.name, data)
    except ReportFormatError as exc:
        raise BadFile(str(exc)) from None
