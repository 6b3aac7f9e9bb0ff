"""``copilot-usage-report demo``: the real pipeline against the loopback stand-in.

No token and no network: a ``StandIn`` serves the shipped sample report on two
loopback origins, ``fetch_report`` runs exactly as in a workflow, and the demo
prints what a workflow would see (the step outputs and the job summary).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING

from ._standin import StandIn

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._run import RunResult

__all__ = ["DEMO_ORG", "demo_standin", "run_demo", "sample_report"]

DEMO_ORG = "octo-demo"
DEMO_TOKEN = "demo-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential
DEMO_OUTPUT_DIR = "copilot-usage-demo"


def sample_report(day: date) -> bytes:
    """The shipped sample aggregate report, dated ``day`` (one JSON document)."""
    text = files(__package__).joinpath("_demo_data/organization-1-day.json").read_text("utf-8")
    record = json.loads(text)
    record["day"] = day.isoformat()
    return (json.dumps(record, indent=2) + "\n").encode()


def demo_standin(today: date) -> StandIn:
    """A stand-in with reports for the week before yesterday; yesterday is "not ready yet"."""
    standin = StandIn(token=DEMO_TOKEN)
    for back in range(2, 9):
        day = today - timedelta(days=back)
        standin.add_report(DEMO_ORG, day, [("copilot-usage-report-1.json", sample_report(day))])
    return standin


def run_demo(args: argparse.Namespace, *, report: Callable[..., Insight | None]) -> int:
    """Serve the sample, fetch it like a workflow would, print outputs and summary."""
    from ._cli import _run, _settings
    from ._links import redact_text
    from ._summary import render_result
    from ._workflow import outputs_of

    today = datetime.now(UTC).date()
    with demo_standin(today) as standin:
        args.org, args.token = DEMO_ORG, DEMO_TOKEN
        args.api_url, args.api_version = standin.api_url, None
        settings = _settings(args, default_output_dir=DEMO_OUTPUT_DIR)
        print(
            f"Demo: a loopback stand-in of GitHub's API ({standin.api_url}) and report storage "
            f"({standin.storage_url}) serves organization {DEMO_ORG!r}; no token, no network.\n"
        )
        result: RunResult = _run(settings)
    if args.json:
        report(result, as_json=True, settings=settings)
        return 0
    insight = report(result, as_json=False, settings=settings)
    print("\nStep outputs (what later steps read as steps.<id>.outputs.*; link signatures")
    print("are elided here as in every log line, the real output holds them):")
    for name, value in outputs_of(result, insight).items():
        print(f"  {name} = {redact_text(value)}")
    print("\nJob summary (Markdown, as GitHub renders it on the run page):\n")
    print(render_result(result, insight))
    return 0
