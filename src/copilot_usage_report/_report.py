"""The shapes GitHub sends: the API's link list, and the report files behind it.

Models ignore fields GitHub adds later and are strict about the ones we use.
Pydantic's ``ValidationError`` never leaves this module: it becomes a one-line
``ReportFormatError`` naming what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ._errors import ReportFormatError

__all__ = ["MAX_LINKS", "ContentCheck", "ReportLinks", "parse_report_links"]

#: A link list longer than this is refused: GitHub splits a report into a handful of files.
MAX_LINKS = 1000
#: A single-document (non-NDJSON) report larger than this is refused rather than loaded whole.
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024

Link = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class ReportLinks(BaseModel):
    """A 200 body of a one-day report endpoint: where to download the day's files."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False)

    download_links: list[Link] = Field(max_length=MAX_LINKS)
    report_day: date


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


class ContentCheck:
    """Verifies, while bytes stream in, that a file is NDJSON or one JSON document.

    Complete lines are parsed as they arrive, so verification overlaps the
    download instead of re-reading the file. The first line that is not a JSON
    value on its own switches to document mode: the whole file must then parse
    as one JSON value (the aggregate reports come as one object), checked by
    ``finish`` on the finished file.
    """

    __slots__ = ("_document", "_line_no", "_pending", "_records", "_size")

    def __init__(self) -> None:
        self._pending = b""
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
        if self._document:
            return
        data = self._pending + chunk
        end = data.rfind(b"\n")
        if end == -1:
            self._pending = data
            return
        self._pending = data[end + 1 :]
        for line in data[:end].split(b"\n"):
            self._line(line)
            if self._document:
                self._pending = b""
                return

    def _line(self, line: bytes) -> None:
        self._line_no += 1
        if not line.strip():
            return
        try:
            json.loads(line)
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
            self._line(self._pending)
            self._pending = b""
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
