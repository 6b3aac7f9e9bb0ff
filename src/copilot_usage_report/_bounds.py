"""The bounds every transfer keeps, whatever the server sends: size, inflation, pace, a stop.

A body is refused as soon as it passes a bound, while it streams, never after it
was kept: memory and disk stay bounded by the bound, not by the server. Time is
bounded twice: a transfer slower than ``FLOOR_RATE`` for longer than the timeout
counts as stalled (the read timeout alone restarts with every byte a dripping
server sends), and the whole run has a deadline (``_stop``). A stop (SIGINT,
SIGTERM, the deadline) sets ``CANCEL``; every transfer loop checks it per chunk.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

__all__ = [
    "BOMB_FLOOR",
    "BOMB_RATIO",
    "CANCEL",
    "DEFAULT_MAX_FILE_SIZE",
    "FLOOR_RATE",
    "Cancelled",
    "Pace",
    "TransferBounds",
    "check_cancel",
    "human_size",
]

#: The largest file kept by default: far above any report GitHub splits into files.
DEFAULT_MAX_FILE_SIZE = 16 * 1024**3
#: A compressed body may inflate up to this many times its size on the wire...
BOMB_RATIO = 100
#: ...once past this many bytes inflated (small bodies compress well and are harmless).
BOMB_FLOOR = 64 * 1024**2
#: Bytes per second a transfer must keep up, measured over the timeout (1 KiB/s).
FLOOR_RATE = 1024

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
