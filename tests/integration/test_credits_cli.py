"""AI credits billed (``--report copilot-ai-credits``) through the real CLI against the stand-in.

One request a day with ``year``, ``month`` and ``day``; each answer archived as served with a
manifest; a rerun asks nothing already saved, a backfill only the days not saved; ``latest``
asks yesterday; a day of last year (older than the metrics reports' window, inside the 24
months GitHub keeps billing) is asked, a day beyond 24 months refused before any request; a
403 says what each scope's token needs. Expected numbers are summed here from the answers the
stand-in serves, not by the tool.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from copilot_usage_report._metrics.summarize import metrics_schema
from copilot_usage_report._standin.credits import credit_usage
from copilot_usage_report._standin.server import Fault, StandIn

TOKEN = "ghp_CREDITSTOKEN1234567890"
TODAY = datetime.now(UTC).date()
KIND = "copilot-ai-credits"
ORG_PATH = "/organizations/my-org/settings/billing/ai_credit/usage"


@pytest.fixture
def standin() -> Any:
    with StandIn(token=TOKEN) as server:
        server.credit_owners.update(
            {"organizations/my-org": "org", "enterprises/my-ent": "enterprise"}
        )
        yield server


def fetch(run_cli, standin: StandIn, tmp_path: Path, day: str, *scope: str):
    return run_cli(
        "fetch", *(scope or ("--org", "my-org")), "--report", KIND, "--day", day,
        "--retries", "0",
        env={"INPUT_TOKEN": TOKEN, "INPUT_API_URL": standin.api_url,
             "INPUT_OUTPUT_DIR": str(tmp_path / "out")},
        actions=True,
    )  # fmt: skip


def asked(standin: StandIn) -> list[date]:
    """The days asked of the endpoint, in order (every request must be one)."""
    days = []
    for r in standin.of("api"):
        assert r.path == ORG_PATH, r.path
        days.append(date(*(int(r.query[k][0]) for k in ("year", "month", "day"))))
    return days


def served(day: date) -> list[dict[str, Any]]:
    return credit_usage("org", "my-org", day)["usageItems"]


def test_a_range_is_fetched_archived_summed_and_resumed(run_cli, standin, tmp_path) -> None:
    """Three days: three requests, three folders as served, outputs summed from the answers;
    a rerun asks nothing, a backfill only the days before."""
    days = [TODAY - timedelta(days=n) for n in (12, 11, 10)]
    run = fetch(run_cli, standin, tmp_path, f"{days[0]}..{days[-1]}")
    assert run.code == 0, run.stderr
    assert asked(standin) == days
    for day in days:
        folder = tmp_path / "out" / "orgs" / "my-org" / KIND / day.isoformat()
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["report"] == KIND and manifest["report_day"] == day.isoformat()
        assert json.loads((folder / f"{KIND}.json").read_bytes())["usageItems"] == served(day)
    items = [i for d in days for i in served(d)]
    gross = sum(i["grossQuantity"] for i in items)
    net_usd = sum(i["netAmount"] for i in items)
    assert gross > 0 and any(i["discountQuantity"] > i["grossQuantity"] for i in items)
    assert run.outputs["ai-credits-billed"] == f"{gross:.2f}"
    assert run.outputs["ai-credits-net-usd"] == f"{net_usd:.2f}"
    metrics = json.loads(run.outputs["metrics"])
    jsonschema.validate(metrics, metrics_schema(), format_checker=jsonschema.FormatChecker())
    credits = metrics["ai_credits"]
    assert credits["days"] == 3 and credits["grossQuantity"] == pytest.approx(gross)
    assert len({m["model"] for m in credits["by_model"]}) >= 3
    assert "## AI credits billed" in run.summary and f"| {days[1]} |" in run.summary

    again = fetch(run_cli, standin, tmp_path, f"{days[0]}..{days[-1]}")
    assert again.code == 0, again.stderr
    assert len(asked(standin)) == 3  # complete on disk: nothing asked
    assert again.outputs["ai-credits-billed"] == f"{gross:.2f}"

    earlier = [TODAY - timedelta(days=n) for n in (14, 13)]
    backfill = fetch(run_cli, standin, tmp_path, f"{earlier[0]}..{days[-1]}")
    assert backfill.code == 0, backfill.stderr
    assert asked(standin)[3:] == earlier
    assert json.loads(backfill.outputs["metrics"])["ai_credits"]["days"] == 5

    site = tmp_path / "site"
    history = run_cli("history", str(tmp_path / "out"), "--out", str(site))
    assert history.code == 0, history.stderr
    db = sqlite3.connect(site / "copilot-usage.sqlite")
    kept = db.execute(
        "SELECT day, model, gross_quantity, discount_quantity, net_amount, recognised "
        "FROM credits_billed ORDER BY day, item"
    ).fetchall()
    db.close()
    assert kept == [
        (d.isoformat(), i["model"], i["grossQuantity"], i["discountQuantity"], i["netAmount"], 1)
        for d in sorted(earlier + days)
        for i in served(d)
    ]
    assert (site / "credits-billed.csv").read_text().count("\n") == len(kept) + 1
    assert '<div class="credits" data-credits="orgs/my-org">' in (site / "index.html").read_text()


def test_latest_is_yesterday(run_cli, standin, tmp_path) -> None:
    """``latest`` asks yesterday (UTC) alone."""
    run = fetch(run_cli, standin, tmp_path, "latest")
    assert run.code == 0, run.stderr
    assert asked(standin) == [TODAY - timedelta(days=1)]
    assert (tmp_path / "out" / "orgs" / "my-org" / KIND / str(TODAY - timedelta(days=1))).is_dir()


def test_a_day_of_last_year_is_asked_and_one_beyond_24_months_refused(
    run_cli, standin, tmp_path
) -> None:
    """500 days back is asked (the metrics window would refuse it); 25 months back is refused
    with exit 2 before any request, naming the oldest day."""
    old = TODAY - timedelta(days=500)
    run = fetch(run_cli, standin, tmp_path, old.isoformat())
    assert run.code == 0, run.stderr
    assert asked(standin) == [old]
    beyond = TODAY - timedelta(days=760)
    refused = fetch(run_cli, standin, tmp_path, beyond.isoformat())
    assert refused.code == 2
    assert "older than the 24 months" in refused.stderr and "Traceback" not in refused.stderr
    assert len(asked(standin)) == 1


@pytest.mark.parametrize(
    ("scope", "words"),
    [
        (("--org", "my-org"), 'organization permission "Administration" (read)'),
        (("--enterprise", "my-ent"), "GitHub refuses fine-grained and GitHub App tokens here"),
    ],
    ids=["organization", "enterprise"],
)
def test_a_403_says_what_the_scopes_token_needs(run_cli, standin, tmp_path, scope, words) -> None:
    """A 403 is one line naming the kind and what a token needs in that scope."""
    standin.api_faults.append(Fault(status=403, body=b'{"message": "Forbidden"}'))
    run = fetch(run_cli, standin, tmp_path, "latest", *scope)
    assert run.code != 0 and run.code != 2
    line = run.stderr.strip().splitlines()[-1]
    assert KIND in line and words in line
    assert "Traceback" not in run.stderr and TOKEN not in line


def test_a_404_for_one_day_names_the_permission_too(run_cli, standin, tmp_path) -> None:
    """GitHub may hide a billing endpoint behind a 404: the message names the permission."""
    standin.api_faults.append(Fault(status=404, body=b'{"message": "Not Found"}'))
    run = fetch(run_cli, standin, tmp_path, "latest")
    assert run.code != 0
    assert '"Administration" (read)' in run.stderr and "Traceback" not in run.stderr
