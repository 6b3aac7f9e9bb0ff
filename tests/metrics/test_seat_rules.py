"""The seat rules, once: inactive after so many days idle and assigned, and the price a seat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from copilot_usage_report._core import DEFAULT_INACTIVE_DAYS, LIST_PRICES
from copilot_usage_report._core.options import option
from copilot_usage_report._metrics import SeatFact, count_seats, idle_days, is_inactive, seat_price

TAKEN = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _ago(days: float | None) -> datetime | None:
    return None if days is None else TAKEN - timedelta(days=days)


@pytest.mark.parametrize(
    ("last", "assigned", "idle"),
    [
        (None, 40.0, 40),  # never used: idle since its assignment
        (10.0, 40.0, 10),  # used 10 days ago
        (None, 29.999, 29),  # a second short of 30 days: 29 whole days
        (50.0, 20.0, 20),  # activity before this assignment counts from the assignment
        (None, None, None),  # no assignment: never inactive
        (-1.0, 40.0, -1),  # activity after the snapshot's moment (clocks): not idle
    ],
)
def test_idle_days_are_whole_days_since_the_later_of_assignment_and_activity(last, assigned, idle):
    """``idle_days`` counts whole days from the later of created_at and last_activity_at."""
    assert idle_days(_ago(last), _ago(assigned), TAKEN) == idle


@pytest.mark.parametrize("days", [1, 7, 28, 30, 31, 90, 365])
def test_inactive_is_idle_days_at_the_threshold_exactly(days):
    """A seat idle and assigned exactly ``days`` days is inactive; a second less, it is not."""
    exact, short = _ago(days), TAKEN - timedelta(days=days) + timedelta(seconds=1)
    assert is_inactive(None, exact, TAKEN, days)
    assert is_inactive(exact, exact, TAKEN, days)
    assert not is_inactive(None, short, TAKEN, days)
    assert not is_inactive(short, exact, TAKEN, days)
    assert not is_inactive(None, None, TAKEN, days)


def test_count_seats_counts_by_the_one_rule_at_every_threshold():
    """``count_seats``' inactive seats and their cost are the seats ``is_inactive`` names."""
    facts = [
        SeatFact(str(n), f"u{n}", _ago(a), _ago(last), plan, "", pending=n % 3 == 0)
        for n, (a, last, plan) in enumerate(
            [(400, None, "business"), (100, 50, "enterprise"), (40, 2, "business"),
             (35, None, "enterprise"), (3, None, "business"), (200, 120, "business"),
             (60, 31, "unknown")]
        )
    ]  # fmt: skip
    for days in (1, 5, 30, 31, 45, 90, 200, 365):
        for price in (None, 10.5):
            counts = count_seats(
                facts, total_seats=len(facts), taken=TAKEN, inactive_days=days, price=price
            )
            named = [f for f in facts if is_inactive(f.last_activity_at, f.created_at, TAKEN, days)]
            assert counts.inactive == len(named), days
            assert counts.inactive_cost == pytest.approx(
                sum(seat_price(f.plan, price) for f in named)
            )
            assert counts.inactive_days == days and counts.list_price == (price is None)


def test_one_default_and_one_price_table():
    """The option's default is the rule's, and a plan not in the list costs as Business."""
    assert option("inactive_days").default == str(DEFAULT_INACTIVE_DAYS)
    assert count_seats([], total_seats=0, taken=TAKEN).inactive_days == DEFAULT_INACTIVE_DAYS
    assert seat_price("enterprise", None) == LIST_PRICES["enterprise"] == 39
    assert seat_price("unknown", None) == LIST_PRICES["business"] == 19
    assert seat_price("enterprise", 7.0) == 7.0
    for plan, price in LIST_PRICES.items():
        assert f"{plan.title()} {price:g}" in option("seat_price").help_in("fetch")
