"""demo honours every option its --help offers (it used to ignore five of them)."""

from __future__ import annotations

import json


def test_demo_refuses_a_bad_value_of_an_option_it_offers(run_cli, tmp_path):
    """--inactive-days 0 is bad input for demo as for fetch: exit 2, one line."""
    run = run_cli("demo", "--inactive-days", "0", "--output-dir", str(tmp_path / "demo"))
    assert run.code == 2, run.stdout + run.stderr
    assert "inactive-days must be from 1 to 365" in run.stderr
    assert "Traceback" not in run.stderr


def test_demo_uses_the_seat_price_it_is_given(run_cli, tmp_path):
    """--seat-price 0 prices the demo's inactive seats at 0, not at the list price."""
    out = str(tmp_path / "demo")
    run = run_cli(
        "demo", "--report", "copilot-seats", "--seat-price", "0", "--json", "--output-dir", out
    )
    assert run.code == 0, run.stderr
    outputs = json.loads(run.stdout[run.stdout.index("{\n") :])  # after the demo's banner
    seats = json.loads(outputs["metrics"])["seats"]
    assert seats["seats_inactive"] > 0
    assert seats["inactive_seats_monthly_cost_usd"] == 0 and seats["at_list_price"] is False
