"""The live progress at a terminal: the CLI on a pseudo-terminal shows a download's bytes move."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._standin.server import Generated, StandIn

from .conftest import SCRIPT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX only")

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = datetime.now(UTC).date() - timedelta(days=3)
LINE = json.dumps({"user_id": 1, "pad": "x" * 1000}).encode() + b"\n"
CHUNK = LINE * (256 * 1024 // len(LINE))
CHUNKS = 32


def _slow_body() -> Iterator[bytes]:
    """Eight MiB in 256 KiB pieces, a short pause before each: time for several redraws."""
    for _ in range(CHUNKS):
        time.sleep(0.05)
        yield CHUNK


def _run_on_pty(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [str(SCRIPT), *args], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd
    )
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=30)
    os.close(master)
    return code, out.decode("utf-8", "replace")


def test_a_large_download_shows_its_bytes_moving_on_a_terminal(tmp_path):
    """Several redraws of the download's line, each with more bytes, of the announced total."""
    size = len(CHUNK) * CHUNKS
    with StandIn(token=TOKEN) as standin:
        standin.add_report("my-org", DAY, [("big.ndjson", Generated(_slow_body, size))])
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "COPILOT_USAGE_REPORT_TESTING": "1",
            "GH_TOKEN": TOKEN,
            "GITHUB_API_URL": standin.api_url,
            "COLUMNS": "120",
        }
        code, screen = _run_on_pty(
            ["fetch", "--org", "my-org", "--day", DAY.isoformat(), "--output-dir", "out"],
            env,
            tmp_path,
        )
    assert code == 0, screen
    units = {"B": 1, "KiB": 1024, "MiB": 1024 * 1024}
    seen = [
        float(m.group(1)) * units[m.group(2)]
        for m in re.finditer(r"big\.ndjson: ([\d.]+) (B|KiB|MiB) of 8\.0 MiB, ", screen)
    ]
    assert len(set(seen)) >= 2, screen[-2000:]
    assert seen == sorted(seen)  # bytes only grow
    assert "left" in screen  # a time left, from the announced length and the rate
    assert "\x1b[J" in screen  # the block is redrawn in place
    assert re.search(r"\[#{20}\] 1/1 days, 8\.0 MiB", screen)  # the final state stays
    assert (tmp_path / "out").exists()
    # The step's routine line is shown under the bar, never scrolled out as a line of its own.
    assert "big.ndjson" in screen and "1 file(s) to save" in screen
    assert not re.search(r"file\(s\) to save for \S+\.\r\n", screen)


def test_without_a_terminal_there_is_one_line_per_step_and_no_redraw(tmp_path, run_cli):
    """Piped stderr gets plain lines: one per step, no escape sequences."""
    with StandIn(token=TOKEN) as standin:
        for back in (3, 4):
            day = datetime.now(UTC).date() - timedelta(days=back)
            standin.add_report("my-org", day, [("a.ndjson", LINE)])
        first = datetime.now(UTC).date() - timedelta(days=4)
        run = run_cli(
            "fetch", "--org", "my-org", "--day", f"{first}..{DAY}", "--output-dir", "out",
            env={"GH_TOKEN": TOKEN, "GITHUB_API_URL": standin.api_url},
        )  # fmt: skip
    assert run.code == 0, run.stderr
    assert "\x1b[" not in run.stderr
    steps = [ln for ln in run.stderr.splitlines() if re.match(r"\[\d/2\] organization-1-day", ln)]
    assert len(steps) == 2
