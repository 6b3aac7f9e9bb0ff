"""Feeding a tally one file's records as they arrive: lines, blocks of lines, parsed values.

``FileTally`` is what a reader (``Tally.add_file``) or a download hands each line to, once:
aggregate and user-team records go into the tally at once, per-user rows a block at a time,
by the fast path (``fast``) when they qualify. A wrong type is located (file, line, field)
by adding the block's rows again one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Protocol

import msgspec

from .._core import Grain
from .._errors import ReportFormatError
from .fast import FastUser, decode_user, decode_users
from .grains import grain_of
from .precedence import LOOSE, Rank, rank_of
from .records import RecordError, parse_line, record_error, unwrap
from .records import decode_value as _decode_value
from .sums import Bad, column

__all__ = ["Adder", "FileTally", "OnRecord", "decode_lines"]

#: Called with each recognised record (its grain, and the dict), once it is added.
OnRecord = Callable[[Grain, dict[str, Any]], None]


class Adder(Protocol):
    """What a ``FileTally`` feeds: a ``tally.Tally``, seen only through the calls it makes
    (so this module needs nothing of ``tally``, which builds on it)."""

    def add(
        self, kind: Grain, record: dict[str, Any], *, source: str = "", rank: Rank = LOOSE
    ) -> None:
        """One record of a summed grain (``aggregate``, ``users``, ``user-teams``), from a file
        of ``rank`` (``precedence``)."""

    def add_users(self, records: Sequence[Any]) -> None:
        """Per-user rows, in bulk."""

    def add_repo(self, record: dict[str, Any]) -> bool:
        """One repository's day (``repos``), kept apart from the totals."""

    def file_done(self, path: Path, *, recognised: bool) -> None:
        """The file has been read (``recognised``: it held a record of a summed grain)."""


def _all_users(rows: list[FastUser]) -> bool:
    """Whether every decoded row is a per-user row (a user id, and no team: ``grain_of``'s
    ``users``; a row with a login and no id is left to ``decode_user``, line by line)."""
    n = len(rows)
    return (
        None not in column(rows, "user_id")
        and column(rows, "team_id").count(None) == n
        and column(rows, "slug").count(None) == n
    )


def decode_lines(lines: Sequence[bytes], start: int = 0) -> tuple[list[Any], bool]:
    """The lines from ``start`` on, decoded, up to the first that msgspec does not read as one
    JSON value (a blank line, one it refuses): each per-user row as a ``FastUser``, any other
    value as JSON gives it. Returns the values, and whether all are per-user rows.

    A line is decoded once: an ASCII line that decodes as a per-user row is checked JSON
    (msgspec checks the syntax of what it skips), any other is decoded whole (msgspec checks
    its syntax and the UTF-8 of every string). What is left, the caller judges.
    """
    rest = lines[start:] if start else lines
    if all(map(bytes.isascii, rest)):
        try:
            rows = list(map(decode_users, rest))
        except (msgspec.DecodeError, RecursionError):
            pass
        else:
            if rows and _all_users(rows):
                return rows, True
    values: list[Any] = []
    for raw in rest:
        row = decode_user(raw)
        if row is not None:
            values.append(row)
            continue
        try:
            values.append(_decode_value(raw))
        except (msgspec.DecodeError, RecursionError):
            break
    return values, False


class FileTally:
    """One file's records, fed as they arrive (``add_line`` or ``add``), then ``finish()``.

    The records go into the ``Tally``: aggregate and user-team records at once, per-user rows
    a block of ``BLOCK`` at a time (added up in bulk); ``finish`` adds the last block. This
    object knows the file's name, its line number and how many records it recognised, so a
    download can feed each line once while it writes it.
    """

    __slots__ = (
        "_fast",
        "_fast_lines",
        "_line",
        "_on_record",
        "_path",
        "_pending",
        "_rank",
        "_tallies",
        "_where",
        "records",
    )

    #: Per-user rows held before they are added up together.
    BLOCK: Final = 512

    def __init__(
        self, tallies: tuple[Adder, ...], path: Path, on_record: OnRecord | None = None
    ) -> None:
        self._tallies = tallies
        self._on_record = on_record
        self._path = path
        self._rank = rank_of(path)
        self._line = 0
        self._pending: list[dict[str, Any]] = []
        self._where: list[str] = []
        #: Per-user rows of the fast path (``fast``), with their line numbers.
        self._fast: list[FastUser] = []
        self._fast_lines: list[int] = []
        self.records = 0

    def add_line(self, raw: bytes) -> None:
        """Add one NDJSON line (blank lines count as lines and add nothing).

        A per-user row takes the fast path (``decode_user``) unless someone asked for the
        records (``on_record``, which is handed dicts); anything else is parsed as JSON.
        """
        if self._on_record is None:
            row = decode_user(raw)
            if row is not None:
                self._queue_users([row], self._line + 1)
                return
        self._line += 1
        self._add_json_line(raw)

    def _add_json_line(self, raw: bytes) -> None:
        """Line ``self._line``, not a per-user row of the fast path, parsed and added."""
        if not raw.strip():
            return
        try:
            value = parse_line(raw)
        except (ValueError, RecursionError):
            raise ReportFormatError(
                f"{self._path}, line {self._line}: not a JSON record; the file is damaged or "
                "cut off."
            ) from None
        self.add(value, where=f"line {self._line}")

    def add_decoded(self, values: list[Any], first: int, *, users: bool = False) -> None:
        """Add what ``decode_lines`` gave, the first value being line ``first``'s.

        With ``users`` (all of them per-user rows) they are added in bulk.
        """
        if users:
            self._queue_users(values, first)
            return
        run: list[FastUser] = []  # per-user rows in a row, queued together
        for number, value in enumerate(values, first):
            if type(value) is FastUser:
                run.append(value)
                continue
            if run:
                self._queue_users(run, number - len(run))
                run = []
            self._line = number
            self.add(value, where=f"line {number}")
        if run:
            self._queue_users(run, first + len(values) - len(run))

    def skip_to(self, where: str) -> None:
        """Set the line number from ``line N`` (a reader that parsed that line itself)."""
        if where.startswith("line "):
            self._line = int(where[5:])

    def add_lines(self, lines: Sequence[bytes] | Sequence[memoryview]) -> None:
        """Add a block of NDJSON lines: per-user rows are decoded and added in bulk.

        Lines are ``bytes``, or ``memoryview`` slices of a block its reader found all ASCII
        (``read_records``). A block that is not all per-user rows the fast path accepts goes
        line by line, its runs of per-user rows queued together.
        """
        if not lines:
            return
        # a reader's views are of a block it checked whole
        ascii_ = type(lines[0]) is memoryview or all(map(bytes.isascii, lines))  # type: ignore[arg-type]
        if self._on_record is None and ascii_:
            try:
                rows = list(map(decode_users, lines))
            except (msgspec.DecodeError, RecursionError):
                rows = []
            if rows and _all_users(rows):
                self._queue_users(rows, self._line + 1)
                return
        if self._on_record is not None:  # handed dicts: no fast path
            for raw in lines:
                self._line += 1
                self._add_json_line(bytes(raw))
            return
        run: list[FastUser] = []  # per-user rows in a row, queued together
        for view in lines:
            raw = bytes(view)
            row = decode_user(raw)
            if row is not None:
                run.append(row)
                continue
            if run:
                self._queue_users(run, self._line + 1)
                run = []
            self._line += 1
            self._add_json_line(raw)
        if run:
            self._queue_users(run, self._line + 1)

    def add(self, value: object, *, where: str = "") -> None:
        """Add one parsed JSON value: a record, or an array or wrapper of them."""
        records = list(unwrap(value))
        for number, record in enumerate(records, 1):
            kind = grain_of(record)
            if kind is None:
                continue
            if kind == "repos":  # a repository's day: kept apart, never summed
                assert isinstance(record, dict)
                self.records += any([tally.add_repo(record) for tally in self._tallies])
                continue
            assert isinstance(record, dict)
            place = where or "a record"
            if len(records) > 1:
                place += f", record {number}"
            self.records += 1
            if kind == "users":  # handed to on_record once added: checked, in order
                if self._fast:
                    self._flush_fast()
                self._pending.append(record)
                self._where.append(place)
                if len(self._pending) >= self.BLOCK:
                    self._flush()
                continue
            self._flush_fast()
            self._flush()
            source = f"{self._path}, {place}"
            try:
                for tally in self._tallies:
                    tally.add(kind, record, source=source, rank=self._rank)
            except RecordError as exc:
                raise record_error(exc, self._path, place) from None
            if self._on_record is not None:
                self._on_record(kind, record)

    def _queue_users(self, rows: list[FastUser], first: int) -> None:
        """Queue the fast path's per-user rows of lines ``first`` on, added up ``BLOCK`` at a
        time: the one place a row joins the queue (one call per block of lines, or per line
        only where lines come one at a time)."""
        if self._pending:  # rows are added in file order, so errors come in it
            self._flush()
        self._fast += rows
        self._fast_lines += range(first, first + len(rows))
        self.records += len(rows)
        self._line = first + len(rows) - 1
        if len(self._fast) >= self.BLOCK:
            self._flush_fast()

    def _flush(self) -> None:
        """Add the pending per-user rows; a wrong type is located by adding them one by one."""
        records, self._pending = self._pending, []
        wheres, self._where = self._where, []
        if not records:
            return
        try:
            for tally in self._tallies:
                tally.add_users(records)
        except Bad:
            for record, place in zip(records, wheres, strict=True):
                try:
                    type(self._tallies[0])().add("users", record)
                except RecordError as exc:
                    raise record_error(exc, self._path, place) from None
            raise ReportFormatError(  # pragma: no cover - one by one, some record fails
                f"{self._path}, {wheres[0]}: a per-user row has a field of the wrong type."
            ) from None
        if self._on_record is not None:
            for record in records:
                self._on_record("users", record)

    def _flush_fast(self) -> None:
        """Add the fast path's pending rows; a refused one is located through the dict path."""
        rows, self._fast = self._fast, []
        lines, self._fast_lines = self._fast_lines, []
        if not rows:
            return
        try:
            for tally in self._tallies:
                tally.add_users(rows)
        except Bad:
            for row, line in zip(rows, lines, strict=True):
                try:
                    type(self._tallies[0])().add("users", msgspec.to_builtins(row))
                except RecordError as exc:
                    raise record_error(exc, self._path, f"line {line}") from None
            raise ReportFormatError(  # pragma: no cover - one by one, some record fails
                f"{self._path}, line {lines[0]}: a per-user row has a field of the wrong type."
            ) from None

    def finish(self) -> int:
        """Close the file: it counts as read, or as skipped when nothing in it was recognised."""
        self._flush_fast()
        self._flush()
        for tally in self._tallies:
            tally.file_done(self._path, recognised=self.records > 0)
        return self.records
