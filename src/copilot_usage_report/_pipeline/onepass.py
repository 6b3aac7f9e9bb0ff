"""One pass per byte in a fetch: each record decoded once, while it arrives, into the sums.

A download's content check (``_transfer.content.ContentCheck``) hands every line to a ``FetchTally``
(its ``RecordSink``), which decodes it into the structures the summary adds up: a line it
decodes is a JSON value, so the check is a by-product. Each file gets a tally of its own
(downloads run at once, on a pool, and a retried download starts a new one); the summary
of the fetch merges them in the order the files are listed (``Tally.merge``), so it equals
``summarize_paths`` of the same files and reads nothing from disk. A file the fetch did not
download (kept from an earlier run) is read from disk, as ``summarize`` reads it. A fetch
run by the app does this in a second process (``decoder``), which reads each file back as
it is written and hands its ``FetchTally`` back when the file is whole.

A JSON document (not NDJSON: an array, a ``day_totals`` wrapper, a pretty-printed object)
is parsed once at the end, from the bytes the check read back to judge it: documents are
the small aggregate reports (at most ``MAX_DOCUMENT_BYTES``), and the standard library
parses them exactly as ``summarize`` does.

A record the summary cannot use (a field of the wrong type) never fails the download: the
file is archived, the tally keeps the error, and the summary reports it as ``summarize``
would have, for the first such file in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .._archive import block_problem
from .._core import report_grain
from .._errors import ReportFormatError
from .._metrics import (
    Insight,
    Tally,
    decode_lines,
    parse_document,
    parse_line,
    require_report_files,
    unrecognised_error,
)

if TYPE_CHECKING:
    from .._transfer import SavedFile

__all__ = ["FetchTally", "beyond_history", "fetch_tally", "summarize_fetch"]


class FetchTally:
    """One file's records, added up as the content check reads them (a ``RecordSink``).

    ``tally`` holds this file's sums once ``finished``; ``error`` the first record the
    summary could not use (the file itself passed the check).
    """

    __slots__ = ("_beyond", "_file", "_path", "error", "finished", "tally")

    def __init__(self, path: Path) -> None:
        self.tally = Tally()
        self._path = path
        self._file = self.tally.file(path)
        self.error: ReportFormatError | None = None
        self.finished = False
        #: The first line beyond the history's bounds (``_archive.block_problem``), noted once.
        self._beyond: str | None = None

    def _screen(self, lines: Sequence[bytes], line: int) -> None:
        """Note the first of ``lines`` (line ``line`` on) the history's gate would refuse."""
        if self._beyond is None and (found := block_problem(lines)) is not None:
            self._beyond = f"line {line + found[0]}: {found[1]}"

    @property
    def records(self) -> int:
        """The records recognised so far (aggregate, per-user and user-team)."""
        return self._file.records

    def take(self, lines: list[bytes], start: int, line: int) -> int:
        values, users = decode_lines(lines, start)
        if values:
            self._screen(lines[start : start + len(values)], line)
        if values and self.error is None:
            try:
                self._file.add_decoded(values, line, users=users)
            except ReportFormatError as exc:
                self.error = exc
        return len(values)

    def value(self, line: bytes, number: int) -> None:
        self._screen([line], number)
        if self.error is not None:
            return
        try:
            value = parse_line(line)
        except (ValueError, RecursionError):  # msgspec's Raw read it; nothing else can
            self.error = ReportFormatError(
                f"{self._path}, line {number}: not a JSON record this tool can read."
            )
            return
        try:
            self._file.skip_to(f"line {number}")
            self._file.add(value, where=f"line {number}")
        except ReportFormatError as exc:
            self.error = exc

    def document(self, data: bytes) -> None:
        if (found := block_problem([data])) is not None and self._beyond is None:
            self._beyond = found[1]
        if self.error is not None:
            return
        try:
            self._file.add(parse_document(self._path, data), where="its JSON document")
        except ReportFormatError as exc:
            self.error = exc

    def finish(self) -> None:
        if self.error is None:
            try:
                self._file.finish()
            except ReportFormatError as exc:
                self.error = exc
        self.finished = True

    @property
    def beyond(self) -> tuple[str, ...]:
        """What the file holds that the history's gate refuses (``_archive.gate``): at most one
        line per kind (a bound, a day), each naming the file; empty for most files."""
        skips = "saved as GitHub sent it, but `history` skips its folder"
        found = []
        if self._beyond is not None:
            found.append(f"{self._path}, {self._beyond}: {skips}.")
        days = _outside(self._path, self.tally.days())
        if days:
            found.append(f"{self._path} holds records for {days}, not its folder's day: {skips}.")
        return tuple(found)


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _outside(path: Path, days: set[date]) -> str | None:
    """The days (a few, in words) outside the report's window the file's folder names (its
    day; the 28 days ending there for a 28-day report), as the history's gate judges them."""
    folder = path.parent.name
    if not _DAY.fullmatch(folder):
        return None
    try:
        last = date.fromisoformat(folder)
    except ValueError:
        return None
    first = last - timedelta(days=27 if path.parent.parent.name.endswith("-28-day") else 0)
    wrong = sorted(d for d in days if not first <= d <= last)
    if not wrong:
        return None
    more = f" and {len(wrong) - 3:,} more" if len(wrong) > 3 else ""
    return ", ".join(d.isoformat() for d in wrong[:3]) + more


def fetch_tally(report: str, path: Path) -> FetchTally | None:
    """The sink of one file of a ``report``; none for per-repository reports (not summarised)."""
    if report_grain(report) == "repos":
        return None
    return FetchTally(path)


def beyond_history(files: Iterable[SavedFile]) -> tuple[str, ...]:
    """One line per downloaded file and kind of value the history's gate refuses (an integer
    or nesting beyond its bounds, a record of another day), in the order of ``files``: the
    fetch keeps the bytes as GitHub sent them and says so. Kept apart from the summary's
    notes, which are the same whether a fetch or ``summarize`` reads the files."""
    lines: list[str] = []
    for saved in files:
        sink = saved.decoded
        if not isinstance(sink, FetchTally):
            sink = getattr(sink, "result", None)
        if isinstance(sink, FetchTally) and sink.finished:
            lines += sink.beyond
    return tuple(lines)


def summarize_fetch(
    files: Iterable[SavedFile], *, unrecognised: Literal["error", "skip"] = "error"
) -> Insight:
    """What a fetch's files add up to: ``summarize_paths`` of their paths, from the tallies
    their downloads filled (a file kept from an earlier run is read from disk).

    Raises as ``summarize_paths`` does: the first file in order whose records cannot be
    summarised, and (unless ``unrecognised="skip"``) files with no record of a known kind.
    """
    files = list(files)
    total = Tally()
    paths = require_report_files([f.path for f in files])
    sinks = {f.path: f.decoded for f in files}
    for path in paths:
        sink = sinks.get(path)
        if not isinstance(sink, FetchTally):  # checked by the worker (``decoder``): its tally
            sink = getattr(sink, "result", None)
        if isinstance(sink, FetchTally) and sink.finished:
            if sink.error is not None:
                raise sink.error
            total.merge(sink.tally)
        else:
            total.add_file(path)
    insight = total.insight()
    if insight.skipped and unrecognised == "error":
        raise unrecognised_error(insight.skipped)
    return insight
