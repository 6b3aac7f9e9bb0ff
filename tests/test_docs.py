"""The docs/ pages: the generated ones match the code, and every relative link resolves.

docs/cli.md and docs/errors.md are written by scripts/gen_docs.py; these tests
regenerate both in memory and fail when a committed page differs, so a changed
help text or error class must come with its page. Every relative link and
``#anchor`` in README.md and the Markdown pages beside it must point at a file
that exists and a heading it has, by GitHub's anchor rules.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, cast

import pytest

from . import _docs as docs
from ._scripts import ROOT, load_script

gen_docs = load_script("gen_docs")

ON_HELP_PYTHON = pytest.mark.skipif(
    not gen_docs.renders_cli(),
    reason="docs/cli.md is rendered by Python "
    + ".".join(map(str, gen_docs.HELP_PYTHON))
    + "; argparse lays help out differently on other versions",
)
#: Pages whose links are checked: the user's pages and the other Markdown files of the repository.
LINKED = [
    *docs.pages(),
    ROOT / "CONTRIBUTING.md",
    ROOT / "SECURITY.md",
    ROOT / "CHANGELOG.md",
    ROOT / "benchmarks" / "README.md",
]
_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


@ON_HELP_PYTHON
def test_cli_page_is_the_help_of_every_command():
    """docs/cli.md is exactly what scripts/gen_docs.py makes of the parser."""
    assert gen_docs.CLI_PAGE.read_text(encoding="utf-8") == gen_docs.render_cli(), (
        "docs/cli.md is stale: run `uv run python scripts/gen_docs.py`"
    )


def test_errors_page_is_the_error_tree():
    """docs/errors.md is exactly what scripts/gen_docs.py makes of the error classes."""
    assert gen_docs.ERRORS_PAGE.read_text(encoding="utf-8") == gen_docs.render_errors(), (
        "docs/errors.md is stale: run `uv run python scripts/gen_docs.py`"
    )


def test_cli_page_has_a_section_for_every_command():
    """Whatever Python runs the tests, every command and each of its options is on the page."""
    page = gen_docs.CLI_PAGE.read_text(encoding="utf-8")
    for name, parser in gen_docs._commands(gen_docs.build_parser()):
        assert f"\n## {name}\n" in page, name
        for action in parser._actions:
            for option in action.option_strings:
                assert option in page, (name, option)


def test_help_does_not_depend_on_the_terminal_or_the_script_name(monkeypatch):
    """The help is the same at any COLUMNS and whatever sys.argv[0] is; its program is fixed."""
    monkeypatch.setenv("COLUMNS", "200")
    wide = gen_docs.render_cli()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(sys, "argv", ["something-else.py"])
    assert gen_docs.render_cli() == wide
    usages = re.findall(r"^usage: (\S+)", wide, re.M)
    assert len(usages) == len(list(gen_docs._commands(gen_docs.build_parser()))) >= 7
    assert set(usages) == {"copilot-usage-report"}
    assert max(len(line) for line in re.findall(r"^(?:  |usage).*$", wide, re.M)) <= 100


def test_errors_page_has_every_error_with_its_exit_code():
    """Each public error class has its section, its exit code and what to do."""
    errors = gen_docs.errors
    page = gen_docs.render_errors()
    for name in errors.__all__:
        cls = getattr(errors, name)
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            continue
        section = page.split(f"\n### {name}\n", 1)[1].split("\n### ", 1)[0]
        assert "- **Exit code:** " in section, name
        assert "- **What it means:** " in section, name
        if issubclass(cls, errors.CopilotUsageReportError):
            assert f"- **Exit code:** {cast(Any, cls).exit_code}\n" in section, name
            assert "- **What to do:** " in section, name
    assert "- **Exit code:** 2\n" in page.split("### InputError", 1)[1].split("### ", 1)[0]
    assert "130 (SIGINT) or 143 (SIGTERM)" in page


def test_check_names_the_stale_page(monkeypatch, tmp_path, capsys):
    """--check exits 1 and names the page that differs; 0 when both match."""
    errors_page = tmp_path / "errors.md"
    errors_page.write_text(gen_docs.render_errors(), encoding="utf-8")
    cli_page = tmp_path / "cli.md"
    cli_page.write_text(gen_docs.render_cli(), encoding="utf-8")
    monkeypatch.setattr(gen_docs, "ROOT", tmp_path)
    monkeypatch.setattr(gen_docs, "ERRORS_PAGE", errors_page)
    monkeypatch.setattr(gen_docs, "CLI_PAGE", cli_page)
    assert gen_docs.main(["--check"]) == 0
    errors_page.write_text("# Errors\n\nedited by hand\n", encoding="utf-8")
    assert gen_docs.main(["--check"]) == 1
    assert "errors.md is stale" in capsys.readouterr().err
    assert gen_docs.main([]) == 0
    assert errors_page.read_text(encoding="utf-8") == gen_docs.render_errors()
    assert gen_docs.main(["--check"]) == 0


@pytest.mark.parametrize("page", docs.GENERATED, ids=lambda p: p.name)
def test_generated_pages_hold_no_runnable_block(page):
    """Help output is ```text: nothing on a generated page is for the doc test to run."""
    text = page.read_text(encoding="utf-8")
    assert not [b for b in docs.blocks(text) if b.language in docs.TERMINAL]
    assert "terminal-examples" not in text
    assert text.startswith("<!-- Generated by scripts/gen_docs.py")


def test_the_index_links_every_page():
    """docs/index.md links each other page of docs/, and the README links the index."""
    index = (docs.DOCS / "index.md").read_text(encoding="utf-8")
    for page in docs.DOCS.glob("*.md"):
        if page.name != "index.md":
            assert f"]({page.name})" in index, page.name
    assert "](docs/index.md)" in docs.README.read_text(encoding="utf-8")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped except '-' and '_',
    spaces to '-'. Markup (backticks, emphasis, links) is dropped first, as GitHub renders it."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    kept = [
        c
        for c in text
        if c in " -_" or unicodedata.category(c)[0] in "LN"  # letters and digits, any script
    ]
    return "".join(kept).replace(" ", "-")


def anchors(text: str) -> set[str]:
    """The anchors of a Markdown page's headings, duplicates numbered as GitHub does."""
    seen: dict[str, int] = {}
    found = set()
    for line in _prose(text).splitlines():
        match = re.match(r"#{1,6} +(.+?) *#* *$", line)
        if match is None:
            continue
        base = slug(match.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        found.add(base if n == 0 else f"{base}-{n}")
    return found


def _prose(text: str) -> str:
    """The page without its fenced blocks (a '#' comment in a shell block is no heading)."""
    return re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)


def links(text: str) -> list[str]:
    """The targets of the page's Markdown links and images, outside code."""
    prose = re.sub(r"`[^`\n]*`", "", _prose(text))
    return _LINK.findall(prose)


def test_slug_follows_githubs_rules():
    """A few headings of these pages and the anchors GitHub gives them."""
    assert slug("Keep the history on a branch (GitHub Pages)") == (
        "keep-the-history-on-a-branch-github-pages"
    )
    assert slug("GHE.com (data residency)") == "ghecom-data-residency"
    assert slug("The history database's derived columns") == "the-history-databases-derived-columns"
    assert slug("copilot-usage-report serve-demo") == "copilot-usage-report-serve-demo"
    assert slug("`manifest.json` and my_field") == "manifestjson-and-my_field"
    assert anchors("# A\n## A\n```sh\n# A\n```\n") == {"a", "a-1"}


@pytest.mark.parametrize("page", LINKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_and_anchor_resolves(page):
    """Each relative link points at an existing file, and each #anchor at one of its headings."""
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in links(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
            continue
        if not file.resolve().is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
        if anchor and (file.suffix != ".md" or anchor not in anchors(_read(file))):
            broken.append(f"{target}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, broken


def test_the_link_check_finds_a_broken_link_and_anchor():
    """The check above is not vacuous: it sees links, and a wrong anchor has no heading."""
    readme = docs.README.read_text(encoding="utf-8")
    targets = links(readme)
    assert "docs/examples.md" in targets and "#tokens" in targets
    assert "tokens" in anchors(readme)
    assert "no-such-heading" not in anchors(readme)
    assert links("see `[x](nowhere.md)` and [y](docs/index.md)") == ["docs/index.md"]


def _read(file: Path) -> str:
    return file.read_text(encoding="utf-8")
