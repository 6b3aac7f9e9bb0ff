"""``demo`` and ``serve-demo``: the real pipeline against the loopback stand-in.

No token and no network: a ``StandIn`` serves the demo's made-up history
(``_demodata``: every report kind of organization ``octo-demo`` and enterprise
``octo-demo-enterprise``, 121 days with a few gaps) on two loopback origins.
``demo`` builds its settings and runs the pipeline exactly as ``fetch`` does,
then prints what a workflow would see (the step outputs and the job summary).
``serve-demo`` leaves the stand-in running in the background, for the README's
terminal examples (``--env``) and the action's self-test; ``--stop`` ends it.
This module sits beside ``_cli`` (which calls it), never under it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal

import httpx

from . import _demodata as data
from ._demodata import DEMO_ENTERPRISE, DEMO_ORG
from ._standin import Fault, Lazy, StandIn

if TYPE_CHECKING:
    from ._metrics import Insight
    from ._progress import Progress
    from ._run import RunResult
    from ._settings import Settings

__all__ = [
    "DEMO_ENTERPRISE",
    "DEMO_ORG",
    "DEMO_TOKEN",
    "demo_archive",
    "demo_standin",
    "run_demo",
    "serve_demo",
]

DEMO_TOKEN = "demo-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential
DEMO_OUTPUT_DIR = "copilot-usage-demo"
_AGENT = "copilot-usage-report-demo"
#: The answer of the ``forbidden`` scenario to every API request.
_FORBIDDEN = Fault(
    status=403,
    headers=(("Content-Type", "application/json"),),
    body=json.dumps(
        {"message": "Resource not accessible by personal access token", "status": "403"}
    ).encode(),
)
Report = Callable[..., "Insight | None"]
#: Each scope the demo serves: its name in ``_demodata``, login or slug, aggregate, API prefix.
_SCOPES: tuple[tuple[data.ScopeName, str, str, Literal["orgs", "enterprises"]], ...] = (
    ("org", DEMO_ORG, "organization", "orgs"),
    ("enterprise", DEMO_ENTERPRISE, "enterprise", "enterprises"),
)


def demo_standin(today: date, *, scenario: str = "ok") -> StandIn:
    """A stand-in serving the demo's history up to the day before yesterday.

    Every report kind of both scopes: the one-day kinds for each day of
    ``_demodata.history`` (a gap day answers 404, as does yesterday, which GitHub
    has not readied yet), the 28-day kinds as the window ending on the newest day.
    In the ``forbidden`` scenario every API request is refused with a 403, as
    GitHub refuses a token that lacks the "Organization Copilot metrics" permission.
    """
    standin = StandIn(token=DEMO_TOKEN)
    if scenario == "forbidden":
        standin.api_fault_always = _FORBIDDEN
    newest = data.newest_day(today)
    for scope, name, aggregate, prefix in _SCOPES:
        add = functools.partial(standin.add_report, name, scope=prefix)
        for day in data.history(today):
            add(
                day, [(_file(1), _lazy(data.aggregate_file, scope, day))],
                kind=f"{aggregate}-1-day",
            )  # fmt: skip
            add(
                day,
                [
                    (_file(n + 1, "ndjson"), _lazy(data.users_file, scope, day, n, 2))
                    for n in (0, 1)
                ],
                kind="users-1-day",
            )
            add(
                day, [(_file(1, "ndjson"), _lazy(data.user_teams_file, scope, day))],
                kind="user-teams-1-day",
            )  # fmt: skip
            add(
                day, [(_file(1, "ndjson"), _lazy(data.repos_file, scope, day))],
                kind="repos-1-day",
            )  # fmt: skip
        start = newest - timedelta(days=27)
        add(
            newest, [(_file(1), _lazy(data.rolling_file, scope, newest, today))],
            kind=f"{aggregate}-28-day", start=start,
        )  # fmt: skip
        add(
            newest, [(_file(1), _lazy(data.rolling_file, scope, newest, today, users=True))],
            kind="users-28-day", start=start,
        )  # fmt: skip
    return standin


def _file(n: int, extension: str = "json") -> str:
    return f"copilot-usage-report-{n}.{extension}"


def _lazy(make: Callable[..., bytes], *args: object, **kwargs: object) -> Lazy:
    return Lazy(lambda: make(*args, **kwargs))


def demo_settings(
    api_url: str,
    *,
    output_dir: Path | str = DEMO_OUTPUT_DIR,
    day: str | None = None,
    report: str | None = None,
    enterprise: bool = False,
    options: dict[str, str | None] | None = None,
) -> Settings:
    """Settings for a fetch from a demo stand-in at ``api_url`` (no environment read)."""
    from ._settings import RawInputs, build_settings

    raw = RawInputs(
        org=None if enterprise else DEMO_ORG,
        enterprise=DEMO_ENTERPRISE if enterprise else None,
        report=report,
        day=day,
        token=DEMO_TOKEN,
        api_url=api_url,
        output_dir=str(output_dir),
        **(options or {}),
    )
    return build_settings(raw, today=datetime.now(UTC).date(), env={})


def demo_archive(
    output_dir: Path,
    *,
    days: int = data.HISTORY_DAYS,
    report: str = "organization-1-day,users-1-day,user-teams-1-day",
    enterprise: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Fetch the demo's history (``last-N-days``, gaps skipped) into ``output_dir``.

    For the dashboard's demo and tests: a real archive, made by the real pipeline.
    """
    from ._progress import Progress
    from ._session import run_fetch

    with demo_standin(datetime.now(UTC).date()) as standin:
        settings = demo_settings(
            standin.api_url,
            output_dir=output_dir,
            day=f"last-{days + 2}-days",
            report=report,
            enterprise=enterprise,
            options={"if_not_available": "skip"},
        )
        return run_fetch(
            settings, progress=progress or Progress.silent(), user_agent=_AGENT, tool=_AGENT
        )


def forget_earlier_demo(output_dir: Path) -> int:
    """Remove the day folders an earlier demo saved in ``output_dir``; returns how many.

    Each demo serves from a new loopback port, and a day folder is reused only for
    the API origin that filled it, so a second ``demo`` into the same folder would be
    refused. Only folders whose manifest names a loopback origin (a stand-in's, never
    GitHub's) are removed; anything else in the folder is left as it is.
    """
    import shutil
    from urllib.parse import urlsplit

    from ._store import read_manifest

    removed = 0
    for manifest in sorted(output_dir.glob("*/*/*/*/manifest.json")):
        kept = read_manifest(manifest.parent)
        host = urlsplit(kept.api_origin or "").hostname if kept is not None else None
        if host in {"127.0.0.1", "localhost", "::1"}:
            shutil.rmtree(manifest.parent, ignore_errors=True)
            removed += 1
    return removed


def run_demo(args: argparse.Namespace, *, report: Report) -> int:
    """Serve the history, fetch from it like a workflow would, print outputs and summary."""
    from ._links import redact_text
    from ._progress import Progress
    from ._session import run_fetch
    from ._summary import render_result
    from ._workflow import in_actions, outputs_of

    today = datetime.now(UTC).date()
    forget_earlier_demo(Path(args.output_dir or DEMO_OUTPUT_DIR))
    with demo_standin(today) as standin:
        settings = demo_settings(
            standin.api_url,
            output_dir=args.output_dir or DEMO_OUTPUT_DIR,
            day=args.day,
            report=args.report,
            options={
                "retries": args.retries,
                "max_wait": args.max_wait,
                "concurrency": args.concurrency,
                "timeout": args.timeout,
                "job_summary": None if args.summary is None else str(args.summary).lower(),
                "format": args.format,
            },
        )
        print(
            f"Demo: a loopback stand-in of GitHub's API ({standin.api_url}) and report storage "
            f"({standin.storage_url}) serves organization {DEMO_ORG!r} and enterprise "
            f"{DEMO_ENTERPRISE!r}; no token, no network.\n"
        )
        result = run_fetch(
            settings,
            progress=Progress.detect(in_actions=in_actions()),
            user_agent=_AGENT,
            tool=_AGENT,
            created=settings.output_dir if settings.created_output_dir else None,
        )
        # The dashboard's history: the same stand-in's whole history (gaps skipped) into
        # the same archive; the day just fetched is complete on disk and not asked again.
        history = demo_settings(
            standin.api_url,
            output_dir=settings.output_dir,
            day=f"last-{data.HISTORY_DAYS + 2}-days",
            report="organization-1-day,users-1-day,user-teams-1-day",
            options={"if_not_available": "skip"},
        )
        run_fetch(history, progress=Progress.silent(), user_agent=_AGENT, tool=_AGENT)
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


# -- serve-demo ------------------------------------------------------------------------------


def serve_demo(args: argparse.Namespace) -> int:
    """Serve the stand-in: in this process (``--foreground``), or in a detached one."""
    if args.stop:
        return _stop()
    if args.foreground:
        return _serve_here(args.scenario, args.lifetime)
    return _serve_detached(args.scenario, args.lifetime, env=args.env)


def _serve_here(scenario: str, lifetime: float) -> int:
    """Serve until ``lifetime`` seconds pass or the process is interrupted or terminated.

    The first and only line on stdout is a JSON object with what a client needs
    (``api-url``, ``org``, ``enterprise``, ``token``, ``latest-day``, ``pid``).
    """
    today = datetime.now(UTC).date()
    signal.signal(signal.SIGTERM, _interrupt)
    with demo_standin(today, scenario=scenario) as standin:
        details = {
            "api-url": standin.api_url,
            "org": DEMO_ORG,
            "enterprise": DEMO_ENTERPRISE,
            "token": DEMO_TOKEN,
            "latest-day": data.newest_day(today).isoformat(),
            "first-day": data.history(today)[0].isoformat(),
            "scenario": scenario,
            "pid": str(os.getpid()),
        }
        print(json.dumps(details), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(lifetime)
    return 0


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _state_file() -> Path:
    """Where ``serve-demo`` notes the server it started, so ``--stop`` finds that one."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(base) / f"copilot-usage-report-serve-demo-{user}.json"


def _serving(details: dict[str, str]) -> bool:
    """True when the stand-in named in ``details`` still answers (a 401 from ``standin``)."""
    try:
        answer = httpx.get(details["api-url"], timeout=2.0, trust_env=False)
    except (httpx.HTTPError, KeyError):
        return False
    return str(answer.headers.get("server", "")).startswith("standin")


def _recorded() -> dict[str, str] | None:
    try:
        details = json.loads(_state_file().read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return details if isinstance(details, dict) else None


def _stop() -> int:
    """Stop the stand-in the last ``serve-demo`` started, if it still runs."""
    details = _recorded()
    if details is None or not _serving(details):
        _state_file().unlink(missing_ok=True)
        print("No demo stand-in started by serve-demo is running.", file=sys.stderr)
        return 0
    os.kill(int(details["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _serving(details) and time.monotonic() < deadline:
        time.sleep(0.1)
    _state_file().unlink(missing_ok=True)
    print(f"Stopped the demo stand-in at {details['api-url']} (process {details['pid']}).",
          file=sys.stderr)  # fmt: skip
    return 0


def env_lines(details: dict[str, str]) -> list[str]:
    """Shell lines that point this tool at the stand-in, for ``eval "$(serve-demo --env)"``."""
    values = {
        "GH_TOKEN": details["token"],
        "GITHUB_API_URL": details["api-url"],
        "ORG": details["org"],
        "ENTERPRISE": details.get("enterprise", DEMO_ENTERPRISE),
    }
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in values.items())
    return [f"export {exports}"]


def _serve_detached(scenario: str, lifetime: float, *, env: bool) -> int:
    """Start ``serve-demo --foreground`` detached, wait for its URL, print it and return.

    The server outlives this command (a later step or command talks to it) and
    stops by itself after ``lifetime`` seconds, or with ``serve-demo --stop``.
    Inside Actions its details become step outputs. Stdout holds the API URL
    alone (``url=$(… serve-demo)``), or with ``env`` the shell exports.
    """
    from ._workflow import write_outputs

    details = _recorded()
    if env and details and details.get("scenario") == scenario and _serving(details):
        print("\n".join(env_lines(details)))  # the one already running
        return 0
    command = [
        sys.executable, "-m", "copilot_usage_report", "serve-demo", "--foreground",
        "--scenario", scenario, "--lifetime", f"{lifetime:g}",
    ]  # fmt: skip
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
    details = json.loads(line)
    with contextlib.suppress(OSError):  # else --stop cannot find it; it still stops by itself
        _state_file().write_text(json.dumps(details), "utf-8")
    write_outputs({k: v for k, v in details.items() if k != "first-day"})
    print("\n".join(env_lines(details)) if env else details["api-url"])
    print(
        f"Demo stand-in of GitHub ({details['scenario']}) serving organization "
        f"{details['org']!r} and enterprise {details['enterprise']!r} at {details['api-url']} "
        f"with token {details['token']!r}; report days {details['first-day']} to "
        f"{details['latest-day']} with a few gaps; process {details['pid']}, stops by itself "
        f"after {lifetime:g} s or with: copilot-usage-report serve-demo --stop",
        file=sys.stderr,
    )
    return 0


def _start_detached(command: Sequence[str], *, errors: IO[bytes]) -> subprocess.Popen[bytes]:
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
