"""The bounds every transfer keeps, whatever the server sends: size, inflation, pace, a stop.

A body is refused as soon as it passes a bound, while it streams, never after it
was kept: memory and disk stay bounded by the bound, not by the server. Time is
bounded twice: a transfer slower than ``FLOOR_RATE`` for longer than the timeout
counts as stalled (the read timeout alone restarts with every byte a dripping
server sends), and the whole run has a deadline (``_app.stop``). A stop (SIGINT,
SIGTERM, the deadline) sets ``CANCEL``; every transfer loop checks it per chunk.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "ACCEPT_ENCODING",
    "BOMB_FLOOR",
    "BOMB_RATIO",
    "CANCEL",
    "DEFAULT_MAX_FILE_SIZE",
    "FLOOR_RATE",
    "MAX_DOCUMENT_BYTES",
    "MAX_LINE_BYTES",
    "TOO_DEEP",
    "Cancelled",
    "Inflater",
    "Pace",
    "TransferBounds",
    "UndecodableBody",
    "check_cancel",
    "human_size",
]

#: A single-document (non-NDJSON) report larger than this is refused as it streams in.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
#: A line longer than this is refused as it streams in; the summary reads lines with the same
#: bound (``_metrics.records``), so every file a download keeps, the summary can read.
MAX_LINE_BYTES = 64 * 1024 * 1024

#: The refusal of JSON nested deeper than a parser's recursion limit (no report record is).
TOO_DEEP = (
    "the JSON nests deeper than any report record does; the file is not a Copilot usage report."
)

#: The largest file kept by default: far above any report GitHub splits into files.
DEFAULT_MAX_FILE_SIZE = 16 * 1024**3
#: A compressed body may inflate up to this many times its size on the wire...
BOMB_RATIO = 100
#: ...once past this many bytes inflated (small bodies compress well and are harmless).
BOMB_FLOOR = 64 * 1024**2
#: Bytes per second a transfer must keep up, measured over the timeout (1 KiB/s).
FLOOR_RATE = 1024

#: The encodings ``Inflater`` decodes: what the clients ask for, and all they accept.
ACCEPT_ENCODING = "gzip, deflate"
#: The most one step of inflation produces: a bomb costs this much memory, not its size.
_INFLATE_STEP = 1024 * 1024

#: Set when the run must stop (a signal or the deadline); cleared when a run starts.
CANCEL = threading.Event()


class Cancelled(BaseException):
    """Raised in a transfer that saw ``CANCEL``: the run is stopping, nothing is retried."""


def check_cancel() -> None:
    """Raise ``Cancelled`` when the run is stopping."""
    if CANCEL.is_set():
        raise Cancelled


def human_size(size: int) -> str:
    """``16 GiB``, ``512 KiB``, ``1000 bytes``: the way the max-file-size input spells it."""
    for unit, power in (("GiB", 3), ("MiB", 2), ("KiB", 1)):
        if size >= 1024**power and size % 1024**power == 0:
            return f"{size // 1024**power} {unit}"
    for unit, power in (("GiB", 3), ("MiB", 2), ("KiB", 1)):
        if size >= 1024**power:
            return f"{size / 1024**power:.1f} {unit}"
    return f"{size} bytes"


@dataclass(frozen=True, slots=True)
class TransferBounds:
    """What one download may cost: ``max_file_size`` bytes kept, ``timeout`` seconds stalled."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    timeout: float = 30.0

    def inflation_refused(self, inflated: int, on_wire: int) -> bool:
        """True when a compressed body inflated over ``BOMB_RATIO``-fold past ``BOMB_FLOOR``."""
        return inflated > BOMB_FLOOR and inflated > BOMB_RATIO * max(on_wire, 1)


class Pace:
    """Tells a stalled transfer from a slow one: below ``FLOOR_RATE`` for a whole ``window``.

    ``update`` is given the bytes received so far after each chunk; it returns
    False once a full window passed with fewer than ``FLOOR_RATE * window``
    bytes, so a server dripping one byte a second stalls after one window
    instead of never. Monotonic time only.
    """

    __slots__ = ("_mark", "_mark_bytes", "_window")

    def __init__(self, window: float) -> None:
        self._window = window
        self._mark = time.monotonic()
        self._mark_bytes = 0

    def update(self, received: int) -> bool:
        """Whether the transfer keeps the floor rate (checked once per window)."""
        now = time.monotonic()
        if now - self._mark < self._window:
            return True
        if received - self._mark_bytes < FLOOR_RATE * self._window:
            return False
        self._mark, self._mark_bytes = now, received
        return True


class UndecodableBody(ValueError):
    """A body its ``Content-Encoding`` does not decode (garbage, cut off, or an unknown coding)."""


class Inflater:
    """Decodes a body by its ``Content-Encoding`` in steps of at most ``_INFLATE_STEP`` bytes.

    httpx inflates each socket read whole (a 64 KiB read of a bomb is 64 MiB at
    once, and more while zlib grows its buffer); this yields bounded pieces, so
    the bounds are checked before memory grows. ``identity`` passes bytes through;
    ``gzip`` and ``deflate`` (zlib-wrapped or raw) are decoded; any other coding
    raises ``UndecodableBody``.
    """

    __slots__ = ("_coding", "_z")

    def __init__(self, coding: str | None) -> None:
        self._coding = (coding or "").strip().lower()
        self._z: zlib._Decompress | None = None
        if self._coding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._coding not in ("", "identity", "deflate"):
            raise UndecodableBody(f"Content-Encoding {self._coding[:40]!r} was not asked for")

    @property
    def encoded(self) -> bool:
        """True when the body is compressed (so its inflation is watched)."""
        return self._coding not in ("", "identity")

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``raw``, each at most ``_INFLATE_STEP`` bytes."""
        if not self.encoded:
            if raw:
                yield raw
            return
        if self._z is None:  # deflate: zlib-wrapped (RFC 1950) as sent by most, or raw
            wrapped = len(raw) >= 2 and raw[0] & 0x0F == 8 and (raw[0] << 8 | raw[1]) % 31 == 0
            self._z = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data = raw
        try:
            while not self._z.eof:
                piece = self._z.decompress(data, _INFLATE_STEP)
                data = self._z.unconsumed_tail
                if piece:
                    yield piece
                # Done with this input once it is consumed and zlib had no more to give.
                if not data and len(piece) < _INFLATE_STEP:
                    break
        except zlib.error:
            raise UndecodableBody("the body does not decode") from None

    def finish(self) -> None:
        """Raise ``UndecodableBody`` when a compressed body ended before its end."""
        if self.encoded and (self._z is None or not self._z.eof):
            raise UndecodableBody("the compressed body was cut off")
