"""Reading the records of a report file, told apart by what they contain.

A file holds one record per line (NDJSON), one JSON document, a JSON array, or
a ``day_totals`` wrapper; gzip-compressed or not. Each record is an aggregate
day (``day`` and activity counts), a per-user row (``user_id`` with activity)
or a user-team membership row (``user_id`` with ``team_id``/``slug`` and no
activity). The wrapper never decides: a row with ``user_id`` is a user row
wherever it sits.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, cast

import msgspec

__all__ = ["Grain", "Record", "UnreadableFile", "grain_of", "grain_records"]

Grain = Literal["aggregate", "users", "user-teams"]
Record = dict[str, Any]

#: Fields only an activity record has (a membership row has none of them).
_ACTIVITY = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "totals_by_feature",
    "totals_by_ide",
    "daily_active_users",
)
_decoder = msgspec.json.Decoder()


class UnreadableFile(Exception):
    """The file is not JSON we can read; the message says where."""


def grain_of(record: Record) -> Grain | None:
    """Which table a record belongs to, or ``None`` when it is not a record we know."""
    if not isinstance(record.get("day"), str):
        return None
    has_activity = any(field in record for field in _ACTIVITY)
    if "user_id" in record:
        if has_activity:
            return "users"
        if "team_id" in record or "slug" in record:
            return "user-teams"
        return "users"
    return "aggregate" if has_activity else None


def grain_records(path: Path) -> Iterator[Record]:
    """Every record object in the file, wrappers opened; raises ``UnreadableFile``."""
    try:
        with _open(path) as handle:
            yield from _objects(handle, path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc})") from None


def _open(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _objects(handle: IO[bytes], path: Path) -> Iterator[Record]:
    first = handle.readline()
    while first and not first.strip():
        first = handle.readline()
    stripped = first.lstrip()
    if not stripped:
        return
    if stripped.startswith(b"{"):
        try:
            value = _decoder.decode(first)
        except msgspec.DecodeError:
            value = None  # a document over several lines
        if value is not None:
            yield from _opened(value)
            for number, line in enumerate(handle, start=2):
                if line.strip():
                    yield from _opened(_decode(line, path, number))
            return
    document = _decode(first + handle.read(), path, None)
    yield from _opened(document)


def _decode(data: bytes, path: Path, line: int | None) -> object:
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError as exc:
        where = f" line {line}" if line else ""
        raise UnreadableFile(f"{path}{where}: not JSON ({exc})") from None


def _opened(value: object) -> Iterator[Record]:
    if isinstance(value, list):
        for item in value:
            yield from _opened(item)
    elif isinstance(value, dict):
        inner = value.get("day_totals")
        if isinstance(inner, list):
            for item in inner:
                if isinstance(item, dict):
                    yield item
        else:
            yield value
