"""What every figure shares: the run's context, its child processes and how a line is made.

Invariants: every server and child process is ours, bound to 127.0.0.1, and stops by itself
(servers on stdin EOF or their lifetime, children on a timeout); every comparison is warmed
up once and reported as the median of ``--repeat`` runs, ours and the reference alternating.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1_000_000
DAY = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
ORG = "bench"
#: What a fetch imports: the CLI and the pipeline (figures 5 and 7).
FETCH_PATH = "import copilot_usage_report._app.cli, copilot_usage_report._pipeline.run"
#: Longest any one child (a download of the largest file, a 30-day backfill) may take.
CHILD_TIMEOUT = 900.0


class BenchError(RuntimeError):
    """A measurement could not be made (a child failed or timed out)."""


@dataclass
class Figure:
    """One printed line and its machine-readable record."""

    key: str
    title: str
    line: str = ""
    data: dict[str, object] = field(default_factory=dict)
    #: Target name to True (met) or False (missed); empty when skipped or informative.
    verdicts: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    quick: bool
    repeat: int
    large_bytes: int
    #: Figure 1's file on the paced wires (a 1 GB file at 1 Gbit/s is 8 s a run).
    wire_bytes: int
    #: The wires figures 1 and 2 judge the time ratio on, in Mbit/s (all downloads share one).
    wires_mbit: tuple[float, ...]
    many_files: int
    many_bytes: int
    users: int
    #: Figure 6's per-user report.
    action_users: int
    #: Figure 6w1's: the size its target is stated for, quick or not (on a 20,000-user report
    #: the start-up, not the wire, is most of the run).
    wire_users: int
    concurrency: int
    startup_runs: int
    backfill_repeat: int
    curl: str | None
    jq: str | None
    #: The loopback certificate and key for https, or None (``cert_why`` says why).
    cert: tuple[Path, Path] | None
    cert_why: str
    tmp: Path

    def tls(self) -> list[str] | None:
        """The stand-in's ``tls`` spec: the certificate and key files."""
        return [str(self.cert[0]), str(self.cert[1])] if self.cert else None

    def curl_trust(self) -> list[str]:
        """curl's options to trust the loopback certificate."""
        return ["--cacert", str(self.cert[0])] if self.cert else []


@contextlib.contextmanager
def serve(spec: dict[str, object]) -> Iterator[dict[str, object]]:
    """A stand-in in a child process for the block's duration; yields its URLs and links."""
    lifetime = float(str(spec.setdefault("lifetime", CHILD_TIMEOUT * 2)))
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_serve.py"), json.dumps(spec)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 60.0)
        if not ready:
            raise BenchError("the stand-in did not start within 60 s")
        line = proc.stdout.readline()
        if not line:
            raise BenchError("the stand-in exited before serving")
        yield json.loads(line)
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=min(lifetime, 30.0))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def work(task: str, spec: dict[str, object]) -> dict[str, object]:
    """Run one ``_worker.py`` task in a fresh interpreter; its JSON result."""
    done = subprocess.run(
        [sys.executable, str(HERE / "_worker.py"), task, json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"worker {task} failed: {tail(done.stderr)}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def tail(text: str, lines: int = 3) -> str:
    """The last lines of a child's stderr, on one line."""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


def timed(cmd: list[str], *, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, exit code and stderr of a command run to completion."""
    start = time.perf_counter()
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False, env=env
    )
    return time.perf_counter() - start, done.returncode, done.stderr


def children_cpu() -> float:
    """CPU seconds (user and system) of every child that has ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sides(
    repeat: int, ours: Callable[[], float], theirs: Callable[[], float]
) -> tuple[list[float], list[float]]:
    """One warm-up each, then ``repeat`` runs of both, alternating which goes first."""
    ours()
    theirs()
    a: list[float] = []
    b: list[float] = []
    for i in range(repeat):
        if i % 2 == 0:
            a.append(ours())
            b.append(theirs())
        else:
            b.append(theirs())
            a.append(ours())
    return a, b


def clear(folder: Path) -> None:
    """Empty a folder (our own temporary one) so the next run starts from nothing."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def size_text(n: float) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / MB:.0f} MB"


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("copilot-usage-report")
    return [str(script)] if script.exists() else [sys.executable, "-m", "copilot_usage_report"]


def cli_env(info: dict[str, object], out: Path) -> dict[str, str]:
    """The CLI's environment: the stand-in's URL and token, and nothing a runner would add."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INPUT_", "GITHUB_", "RUNNER_")) and k not in ("GH_TOKEN",)
    }
    env.update(
        INPUT_ORG=ORG,
        INPUT_TOKEN=str(info["token"]),
        INPUT_API_URL=str(info["api_url"]),
        INPUT_OUTPUT_DIR=str(out),
    )
    return env
