"""demo honours every option its --help offers (it used to ignore five of them)."""

from __future__ import annotations

import hashlib
import json
import re


def test_demo_refuses_a_bad_value_of_an_option_it_offers(run_cli, tmp_path):
    """--inactive-days 0 is bad input for demo as for fetch: exit 2, one line."""
    run = run_cli("demo", "--inactive-days", "0", "--output-dir", str(tmp_path / "demo"))
    assert run.code == 2, run.stdout + run.stderr
    assert "inactive-days must be from 1 to 365" in run.stderr
    assert "Traceback" not in run.stderr


def test_demo_uses_the_seat_price_it_is_given(run_cli, tmp_path):
    """--seat-price 0 prices the demo's inactive seats at 0, not at the list price; with
    --json, stdout is one JSON object (the banner goes to stderr)."""
    out = str(tmp_path / "demo")
    run = run_cli(
        "demo", "--report", "copilot-seats", "--seat-price", "0", "--json", "--output-dir", out
    )
    assert run.code == 0, run.stderr
    outputs = json.loads(run.stdout)  # stdout is the one JSON object; the banner is on stderr
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


def test_bad_input_leaves_an_earlier_demos_folders_as_they_were(run_cli, tmp_path):
    """A demo refused as bad input (exit 2) removes none of an earlier demo's day folders."""
    out = tmp_path / "demo"
    day = out / "orgs" / "octo-demo" / "organization-1-day" / "2026-12-01"
    day.mkdir(parents=True)
    body = b'{"day_totals": []}\n'
    (day / "copilot-usage-report-1.json").write_bytes(body)
    manifest = {
        "manifest_version": 2,
        "tool": "copilot-usage-report 1.0.0",
        "scope": {"kind": "org", "name": "octo-demo"},
        "report": "organization-1-day",
        "report_day": "2026-12-01",
        "report_start_day": None,
        "api_origin": "http://127.0.0.1:9",  # an earlier demo's stand-in
        "files": [
            {
                "name": "copilot-usage-report-1.json",
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "link": "http://127.0.0.1:9/reports/copilot-usage-report-1.json",
                "records": 0,
            }
        ],
    }
    (day / "manifest.json").write_text(json.dumps(manifest))
    run = run_cli("demo", "--report", "enterprise-1-day", "--output-dir", str(out))
    assert run.code == 2, run.stdout + run.stderr
    assert sorted(p.name for p in day.iterdir()) == ["copilot-usage-report-1.json", "manifest.json"]
