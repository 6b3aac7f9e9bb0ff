"""A download checked from its temporary file as the file grows, by someone else.

``FileCheck`` is what a sink factory (``download.SinkFactory``) may give instead of a
``RecordSink``: the download then only receives, writes and hashes, and tells the check how
far the file has been written; the check reads the bytes back from the file (the page cache:
no copy through this process) and judges them, with a ``ContentCheck`` of its own, where it
runs (``_pipeline.decoder``: a second process, so the records' decoding and sums use the
second core). A verdict against the file reached early stops the download at its next chunk,
as the check in this process would; the final name still appears only after the verdict.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from .._errors import ReportFormatError

__all__ = ["FileCheck"]


class FileCheck(ABC):
    """One download attempt's check, done from its temporary file as it grows.

    The download calls ``start`` before the first byte, ``written`` (from its writer thread)
    each time more of the body is in the file, ``refused`` as chunks arrive, and ``finish``
    once the body is whole; ``abandon`` when the attempt ends any other way.
    """

    @abstractmethod
    def start(self, temp: Path) -> None:
        """The body goes to ``temp`` (created, still empty)."""

    @abstractmethod
    def written(self, size: int) -> None:
        """``temp`` now holds the body's first ``size`` bytes (called on the writer thread)."""

    @abstractmethod
    def refused(self) -> ReportFormatError | None:
        """The verdict against the file, if the check reached one before the end."""

    @abstractmethod
    def finish(self, size: int) -> int:
        """The body (``size`` bytes) is whole in ``temp``: wait for the verdict and return the
        records counted; raises ``ReportFormatError`` as ``ContentCheck.finish`` does."""

    @abstractmethod
    def abandon(self) -> None:
        """The attempt ended without a verdict (an error, a retry, a stop): forget it."""
