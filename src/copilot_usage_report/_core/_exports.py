"""Lazy exports for the subpackages' ``__init__`` modules (PEP 562).

Each package names each public name once, as one line of its ``if TYPE_CHECKING:`` block::

    if TYPE_CHECKING:
        from .store import Manifest as Manifest
    else:
        __getattr__, __dir__, __all__ = lazy_exports(__name__)

Type checkers and editors read those lines as they are (``X as X`` is an explicit
re-export under mypy's strict mode). At run time the block is skipped, and
``lazy_exports`` reads the same lines from the ``__init__``'s source (once, at import, with
one regular expression: tens of microseconds, where ``ast`` took ten times that), giving the
package its ``__all__`` and the ``__getattr__`` and ``__dir__`` that import a name's module
on first use. So importing a package costs nothing until a name is used, and ``--version``
or ``--help`` load no network library. ``tests/test_architecture.py`` reads each block with
``ast`` too, and fails when the two readings differ or a line has another shape.

Part of ``_core`` (layer 1), which every package may import; it imports nothing of the
package, so ``_core``'s own ``__init__`` and the top-level one load it first and alone.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["export_table", "lazy_exports"]

#: One export: ``    from .module import name as name``.
_EXPORT_LINE = re.compile(r"^    from \.(\w+) import (\w+) as \2$", re.MULTILINE)


def export_table(source: str) -> dict[str, str]:
    """Each name the ``if TYPE_CHECKING:`` block of an ``__init__``'s ``source`` re-exports,
    and the module of the package (relative, without its dot) that defines it.

    Only ``from .module import name as name`` lines count, one a line, as ruff formats them."""
    start = source.find("\nif TYPE_CHECKING:\n")
    if start < 0:
        return {}
    end = source.find("\nelse:", start)
    block = source[start : end if end >= 0 else len(source)]
    return {name: module for module, name in _EXPORT_LINE.findall(block)}


def lazy_exports(
    package: str,
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``, whose public names are the
    ones its ``__init__``'s ``if TYPE_CHECKING:`` block re-exports (``export_table``).

    A name is looked up in its module once, then kept in the package's namespace, so
    later lookups do not come back here."""
    module = sys.modules[package]
    loader = module.__spec__.loader if module.__spec__ else None
    source = loader.get_source(package) if loader and hasattr(loader, "get_source") else None
    if source is None:
        raise ImportError(f"{package}: its __init__'s source cannot be read for its exports")
    table = export_table(source)

    def __getattr__(name: str) -> Any:
        defining = table.get(name)
        if defining is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{defining}", package), name)
        setattr(module, name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__, sorted(table)
