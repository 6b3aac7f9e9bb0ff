"""Lazy exports for the subpackages' ``__init__`` modules (PEP 562).

Each package names its public surface once, as a table of name -> defining module;
``lazy_exports`` gives the module-level ``__getattr__`` and ``__dir__`` that import
the defining module on first use. So importing a package costs nothing until a name
is used, and ``--version`` or ``--help`` load no network library. Type checkers see
the same names through each ``__init__``'s ``if TYPE_CHECKING:`` imports; a test
checks that the two lists agree.

Layer 0: imports nothing of the package.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, table: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose public names are ``table``'s keys.

    A name is looked up in its module (``table[name]``, relative to ``package``) once,
    then kept in the package's namespace, so later lookups do not come back here."""

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        setattr(import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__
