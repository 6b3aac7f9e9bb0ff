"""History without a server: an archive of reports in, a database and a dashboard page out.

``build(sources, out)`` reads every report folder with a valid manifest under the
given trees (the folder, with every file its manifest lists, is the unit: one is
used whole or skipped whole), each admitted by ``_archive``'s gate (files, manifest,
records within bounds), and writes
``copilot-usage.sqlite`` (updated incrementally), ``daily.csv`` and a
self-contained ``index.html`` into ``out``. ``publish_history`` keeps the same
history on a git branch (``auth_header`` is the header git sends the token in).

Modules: ``_archive`` (``_archive.scan`` under the history's names), ``_schema``, ``_update``
(which folder each day's rows come from) and ``_rows`` (writing them): the
database; ``_kinds`` (the table of kinds with tables of their own, ``register_history``):
``_seats``, ``_seatview`` and ``_seatpage`` (the seat snapshots: tables, numbers, the page's
Seats section); ``_view``, ``_page`` and ``_svg`` (the page),
``_build`` (the three outputs), ``_csv`` (every CSV file's one writer), ``_stage``, ``_git``
and ``_branch`` (the history branch).

Layer 4 (beside ``_pipeline`` and ``_standin``): may import ``_metrics``,
``_archive``, ``_core`` and ``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from ._branch import publish_history as publish_history
    from ._build import build as build
    from ._git import auth_header as auth_header
    from ._kinds import register_history as register_history
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
