"""The registry of report kinds, whole: its design, and the plug-in modules the app loads.

- A kind is a row of ``_core.kinds`` (``ReportKind``: its name and folder, its request:
  report links, a paged list or a billing call, its scopes, whether the usage summary counts
  its records, the ``metrics`` key of its numbers). ``--report``, ``--help``, the settings
  and the pipeline's choice of request read the registry, never a kind's name.
- A metrics report (``request="links"``) needs nothing more: the pipeline asks its links and
  downloads its files, the summary, CSV and the history read its records by their fields.
- Any other kind has a part in each layer that does something with it, written in a module
  of that layer, and a row in that layer's table keyed by the kind's name, so the layers
  still point one way (a part uses only what its layer may import):

  - ``_pipeline.kinds``: its ``Fetcher`` (``register_fetcher``), which saves
    ``<scope>/<kind>/<day>/`` with a manifest and may count what it saved; a ``billing``
    kind without one is asked one call a day by ``_pipeline.calls``, its saved files counted
    by the counter of its row there (``register_counter``);
  - ``_render.sections``: its section of the job summary and its step outputs
    (``register_section``); its numbers go into ``metrics`` under its key by themselves;
  - ``history._kinds``: its tables, their CSV files and its section of the page
    (``register_history``).

  Each table's built-in rows (the seat list's, AI credits billed's) are written in the table
  and import their part when first used, so ``history.build`` and ``fetch_reports`` know
  them without the app.
- A plug-in module registers a kind of its own with the same ``register_*`` functions.
  ``install_kinds`` (``main``, before argv is parsed, so ``--report`` and ``--help`` list its
  kinds) imports the modules ``COPILOT_USAGE_REPORT_KIND_MODULES`` names; only the tests use
  it (``_core.settings.kind_modules`` reads it under ``COPILOT_USAGE_REPORT_TESTING=1``), to
  run a toy kind through the real CLI with no edit to the package.
"""

from __future__ import annotations

import importlib

__all__ = ["install_kinds"]

_installed: list[str] = []


def install_kinds() -> None:
    """Import the plug-in modules that register kinds of their own (tests only), once each."""
    from .._core import kind_modules

    for name in kind_modules():
        if name not in _installed:
            _installed.append(name)
            importlib.import_module(name)
