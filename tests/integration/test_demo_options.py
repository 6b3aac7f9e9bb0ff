"""demo honours every option its --help offers (it used to ignore five of them)."""

from __future__ import annotations

import json
import re


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


def test_demo_dashboard_counts_seats_as_its_outputs_do(run_cli, tmp_path):
    """--inactive-days and --seat-price reach the demo's dashboard: its inactive seats are the
    outputs' and its reclaimable seats are priced at the seat-price given."""
    out = tmp_path / "demo"
    run = run_cli(
        "demo", "--report", "copilot-seats", "--inactive-days", "7", "--seat-price", "3",
        "--json", "--output-dir", str(out),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    outputs = json.loads(run.stdout[run.stdout.index("{\n") :])
    page = (out / "dashboard" / "index.html").read_text("utf-8")
    card = re.search(r'data-metric="Inactive seats">.*?class="v">([0-9,]+)<', page)
    assert card is not None and card.group(1) == outputs["seats-inactive"]
    assert "no activity for 7+ days" in page and "USD a month at 3 USD a seat" in page
