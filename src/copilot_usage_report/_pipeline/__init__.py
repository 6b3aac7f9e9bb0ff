"""The fetch: which reports to ask for, in what order, and what became of each.

``run`` is the orchestrator (``fetch_reports``): it sees the API client, the
downloader and the sinks only through what it is given; ``job`` and ``results``
hold a job's state and a finished run's records, ``answers`` reads what GitHub's
answers mean (no report, an empty list, another day), ``resume`` reuses folders a
run saved before, ``onepass`` sums the records as they arrive (``decoder`` in a second process,
``decode_worker``), ``seats`` saves today's seat list, and ``progress_sink`` is the protocol
the app's progress display fulfils. ``kinds`` is the table of fetchers of the kinds not
asked through report links (its built-in rows, and a plug-in's, ``_app/kinds.py``);
``calls`` fetches a ``billing`` kind, one API call per day.

Layer 4: may import ``_github``, ``_transfer``, ``_metrics``, ``_archive``,
``_core`` and ``_errors``; not ``history`` or ``_standin`` (same layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .calls import register_counter as register_counter
    from .decoder import Decoder as Decoder
    from .onepass import beyond_history as beyond_history
    from .onepass import summarize_fetch as summarize_fetch
    from .results import FetchResult as FetchResult
    from .results import Missing as Missing
    from .results import RunResult as RunResult
    from .run import OnFailure as OnFailure
    from .run import fetch_reports as fetch_reports
    from .seats import Snapshot as Snapshot
    from .seats import save_snapshot as save_snapshot
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
