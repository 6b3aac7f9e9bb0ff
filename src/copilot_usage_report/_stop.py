"""How a run stops early: SIGINT, SIGTERM or the deadline, within ``GRACE`` seconds.

``Stopper`` is entered by ``main`` around a command. A signal (or the deadline,
through ``_thread.interrupt_main``) sets ``CANCEL``, so every transfer stops at
its next chunk and removes its temporary file, and raises on the main thread:
``Interrupted`` for a signal, ``DeadlineError`` for the deadline, which ``main``
reports like any other. A transfer blocked in a read of a stalled server cannot
see ``CANCEL``; for it a watchdog thread waits ``GRACE`` seconds, removes the
temporary files still open (``abandon``), and ends the process with the run's
exit code. So a stop never waits for a download, and never leaves a partial file.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType

from ._bounds import CANCEL
from ._errors import DeadlineError, Interrupted

__all__ = ["GRACE", "Stopper"]

#: Seconds a stop waits for transfers to end by themselves before the process ends anyway.
GRACE = 1.5
_SIGNALS: dict[int, str] = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}

Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class Stopper:
    """Signal handlers and the deadline of one run; restores the previous handlers on exit.

    ``abandon`` removes what transfers left open; it is called by the watchdog
    only, when the grace period ends with transfers still blocked.
    """

    def __init__(self, abandon: Callable[[], None]) -> None:
        self._abandon = abandon
        self._previous: dict[int, Handler] = {}
        self._timer: threading.Timer | None = None
        self._deadline: float | None = None
        self._expired = False
        self._stopping = False

    def __enter__(self) -> Stopper:
        CANCEL.clear()
        if threading.current_thread() is threading.main_thread():
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def deadline(self, seconds: float) -> None:
        """End the run with ``DeadlineError`` after ``seconds`` (from now)."""
        self._deadline = seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self._expired = True
        CANCEL.set()
        # A real signal to the main thread wakes it from a blocking read or wait (EINTR);
        # ``interrupt_main`` alone would wait for its next bytecode.
        main = threading.main_thread().ident
        if hasattr(signal, "pthread_kill") and main is not None:
            signal.pthread_kill(main, signal.SIGINT)
        else:  # pragma: no cover - Windows
            _thread.interrupt_main(signal.SIGINT)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stopping:  # already on its way out; the watchdog ends it in time
            return
        self._stopping = True
        CANCEL.set()
        if self._expired and signum == signal.SIGINT:
            self._watch(1)
            raise DeadlineError(
                f"the run did not finish within its deadline of {self._deadline:g} s, so it "
                "stopped; no partial file was left behind. Raise the deadline input "
                "(--deadline) if the servers are slow but working.",
            )
        interrupted = Interrupted(signum, _SIGNALS.get(signum, f"signal {signum}"))
        self._watch(interrupted.exit_code)
        raise interrupted

    def _watch(self, code: int) -> None:
        """After ``GRACE`` seconds, end the process with ``code`` if it is still running."""

        def watchdog() -> None:
            # If the process ends by itself first, this daemon thread ends with it.
            time.sleep(GRACE)
            self._abandon()
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()
            os._exit(code)

        threading.Thread(target=watchdog, name="stop-watchdog", daemon=True).start()
