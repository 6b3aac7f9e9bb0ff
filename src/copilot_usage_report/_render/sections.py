"""The job summary's table of kinds' sections: how each kind's numbers read as Markdown.

A kind not asked through report links may count what it saved (``_pipeline.kinds.Numbers``);
its section of the job summary is the renderer of its name in this table (the built-in rows:
the seat list's, ``seats``; ``register_section`` adds a plug-in's, see ``_app/kinds.py``).
A kind with numbers and no renderer shows none. Imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .._core import SEATS

if TYPE_CHECKING:
    from .._core import ReportKind

__all__ = ["Section", "register_section", "render_sections"]

#: A kind's numbers (whatever its fetcher counted) to its section of the job summary.
Section = Callable[[Any], str]


def _seats(counts: Any) -> str:
    """The seat list's section (``seats``), imported when first used."""
    from .seats import render_seats

    return render_seats(counts)


#: Each kind's renderer, by name: the built-in rows.
_SECTIONS: dict[str, Section] = {SEATS: _seats}


def register_section(name: str, render: Section) -> None:
    """Show the kind ``name``'s numbers in the job summary with ``render``."""
    _SECTIONS[name] = render


def render_sections(numbers: Iterable[tuple[ReportKind, object]]) -> str:
    """Each kind's section, in the order the kinds were asked, each after a blank line."""
    out = ""
    for kind, counted in numbers:
        render = _SECTIONS.get(kind.name)
        if render is not None:
            out += "\n" + render(counted)
    return out
