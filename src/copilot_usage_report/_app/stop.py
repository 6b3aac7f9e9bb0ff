"""How a run stops early: SIGINT, SIGTERM or the deadline, within ``GRACE`` seconds.

``Stopper`` is entered by ``main`` around a command. A signal (or the deadline,
through ``_thread.interrupt_main``) sets ``CANCEL``, so every transfer stops at
its next chunk and removes its temporary file, and raises on the main thread:
``Interrupted`` for a signal, ``DeadlineError`` for the deadline, which ``main``
reports like any other. A transfer blocked in a read of a stalled server cannot
see ``CANCEL`` (and the main thread, unwinding, waits for it to end); for it a
watchdog thread waits ``GRACE`` seconds, reports the stop if ``main`` could not
(``report``), removes the temporary files still open (``abandon``), and ends the
process with the run's exit code. So a stop never waits for a download, is
reported once, and never leaves a partial file.
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

from .._core import CANCEL
from .._errors import DeadlineError, Interrupted

__all__ = ["GRACE", "Stopper"]

#: Seconds a stop waits for transfers to end by themselves before the process ends anyway.
GRACE = 1.0
_SIGNALS: dict[int, str] = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}

Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


class Stopper:
    """Signal handlers and the deadline of one run; restores the previous handlers on exit.

    With ``signals=False`` (a server meant to run until interrupted) the
    process keeps Python's own handling of SIGINT and SIGTERM.
    ``abandon`` removes what transfers left open, and ``report`` tells the
    reader about the stop (the ``Interrupted`` or ``DeadlineError``); the
    watchdog calls them only when the grace period ends with the run still
    there. Whoever reports first (``claim``) reports alone.
    """

    def __init__(
        self,
        abandon: Callable[[], None],
        report: Callable[[BaseException], None],
        *,
        signals: bool = True,
    ) -> None:
        self._signals = signals
        self._abandon = abandon
        self._report = report
        self._claimed = False
        self._closed = False
        self._exiting = False
        self._claim_lock = threading.Lock()
        self._previous: dict[int, Handler] = {}
        self._timer: threading.Timer | None = None
        self._deadline: float | None = None
        self._expired = False
        self._stopping = False

    def __enter__(self) -> Stopper:
        CANCEL.clear()
        if self._signals and threading.current_thread() is threading.main_thread():
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._exiting = True  # a signal from here on is ignored: the run has ended
        with self._claim_lock:  # a deadline firing now sends no signal past this point
            self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def claim(self) -> bool:
        """True for the first caller only: it reports how the run ended."""
        with self._claim_lock:
            first, self._claimed = not self._claimed, True
            return first

    def deadline(self, seconds: float) -> None:
        """End the run with ``DeadlineError`` after ``seconds`` (from now)."""
        self._deadline = seconds
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._claim_lock:
            if self._closed:
                return
            self._expired = True
            CANCEL.set()
            self._interrupt_main()

    @staticmethod
    def _interrupt_main() -> None:
        # A real signal to the main thread wakes it from a blocking read or wait (EINTR);
        # ``interrupt_main`` alone would wait for its next bytecode.
        main = threading.main_thread().ident
        if hasattr(signal, "pthread_kill") and main is not None:
            signal.pthread_kill(main, signal.SIGINT)
        else:  # pragma: no cover - Windows
            _thread.interrupt_main(signal.SIGINT)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stopping or self._exiting:  # on its way out already; the watchdog ends it
            return
        self._stopping = True
        CANCEL.set()
        stop: DeadlineError | Interrupted
        if self._expired and signum == signal.SIGINT:
            stop = DeadlineError(
                f"the run did not finish within its deadline of {self._deadline:g} s, so it "
                "stopped; no partial file was left behind. Raise the deadline input if the "
                "servers are slow but working.",
            )
            self._watch(stop, 1)
        else:
            stop = Interrupted(signum, _SIGNALS.get(signum, f"signal {signum}"))
            self._watch(stop, stop.exit_code)
        raise stop

    def _watch(self, stop: BaseException, code: int) -> None:
        """After ``GRACE`` seconds, report ``stop`` and end with ``code`` if still running."""

        def watchdog() -> None:
            # If the process ends by itself first, this daemon thread ends with it.
            time.sleep(GRACE)
            self._abandon()
            if self.claim():
                with contextlib.suppress(Exception):
                    self._report(stop)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            os._exit(code)

        threading.Thread(target=watchdog, name="stop-watchdog", daemon=True).start()
