"""A program's peak memory as the kernel counts it, and its exit timed from a signal's delivery.

The peak is ``ru_maxrss`` from ``wait4``: the kernel's own high-water mark of the process's
resident set over its whole life, exit included, so nothing between two samples is missed.
``wait4`` is called by a small launcher (``LAUNCHER``: Python without ``site``), not by the test
process: Linux carries the address space a process was forked from into its ``ru_maxrss``
(``exec`` folds the old image's peak in), so a child of the test process would report at least
the test process's own size. The launcher is what the program is forked from, so the figure is
the program's peak, or the launcher's few MiB if the program never grew past them: an upper
bound, never less than the program used.

The launcher forks, execs the program, reports the program's pid on a pipe at once, then its
wait status and ``ru_maxrss`` the moment it is reaped. The test signals the program itself, by
pid, and takes the time right as it sends the signal; the exit is timed when the status arrives.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: Runs as ``python -I -S -c LAUNCHER <fd> <program> <args>...``.
LAUNCHER = """\
import os, signal, sys
fd, argv = int(sys.argv[1]), sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.close(fd)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C of the test run is the program's
os.write(fd, b"%d\\n" % pid)
_, status, usage = os.wait4(pid, 0)
os.write(fd, b"%d %d\\n" % (status, usage.ru_maxrss))
"""
#: ``ru_maxrss`` is in KiB on Linux, in bytes on macOS.
_RSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass
class Measured:
    """A finished program: exit code (minus the signal that killed it), peak RSS, durations."""

    code: int
    peak_rss: int
    seconds: float
    signalled_after: float | None = None


class _Lines:
    """Lines from the launcher's pipe, read without blocking longer than asked."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""

    def line(self, wait: float | None) -> bytes | None:
        """The next line; None when none came within ``wait`` seconds (None: no limit)."""
        while b"\n" not in self.buffer:
            if not select.select([self.fd], [], [], wait)[0]:
                return None
            chunk = os.read(self.fd, 4096)
            if not chunk:
                raise AssertionError("the launcher ended without reporting the program's exit")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line


def run_measured(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    stdout: IO[bytes] | None = None,
    stderr: IO[bytes] | None = None,
    timeout: float = 90.0,
    send: tuple[int, Callable[[], bool]] | None = None,
) -> Measured:
    """Run ``argv`` to its end; ``send`` signals it once a condition holds (checked every 10 ms).

    ``signalled_after`` is from the moment the signal was sent to the moment the program was
    reaped. Past ``timeout`` seconds the program is killed and the run is an AssertionError.
    """
    read, write = os.pipe()
    started = time.monotonic()
    try:
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", LAUNCHER, str(write), *argv],
            env=env,
            cwd=cwd,
            stdout=stdout,
            stderr=stderr,
            pass_fds=(write,),
        )
    except BaseException:
        os.close(read)
        raise
    finally:
        os.close(write)
    lines = _Lines(read)
    try:
        first = lines.line(timeout)
        assert first is not None, "the launcher did not start the program"
        pid = int(first)
        signalled: float | None = None
        while (done := lines.line(0.01)) is None:
            if send is not None and signalled is None and send[1]():
                signalled = time.monotonic()
                os.kill(pid, send[0])
            if time.monotonic() - started > timeout:
                os.kill(pid, signal.SIGKILL)
                lines.line(None)
                raise AssertionError(f"{argv[0]} ran longer than {timeout} s")
        ended = time.monotonic()
    finally:
        os.close(read)
        launcher.wait(timeout=30)
    status, max_rss = map(int, done.split())
    return Measured(
        code=os.waitstatus_to_exitcode(status),
        peak_rss=max_rss * _RSS_UNIT,
        seconds=ended - started,
        signalled_after=None if signalled is None else ended - signalled,
    )
