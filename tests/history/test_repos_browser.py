"""The page's Repositories section, loaded in headless Chromium (Debian's ``chromium``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot_usage_report.history import build

from .._repos import INTERNAL, MERGED_BY_MONTH, PRIVATE, PUBLIC, READY_BY_MONTH
from ._browser import load, parse, require_chromium, rows
from .test_repos_history import _archive


@pytest.fixture(scope="module", autouse=True)
def _chromium() -> None:
    """Before the module's page is loaded: Chromium is there, or the one line saying so."""
    require_chromium()


def test_the_section_draws_months_beside_their_numbers(tmp_path: Path) -> None:
    """Both charts are drawn with their tables: PRs merged by Copilot against the others per
    month, and each month's review-stage medians weighted by PRs merged; no private name."""
    site = build([_archive(tmp_path / "archive")], tmp_path / "site")
    loaded = load(site.page, tmp_path)
    assert loaded.console == []
    section = parse(loaded.dom).one("div", **{"data-repos": "orgs/octo-demo"})
    assert section.one("h2").content() == "Repositories"
    figures = {f.attrs["data-chart"]: f for f in section.all("figure")}
    assert set(figures) == {"repos-merged", "review-stages"}
    for name, figure in figures.items():
        # both months are partial (the archive holds 30 September to 2 October): dashed
        lines = [p for p in figure.all("path") if p.classes() & {"line", "dash"}]
        assert lines and all(p.attrs["d"].startswith("M") for p in lines), name
        assert len(figure.all("circle")) == 2 * len(lines), name  # hollow points
    merged = rows(figures["repos-merged"].one("table"))
    assert {r[0]: (int(r[1]), int(r[2])) for r in merged} == MERGED_BY_MONTH
    stages = rows(figures["review-stages"].one("table"))
    assert {r[0]: float(r[1].replace(",", "")) for r in stages} == READY_BY_MONTH
    ranked = rows(section.one("div", **{"data-table": "repositories"}).one("table"))
    assert [r[0] for r in ranked] == [
        f"acme/{PUBLIC}",
        "1 internal repositories",
        "1 private repositories",
    ]
    text = section.content()
    assert PRIVATE not in text and INTERNAL not in text
