"""``demo`` and ``serve-demo``: the real pipeline against the loopback stand-in.

No token and no network: a ``StandIn`` serves the shipped sample report on two
loopback origins. ``demo`` runs ``fetch_report`` exactly as in a workflow and
prints what a workflow would see (the step outputs and the job summary).
``serve-demo`` leaves the stand-in running in the background and prints its URL,
so that the action itself (``uses: ./``) can be run against it in a self-test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import IO, TYPE_CHECKING

from ._standin import Fault, StandIn

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._run import RunResult

__all__ = ["DEMO_ORG", "demo_standin", "run_demo", "sample_report", "serve_demo"]

DEMO_ORG = "octo-demo"
DEMO_TOKEN = "demo-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential
DEMO_OUTPUT_DIR = "copilot-usage-demo"
#: The answer of the ``forbidden`` scenario to every API request.
_FORBIDDEN = Fault(
    status=403,
    headers=(("Content-Type", "application/json"),),
    body=json.dumps(
        {"message": "Resource not accessible by personal access token", "status": "403"}
    ).encode(),
)


def sample_report(day: date) -> bytes:
    """The shipped sample aggregate report, dated ``day`` (one JSON document)."""
    text = files(__package__).joinpath("_demo_data/organization-1-day.json").read_text("utf-8")
    record = json.loads(text)
    record["day"] = day.isoformat()
    return (json.dumps(record, indent=2) + "\n").encode()


def demo_standin(today: date, *, scenario: str = "ok") -> StandIn:
    """A stand-in with reports for the week before yesterday; yesterday is "not ready yet".

    In the ``forbidden`` scenario every API request is refused with a 403, as
    GitHub refuses a token that lacks the "Organization Copilot metrics" permission.
    """
    standin = StandIn(token=DEMO_TOKEN)
    if scenario == "forbidden":
        standin.api_fault_always = _FORBIDDEN
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
    from .history import build

    dashboard = build([settings.output_dir], settings.output_dir / "dashboard")
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
    print(
        f"Dashboard of the {dashboard.days} archived day(s) (database, daily.csv, page): open "
        f"{dashboard.page}"
    )
    return 0


def serve_demo(args: argparse.Namespace) -> int:
    """Serve the stand-in: in this process (``--foreground``), or in a detached one."""
    if args.foreground:
        return _serve_here(args.scenario, args.lifetime)
    return _serve_detached(args.scenario, args.lifetime)


def _serve_here(scenario: str, lifetime: float) -> int:
    """Serve until ``lifetime`` seconds pass or the process is interrupted.

    The first and only line on stdout is a JSON object with what a client needs
    (``api-url``, ``org``, ``token``, ``latest-day``, ``pid``).
    """
    today = datetime.now(UTC).date()
    with demo_standin(today, scenario=scenario) as standin:
        details = {
            "api-url": standin.api_url,
            "org": DEMO_ORG,
            "token": DEMO_TOKEN,
            "latest-day": (today - timedelta(days=2)).isoformat(),
            "scenario": scenario,
            "pid": str(os.getpid()),
        }
        print(json.dumps(details), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(lifetime)
    return 0


def _serve_detached(scenario: str, lifetime: float) -> int:
    """Start ``serve-demo --foreground`` detached, wait for its URL, print it and return.

    The server outlives this command (a later workflow step talks to it) and stops
    by itself after ``lifetime`` seconds. Inside Actions its details become step
    outputs. Stdout holds the API URL alone, so ``url=$(… serve-demo)`` works.
    """
    from ._workflow import write_outputs

    command = [
        sys.executable,
        "-m",
        "copilot_usage_report",
        "serve-demo",
        "--foreground",
        "--scenario",
        scenario,
        "--lifetime",
        f"{lifetime:g}",
    ]
    with tempfile.TemporaryFile() as errors:
        server = _start_detached(command, errors=errors)
        line = server.stdout.readline() if server.stdout else b""
        if server.stdout:
            server.stdout.close()
        if not line:
            server.wait(timeout=10)
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip().splitlines()
            print(
                "copilot-usage-report: error: the demo stand-in did not start"
                + (f": {said[-1]}" if said else "."),
                file=sys.stderr,
            )
            return 1
    details: dict[str, str] = json.loads(line)
    write_outputs(details)
    print(details["api-url"])
    print(
        f"Demo stand-in of GitHub ({details['scenario']}) serving organization "
        f"{details['org']!r} at {details['api-url']} with token {details['token']!r}; newest "
        f"report day {details['latest-day']}; process {details['pid']}, stops by itself "
        f"after {lifetime:g} s.",
        file=sys.stderr,
    )
    return 0


def _start_detached(command: list[str], *, errors: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session (process group on Windows), stdout piped to us."""
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            creationflags=flags,
        )
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errors,
        start_new_session=True,
    )
