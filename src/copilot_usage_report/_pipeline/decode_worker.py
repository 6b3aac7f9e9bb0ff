"""The second process of a fetch: reads each download's file as it grows, checks it and adds
up its records (``ContentCheck`` with a ``FetchTally``), and hands the tally back.

Started by ``decoder.Decoder`` as ``python -P -c "...serve()"``, its standard input and
output being private pipes to the fetch (never a terminal: the app's own stdio stays the
app's). Frames in, each ``_IN`` (an operation, the download's number, a size):
``OPEN`` (then that many bytes of JSON: the report, the final path, the temporary file),
``GROW`` (the file holds that many bytes of the body), ``END`` (the body is whole),
``DROP`` (the attempt was abandoned). Frames out, each ``_OUT`` (the number, a verdict, a
length) and that many bytes: ``REFUSED`` and the reason (UTF-8), as soon as the check
refuses the file; ``DONE`` and the pickled ``(records, FetchTally)``. The file is closed
before its verdict is sent (so the fetch may rename it at once, on any system).

It ends when its input ends, which it does when the fetch ends, however it ends (the pipe
closes with the process): it never outlives the run by more than the block it is reading.
On Linux it also asks the kernel to kill it when the fetch's process ends
(``PR_SET_PDEATHSIG``), which ends it even stopped, when no pipe would be read.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import struct
import sys
from pathlib import Path
from typing import IO, Final

from .._errors import ReportFormatError
from .._transfer import ContentCheck
from .onepass import FetchTally

__all__ = [
    "DONE",
    "DROP",
    "END",
    "GROW",
    "IN",
    "OPEN",
    "OUT",
    "PIECE",
    "REFUSED",
    "die_with",
    "serve",
]

#: A frame to the worker: operation, download number, size (or the length of what follows).
IN: Final = struct.Struct("<BIQ")
#: A frame from the worker: download number, verdict, length of what follows.
OUT: Final = struct.Struct("<IBQ")
OPEN, GROW, END, DROP = 1, 2, 3, 4
REFUSED, DONE = 1, 2
#: The file is read, checked and added up in pieces of this size. In its own process the
#: check hands lines to the tally as often as it likes (no thread to hand over to): 64 KiB
#: pieces and batches took 21 % less CPU than 1 MiB on a 100,000-user file (the piece and its
#: structs stay in the CPU cache; 1.50 against 1.86 CPU s, fresh processes alternating).
PIECE: Final = 64 * 1024


class _File:
    """One download being checked: its file, how far it was read, its check and tally."""

    __slots__ = ("check", "handle", "path", "read", "tally")

    def __init__(self, path: Path, temp: Path) -> None:
        self.path = path
        self.tally = FetchTally(path)
        self.check = ContentCheck(self.tally, batch=PIECE)
        self.handle: IO[bytes] | None = temp.open("rb")
        self.read = 0

    def grow(self, size: int) -> None:
        """Check the body's bytes up to ``size``."""
        handle = self.handle
        assert handle is not None
        while self.read < size:
            piece = handle.read(min(PIECE, size - self.read))
            if not piece:  # the file is shorter than it was said to be: not ours to judge
                raise ReportFormatError("the file ended before the bytes said to be in it.")
            self.read += len(piece)
            self.check.feed(piece)

    def end(self, size: int) -> bytes:
        """The body is whole: the verdict, as ``(records, tally)`` pickled."""
        self.grow(size)
        handle = self.handle
        assert handle is not None

        def read_back() -> bytes:
            handle.seek(0)
            return handle.read()

        try:
            self.check.finish(read_back)
        finally:
            self.close()
        return pickle.dumps((self.check.records, self.tally), protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def _read_exactly(source: IO[bytes], size: int) -> bytes | None:
    data = source.read(size)
    return data if data is not None and len(data) == size else None


#: ``prctl``'s option: the signal this process gets when its parent ends; Linux's SIGKILL.
_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def die_with(parent: int | None) -> None:
    """Linux: SIGKILL from the kernel when the process ``parent`` ends (even while stopped);
    when it has ended already, exit now. Nothing when no parent is named (not a worker)."""
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)  # the fetch ended before the kernel was asked: nothing to serve


def serve(inp: int = 0, out: int = 1, *, parent: int | None = None) -> None:
    """Answer frames from file descriptor ``inp`` on ``out`` until ``inp`` ends (or the
    process ``parent`` does)."""
    die_with(parent)
    source = os.fdopen(inp, "rb", buffering=64 * 1024)
    sink = os.fdopen(out, "wb", buffering=0)
    files: dict[int, _File] = {}

    def send(number: int, verdict: int, payload: bytes) -> None:
        sink.write(OUT.pack(number, verdict, len(payload)) + payload)

    try:
        while (frame := _read_exactly(source, IN.size)) is not None:
            op, number, size = IN.unpack(frame)
            if op == OPEN:
                spec = json.loads(_read_exactly(source, size) or b"{}")
                try:
                    files[number] = _File(Path(spec["path"]), Path(spec["temp"]))
                except OSError as exc:
                    send(number, REFUSED, f"cannot read it back: {exc.strerror}".encode())
                continue
            entry = files.get(number)
            if entry is None:  # refused already, or dropped
                continue
            try:
                if op == GROW:
                    entry.grow(size)
                    continue
                del files[number]
                if op == END:
                    send(number, DONE, entry.end(size))
                else:
                    entry.close()
            except ReportFormatError as exc:
                files.pop(number, None)
                entry.close()
                send(number, REFUSED, exc.message.encode())
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    finally:
        for entry in files.values():
            entry.close()
