"""One run per scope folder at a time.

A run holds an advisory lock on ``<scope folder>/.lock`` while it writes there:
``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows. The operating system
drops the lock with its process, so a killed run leaves no stale lock; the file
itself stays (removing it would race with the next run). Its text names the
holder (process id, host, since when) for the message of a run that waited in
vain. A second run polls for a bounded time, then fails with one line.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from .._errors import OutputError
from .store import make_folder, write_error

__all__ = ["LOCK_NAME", "scope_lock"]

LOCK_NAME = ".lock"
#: Seconds between two tries while another run holds the lock.
_POLL = 0.1
#: The holder's text starts after the byte that is locked (Windows refuses to read that one).
_TEXT_AT = 1


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting; ``False`` when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        with suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    with suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)


def _describe_self() -> str:
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"process {os.getpid()} on {socket.gethostname() or 'this machine'}, since {since}"


def _holder(path: Path) -> str:
    """Who holds the lock, as its file says; a plain phrase when it says nothing readable."""
    try:
        with path.open("rb") as handle:
            handle.seek(_TEXT_AT)
            text = handle.read(300).decode("utf-8", "replace")
    except OSError:
        text = ""
    text = " ".join(text.split())
    return text or "a process that has not said which"


@contextmanager
def scope_lock(
    folder: Path,
    *,
    wait: float,
    poll: float = _POLL,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[Path]:
    """Hold ``folder/.lock`` for the block, waiting at most ``wait`` seconds to get it.

    Raises ``OutputError`` naming the holder when the wait runs out, or when the
    lock file cannot be created. Yields the lock file's path.
    """
    make_folder(folder)
    path = folder / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise write_error(path, exc) from None
    try:
        deadline = clock() + wait
        while not _try_lock(fd):
            if clock() >= deadline:
                raise OutputError(
                    f"another run ({_holder(path)}) is writing into {folder}; waited {wait:g} s "
                    "for it to finish. Let it finish (or raise --lock-wait), or give each run "
                    "its own output folder."
                )
            sleep(poll)
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f" {_describe_self()}\n".encode())
        except OSError:
            pass  # the lock holds without its note; a waiting run then names no holder
        try:
            yield path
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
