"""AI credits billed in the history: the ``credits_billed`` table, its CSV and the page's
section, from hand-written answers; the section seen in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from copilot_usage_report.history import build
from tests._docs import blocks, statements

from ._archive import day_folder, query
from ._browser import load, parse, require_chromium, rows

KIND = "copilot-ai-credits"
NAME = f"{KIND}.json"


def item(model: str, gross: float, discount: float, **extra: Any) -> dict[str, Any]:
    net = max(gross - discount, 0.0)
    return {
        "product": "Copilot", "sku": "Copilot AI Credits", "model": model,
        "unitType": "ai-credits", "pricePerUnit": 0.01, "grossQuantity": gross,
        "grossAmount": gross / 100, "discountQuantity": discount,
        "discountAmount": discount / 100, "netQuantity": net, "netAmount": net / 100, **extra,
    }  # fmt: skip


#: Two months of answers: fractional quantities, a discount above the gross, an unknown SKU.
ANSWERS: dict[str, list[dict[str, Any]]] = {
    "2026-06-29": [item("GPT-5", 100.5, 90.25), item("Auto: Claude Sonnet 4.6", 10.0, 10.5)],
    "2026-06-30": [item("GPT-5", 20.25, 0.0)],
    "2026-07-01": [
        item("GPT-5", 3.2, 1.0),
        item("GPT-5", 7.0, 0.0, sku="Copilot Premium Request", unitType="requests"),
    ],
}


def archive(root: Path, answers: dict[str, list[dict[str, Any]]] = ANSWERS) -> Path:
    for day, items in answers.items():
        body = json.dumps({"timePeriod": {"year": 2026}, "usageItems": items}).encode()
        day_folder(root / "archive", KIND, day, {NAME: body})
    return root / "archive"


def test_every_item_is_kept_and_the_section_adds_up_recognised_items_by_month(
    tmp_path: Path,
) -> None:
    """Each item is a row (the unknown SKU too, not recognised); months sum the rest."""
    result = build([archive(tmp_path)], tmp_path / "site")
    assert result.database is not None
    kept = query(
        result.database,
        "SELECT day, model, sku, recognised, gross_quantity, discount_quantity, net_quantity "
        "FROM credits_billed ORDER BY day, item",
    )
    assert kept == [
        ("2026-06-29", "GPT-5", "Copilot AI Credits", 1, 100.5, 90.25, 10.25),
        ("2026-06-29", "Auto: Claude Sonnet 4.6", "Copilot AI Credits", 1, 10.0, 10.5, 0.0),
        ("2026-06-30", "GPT-5", "Copilot AI Credits", 1, 20.25, 0.0, 20.25),
        ("2026-07-01", "GPT-5", "Copilot AI Credits", 1, 3.2, 1.0, 2.2),
        ("2026-07-01", "GPT-5", "Copilot Premium Request", 0, 7.0, 0.0, 7.0),
    ]
    csv = (tmp_path / "site" / "credits-billed.csv").read_text().splitlines()
    assert csv[0].startswith("scope,day,product,sku,model,unit,recognised,")
    assert len(csv) == 6 and "Copilot Premium Request" in csv[-1]
    page = (tmp_path / "site" / "index.html").read_text()
    # June: 100.5 + 10 + 20.25 = 130.75 gross, 90.25 + 10.5 = 100.75 discount; July: 3.2.
    assert "<td>2026-06 (2)</td><td>130.75</td><td>100.75</td><td>30.50</td>" in page
    assert "<td>2026-07 (1)</td><td>3.20</td><td>1.00</td><td>2.20</td>" in page
    assert "1 usage item(s) not recognised as AI credits" in page


def test_a_changed_answer_replaces_its_day_and_an_unreadable_one_is_skipped(
    tmp_path: Path,
) -> None:
    """A day saved again replaces its rows; an answer that is not one is skipped, said why."""
    root = archive(tmp_path)
    build([root], tmp_path / "site")
    day_folder(root, KIND, "2026-06-30", {NAME: json.dumps({"usageItems": []}).encode()})
    day_folder(root, KIND, "2026-07-02", {NAME: b"[1, 2]"})
    result = build([root], tmp_path / "site")
    assert result.database is not None
    assert query(
        result.database, "SELECT COUNT(*) FROM credits_billed WHERE day = '2026-06-30'"
    ) == [(0,)]
    assert query(result.database, "SELECT day FROM credit_files ORDER BY day") == [
        ("2026-06-29",), ("2026-06-30",), ("2026-07-01",),
    ]  # fmt: skip
    assert any("2026-07-02" in s and "AI-credit usage answer" in s for s in result.skipped)


def test_the_section_renders_in_chromium_with_its_table(tmp_path: Path) -> None:
    """Headless Chromium draws the credits chart, and its table holds the months' numbers."""
    require_chromium()
    result = build([archive(tmp_path)], tmp_path / "site")
    loaded = load(result.page, tmp_path / "chromium")
    assert loaded.console == []
    dom = parse(loaded.dom)
    section = dom.one("div", **{"data-credits": "orgs/octo-demo"})
    assert section.one("h2").content() == "AI credits billed"
    figure = section.one("figure", **{"data-chart": "credits-billed"})
    assert [p for p in figure.all("path") if {"line", "dash"} & set(p.classes())]
    # neither month is wholly held: each series marks both months hollow, and says why
    assert len([c for c in figure.all("circle") if "mark" in c.classes()]) == 2 * 3
    assert "a month not wholly held" in figure.one("p").content()
    months = rows(figure.one("div", **{"data-table": "credits-months"}).one("table"))
    assert [r[:4] for r in months] == [
        ["2026-06 (2)", "130.75", "100.75", "30.50"],
        ["2026-07 (1)", "3.20", "1.00", "2.20"],
    ]
    models = rows(section.one("div", **{"data-table": "credits-models"}).one("table"))
    assert [r[0] for r in models] == ["Copilot / GPT-5", "Copilot / Auto: Claude Sonnet 4.6"]


def test_the_query_of_the_credits_page_gives_the_months_billed(tmp_path: Path) -> None:
    """docs/credits.md's SQL, run on a history, gives each month's credits billed and net USD."""
    result = build([archive(tmp_path)], tmp_path / "site")
    assert result.database is not None
    page = Path(__file__).parents[2] / "docs" / "credits.md"
    [block] = [b for b in blocks(page.read_text("utf-8")) if b.language == "sql"]
    [sql] = statements(block)
    got = query(result.database, sql)
    assert [(m, round(b, 6), round(n, 6)) for m, b, n in got] == [
        ("2026-06", 130.75, 0.305),
        ("2026-07", 3.2, 0.022),
    ]


def test_an_archive_without_answers_makes_no_credits_tables(tmp_path: Path) -> None:
    """No answer in the archive: no credits table, no CSV, no section."""
    root = archive(tmp_path, {})
    day_folder(root, "organization-1-day", "2026-06-29", {"a.json": b'{"day_totals": []}'})
    result = build([root], tmp_path / "site", require_reports=False)
    assert result.database is not None
    tables = "SELECT name FROM sqlite_master WHERE name IN ('credits_billed', 'credit_files')"
    assert query(result.database, tables) == []  # the billing kind's own tables
    assert not (tmp_path / "site" / "credits-billed.csv").exists()
    assert 'class="credits"' not in result.page.read_text()
