"""History without a server: an archive of reports in, a database and a dashboard page out.

``build(sources, out)`` reads every report folder with a valid manifest under the
given trees (the folder, with every file its manifest lists, is the unit: one is
used whole or skipped whole), checks each file against its manifest, and writes
``copilot-usage.sqlite`` (updated incrementally), ``daily.csv`` and a
self-contained ``index.html`` into ``out``. ``publish_history`` keeps the same
history on a git branch (``auth_header`` is the header git sends the token in).

Modules: ``_archive`` (the report folders of an archive), ``_schema``, ``_update``
(which folder each day's rows come from) and ``_rows`` (writing them): the
database; ``_kinds`` (the table of kinds with tables of their own, ``register_history``):
``_seats``, ``_seatview`` and ``_seatpage`` (the seat snapshots: tables, numbers, the page's
Seats section); ``_view``, ``_page`` and ``_svg`` (the page),
``_build`` (the three outputs), ``_stage``, ``_git`` and ``_branch`` (the history
branch), ``_synthetic`` (a deterministic archive for tests and benchmarks).

Layer 4 (beside ``_pipeline`` and ``_standin``): may import ``_metrics``,
``_archive``, ``_core`` and ``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import lazy_exports

if TYPE_CHECKING:
    from ._branch import publish_history as publish_history
    from ._build import DATABASE_NAME as DATABASE_NAME
    from ._build import BuildResult as BuildResult
    from ._build import build as build
    from ._git import auth_header as auth_header
    from ._kinds import register_history as register_history

#: Each public name and the module that defines it; loaded on first use.
_EXPORTS = {
    "publish_history": "_branch",
    "DATABASE_NAME": "_build",
    "BuildResult": "_build",
    "build": "_build",
    "auth_header": "_git",
    "register_history": "_kinds",
}

__all__ = [
    "DATABASE_NAME",
    "BuildResult",
    "auth_header",
    "build",
    "publish_history",
    "register_history",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
