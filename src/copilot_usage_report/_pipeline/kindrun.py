"""What the pipeline hands a kind's fetcher (``KindRun``) and takes back (``Fetched``).

The interface of the table in ``kinds``: a ``Fetcher`` is any callable of a ``KindRun`` and
a ``ReportKind`` that saves the kind's day folders and returns what it saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from .results import FetchResult, Missing, Numbers

if TYPE_CHECKING:
    import httpx

    from .._archive import ManifestScope
    from .._core import ReportKind, Settings

__all__ = ["Fetched", "Fetcher", "KindRun"]

Log = Callable[[str], None]
#: A warning: its text and its title.
Warn = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class KindRun:
    """What a fetcher is given of the run: the settings, the API client and how to speak."""

    settings: Settings
    api: httpx.Client
    #: The scope as manifests name it, and the API's origin: a folder's identity.
    scope: ManifestScope
    origin: str
    tool: str
    log: Log
    warn: Warn
    today: date


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a fetcher saved: a result per day folder, the days GitHub had none, its numbers."""

    reports: tuple[FetchResult, ...]
    missing: tuple[Missing, ...] = ()
    numbers: Numbers | None = None


class Fetcher(Protocol):
    """Fetch ``kind`` for the run's days; raise one of our errors when the run must stop."""

    def __call__(self, run: KindRun, kind: ReportKind) -> Fetched: ...
