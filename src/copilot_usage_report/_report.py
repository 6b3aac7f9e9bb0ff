"""The shapes GitHub sends: the API's link list, and the report files behind it.

Models ignore fields GitHub adds later and are strict about the ones we use.
Pydantic's ``ValidationError`` never leaves this module: it becomes a one-line
``ReportFormatError`` naming what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

import msgspec
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ._errors import ReportFormatError

__all__ = [
    "MAX_LINKS",
    "TOO_DEEP",
    "ContentCheck",
    "ReportLinks",
    "is_utf8",
    "parse_report_links",
]

#: A link list longer than this is refused: GitHub splits a report into a handful of files.
MAX_LINKS = 1000
#: A single-document (non-NDJSON) report larger than this is refused rather than loaded whole.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024

Link = Annotated[str, StringConstraints(min_length=1, max_length=8192)]

#: The refusal of JSON nested deeper than a parser's recursion limit (no report record is).
TOO_DEEP = (
    "the JSON nests deeper than any report record does; the file is not a Copilot usage report."
)


class ReportLinks(BaseModel):
    """A 200 body of a report endpoint: where to download the report's files.

    One-day reports name their ``report_day``; 28-day reports name
    ``report_start_day`` and ``report_end_day``, and ``report_day`` is then the
    end day (the folder the report is saved under).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False)

    download_links: list[Link] = Field(max_length=MAX_LINKS)
    report_day: date
    report_start_day: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _window_end_is_the_day(cls, data: Any) -> Any:
        """A 28-day body has no ``report_day``: its window's last day stands for it."""
        if isinstance(data, dict) and "report_day" not in data and "report_end_day" in data:
            return {**data, "report_day": data["report_end_day"]}
        return data


def parse_report_links(body: bytes) -> ReportLinks:
    """Validate a 200 body; any deviation is a one-line ``ReportFormatError``."""
    try:
        return ReportLinks.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ReportFormatError(
            f"GitHub's answer is not the documented report body: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s))."
        ) from None


class _AnyObject(msgspec.Struct):
    """A JSON object, whatever its fields: msgspec checks their syntax without building them."""


_decode_object = msgspec.json.Decoder(_AnyObject).decode


def is_utf8(line: bytes | memoryview) -> bool:
    """Whether a line may go to msgspec: it checks the syntax of every value it skips, but
    not the UTF-8 of the strings it skips, so a line must be valid UTF-8 (ASCII always is)."""
    if isinstance(line, bytes) and line.isascii():  # a view is decoded, never copied
        return True
    try:
        str(line, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_object(line: bytes | memoryview) -> object:
    """Accepts a line only if it is one complete JSON object; raises ``ValueError`` otherwise.

    A line of an all-ASCII chunk needs no UTF-8 check and goes to ``_decode_object`` directly.
    """
    if not is_utf8(line):
        raise ValueError("not UTF-8")
    return _decode_object(line)


class ContentCheck:
    """Verifies, while bytes stream in, that a file is NDJSON or one JSON document.

    Complete lines are parsed as they arrive, so verification overlaps the
    download instead of re-reading the file. The first line that is not a JSON
    value on its own switches to document mode: the whole file must then parse
    as one JSON value (the aggregate reports come as one object), checked by
    ``finish`` on the finished file.

    A line is a record when it is a JSON value (RFC 8259). Object lines (the
    NDJSON records GitHub sends) are checked by msgspec without building Python
    objects, several times faster than parsing them; any line it refuses is
    judged by ``json.loads``, which has the last word: msgspec is the stricter of
    the two (no NaN, no byte-order mark, no lone surrogate escapes), except for
    integers longer than Python's ``int`` digit limit, which are valid JSON and
    accepted. The unfinished last line is kept as a list of pieces, so a long
    line costs no repeated copying.
    """

    __slots__ = ("_ascii", "_document", "_line_no", "_pending", "_records", "_size")

    def __init__(self) -> None:
        self._pending: list[bytes] = []
        #: Whether every pending piece is ASCII (then its line needs no UTF-8 check).
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
        """Check every line the chunk completes."""
        self._size += len(chunk)
        if self._document or not chunk:
            return
        ascii = chunk.isascii()
        end = chunk.find(b"\n")
        if end < 0:
            self._pending.append(chunk)
            self._ascii = self._ascii and ascii
            return
        # Lines are checked as views into the chunk: no line is copied, except one that
        # began in an earlier chunk (joined with its start) or one a fallback must judge.
        view = memoryview(chunk)
        line: bytes | memoryview = view[:end]
        if self._pending:  # the line the chunk completes began in earlier chunks
            self._pending.append(chunk[:end])
            line = b"".join(self._pending)
        start = end + 1
        end = chunk.find(b"\n", start)
        check = _decode_object if ascii and self._ascii else _check_object
        line_no, records = self._line_no, self._records
        while True:
            try:
                check(line)
            except (ValueError, RecursionError):  # msgspec's DecodeError is a ValueError
                # Blank, not an object, not UTF-8, not JSON or nested too deep: ``_line``
                # decides, as for any line.
                self._line_no, self._records = line_no, records
                self._line(bytes(line))
                if self._document:
                    self._pending, self._ascii = [], True
                    return
                line_no, records = self._line_no, self._records
            else:
                line_no += 1
                records += 1
            if end < 0:
                break
            line = view[start:end]
            start = end + 1
            end = chunk.find(b"\n", start)
        self._line_no, self._records = line_no, records
        self._pending = [chunk[start:]] if start < len(chunk) else []
        self._ascii = ascii

    def _line(self, line: bytes) -> None:
        self._line_no += 1
        if not line.strip():
            return
        try:
            json.loads(line)
        except RecursionError:
            raise ReportFormatError(f"line {self._line_no}: {TOO_DEEP}") from None
        except ValueError:
            if self._records:
                raise ReportFormatError(
                    f"line {self._line_no} of the file is not a JSON record, though the lines "
                    "before it are: the file is damaged or cut off."
                ) from None
            self._document = True
            return
        self._records += 1

    def finish(self, read_back: Callable[[], bytes]) -> None:
        """Check the last line, or the whole document; raise ``ReportFormatError`` if bad.

        ``read_back`` returns the complete file; it is called only in document
        mode, and refused beyond ``MAX_DOCUMENT_BYTES`` rather than loaded.
        """
        if not self._document and self._pending:
            self._line(b"".join(self._pending))
            self._pending, self._ascii = [], True
        if self._document:
            if self._size > MAX_DOCUMENT_BYTES:
                raise ReportFormatError("the file is not NDJSON and too large to verify.")
            try:
                json.loads(read_back())
            except json.JSONDecodeError as exc:
                raise ReportFormatError(
                    "the file is neither NDJSON nor one JSON document "
                    f"(line {exc.lineno}: {exc.msg})."
                ) from None
            except ValueError:
                raise ReportFormatError("the file is not UTF-8 JSON.") from None
            except RecursionError:
                raise ReportFormatError(TOO_DEEP) from None
            self._records = 1
        elif self._records == 0:
            raise ReportFormatError("the file holds no JSON record.")

    @property
    def needs_document(self) -> bool:
        """True when ``finish`` must be given the whole file to parse as one document."""
        return self._document

    @property
    def size(self) -> int:
        """Bytes fed so far."""
        return self._size
