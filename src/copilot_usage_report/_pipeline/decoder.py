"""The fetch's second core: a worker process that checks and adds up the downloads' records.

A download receives (TLS), writes and hashes its body in this process; the worker
(``decode_worker``) reads the same file back as it grows (from the page cache) and does the
rest: the content check and the decoding into the summary's sums, which ``ContentCheck``
with a ``FetchTally`` did on the receiving thread. So the two halves of the one pass run on
two cores instead of sharing one GIL. The tally comes back pickled when the file is whole,
and the summary (``onepass.summarize_fetch``) merges it as before: the same numbers as
``summarize`` of the saved files.

Bounded: the worker holds one file's unfinished line and a MiB of lines at a time, as the
check would here; nothing waits in memory on either side while the worker catches up (the
body waits on disk). A worker that cannot start, or dies, costs nothing but the second core:
each file it held is checked here from its temporary file, and later files in this process
as before. So does a worker that hangs (stopped, or stuck): no write to it blocks (its pipe
is non-blocking: a ``GROW`` it has no room for is skipped, as the next frame says more, and
any other frame waits ``answer_seconds`` at most), and a file's verdict is awaited
``answer_seconds`` plus a second per ``ANSWER_RATE`` bytes after its body ended; past either,
the worker is killed and the fetch goes on without it.

The worker ends with the fetch, however the fetch ends: its input is this process's pipe,
which closes when the fetch ends; on Linux the kernel kills it when this process ends, even
killed outright and even with the worker stopped (``PR_SET_PDEATHSIG``, set by the worker:
start the decoder from a thread that lives as long as the fetch, as the app's main thread
does); and ``close`` kills it at once when it is stopped, else after a second.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from .._core import CANCEL, check_cancel
from .._errors import ReportFormatError
from .._transfer import ContentCheck, FileCheck
from .decode_worker import DONE, DROP, END, GROW, IN, OPEN, OUT, PIECE, REFUSED
from .onepass import FetchTally, fetch_tally

__all__ = ["ANSWER_RATE", "ANSWER_SECONDS", "Decoder", "RemoteTally"]

_START = "from copilot_usage_report._pipeline.decode_worker import serve; serve(parent={pid})"
#: Seconds the worker has to take a frame, and to answer once a body ended (plus a second
#: per ``ANSWER_RATE`` bytes of the file: a sixth of the rate it decodes at); past them it is
#: taken as hung, killed, and its files are checked here.
ANSWER_SECONDS = 5.0
ANSWER_RATE = 16 * 1024 * 1024


class Decoder:
    """The worker process, shared by every download of a fetch; a sink factory (``sink``).

    Use it as a context manager: the worker starts on entry (its imports overlap the API's
    first answer) and stops on exit.
    """

    def __init__(self, *, answer_seconds: float = ANSWER_SECONDS) -> None:
        self.answer_seconds = answer_seconds
        self._process: subprocess.Popen[bytes] | None = None
        self._input: IO[bytes] | None = None
        #: Guards ``_open``; ``_sending`` the input pipe (never both held: a sender blocked on a
        #: full pipe must not keep the reader from taking the worker's answers).
        self._lock = threading.Lock()
        self._sending = threading.Lock()
        self._numbers = itertools.count(1)
        self._open: dict[int, RemoteTally] = {}
        self._reader: threading.Thread | None = None

    def __enter__(self) -> Decoder:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker; when it cannot start, every file is checked in this process."""
        flags: dict[str, Any] = (
            {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}  # type: ignore[attr-defined]
            if os.name == "nt"
            else {"start_new_session": True}  # a terminal's Ctrl-C is for the fetch alone
        )
        try:
            process = subprocess.Popen(
                [sys.executable, "-P", "-c", _START.format(pid=os.getpid())],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                **flags,
            )
        except OSError:
            return
        if os.name != "nt":  # a write never blocks: a worker that stops reading is seen
            assert process.stdin is not None
            os.set_blocking(process.stdin.fileno(), False)
        self._process, self._input = process, process.stdin
        self._reader = threading.Thread(target=self._read, name="decoder", daemon=True)
        self._reader.start()

    def sink(self, report: str, path: Path) -> RemoteTally | FetchTally | None:
        """The sink of one download attempt of ``report`` into ``path`` (``fetch_tally``'s
        choice: none for per-repository reports): the worker's while it runs."""
        local = fetch_tally(report, path)
        if local is None or self._input is None:
            return local
        return RemoteTally(self, next(self._numbers), path)

    def send(self, op: int, number: int, size: int, payload: bytes = b"") -> bool:
        """One frame to the worker; false when it is gone (its files are then checked here).

        A ``GROW`` the pipe has no room for is skipped (the worker is behind; the next frame
        says more); any other frame waits ``answer_seconds`` at most, else the worker is hung.
        """
        stream = self._input
        if stream is None:
            return False
        frame = IN.pack(op, number, size) + payload
        try:
            with self._sending:
                written = _write(stream, frame, 0.0 if op == GROW else self.answer_seconds)
        except (OSError, ValueError):
            self._gone()
            return False
        if written is None:
            return True  # a GROW skipped
        if not written:
            self.hung()
            return False
        return True

    def answer_within(self, size: int) -> float:
        """Seconds a file of ``size`` bytes may wait for its verdict once its body ended."""
        return self.answer_seconds + size / ANSWER_RATE

    def hung(self) -> None:
        """The worker does not answer: killed (a stopped one too), and never sent to again."""
        process = self._process
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
        self._gone()

    def track(self, check: RemoteTally) -> None:
        with self._lock:
            self._open[check.number] = check

    def forget(self, number: int) -> None:
        with self._lock:
            self._open.pop(number, None)

    def _read(self) -> None:
        """The worker's verdicts, each to its download; at the end, the worker is gone."""
        process = self._process
        assert process is not None and process.stdout is not None
        stream = process.stdout
        try:
            while len(frame := stream.read(OUT.size)) == OUT.size:
                number, verdict, size = OUT.unpack(frame)
                payload = stream.read(size) if size else b""
                if len(payload) != size:
                    break
                with self._lock:
                    check = self._open.pop(number, None)
                if check is not None:
                    check.answer(verdict, payload)
        except (OSError, ValueError):
            pass
        self._gone()

    def _gone(self) -> None:
        """The worker ended: the downloads it held are told, and none is sent to it again."""
        with self._lock:
            self._input, stream = None, self._input
            held, self._open = list(self._open.values()), {}
        if stream is not None:  # not while a frame is written: its descriptor stays its own
            with self._sending, contextlib.suppress(OSError, ValueError):
                stream.close()
        for check in held:
            check.answer(None, b"")

    def close(self) -> None:
        """Stop the worker: its input ends, it exits; killed if it has not within a second,
        at once if it is stopped, and whatever interrupts the wait."""
        process = self._process
        if process is None:
            return
        try:
            if _stopped(process.pid):
                self.hung()
            self._gone()
            waited = time.monotonic() + 1.0
            while process.poll() is None and time.monotonic() < waited:
                if _stopped(process.pid):
                    break
                time.sleep(0.02)
        finally:
            if process.poll() is None:
                with contextlib.suppress(OSError):
                    process.kill()  # SIGKILL ends a stopped process as well
                process.wait()
        if self._reader is not None:
            self._reader.join(timeout=1.0)
        if process.stdout is not None:
            process.stdout.close()


def _stopped(pid: int) -> bool:
    """Whether the process is stopped (Linux; elsewhere, never known to be)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rpartition(b")")[2].split()[:1] in ([b"T"], [b"t"])


def _write(stream: IO[bytes], frame: bytes, wait: float) -> bool | None:
    """Write the frame whole: true; ``None`` when it cannot start at once and ``wait`` is 0
    (nothing of it written); false when the pipe took no more of it for ``wait`` seconds
    (or the fetch is cancelled: the worker is then as good as hung)."""
    if os.name == "nt":  # no waiting on a pipe there: the write blocks, as it always did
        stream.write(frame)
        stream.flush()
        return True
    fd = stream.fileno()
    view = memoryview(frame)
    until: float | None = None
    while view:
        try:
            view = view[os.write(fd, view) :]
            continue
        except BlockingIOError:
            pass
        if wait <= 0 and len(view) == len(frame):
            return None  # frames are atomic up to PIPE_BUF: none of it is in the pipe
        now = time.monotonic()
        if until is None:
            until = now + max(wait, 1.0)  # a frame begun is finished, or the worker is hung
        if now >= until or CANCEL.is_set():
            return False
        select.select([], [fd], [], min(0.05, until - now))
    return True


class RemoteTally(FileCheck):
    """One download attempt checked and added up by the worker; ``result`` its tally once
    ``finish`` returned (a ``FetchTally``, as a download in this process leaves it)."""

    def __init__(self, decoder: Decoder, number: int, path: Path) -> None:
        self.number = number
        self.result: FetchTally | None = None
        self._decoder = decoder
        self._path = path
        self._temp: Path | None = None
        self._refusal: ReportFormatError | None = None
        self._answered = threading.Event()
        self._verdict: int | None = None
        self._payload = b""
        self._remote = True

    def start(self, temp: Path) -> None:
        self._temp = temp
        self._decoder.track(self)
        spec = json.dumps({"path": str(self._path), "temp": str(temp)}).encode()
        self._remote = self._decoder.send(OPEN, self.number, len(spec), spec)

    def written(self, size: int) -> None:
        if self._remote and not self._answered.is_set():
            self._remote = self._decoder.send(GROW, self.number, size)

    def refused(self) -> ReportFormatError | None:
        return self._refusal

    def answer(self, verdict: int | None, payload: bytes) -> None:
        """The worker's verdict (``None``: the worker is gone without giving one)."""
        self._verdict, self._payload = verdict, payload
        if verdict == REFUSED:
            self._refusal = ReportFormatError(payload.decode("utf-8", "replace"))
        self._answered.set()

    def finish(self, size: int) -> int:
        if self._refusal is not None:
            raise self._refusal
        if self._remote:
            self._remote = self._decoder.send(END, self.number, size)
        until = time.monotonic() + self._decoder.answer_within(size)
        while self._remote and not self._answered.wait(0.05):
            if CANCEL.is_set():
                check_cancel()
            if time.monotonic() > until:  # hung: killed, and every file it held told so
                self._decoder.hung()
                break
        if self._refusal is not None:
            raise self._refusal
        if self._verdict == DONE:
            records, tally = _loads(self._payload)
            self.result = tally
            return records
        return self._here(size)

    def _here(self, size: int) -> int:
        """The worker is gone: check the whole file in this process, as a download did."""
        assert self._temp is not None
        self._decoder.forget(self.number)
        tally = FetchTally(self._path)
        check = ContentCheck(tally, batch=PIECE)  # as the worker would have
        with self._temp.open("rb") as handle:
            while piece := handle.read(min(PIECE, size - check.size)):
                check.feed(piece)
        check.finish(self._temp.read_bytes)
        self.result = tally
        return check.records

    def abandon(self) -> None:
        self._decoder.forget(self.number)
        if self._remote and not self._answered.is_set():
            self._decoder.send(DROP, self.number, 0)


def _loads(payload: bytes) -> tuple[int, FetchTally]:
    import pickle

    records, tally = pickle.loads(payload)  # noqa: S301 - our own worker's, through our pipe
    return int(records), tally
