"""``compare_credits``: credits used beside credits billed over only the days with both."""

from __future__ import annotations

from datetime import date

from copilot_usage_report._metrics import compare_credits

D1, D2, D3, D4 = (date(2026, 10, d) for d in (1, 2, 3, 4))


def test_only_days_with_both_are_compared() -> None:
    """D1 has usage only, D4 billing only, D3 usage without credits: D2 alone is compared."""
    got = compare_credits({D1: 50.0, D2: 100.0, D3: None}, {D2: 90.0, D3: 7.0, D4: 30.0})
    assert got is not None
    assert (got.days, got.first, got.last) == (1, D2, D2)
    assert (got.credits_used, got.credits_billed, got.difference) == (100.0, 90.0, -10.0)
    assert got.difference_share == round(-10.0 / 90.0, 6)


def test_no_day_with_both_is_none_and_nothing_billed_has_no_share() -> None:
    """No common day: ``None``; a common day billed 0: the share is unknown, not infinite."""
    assert compare_credits({D1: 5.0}, {D2: 5.0}) is None
    got = compare_credits({D1: 5.0}, {D1: 0.0})
    assert got is not None and got.difference == -5.0 and got.difference_share is None
