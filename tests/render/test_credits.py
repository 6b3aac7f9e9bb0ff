"""The job summary's AI credits billed section and its outputs, from hand-made numbers."""

from __future__ import annotations

from datetime import date, timedelta

from copilot_usage_report._metrics.credits import CreditDay, CreditItem, CreditNumbers
from copilot_usage_report._render.credits import DAYS_SHOWN, credit_outputs, render_credits
from copilot_usage_report._render.sections import output_kinds


def credit(model: str, gross: float, discount: float, sku: str = "AI Credit") -> CreditItem:
    net = max(gross - discount, 0.0)
    return CreditItem("Copilot", sku, model, "ai-credits", 0.01, gross, gross / 100,
                      discount, discount / 100, net, net / 100)  # fmt: skip


def test_the_section_shows_gross_discount_and_net_by_day_and_model() -> None:
    """Totals, each day and each model, with a discount above the gross shown as it is."""
    first, second = date(2026, 6, 3), date(2026, 6, 4)
    numbers = CreditNumbers(
        (
            CreditDay(first, (credit("GPT-5", 10.5, 12.2), credit("o|ne", 4.25, 1.1))),
            CreditDay(second, (credit("GPT-5", 2.0, 0.5),)),
        )
    )
    text = render_credits(numbers)
    assert "## AI credits billed" in text
    assert "| All days | 16.75 | 13.80 | 4.65 | 0.17 | 0.14 | 0.05 |" in text
    assert "| 2026-06-03 | 14.75 | 13.30 | 3.15 |" in text
    assert "| Copilot / `GPT-5` | 12.50 | 12.70 | 1.50 |" in text
    assert "`o\\|ne`" in text  # a model name cannot end the cell
    assert credit_outputs(numbers) == {"ai-credits-billed": "16.75", "ai-credits-net-usd": "0.05"}


def test_a_long_range_lists_its_newest_days_and_says_so() -> None:
    """Past ``DAYS_SHOWN`` days the section lists the newest and says how many there are."""
    start = date(2026, 1, 1)
    days = tuple(CreditDay(start + timedelta(days=n), (credit("m", 1, 0),)) for n in range(40))
    text = render_credits(CreditNumbers(days))
    assert f"the newest {DAYS_SHOWN} of 40" in text
    assert "| 2026-01-01 |" not in text and "| 2026-02-09 |" in text
    assert "| All days | 40.00 |" in text


def test_notes_are_shown_and_the_outputs_belong_to_the_kind() -> None:
    """A note of what was not counted is shown, and both outputs are the kind's."""
    text = render_credits(CreditNumbers((), notes=("1 usage item(s) not recognised",)))
    assert "> 1 usage item(s) not recognised" in text
    kinds = output_kinds()
    assert kinds["ai-credits-billed"] == kinds["ai-credits-net-usd"] == "copilot-ai-credits"
