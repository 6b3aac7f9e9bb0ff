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

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

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

__all__ = ["FetchTally", "fetch_tally", "summarize_fetch"]


class FetchTally:
    """One file's records, added up as the content check reads them (a ``RecordSink``).

    ``tally`` holds this file's sums once ``finished``; ``error`` the first record the
    summary could not use (the file itself passed the check).
    """

    __slots__ = ("_file", "_path", "error", "finished", "tally")

    def __init__(self, path: Path) -> None:
        self.tally = Tally()
        self._path = path
        self._file = self.tally.file(path)
        self.error: ReportFormatError | None = None
        self.finished = False

    @property
    def records(self) -> int:
        """The records recognised so far (aggregate, per-user and user-team)."""
        return self._file.records

    def take(self, lines: list[bytes], start: int, line: int) -> int:
        values, users = decode_lines(lines, start)
        if values and self.error is None:
            try:
                self._file.add_decoded(values, line, users=users)
            except ReportFormatError as exc:
                self.error = exc
        return len(values)

    def value(self, line: bytes, number: int) -> None:
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


def fetch_tally(report: str, path: Path) -> FetchTally | None:
    """The sink of one file of a ``report``; none for per-repository reports (not summarised)."""
    if report_grain(report) == "repos":
        return None
    return FetchTally(path)


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
