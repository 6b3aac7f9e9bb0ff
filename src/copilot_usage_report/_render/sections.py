"""The table of what each kind's numbers show: its section of the job summary, its outputs.

A kind not asked through report links may count what it saved (``_pipeline.Numbers``). Its
row here says how those numbers read: as Markdown in the job summary (``Shown.section``) and
as step outputs, named as ``action.yml`` names them (``Shown.outputs``); its numbers go into
``metrics`` under its ``metrics_key`` by themselves (``RunResult.sections``). The built-in
rows are below (the seat list's, ``seats``); ``register_section`` adds a plug-in's (see
``_app/kinds.py``). A kind with numbers and no row shows none. Imports nothing heavy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._core import CREDITS, SEATS

if TYPE_CHECKING:
    from .._core import ReportKind
    from .._pipeline import RunResult

__all__ = ["Shown", "kind_outputs", "output_kinds", "register_section", "render_sections"]


@dataclass(frozen=True, slots=True)
class Shown:
    """How one kind's numbers (whatever its fetcher counted) are shown."""

    #: Its section of the job summary, as Markdown.
    section: Callable[[Any], str]
    #: Its step outputs, by name (none when absent).
    outputs: Callable[[Any], dict[str, str]] | None = None
    #: The names of those outputs, as ``action.yml`` lists them.
    names: tuple[str, ...] = ()


def _seat_section(counts: Any) -> str:
    """The seat list's section (``seats``), imported when first used."""
    from .seats import render_seats

    return render_seats(counts)


_SEAT_OUTPUTS = (
    "seats-total", "seats-active", "seats-inactive", "seats-never-used",
    "seats-pending-cancellation",
)  # fmt: skip


def _seat_outputs(counts: Any) -> dict[str, str]:
    """The seat list's ``seats-*`` outputs (no login)."""
    values = (counts.total_seats, counts.active_28, counts.inactive, counts.never_used,
              counts.pending_cancellation)  # fmt: skip
    return {name: str(value) for name, value in zip(_SEAT_OUTPUTS, values, strict=True)}


def _credit_section(numbers: Any) -> str:
    """AI credits billed (``credits``), imported when first used."""
    from .credits import render_credits

    return render_credits(numbers)


def _credit_outputs(numbers: Any) -> dict[str, str]:
    """``ai-credits-billed`` and ``ai-credits-net-usd`` (``credits``)."""
    from .credits import credit_outputs

    return credit_outputs(numbers)


_CREDIT_OUTPUTS = ("ai-credits-billed", "ai-credits-net-usd")

#: Each kind's row, by name: the built-in rows.
_SHOWN: dict[str, Shown] = {
    SEATS: Shown(_seat_section, _seat_outputs, _SEAT_OUTPUTS),
    CREDITS: Shown(_credit_section, _credit_outputs, _CREDIT_OUTPUTS),
}


def register_section(
    name: str,
    section: Callable[[Any], str],
    outputs: Callable[[Any], dict[str, str]] | None = None,
    names: tuple[str, ...] = (),
) -> None:
    """Show the kind ``name``'s numbers with ``section`` (Markdown) and ``outputs`` (``names``)."""
    _SHOWN[name] = Shown(section, outputs, names)


def output_kinds() -> dict[str, str]:
    """Each output a kind sets, and the kind that sets it."""
    return {output: name for name, shown in _SHOWN.items() for output in shown.names}


def render_sections(numbers: Iterable[tuple[ReportKind, object]]) -> str:
    """Each kind's section, in the order the kinds were asked, each after a blank line."""
    out = ""
    for kind, counted in numbers:
        if (shown := _SHOWN.get(kind.name)) is not None:
            out += "\n" + shown.section(counted)
    return out


def kind_outputs(result: RunResult, metrics: str | None) -> dict[str, str]:
    """``metrics`` (JSON) with each kind's numbers under its key, and each kind's outputs."""
    data = json.loads(metrics) if metrics else {"start_day": None, "end_day": None, "days": []}
    data.update(result.sections())
    outputs = {"metrics": json.dumps(data)}
    for kind, counted in result.numbers:
        if (shown := _SHOWN.get(kind.name)) is not None and shown.outputs is not None:
            outputs.update(shown.outputs(counted))
    return outputs
