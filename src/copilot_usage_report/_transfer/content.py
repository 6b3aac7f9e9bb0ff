"""The report files behind the links: checked, while they stream in, to be NDJSON or one JSON
document, inside bounds whatever a server sends; each record handed once to a ``RecordSink``
that decodes it (the summary's tally, ``_pipeline.onepass``), so a fetch reads every byte once.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import Protocol

import msgspec

from .._core import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, TOO_DEEP
from .._errors import ReportFormatError

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "TOO_DEEP",
    "ContentCheck",
    "RecordSink",
    "is_utf8",
]


class _AnyObject(msgspec.Struct):
    """A JSON object, whatever its fields: msgspec checks their syntax without building them."""


_decode_object = msgspec.json.Decoder(_AnyObject).decode
_NEWLINES = re.compile(rb"\n+")
#: Any JSON value, its syntax checked without building it (a ``Raw`` keeps only a view).
_decode_any = msgspec.json.Decoder(msgspec.Raw).decode
#: UTF-8 beyond this many bytes is checked in slices of it, so no huge ``str`` is built.
_UTF8_SLICE = 1024 * 1024
#: With a sink, complete lines are handed over once this many bytes of them are held.
_SINK_BATCH = 1024 * 1024
#: A line or document msgspec refuses goes to ``json.loads`` (the last word) up to this size;
#: beyond it msgspec's verdict stands, so a refusal never builds a huge Python object.
_LOADS_LIMIT = 1024 * 1024


def is_utf8(line: bytes | bytearray | memoryview) -> bool:
    """Whether a line may go to msgspec: it checks the syntax of every value it skips, but
    not the UTF-8 of the strings it skips, so a line must be valid UTF-8 (ASCII always is).

    Large lines are checked in slices: memory stays bounded whatever the line's size.
    """
    if isinstance(line, bytes) and line.isascii():  # a view is decoded, never copied
        return True
    view = memoryview(line)
    try:
        if len(view) <= _UTF8_SLICE:
            str(view, "utf-8")
            return True
        decoder = codecs.getincrementaldecoder("utf-8")()
        for start in range(0, len(view), _UTF8_SLICE):
            decoder.decode(view[start : start + _UTF8_SLICE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _check_object(line: bytes | bytearray | memoryview) -> object:
    """Accepts a line only if it is one complete JSON object; raises ``ValueError`` otherwise.

    A line of an all-ASCII chunk needs no UTF-8 check and goes to ``_decode_object`` directly.
    """
    if not is_utf8(line):
        raise ValueError("not UTF-8")
    return _decode_object(line)


def _is_json(data: bytes | bytearray | memoryview) -> bool:
    """Whether ``data`` is one JSON value; raises ``RecursionError`` when it nests too deep.

    msgspec judges first, without building anything; what it refuses, ``json.loads`` judges
    when small (it accepts NaN, a byte-order mark, lone surrogate escapes).
    """
    if not is_utf8(data):
        return False
    try:
        _decode_any(data)
    except ValueError:
        if len(data) > _LOADS_LIMIT:
            return False
        try:
            json.loads(bytes(data))
        except ValueError:
            return False
    return True


class RecordSink(Protocol):
    """What a ``ContentCheck`` hands each record to as it checks it, so a file is decoded once.

    The sink decodes; what it takes is a record (a line it decoded is a JSON value), and what
    it leaves, the check judges as it would alone. Its own failures (a record it cannot use)
    are its to keep: the check's verdict is about the file's framing only.
    """

    def take(self, lines: list[bytes], start: int, line: int) -> int:
        """Decode ``lines[start:]`` (no newlines; ``lines[start]`` is line ``line`` of the
        file) up to the first line that is not one JSON value to it; how many it took."""
        ...

    def value(self, line: bytes, number: int) -> None:
        """Line ``number``, which the sink did not take and the check judged one JSON value."""
        ...

    def document(self, data: bytes) -> None:
        """The whole file, which the check judged one JSON document (not NDJSON)."""
        ...

    def finish(self) -> None:
        """The file passed the check: no more records come."""
        ...


class ContentCheck:
    """Verifies, while bytes stream in, that a file is NDJSON or one JSON document.

    Memory stays bounded whatever the body: the unfinished line is kept up to
    ``MAX_LINE_BYTES`` (a longer one is refused as it arrives, the bound the
    summary reads lines with), and a document up to ``MAX_DOCUMENT_BYTES``
    (refused as soon as the body passes it). Nothing is ever parsed into
    Python objects larger than ``_LOADS_LIMIT``.

    Complete lines are checked as they arrive, so verification overlaps the
    download instead of re-reading the file. The first line that is not a JSON
    value on its own switches to document mode: the whole file must then parse
    as one JSON value (the aggregate reports come as one object), checked by
    ``finish`` on the finished file.

    A line is a record when it is a JSON value (RFC 8259). Object lines (the
    NDJSON records GitHub sends) are checked by msgspec without building Python
    objects, several times faster than parsing them; a line it refuses is judged
    by ``json.loads`` when small (see ``_is_json``).

    With a ``RecordSink`` the lines go to it instead, about a MiB of complete
    lines at once (memory grows by that batch): what it decodes needs no other
    check (the check is a by-product of decoding each record once), and the
    lines it leaves are judged here as they would be without it. The bounds,
    the switch to document mode and every
    refusal stay the same.
    """

    __slots__ = (
        "_ascii",
        "_batch",
        "_document",
        "_line_no",
        "_pending",
        "_records",
        "_sink",
        "_size",
    )

    def __init__(self, sink: RecordSink | None = None, *, batch: int = _SINK_BATCH) -> None:
        self._sink = sink
        #: With a sink, complete lines are handed over once about this many bytes are held.
        self._batch = batch
        #: The unfinished last line, grown in place (no repeated joining of pieces).
        self._pending = bytearray()
        #: Whether the pending line is ASCII so far (then it needs no UTF-8 check).
        self._ascii = True
        self._line_no = 0
        self._records = 0
        self._size = 0
        self._document = False

    @property
    def records(self) -> int:
        """How many NDJSON records were seen (1 for a single document)."""
        return self._records

    def feed(self, chunk: bytes) -> None:
        """Check every line the chunk completes; refuse a body past a bound at once."""
        self._size += len(chunk)
        if self._document:
            if self._size > MAX_DOCUMENT_BYTES:
                raise ReportFormatError(_too_large_document())
            return
        if not chunk:
            return
        if self._sink is not None:
            self._feed_sink(chunk, self._sink)
            return
        ascii = chunk.isascii()
        end = chunk.find(b"\n")
        if end < 0:
            self._grow(chunk, ascii)
            return
        # Lines are checked as views into the chunk: no line is copied, except one that
        # began in an earlier chunk (completed in place) or one a fallback must judge.
        view = memoryview(chunk)
        line: bytes | bytearray | memoryview = view[:end]
        check = _decode_object if ascii and self._ascii else _check_object
        if self._pending:  # the line the chunk completes began in earlier chunks
            self._grow(view[:end], ascii)
            line = self._pending
            check = _decode_object if self._ascii else _check_object
        start = end + 1
        end = chunk.find(b"\n", start)
        line_no, records = self._line_no, self._records
        while True:
            try:
                check(line)
            except (ValueError, RecursionError):  # msgspec's DecodeError is a ValueError
                # Blank, not an object, not UTF-8, not JSON or nested too deep: ``_line``
                # decides, as for any line.
                self._line_no, self._records = line_no, records
                self._line(line)
                if self._document:
                    self._pending, self._ascii = bytearray(), True
                    if self._size > MAX_DOCUMENT_BYTES:
                        raise ReportFormatError(_too_large_document()) from None
                    return
                line_no, records = self._line_no, self._records
            else:
                line_no += 1
                records += 1
            check = _decode_object if ascii else _check_object
            if end == start:  # blank lines: a run of them is counted at C speed, not one by one
                blank_end = _NEWLINES.match(chunk, start).end()  # type: ignore[union-attr]
                line_no += blank_end - start
                start = blank_end
                end = chunk.find(b"\n", start)
            if end < 0:
                break
            line = view[start:end]
            start = end + 1
            end = chunk.find(b"\n", start)
        self._line_no, self._records = line_no, records
        self._pending = bytearray(view[start:])
        self._ascii = ascii
        self._bound_line()

    def _feed_sink(self, chunk: bytes, sink: RecordSink) -> None:
        """``feed`` with a sink: complete lines go to it a batch (about a MiB) at a time: a few
        large batches cost the receiving thread fewer hand-offs than a list per TLS record.
        The unfinished line is still refused as soon as it passes ``MAX_LINE_BYTES``."""
        self._grow(chunk, True)
        if len(self._pending) < self._batch or b"\n" not in chunk:
            return
        lines = bytes(self._pending).split(b"\n")
        tail = lines.pop()
        self._pending = bytearray()
        self._sink_lines(lines, sink)
        if self._document:
            if self._size > MAX_DOCUMENT_BYTES:
                raise ReportFormatError(_too_large_document())
            return
        self._pending = bytearray(tail)
        self._bound_line()

    def _sink_lines(self, lines: list[bytes], sink: RecordSink) -> None:
        """Complete lines: the sink's, and each it leaves judged by ``_line`` (which may
        switch to document mode: the rest is then the document's, read back at the end)."""
        i, n = 0, len(lines)
        while i < n:
            taken = sink.take(lines, i, self._line_no + 1)
            self._line_no += taken
            self._records += taken
            i += taken
            if i == n:
                return
            records = self._records
            self._line(lines[i])
            if self._document:
                return
            if self._records > records:
                sink.value(lines[i], self._line_no)
            i += 1

    def _grow(self, piece: bytes | memoryview, ascii: bool) -> None:
        self._pending += piece
        self._ascii = self._ascii and ascii
        self._bound_line()

    def _bound_line(self) -> None:
        if len(self._pending) > MAX_LINE_BYTES:
            raise ReportFormatError(
                f"line {self._line_no + 1} is longer than {MAX_LINE_BYTES // 2**20} MiB, longer "
                "than any report record; the file is not a Copilot usage report."
            )

    def _line(self, line: bytes | bytearray | memoryview) -> None:
        self._line_no += 1
        if not bytes(line[:64]).strip() and not bytes(line).strip():
            return
        try:
            valid = _is_json(line)
        except RecursionError:
            raise ReportFormatError(f"line {self._line_no}: {TOO_DEEP}") from None
        if not valid:
            if self._records:
                raise ReportFormatError(
                    f"line {self._line_no} of the file is not a JSON record, though the lines "
                    "before it are: the file is damaged or cut off."
                )
            self._document = True
            return
        self._records += 1

    def finish(self, read_back: Callable[[], bytes]) -> None:
        """Check the last line, or the whole document; raise ``ReportFormatError`` if bad.

        ``read_back`` returns the complete file; it is called only in document
        mode, whose size ``feed`` already bounded by ``MAX_DOCUMENT_BYTES``.
        """
        if not self._document and self._pending:
            pending, self._pending, self._ascii = self._pending, bytearray(), True
            if self._sink is not None:
                lines = bytes(pending).split(b"\n")
                if not lines[-1]:  # the file's last newline ends a line, it starts none
                    lines.pop()
                self._sink_lines(lines, self._sink)
            else:
                self._line(pending)
        if self._document:
            if self._size > MAX_DOCUMENT_BYTES:
                raise ReportFormatError(_too_large_document())
            data = read_back()
            try:
                valid = _is_json(data)
            except RecursionError:
                raise ReportFormatError(TOO_DEEP) from None
            if not valid:
                raise ReportFormatError(_not_json(data))
            self._records = 1
            if self._sink is not None:
                self._sink.document(data)
        elif self._records == 0:
            raise ReportFormatError("the file holds no JSON record.")
        if self._sink is not None:
            self._sink.finish()

    @property
    def needs_document(self) -> bool:
        """True when ``finish`` must be given the whole file to parse as one document."""
        return self._document

    @property
    def size(self) -> int:
        """Bytes fed so far."""
        return self._size


def _too_large_document() -> str:
    return (
        f"the file is not NDJSON and larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, larger "
        "than any single-document report; it was refused."
    )


def _not_json(data: bytes) -> str:
    """Why a document is refused: ``json.loads``'s words for a small one, msgspec's otherwise."""
    if not is_utf8(data):
        return "the file is neither NDJSON nor one JSON document (it is not UTF-8)."
    if len(data) <= _LOADS_LIMIT:
        try:
            json.loads(data)
        except json.JSONDecodeError as exc:
            return (
                f"the file is neither NDJSON nor one JSON document (line {exc.lineno}: {exc.msg})."
            )
        except (ValueError, RecursionError):
            pass
    return "the file is neither NDJSON nor one JSON document."
