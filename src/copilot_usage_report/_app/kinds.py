"""The app's part of the registry of report kinds: each kind's step outputs, and plug-ins.

The registry (one design, documented here and in CONTRIBUTING's "Add a report kind"):

- A kind is a row of ``_core.kinds`` (``ReportKind``: its name and folder, its request:
  report links, a paged list or a billing call, its scopes, whether the usage summary counts
  its records, the ``metrics`` key of its numbers). ``--report``, ``--help``, the settings
  and the pipeline's choice of request read the registry, never a kind's name.
- A metrics report (``request="links"``) needs nothing more: the pipeline asks its links and
  downloads its files, the summary, CSV and the history read its records by their fields.
- Any other kind has a part in each layer that does something with it, written in that
  layer's own module, in a table of that layer keyed by the kind's name, so the layers still
  point one way (a part may use only what its layer may import):

  - ``_pipeline.kinds``: its ``Fetcher`` (``register_fetcher``), which saves
    ``<scope>/<kind>/<day>/`` with a manifest and may count what it saved; a ``billing``
    kind without one is asked one call a day by ``_pipeline.calls``, its saved files
    counted by the counter registered for it (``register_counter``);
  - ``_render.sections``: its section of the job summary (``register_section``);
  - ``history._kinds``: its tables, their CSV files and its section of the page
    (``register_history``);
  - here: its step outputs (``register_outputs``); its numbers go into ``metrics`` under
    its ``metrics_key`` by themselves (``RunResult.sections``).

  Each table's built-in rows (the seat list's) are written in the table, imported when first
  used; a plug-in module calls the ``register_*`` functions.
- ``install_kinds`` (``main``, before argv is parsed, so ``--report`` and ``--help`` know every
  kind) imports the plug-in modules ``COPILOT_USAGE_REPORT_KIND_MODULES`` names (tests only:
  ``_core.settings.kind_modules``), which is how a test runs a toy kind through the real CLI.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._core import SEATS

if TYPE_CHECKING:
    from .._pipeline import RunResult

__all__ = ["install_kinds", "kind_outputs", "register_outputs"]

#: A kind's numbers to its step outputs (names as ``action.yml`` spells them).
Outputs = Callable[[Any], dict[str, str]]


def _seat_outputs(counts: Any) -> dict[str, str]:
    """The seat list's ``seats-*`` outputs (no login)."""
    return {
        "seats-total": str(counts.total_seats),
        "seats-active": str(counts.active_28),
        "seats-inactive": str(counts.inactive),
        "seats-never-used": str(counts.never_used),
        "seats-pending-cancellation": str(counts.pending_cancellation),
    }


#: Each kind's outputs, by name: the built-in rows.
_OUTPUTS: dict[str, Outputs] = {SEATS: _seat_outputs}
_installed: list[str] = []


def register_outputs(name: str, outputs: Outputs) -> None:
    """Set the kind ``name``'s step outputs from its numbers with ``outputs``."""
    _OUTPUTS[name] = outputs


def kind_outputs(result: RunResult, metrics: str | None) -> dict[str, str]:
    """``metrics`` with each kind's numbers under its key, and each kind's own outputs."""
    data = json.loads(metrics) if metrics else {"start_day": None, "end_day": None, "days": []}
    data.update(result.sections())
    outputs = {"metrics": json.dumps(data)}
    for kind, numbers in result.numbers:
        if (own := _OUTPUTS.get(kind.name)) is not None:
            outputs.update(own(numbers))
    return outputs


def install_kinds() -> None:
    """Import the plug-in modules that register kinds of their own (tests only); once."""
    from .._core import kind_modules

    for name in kind_modules():
        if name not in _installed:
            _installed.append(name)
            importlib.import_module(name)
