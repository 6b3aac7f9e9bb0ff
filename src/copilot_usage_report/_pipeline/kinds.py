"""The pipeline's table of kinds not asked through report links: one ``Fetcher`` per kind.

A metrics report (``ReportKind.linked``) is fetched by ``run`` itself: report links, signed
downloads, a manifest. Any other kind is fetched by the ``Fetcher`` of its name in this table
(the built-in rows below: the seat list's; ``register_fetcher`` adds a plug-in's), or, for a
``billing`` kind with none, by ``calls.fetch_calls`` (one API call per day, the answer saved as
served). The run hands a fetcher a ``KindRun`` and takes back what it saved (``Fetched``): its
folders, the days GitHub had nothing for, and its numbers, any object with a ``metrics()``
(``metrics``, the job summary and the outputs show them, ``_render.sections``).

The interface (``Fetcher``, ``KindRun``, ``Fetched``) is in ``kindrun``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from .._core import SEATS
from .calls import fetch_calls
from .kindrun import Fetched, Fetcher, KindRun

if TYPE_CHECKING:
    import httpx

    from .._archive import ManifestScope
    from .._core import ReportKind, Settings
    from .progress_sink import ProgressSink

__all__ = ["fetch_kinds", "fetcher_of", "register_fetcher"]

Log = Callable[[str], None]


def _seat_list(run: KindRun, kind: ReportKind) -> Fetched:
    """The seat list's fetcher (``seats``), imported when first used."""
    from .seats import fetch_seat_list

    return fetch_seat_list(run, kind)


#: The fetcher of each kind not asked through report links, by name: the built-in rows.
_FETCHERS: dict[str, Fetcher] = {SEATS: _seat_list}


def register_fetcher(name: str, fetcher: Fetcher) -> None:
    """Fetch the kind ``name`` with ``fetcher`` (replacing any fetcher it had)."""
    _FETCHERS[name] = fetcher


def fetcher_of(kind: ReportKind) -> Fetcher:
    """The fetcher of a kind not asked through report links."""
    fetcher = _FETCHERS.get(kind.name)
    if fetcher is not None:
        return fetcher
    if kind.request == "billing":
        return fetch_calls
    raise LookupError(f"no fetcher is registered for the {kind.name} report")  # a bug of ours


class _Run(Protocol):
    """What ``fetch_kinds`` reads of the run (``run._Runner``)."""

    settings: Settings
    api: httpx.Client
    scope: ManifestScope
    origin: str
    tool: str
    log: Log
    progress: ProgressSink
    today: date


def fetch_kinds(run: _Run, into: list[tuple[ReportKind, Fetched]]) -> BaseException | None:
    """Fetch each kind of the run not asked through report links with its fetcher, in the
    order asked, into ``into``; the error that stopped it, if one did (what each kind saved
    before it stays in ``into``)."""
    given = KindRun(
        settings=run.settings, api=run.api, scope=run.scope, origin=run.origin,
        tool=run.tool, log=run.log, today=run.today,
        warn=lambda text, title: run.progress.warn(text, title=title),
    )  # fmt: skip
    for kind in (k for k in run.settings.kinds if not k.linked):
        try:
            into.append((kind, fetcher_of(kind)(given, kind)))
        except BaseException as exc:  # the run reports it, as it does a report's failure
            return exc
    return None
