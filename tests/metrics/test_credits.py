"""AI credits billed read from hand-written billing answers, sums computed here by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._metrics.credits import count_credits, read_credit_day, recognised

DAY = date(2026, 6, 3)


def item(model: str = "GPT-5", **fields: Any) -> dict[str, Any]:
    """A usage item as the organization example spells it, with fields replaced."""
    return {
        "product": "Copilot", "sku": "Copilot AI Credits", "model": model,
        "unitType": "credits", "pricePerUnit": 0.01, "grossQuantity": 100,
        "grossAmount": 1, "discountQuantity": 0, "discountAmount": 0,
        "netQuantity": 100, "netAmount": 1, **fields,
    }  # fmt: skip


def answer(*items: dict[str, Any]) -> bytes:
    return json.dumps(
        {
            "timePeriod": {"year": 2026, "month": 6, "day": 3},
            "organization": "acme",
            "usageItems": list(items),
        }
    ).encode()


def save(tmp_path: Path, day: date, body: bytes) -> tuple[date, Path]:
    path = tmp_path / f"{day}.json"
    path.write_bytes(body)
    return day, path


@pytest.mark.parametrize(
    ("sku", "unit", "known"),
    [
        ("Copilot AI Credits", "credits", True),  # the organization and enterprise examples
        ("AI Credit", "ai-credits", True),  # the user example
        ("COPILOT AI CREDITS", "AI-Credits", True),  # any case
        ("Copilot Premium Request", "requests", False),  # the legacy SKU
        ("Copilot AI Credits", "requests", False),
        ("Actions Linux", "credits", False),
    ],
)
def test_sku_and_unit_are_matched_without_case(sku: str, unit: str, known: bool) -> None:
    """Every spelling of GitHub's examples is AI credits, in any case; other SKUs or units not."""
    assert recognised(sku, unit) is known


def test_fractional_quantities_and_a_discount_above_the_gross_are_kept_as_sent(
    tmp_path: Path,
) -> None:
    """Fractional quantities add up as sent, and a discount above the gross is not clipped."""
    real = item("Auto: Claude Sonnet 4.6", unitType="ai-credits", grossQuantity=9498.6969165,
                grossAmount=94.986969165, discountQuantity=9564.71, discountAmount=95.6471,
                netQuantity=0, netAmount=0)  # fmt: skip
    small = item("GPT-5", grossQuantity=12.25, grossAmount=0.1225, discountQuantity=2.5,
                 discountAmount=0.025, netQuantity=9.75, netAmount=0.0975)  # fmt: skip
    other = date(2026, 6, 4)
    numbers = count_credits(
        [save(tmp_path, DAY, answer(real, small)), save(tmp_path, other, answer(small))]
    )
    total = numbers.metrics()
    assert total["days"] == 2
    assert total["grossQuantity"] == pytest.approx(9498.6969165 + 2 * 12.25)
    assert total["discountQuantity"] == pytest.approx(9564.71 + 2 * 2.5)
    assert total["discountQuantity"] > total["grossQuantity"]
    assert total["netQuantity"] == pytest.approx(2 * 9.75)
    assert total["netAmount"] == pytest.approx(2 * 0.0975)
    assert [d["day"] for d in total["by_day"]] == ["2026-06-03", "2026-06-04"]
    assert total["by_day"][1]["grossQuantity"] == pytest.approx(12.25)
    assert [(m["model"], m["grossQuantity"]) for m in total["by_model"]] == [
        ("Auto: Claude Sonnet 4.6", pytest.approx(9498.6969165)),
        ("GPT-5", pytest.approx(24.5)),
    ]
    assert total["notes"] == []


def test_an_unknown_sku_is_kept_not_counted_and_named_in_a_note(tmp_path: Path) -> None:
    """An item of another SKU or unit stays in the day's items, out of the sums, with a note."""
    strange = item("GPT-5", sku="Copilot Premium Request", unitType="requests",
                   grossQuantity=7, netAmount=0.28)  # fmt: skip
    numbers = count_credits([save(tmp_path, DAY, answer(item(), strange))])
    assert len(numbers.days[0].items) == 2  # kept
    assert numbers.total.gross_quantity == 100 and numbers.total.net_amount == 1
    [note] = numbers.notes
    assert "1 usage item(s) not recognised" in note
    assert "'Copilot Premium Request'" in note and "'requests'" in note


def test_an_unreadable_answer_or_item_is_a_note_not_a_failure(tmp_path: Path) -> None:
    """A day that is not JSON, or an item with a text for a number, is left out and said."""
    bad_item = item(grossQuantity="12")
    numbers = count_credits(
        [save(tmp_path, DAY, b"<html>"), save(tmp_path, date(2026, 6, 4), answer(bad_item, item()))]
    )
    assert numbers.total.gross_quantity == 100
    assert any("not JSON" in n for n in numbers.notes)
    assert any("1 usage item(s) left out" in n for n in numbers.notes)
    with pytest.raises(ValueError, match="no usageItems"):
        read_credit_day(DAY, b'{"usageItems": {}}')


def test_a_day_without_items_counts_as_a_day_of_zero(tmp_path: Path) -> None:
    """An empty ``usageItems`` is a day billed nothing, not a missing day."""
    numbers = count_credits([save(tmp_path, DAY, answer())])
    assert numbers.metrics()["days"] == 1 and numbers.metrics()["grossQuantity"] == 0
