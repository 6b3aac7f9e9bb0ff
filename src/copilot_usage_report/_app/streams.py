"""stdout and stderr as this program writes them: a name or a server's text shown, never obeyed.

``guarded`` wraps both streams for the length of a command (``cli.main``). Every
text written passes through ``visible``: a control character (NUL, ESC, CR, DEL,
C1, U+2028, a bidirectional override...) shows as an escape such as ``\\x1b``, and
only LF, the line break, stays. A line a runner would take for a workflow command
(``::`` after leading blanks, or ``##[`` anywhere: the two grammars of GitHub's
runner) has its marker escaped (``\\x3a``, ``\\x5b``), so a name that carried a line
break into a message cannot start one. Only ``raw`` writes as given: the workflow
commands ``workflow.command`` makes, and the terminal redraws of ``progress``.
This is the one place every printed text passes; the messages themselves escape
what they quote (``CopilotUsageReportError``, ``workflow.command``), so a line
break inside a name shows as ``\\n`` rather than breaking the line.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

from .._errors import visible

__all__ = ["Guarded", "guarded", "raw"]

#: The first grammar's marker, anywhere in a line (GitHub's runner: ``##[name]data``).
_OLD_MARKER = re.compile(r"(?<=##)\[")


class Guarded:
    """A text stream that writes what it is given as data (see the module's docstring)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner
        self._lock = threading.RLock()
        #: The current line's first two characters after its leading blanks.
        self._lead = ""
        #: The current line's last two characters (a ``##`` before a ``[`` still to come).
        self._tail = ""

    def write(self, text: str) -> int:
        """Write ``text`` as data: control characters escaped, no workflow command started."""
        with self._lock:
            out: list[str] = []
            for n, part in enumerate(visible(text, lines=True).split("\n")):
                if n:
                    out.append("\n")
                    self._lead = self._tail = ""
                out.append(self._defuse(part))
            self.inner.write("".join(out))
        return len(text)

    def write_raw(self, text: str) -> None:
        """Write ``text`` as this program made it (a workflow command, a terminal redraw),
        from the start of a line (a text that begins with CR goes there itself)."""
        if not text:
            return
        with self._lock:
            if (self._lead or self._tail) and not text.startswith("\r"):
                self.inner.write("\n")
            self.inner.write(text)
            if "\n" in text or "\r" in text:
                self._lead = self._tail = ""
            else:
                self._lead = self._tail = "--"

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def _defuse(self, part: str) -> str:
        """One line's piece, its command markers escaped (the line so far is known)."""
        if len(self._lead) < 2:
            blank = not self._lead
            shown = part.lstrip() if blank else part
            if (self._lead + shown).startswith("::"):
                colon = part.index(":")
                part = part[:colon] + "\\x3a" + part[colon + 1 :]
                shown = part.lstrip() if blank else part
            self._lead = (self._lead + shown)[:2]
        if "[" in part:
            start = len(self._tail)
            joined = _OLD_MARKER.sub(
                lambda m: "\\x5b" if m.start() >= start else "[", self._tail + part
            )
            part = joined[start:]
        self._tail = (self._tail + part)[-2:]
        return part

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def fileno(self) -> int:
        return self.inner.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def raw(stream: TextIO | Guarded, text: str) -> None:
    """Write ``text`` as given: only for what this program itself makes (a workflow command
    from ``workflow.command``, a terminal's cursor movement); never a name or a server's text."""
    write = getattr(stream, "write_raw", None)
    if write is not None:
        write(text)
    else:
        stream.write(text)


@contextmanager
def guarded() -> Iterator[None]:
    """stdout and stderr guarded until the block ends (the streams before are restored)."""
    before = sys.stdout, sys.stderr
    if before[0] is not None:
        sys.stdout = cast(TextIO, Guarded(before[0]))
    if before[1] is not None:
        sys.stderr = cast(TextIO, Guarded(before[1]))
    try:
        yield
    finally:
        for guard in (sys.stdout, sys.stderr):
            if isinstance(guard, Guarded):
                with contextlib.suppress(OSError, ValueError):
                    guard.flush()
        sys.stdout, sys.stderr = before
