"""The published samples travel with the tests: each one listed with its source and licence.

``tests/fixtures/samples/SOURCES.md`` keeps, for every vendored file, where it comes from and
under which licence; a file added without its row, or a row whose file is gone, fails here.
Nothing in ``tests/`` or ``benchmarks/`` reads samples from outside the repository.
"""

from __future__ import annotations

import re

from tests._samples import SAMPLE_FILES, SAMPLES

ROOT = SAMPLES.parents[2]
_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<source>[^|]+) \| (?P<licence>[^|]+) \|$")


def _rows() -> dict[str, tuple[str, str]]:
    text = (SAMPLES / "SOURCES.md").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if match := _ROW.match(line):
            found[match["file"]] = (match["source"].strip(), match["licence"].strip())
    return found


def test_every_vendored_file_has_its_source_and_licence_and_every_row_its_file():
    rows = _rows()
    present = sorted(
        p.relative_to(SAMPLES).as_posix()
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    )
    assert present == sorted(rows)
    assert present == SAMPLE_FILES  # every vendored file is a sample the tests iterate over
    for name, (source, licence) in rows.items():
        assert source, name
        expected = "CC-BY-4.0" if name.startswith("github-docs/") else "MIT"
        assert licence == expected, name


def test_the_samples_are_all_there():
    """The eleven published files the sample tests name (a lost folder is not a quiet skip)."""
    assert len(SAMPLE_FILES) == 11
    assert {name.split("/")[0] for name in SAMPLE_FILES} == {
        "austenstone-copilot-usage",
        "copilot-metrics-viewer",
        "github-docs",
    }


def test_no_test_reads_samples_from_beside_the_repository():
    """The old location (a ``shared`` folder next to the checkout) is named nowhere."""
    word = "shared"
    needles = ["../" + word, f'"{word}" / "reference"', f'"{word}", "reference"']
    hits = [
        f"{path.relative_to(ROOT)}: {needle}"
        for folder in ("tests", "benchmarks", "scripts")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".md", ".sh", ".jq") and path.is_file()
        for needle in needles
        if needle in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert hits == []
