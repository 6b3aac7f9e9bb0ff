"""Progress of a run, shown the way its reader sees best.

Inside Actions each step (a report of a day) is a collapsible log group; at a
terminal one live line shows steps done, bytes and rate; anywhere else, plain
lines. Every method may be called from download threads; output never
interleaves mid-line.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, TextIO

__all__ = ["Progress"]

Mode = Literal["actions", "tty", "plain", "silent"]


def _rate(size: float, seconds: float) -> str:
    value = size / seconds if seconds > 0 else 0.0
    for unit in ("B/s", "KiB/s", "MiB/s"):
        if value < 1024 or unit == "MiB/s":
            return f"{value:.0f} {unit}" if unit == "B/s" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


class Progress:
    """Counts steps and bytes; renders them as groups, a live line, or plain lines."""

    def __init__(self, mode: Mode, stream: TextIO | None = None) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.total = 0
        self.finished = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._live = False

    @classmethod
    def silent(cls) -> Progress:
        """A progress that shows nothing (library use and tests)."""
        return cls("silent")

    @classmethod
    def detect(cls, *, in_actions: bool, stream: TextIO | None = None) -> Progress:
        """Groups inside Actions, a live line on a terminal, plain lines otherwise."""
        stream = stream or sys.stderr
        if in_actions:
            return cls("actions", stream)
        return cls("tty" if stream.isatty() else "plain", stream)

    def start(self, total: int) -> None:
        """Begin counting ``total`` steps."""
        self.total = total
        self.started = time.monotonic()

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """One step's log lines, grouped (Actions) or announced (plain)."""
        if self.mode == "actions":
            self._write(f"::group::{title}")
            try:
                yield
            finally:
                self._write("::endgroup::")
            return
        if self.mode == "plain" and self.total > 1:
            self._write(f"[{self.finished + 1}/{self.total}] {title}")
        yield

    def log(self, message: str) -> None:
        """A log line; on a terminal the live line is redrawn beneath it."""
        if self.mode == "silent":
            return
        self._write(message)

    def warn(self, message: str, *, title: str = "Report not available") -> None:
        """A warning: an annotation inside Actions, a marked line elsewhere."""
        if self.mode == "actions":
            # The one annotation writer (github-action-utils escapes the message properly).
            from ._workflow import annotate_warning

            annotate_warning(message, title=title)
        elif self.mode != "silent":
            self._write(f"warning: {message}")

    def done(self, size: int) -> None:
        """A step finished, having saved ``size`` bytes."""
        with self._lock:
            self.finished += 1
            self.bytes += size
        if self.mode == "tty":
            self._redraw()

    def close(self) -> None:
        """End the live line, if one is shown."""
        with self._lock:
            if self._live:
                self.stream.write("\n")
                self.stream.flush()
                self._live = False

    def _status(self) -> str:
        elapsed = time.monotonic() - self.started
        return (
            f"{self.finished}/{self.total} done, {self.bytes / 1048576:.1f} MiB, "
            f"{_rate(self.bytes, elapsed)}"
        )

    def _redraw(self) -> None:
        with self._lock:
            self.stream.write(f"\r\x1b[2K{self._status()}")
            self.stream.flush()
            self._live = True

    def _write(self, line: str) -> None:
        with self._lock:
            prefix = "\r\x1b[2K" if self._live else ""
            self.stream.write(f"{prefix}{line}\n")
            if self._live:
                self.stream.write(self._status())
            self.stream.flush()
