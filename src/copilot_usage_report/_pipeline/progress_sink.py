"""What the fetch pipeline tells of its progress: a protocol of the pipeline's layer.

``run`` calls it; ``_app.progress.Progress`` (the glue's renderer) fulfils it, so the
pipeline never imports the renderer and the renderer may import the workflow side.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

__all__ = ["ProgressSink", "Silent"]


class ProgressSink(Protocol):
    """What the pipeline tells of its progress; may be called from download threads."""

    def start(self, total: int) -> None:
        """``total`` steps (a report of a day) are to come."""

    def step(self, title: str) -> AbstractContextManager[None]:
        """The lines logged inside belong to the step ``title``."""

    def warn(self, message: str, *, title: str = "Report not available") -> None:
        """A warning the reader should see: a day without a report under the ``warn``
        policy, or GitHub answering for another day than asked."""

    def done(self, size: int) -> None:
        """A step finished, having saved ``size`` bytes (0 for a missing report)."""

    def close(self) -> None:
        """The run is over (also when it failed)."""


class Silent:
    """The default progress: shows nothing."""

    def start(self, total: int) -> None:
        pass

    def step(self, title: str) -> AbstractContextManager[None]:
        return nullcontext()

    def warn(self, message: str, *, title: str = "Report not available") -> None:
        pass

    def done(self, size: int) -> None:
        pass

    def close(self) -> None:
        pass
