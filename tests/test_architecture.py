"""The package's layout, read from its imports with ``ast``: layers point one way, no circles.

The packages and their layers (CONTRIBUTING.md draws the same map):

    L0  _errors                    the error tree
    L1  _core                      kinds, links, values, bounds, settings, tls, _exports
    L2  _archive                   store, lock
    L3  _github, _transfer, _metrics
    L4  _pipeline, history, warehouse, _standin
    L5  _render
    L6  _app                       the only layer with argv, stdio, signals, GITHUB_* files
    L7  __init__, __main__         the public surface and the entry point

A module imports from its own package and from lower layers only; packages of one layer do
not import each other; outside a package only what its ``__init__`` exports is imported, each
export is written once (its ``if TYPE_CHECKING:`` line) and has a user outside its package, and
every ``__init__`` says what the package is for and what it may import. Every check names
the two modules (or the module and the name) at fault.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from copilot_usage_report._core._exports import export_table

PACKAGE = Path(__file__).parents[1] / "src" / "copilot_usage_report"
NAME = "copilot_usage_report"
LAYERS = {
    "_errors": 0,
    "_core": 1,
    "_archive": 2,
    "_github": 3,
    "_transfer": 3,
    "_metrics": 3,
    "_pipeline": 4,
    "history": 4,
    "warehouse": 4,
    "_standin": 4,
    "_render": 5,
    "_app": 6,
    "__init__": 7,
    "__main__": 7,
}
#: "About 400 lines": the longest module may run a little over, never far.
MAX_LINES = 420


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted below the package ("" for the package itself)
    target: str  # imported module, dotted below the package ("" for the package itself)
    names: tuple[str, ...]
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """The package (or top-level module) a module belongs to."""
    return module.split(".")[0] if module else "__init__"


def imports_of(module: str, path: Path) -> Iterator[Import]:
    """Every import of the package's own code in ``path``, in functions and TYPE_CHECKING too."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == NAME or alias.name.startswith(NAME + "."):
                    yield Import(module, alias.name[len(NAME) + 1 :], (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module is None or not (
                    node.module == NAME or node.module.startswith(NAME + ".")
                ):
                    continue
                target = node.module[len(NAME) + 1 :]
            else:
                base = module.split(".") if module else []
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join(base + (node.module.split(".") if node.module else []))
            yield Import(module, target, tuple(a.name for a in node.names), node.lineno)


def all_imports() -> list[Import]:
    return [imp for name, path in modules().items() for imp in imports_of(name, path)]


def exports_of(package: str) -> dict[str, str]:
    """A package's exports: public name -> defining module, read as ``lazy_exports`` reads them."""
    return export_table((PACKAGE / package / "__init__.py").read_text("utf-8"))


PACKAGES = sorted(p for p in LAYERS if (PACKAGE / p / "__init__.py").is_file())


def test_every_module_has_a_layer():
    units = {unit(m) for m in modules()}
    assert units - set(LAYERS) == set(), "a new package or top-level module needs a layer here"
    assert set(LAYERS) - units == set()


def test_imports_point_down_never_up_or_sideways():
    wrong = []
    for imp in all_imports():
        src, dst = unit(imp.source), unit(imp.target)
        if src == dst:
            continue
        if LAYERS[dst] >= LAYERS[src]:
            way = "sideways" if LAYERS[dst] == LAYERS[src] else "up"
            wrong.append(
                f"{imp.source or NAME} (L{LAYERS[src]}) imports {imp.target} (L{LAYERS[dst]}): "
                f"{way}, line {imp.line}"
            )
    assert wrong == []


def test_outside_a_package_only_its_exports_are_imported():
    wrong = []
    for imp in all_imports():
        src, dst = unit(imp.source), unit(imp.target)
        if src == dst or dst not in PACKAGES:
            continue
        if imp.target != dst:
            wrong.append(f"{imp.source}:{imp.line} reaches into {imp.target}; import from {dst}")
            continue
        missing = set(imp.names) - set(exports_of(dst))
        if missing:
            wrong.append(
                f"{imp.source}:{imp.line} imports {sorted(missing)}, not in {dst}'s exports"
            )
    assert wrong == []


def _graph() -> dict[str, set[str]]:
    """Module -> modules it imports, a package's export resolved to the module defining it."""
    known = modules()
    graph: dict[str, set[str]] = {m: set() for m in known}
    for imp in all_imports():
        dst = unit(imp.target)
        if imp.target == dst and dst in PACKAGES and unit(imp.source) != dst:
            table = exports_of(dst)
            targets = {f"{dst}.{table[n]}" for n in imp.names if n in table}
        elif imp.target in known:
            # ``from . import x``: x may be a module of the package
            subs = {f"{imp.target}.{n}" if imp.target else n for n in imp.names}
            targets = (subs & set(known)) or {imp.target}
        else:
            targets = set()
        graph[imp.source] |= targets - {imp.source}
    return graph


def test_no_import_circle():
    """Tarjan's strongly connected components: any with two modules or more is a circle."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    described = []
    for circle in circles:
        members = set(circle)
        edges = [f"{a} -> {b}" for a in circle for b in sorted(graph[a] & members)]
        described.append("; ".join(edges))
    assert described == []


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_says_what_it_is_for_and_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8")))
    assert doc, f"{package}/__init__.py has no docstring"
    assert f"Layer {LAYERS[package]}" in doc, f"{package}: the docstring names another layer"
    assert "may import" in doc, f"{package}: the docstring does not say what it may import"


@pytest.mark.parametrize("package", PACKAGES)
def test_each_export_is_written_once(package):
    """An ``__init__`` names each export once, as ``from .module import name as name`` in its
    ``if TYPE_CHECKING:`` block, whose ``else:`` is ``lazy_exports``; no ``__all__`` or table
    repeats the names; each is defined where the line says and hides no submodule."""
    tree = ast.parse((PACKAGE / package / "__init__.py").read_text("utf-8"))
    blocks = [
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    ]
    assert len(blocks) == 1, f"{package}: one `if TYPE_CHECKING:` block names the exports"
    typed: dict[str, str] = {}
    for item in blocks[0].body:
        assert isinstance(item, ast.ImportFrom) and item.level == 1 and item.module, (
            f"{package}, line {item.lineno}: only `from .module import name as name` lines"
        )
        for alias in item.names:
            assert alias.asname == alias.name, f"{package}: write `{alias.name} as {alias.name}`"
            typed[alias.name] = item.module
    assert [ast.unparse(n) for n in blocks[0].orelse] == [
        "__getattr__, __dir__, __all__ = lazy_exports(__name__)"
    ], f"{package}: the block's `else:` is the one lazy_exports line"
    assigned = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert assigned & {"__all__", "_EXPORTS"} == set(), f"{package}: names written twice"
    table = exports_of(package)
    assert table == typed, f"{package}: one `from .module import name as name` a line"
    assert sorted(importlib.import_module(f"{NAME}.{package}").__all__) == sorted(table)
    submodules = {p.stem for p in (PACKAGE / package).glob("*.py")}
    assert set(table) & submodules == set()
    for name, module in table.items():
        source = (PACKAGE / package / f"{module}.py").read_text("utf-8")
        pattern = rf"^(?:def|class) {name}\b|^{name}\b[^=]*="
        assert re.search(pattern, source, re.MULTILINE), f"{package}.{module} defines no {name}"


#: Optional extras, and the one package that may import each (nothing else needs them).
_EXTRAS = {"pyarrow": "warehouse", "duckdb": "warehouse"}


def test_optional_extras_are_imported_only_by_their_package():
    """pyarrow and DuckDB (the ``warehouse`` extra) are imported nowhere but ``warehouse``."""
    wrong = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            found: list[str] = []
            if isinstance(node, ast.Import):
                found = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found = [node.module.split(".")[0]]
            for top in found:
                if top in _EXTRAS and unit(name) != _EXTRAS[top]:
                    wrong.append(f"{name}:{getattr(node, 'lineno', 0)} imports {top}")
    assert wrong == []


def test_the_export_reader_reads_only_the_type_checking_block():
    """``export_table`` takes the block's ``X as X`` lines, one a line, and nothing else."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from .other import hidden as hidden\n"
        "if TYPE_CHECKING:\n"
        "    from .store import Manifest as Manifest\n"
        "    from .lock import scope_lock as scope_lock\n"
        "    from .store import private\n"
        "    from .store import renamed as other\n"
        "else:\n"
        "    __getattr__, __dir__, __all__ = lazy_exports(__name__)\n"
        "    from .late import late as late\n"
    )
    assert export_table(source) == {"Manifest": "store", "scope_lock": "lock"}


#: Where users of the public surface (the top-level package: the error tree) live: the tests
#: stand for the scripts that import it. A subpackage's export counts as used only when a module
#: of the program outside that package imports it; one the tests alone use is imported from its
#: module instead.
TESTS = Path(__file__).parent


def _public_users() -> set[str]:
    """Every name the tests take from the top-level package (``from copilot_usage_report import
    X`` or ``copilot_usage_report.X``)."""
    used: set[str] = set()
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == NAME:
                used |= {a.name for a in node.names}
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == NAME
            ):
                used.add(node.attr)
    return used


#: The registry's plug-in surface: what a module registering a kind of its own calls, one
#: function per layer (``_app/kinds.py`` describes it). Its users are plug-in modules, which the
#: package loads (``install_kinds``) but does not contain; the toy kind's test is one.
PLUGIN_API = {
    ("_core", "register_kind"),
    ("_pipeline", "register_counter"),
    ("_render", "register_section"),
    ("history", "register_history"),
}


def unused_exports(imports: list[Import]) -> list[str]:
    """Each export no module outside its package imports (for the public surface: no test)."""
    used = {
        (unit(imp.target), name)
        for imp in imports
        if unit(imp.source) != unit(imp.target) and imp.target == unit(imp.target)
        for name in imp.names
    }
    unused = [
        f"{package}.{name}"
        for package in PACKAGES
        for name in exports_of(package)
        if (package, name) not in used and (package, name) not in PLUGIN_API
    ]
    public = set(importlib.import_module(NAME).__all__)
    unused += [f"{NAME}.{name}" for name in sorted(public - _public_users())]
    return unused


def test_every_export_has_a_user_outside_its_package():
    """No package exports a name nothing outside it imports (remove the line, or the code)."""
    assert unused_exports(all_imports()) == []


def test_the_unused_export_check_can_fail():
    """An export whose only importer goes away is reported, naming the package and the name."""
    kept = [imp for imp in all_imports() if not (imp.target == "_app" and "main" in imp.names)]
    assert "_app.main" in unused_exports(kept)
    assert "_app.main" not in unused_exports(all_imports())


def test_no_module_is_much_over_400_lines():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


_BACKTICKED = re.compile(r"``(_[a-z][a-z_]*(?:\.[a-z_][a-z_0-9]*)*)``")


def _defined_names() -> set[str]:
    names: set[str] = set()
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name | ast.arg):
                names.add(node.id if isinstance(node, ast.Name) else node.arg)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
    return names


def test_docstrings_name_only_modules_that_exist():
    """A ````_name```` in a docstring or comment is a module, package or name that exists."""
    known = set(modules())
    basenames = {m.rsplit(".", 1)[-1] for m in known} | known
    defined = _defined_names()
    stale = []
    for name, path in modules().items():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for ref in _BACKTICKED.findall(line):
                head = ref.split(".")[0]
                if head in basenames:
                    dotted = ref if ref in known else None
                    parent = ref.rsplit(".", 1)[0]
                    if dotted or "." not in ref or parent in known or head in defined:
                        continue
                elif head in defined:
                    continue
                stale.append(f"{name}:{number}: ``{ref}``")
    assert stale == []


def test_the_stale_reference_check_can_fail(tmp_path):
    """The docstring check flags a module that no longer exists (here a made-up old name)."""
    known = {m.rsplit(".", 1)[-1] for m in modules()} | _defined_names()
    assert "_demodata" not in known
    assert _BACKTICKED.findall("see ``_demodata`` for the days") == ["_demodata"]


#: Where the process's own surroundings are touched, and the modules allowed to.
_SURROUNDINGS = re.compile(
    r"\bsys\.(argv|stdout|stderr|stdin)\b|^\s*import signal\b|\bsignal\.signal\(|"
    r"\bGITHUB_(OUTPUT|STEP_SUMMARY|ENV|PATH)\b|\bos\.environ\b|\bos\.getenv\("
)
_ALLOWED = {
    # the only reader of the environment (the run's settings, the testing switch)
    "_core.settings": {"os.environ"},
    # git's child environment starts from the process's own, as the app passes it
    "history._git": {"os.environ"},
}


def test_only_the_app_touches_argv_stdio_signals_and_the_workflow_files():
    wrong = []
    for name, path in modules().items():
        if unit(name) in ("_app", "__main__"):
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for match in _SURROUNDINGS.finditer(code):
                if match.group(0).strip() in _ALLOWED.get(name, set()):
                    continue
                if code.lstrip().startswith(('"', "'", "``")) or "``" in code:
                    continue  # prose in a docstring
                wrong.append(f"{name}:{number}: {match.group(0).strip()}")
    assert wrong == []
