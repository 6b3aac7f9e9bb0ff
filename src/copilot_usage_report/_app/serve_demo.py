"""``serve-demo``: the demo's loopback stand-in, left serving for other commands and steps.

``serve-demo`` starts ``serve-demo --foreground`` as a detached process that
serves ``demo.demo_standin`` until its ``--lifetime`` ends, prints the API URL
(or with ``--env`` the shell exports of the README's terminal examples), and
inside Actions sets the step outputs the action's self-test reads. A state
file in the user's runtime folder names every process it started that still runs, so
``--env`` reuses a stand-in that still runs and ``--stop`` ends them all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx

from .._standin import DEMO_ENTERPRISE, DEMO_ORG, DEMO_TOKEN, demo_standin, history, newest_day

__all__ = ["env_lines", "serve_demo"]


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
            "latest-day": newest_day(today).isoformat(),
            "first-day": history(today)[0].isoformat(),
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
    """Where ``serve-demo`` notes the servers it started, so ``--stop`` finds them."""
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


def _recorded() -> list[dict[str, str]]:
    """The stand-ins noted in the state file, newest last (an older file named one alone)."""
    try:
        noted = json.loads(_state_file().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    noted = [noted] if isinstance(noted, dict) else noted
    if not isinstance(noted, list):
        return []
    return [d for d in noted if isinstance(d, dict) and str(d.get("pid", "")).isdigit()]


def _note(running: list[dict[str, str]]) -> None:
    """Write the state file naming ``running`` (removed when none runs)."""
    with contextlib.suppress(OSError):  # else --stop cannot find them; they stop by themselves
        if running:
            _state_file().write_text(json.dumps(running), "utf-8")
        else:
            _state_file().unlink(missing_ok=True)


def _stop() -> int:
    """Stop every stand-in ``serve-demo`` started that still runs, and say how many."""
    running = [details for details in _recorded() if _serving(details)]
    if not running:
        _note([])
        print("No demo stand-in started by serve-demo is running.", file=sys.stderr)
        return 0
    for details in running:
        with contextlib.suppress(OSError):  # ended in between
            os.kill(int(details["pid"]), signal.SIGTERM)
    deadline = time.monotonic() + 10
    while any(map(_serving, running)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [details for details in running if _serving(details)]
    _note(left)
    named = ", ".join(f"{d['api-url']} (process {d['pid']})" for d in running if d not in left)
    count = len(running) - len(left)
    if count == 1:
        print(f"Stopped the demo stand-in at {named}.", file=sys.stderr)
    elif count:
        print(f"Stopped {count} demo stand-ins serve-demo started: {named}.", file=sys.stderr)
    if left:
        print(
            f"copilot-usage-report: error: {len(left)} demo stand-in(s) still answer after 10 s: "
            + ", ".join(f"process {d['pid']}" for d in left)
            + "; end them with kill, or they stop by themselves after --lifetime.",
            file=sys.stderr,
        )
        return 1
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
    from .workflow import write_outputs

    running = [details for details in _recorded() if _serving(details)]
    reuse = [d for d in running if d.get("scenario") == scenario]
    if env and reuse:
        print("\n".join(env_lines(reuse[-1])))  # the one already running
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
    _note([*running, details])
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
