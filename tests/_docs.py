"""The user's pages (README.md and docs/*.md) and what the doc tests read from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: Pages scripts/gen_docs.py writes; they hold help output and no runnable block.
GENERATED = (DOCS / "cli.md", DOCS / "errors.md")
#: The fence languages of a terminal block.
TERMINAL = ("sh", "bash", "console")
#: Blocks the doc test also runs, after a page's terminal blocks, in the folder they ran in:
#: ```sql with Python's sqlite3 against the one SQLite database they left, ```python with the
#: project's Python.
AFTER = ("sql", "python")
#: The comment that marks a section of runnable terminal blocks, and its end.
SECTION = re.compile(r"<!-- terminal-examples:.*?-->(.*?)<!-- terminal-examples: end -->", re.S)
#: The comment, on the line before a terminal block, saying why the doc test does not run it.
NOT_RUN = re.compile(r"<!-- not run: [^>]+ -->\n$")
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    language: str
    code: str
    start: int  # offset of its opening fence in the page


def pages() -> list[Path]:
    """README.md, then every page under docs/, in name order."""
    return [README, *sorted(DOCS.glob("*.md"))]


def name(page: Path) -> str:
    """The page's path in the repository, '/'-separated."""
    return page.relative_to(ROOT).as_posix()


def blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, in order."""
    return [Block(m.group(1), m.group(2), m.start()) for m in _FENCE.finditer(text)]


def yaml_blocks(text: str) -> list[str]:
    """The code of every ```yaml block."""
    return [b.code for b in blocks(text) if b.language == "yaml"]


def commands(block: Block) -> str:
    """What bash runs of a terminal block: its text, or a console block's ``$ `` lines."""
    if block.language != "console":
        return block.code
    return "\n".join(line[2:] for line in block.code.splitlines() if line.startswith("$ "))


def runnable(text: str, languages: tuple[str, ...] = TERMINAL) -> list[Block]:
    """The blocks of ``languages`` (terminal blocks by default) inside the page's
    terminal-examples sections, in order."""
    spans = [m.span(1) for m in SECTION.finditer(text)]
    return [
        b
        for b in blocks(text)
        if b.language in languages and any(a <= b.start < z for a, z in spans)
    ]


def unmarked(text: str) -> list[Block]:
    """Terminal, SQL and Python blocks neither in a terminal-examples section nor marked
    ``<!-- not run: -->``."""
    languages = (*TERMINAL, *AFTER)
    run = {b.start for b in runnable(text, languages)}
    return [
        b
        for b in blocks(text)
        if b.language in languages and b.start not in run and not NOT_RUN.search(text[: b.start])
    ]


def statements(block: Block) -> list[str]:
    """The SQL statements of a ```sql block, each whole, without comment-only lines."""
    import sqlite3

    found, pending = [], ""
    for line in block.code.splitlines(keepends=True):
        if not pending and line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    assert not pending.strip(), f"an unfinished SQL statement: {pending!r}"
    return found
