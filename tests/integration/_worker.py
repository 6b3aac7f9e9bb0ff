"""The fetch's decode worker seen from outside (Linux ``/proc``): found by its command line and
environment, waited for until it serves, and whether it still exists."""

from __future__ import annotations

import os
import time
from pathlib import Path

#: What the worker's command line holds (``_pipeline.decoder._START``).
WORKER_MARK = b"decode_worker import serve"


def find_worker(home: Path) -> int | None:
    """The pid of a decode worker whose ``HOME`` is ``home`` (each test run has its own)."""
    wanted = b"HOME=" + os.fsencode(home)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if WORKER_MARK not in (entry / "cmdline").read_bytes():
                continue
            if wanted in (entry / "environ").read_bytes().split(b"\0"):
                return int(entry.name)
        except OSError:
            continue
    return None


def serving(pid: int) -> bool:
    """Whether the worker waits on its input pipe: started, past its set-up (where the kernel
    hides what a process waits on: asleep, and started over two seconds ago)."""
    try:
        waits_on = Path(f"/proc/{pid}/wchan").read_text().strip()
        if waits_on and waits_on != "0":
            return "pipe_read" in waits_on
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError):
        return False
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime, in ticks
    return fields[0] == "S" and uptime - started > 2.0


def wait_serving(pid: int, seconds: float = 20.0) -> None:
    """Wait until the worker serves (its set-up, which asks the kernel to kill it with the
    fetch, is done)."""
    until = time.monotonic() + seconds
    while not serving(pid):
        assert time.monotonic() < until, f"the worker {pid} did not start serving"
        time.sleep(0.02)


def gone(pid: int) -> bool:
    """Whether the process has exited (a zombie waiting for its reaper counts as exited)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    try:
        return "zombie" in status.read_text()
    except OSError:
        return True


def wait_gone(pid: int, seconds: float) -> bool:
    """Whether the process exits within ``seconds``."""
    until = time.monotonic() + seconds
    while not gone(pid):
        if time.monotonic() > until:
            return False
        time.sleep(0.05)
    return True
