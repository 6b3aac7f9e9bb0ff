"""The history through the real CLI: ``--credit-pool`` prices the months' credits beyond the pool
without reading a file again, and credits used stand beside credits billed for the days with
both (``credits_compared``, its CSV, the page's table), every number worked out here by hand.

October 2026 of an organization with one Business seat: users' credits on the 29th, 30th and
31st; billing answers for the 30th, 31st and November 1st (no usage that day). Compared: the
30th and 31st only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report._standin.synthetic import write_day

from ._archive import day_folder, query
from ._browser import load, parse, require_chromium, rows
from .test_credits_history import KIND, NAME, item
from .test_usercost_page import _seats, _user

ORG = ("organization", "acme")
USED = {"2026-10-29": (500.0, 300.0), "2026-10-30": (600.0, 400.0), "2026-10-31": (300.0, 100.0)}
BILLED = {
    "2026-10-30": [
        item("GPT-5", 900.0, 900.0),
        item("GPT-5", 50.0, 0.0, sku="Other", unitType="x"),
    ],
    "2026-10-31": [item("GPT-5", 350.5, 0.0), item("Claude", 60.0, 0.0)],
    "2026-11-01": [item("GPT-5", 77.0, 0.0)],
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copilot_usage_report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compared") / "archive"
    for day, (one, two) in USED.items():
        records = [_user(1, day, one, 2), _user(2, day, two, 0)]
        write_day(root, ORG, "users-1-day", date.fromisoformat(day), records)
    for day, items in BILLED.items():
        body = json.dumps({"timePeriod": {"year": 2026}, "usageItems": items}).encode()
        day_folder(root, KIND, day, {NAME: body}, scope=ORG)
    _seats(root, date(2026, 10, 31), ["business"])
    return root


def test_another_credit_pool_gives_another_cost_without_reading_a_file(
    archive: Path, tmp_path: Path
) -> None:
    """GitHub's pool (1,900 a Business seat) and --credit-pool 1000 price October's 2,200
    credits differently; the second build reads no report file again."""
    site = tmp_path / "site"
    first = _cli("history", str(archive), "--out", str(site))
    assert first.returncode == 0, first.stderr
    cost = "SELECT pool_credits, credits_beyond_pool, cost_usd FROM month_costs"
    # 19 USD seat + (2,200 - 1,900) x 0.01 = 22 USD.
    assert query(site / "copilot-usage.sqlite", cost) == [(1900, 300.0, 22.0)]
    second = _cli("history", str(archive), "--out", str(site), "--credit-pool", "1000")
    assert second.returncode == 0, second.stderr
    assert "0 new report file(s) read" in second.stdout
    # 19 USD seat + (2,200 - 1,000) x 0.01 = 31 USD.
    assert query(site / "copilot-usage.sqlite", cost) == [(1000, 1200.0, 31.0)]
    assert "1,000" in (site / "index.html").read_text()


def test_credits_used_stand_beside_credits_billed_for_the_days_with_both(
    archive: Path, tmp_path: Path
) -> None:
    """Only the 30th and 31st are compared: used 1,000 + 400 = 1,400; billed (recognised gross)
    900 + 350.5 + 60 = 1,310.5; difference -89.5, -6.83% of billed; in the table and its CSV."""
    site = tmp_path / "site"
    run = _cli("history", str(archive), "--out", str(site))
    assert run.returncode == 0, run.stderr
    got = query(site / "copilot-usage.sqlite", "SELECT * FROM credits_compared")
    assert got == [
        ("orgs/acme", "2026-10", 2, "2026-10-30", "2026-10-31", 1400.0, 1310.5, -89.5,
         round(-89.5 / 1310.5, 6)),
    ]  # fmt: skip
    csv = (site / "credits_compared.csv").read_text().splitlines()
    assert csv[0] == (
        "scope,month,days,first_day,last_day,credits_used,credits_billed,difference,"
        "difference_share"
    )
    assert csv[1].startswith("orgs/acme,2026-10,2,2026-10-30,2026-10-31,1400.0,1310.5,-89.5,")
    assert str(site / "credits_compared.csv") in run.stdout
    page = (site / "index.html").read_text()
    assert (
        "<tr><td>2026-10</td><td>2</td><td>1,400.00</td><td>1,310.50</td><td>-89.50</td>"
        "<td>-6.8%</td></tr>"
    ) in page


def test_the_page_shows_the_comparison_table(
    archive: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In Chromium: no console message; the comparison's one row, November left out."""
    require_chromium()
    site = tmp_path / "site"
    assert _cli("history", str(archive), "--out", str(site)).returncode == 0
    loaded = load(site / "index.html", tmp_path_factory.mktemp("chromium"))
    assert loaded.console == []
    section = parse(loaded.dom).one("div", **{"data-credits-compared": "orgs/acme"})
    table = rows(section.one("div", **{"data-table": "credits-compared"}).one("table"))
    assert table == [["2026-10", "2", "1,400.00", "1,310.50", "-89.50", "-6.8%"]]
