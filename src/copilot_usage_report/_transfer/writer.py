"""The body of a download written and hashed on a thread of its own (``BodyWriter``).

System calls and SHA-256 release the GIL, so they overlap the receiving thread's work on a
second core; a ``FileCheck`` reading the file as it grows is told after each block.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .._errors import OutputError

__all__ = ["BodyWriter"]

#: The writer thread gets the body in blocks of about this size: few hand-offs, GIL round trips.
_BLOCK_BYTES = 1024 * 1024
#: Blocks waiting for the writer at most: bounds memory when the disk is slower than the link.
_QUEUE_BLOCKS = 4


class BodyWriter:
    """Writes and hashes a body on a thread of its own, in the order it arrived.

    The caller hands over chunks (``put``), which go over in blocks of about
    ``_BLOCK_BYTES``; at most ``_QUEUE_BLOCKS`` wait, so a slow disk slows the
    download instead of filling memory. A write error stops the writing and is
    raised on the caller's thread by its next ``put`` or by ``finish``. The thread
    ends whatever ends the block (``close``, also on errors), so none outlives its
    file.
    """

    def __init__(
        self, handle: IO[bytes], name: str, on_written: Callable[[int], None] | None = None
    ) -> None:
        self._handle = handle
        self._name = name
        #: Told, after each block, how many bytes the file holds (a ``FileCheck`` reading it).
        self._on_written = on_written
        self._written = 0
        self._digest = hashlib.sha256()
        self._blocks: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_BLOCKS)
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="download-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        # Whatever a write raises is kept, and the queue still drained to its end: the caller
        # never waits on a full queue that no one empties.
        while (block := self._blocks.get()) is not None:
            if self._error is None:
                try:
                    self._handle.write(block)
                    self._digest.update(block)
                    if self._on_written is not None:
                        self._handle.flush()  # in the file for a reader before it is told
                        self._written += len(block)
                        self._on_written(self._written)
                except Exception as exc:  # re-raised on the caller's thread
                    self._error = exc

    def put(self, chunk: bytes) -> None:
        """Queue a chunk; raises ``OutputError`` if an earlier write failed."""
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= _BLOCK_BYTES:
            self._hand_over()

    def _hand_over(self) -> None:
        self._raise_error()
        if self._pending:
            self._blocks.put(b"".join(self._pending))
            self._pending, self._pending_bytes = [], 0

    def _raise_error(self) -> None:
        error = self._error
        if isinstance(error, OSError):
            reason = error.strerror or type(error).__name__
            raise OutputError(
                f"cannot write {self._name} in {Path(self._handle.name).parent}: {reason}."
            )
        if error is not None:
            raise error

    def finish(self) -> str:
        """Write what is left and wait for it; the body's SHA-256 (hex)."""
        self._hand_over()
        self.close()
        if self._error is None:
            try:
                self._handle.flush()
            except OSError as exc:
                self._error = exc
        self._raise_error()
        return self._digest.hexdigest()

    def close(self) -> None:
        """Stop the thread once the queued blocks are done (or dropped, after an error)."""
        if self._thread.is_alive():
            self._blocks.put(None)
            self._thread.join()

    def __enter__(self) -> BodyWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
