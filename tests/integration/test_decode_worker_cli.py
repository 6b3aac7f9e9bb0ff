"""The fetch's decode worker stopped (SIGSTOP) or killed mid-download, through the real CLI.

The worker is found in ``/proc`` by its command line and the run's ``HOME`` (``_worker``),
once it serves and the server has sent half the body; the server sends the rest only after
the test has stopped or killed it. The fetch finishes within a bound without it (the file
checked in the fetch's own process, the same numbers), and no worker is left once the CLI
has exited, however it exited: at its end, with an error, on SIGTERM, or killed outright
with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ._hostile import Connection, Hostile, Result, assert_no_secret, links_answer, run_cli
from ._worker import find_worker, serving, wait_gone

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the worker is found in Linux's /proc"
)

LINES = [{"user_id": n, "day": "2026-11-20", "user_login": f"u{n}"} for n in range(20_000)]
BODY = "".join(json.dumps(line) + "\n" for line in LINES).encode()
HALF = BODY.index(b"\n", len(BODY) // 2) + 1
#: The run's bound: the worker's answer bound (5 s) and the fetch itself, on a busy machine.
BOUND = 30.0


class _Stage:
    """A server that holds the second half of the body until the worker has been dealt with."""

    def __init__(self, body: bytes = BODY) -> None:
        self.body = body
        self.half_sent = threading.Event()
        self.go = threading.Event()
        self.server = Hostile(routes={})
        self.server.routes["/orgs/"] = links_answer(self.server.link())
        self.server.routes["/files/"] = self._storage

    def _storage(self, c: Connection) -> None:
        if c.head(200, {"Content-Length": str(len(self.body))}) and c.send(self.body[:HALF]):
            self.half_sent.set()
            self.go.wait(BOUND)
            c.send(self.body[HALF:])


@pytest.fixture
def found() -> Iterator[list[int]]:
    """The workers a test dealt with; any a failure left behind is killed after it."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if not wait_gone(pid, 0.5):
            os.kill(pid, signal.SIGKILL)


def _run(
    tmp_path: Path,
    found: list[int],
    act: Callable[[int], None],
    signum: int | None = None,
    body: bytes = BODY,
) -> Result:
    """The CLI against a ``_Stage``; ``act`` gets the worker's pid once it serves mid-body
    (the pid goes to ``found``); then the CLI gets ``signum`` (if any) and the body goes on."""
    stage = _Stage(body)

    def ready() -> bool:
        if not found:
            pid = find_worker(tmp_path)
            if pid is None or not serving(pid) or not stage.half_sent.is_set():
                return False
            act(pid)
            found.append(pid)
            stage.go.set()
        return signum is not None

    try:
        result = run_cli(
            tmp_path,
            "--api-url",
            stage.server.url,
            "--retries",
            "0",
            timeout=BOUND + 30,
            send=(signum or 0, ready),
        )
    finally:
        stage.go.set()
        stage.server.close()
    return result


def _assert_no_worker_left(tmp_path: Path, found: list[int]) -> None:
    assert found, "the worker was never seen serving"
    assert wait_gone(found[0], 1.5), "the worker outlived the CLI"
    left = find_worker(tmp_path)
    assert left is None or wait_gone(left, 1.5), left


@pytest.mark.parametrize(
    "act",
    [lambda pid: os.kill(pid, signal.SIGSTOP), lambda pid: os.kill(pid, signal.SIGKILL)],
    ids=["stopped", "killed"],
)
def test_the_fetch_finishes_without_its_worker(tmp_path, found, act):
    """Stopped or killed mid-body: the file is saved with every record, exit 0, within the
    bound, and no worker remains once the CLI has exited."""
    result = _run(tmp_path, found, act)
    assert result.code == 0, result.log
    assert result.seconds < BOUND, result.seconds
    (saved,) = (tmp_path / "out").rglob("*.ndjson")
    assert saved.read_bytes() == BODY
    assert "Traceback" not in result.log
    assert_no_secret(tmp_path, result)
    _assert_no_worker_left(tmp_path, found)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)]
)
def test_a_stopped_worker_ends_with_the_cli(tmp_path, found, signum, code):
    """The worker stopped, then the CLI ended by SIGINT or SIGTERM, or killed outright by
    SIGKILL (no clean-up of its own): the worker does not outlive it."""
    result = _run(tmp_path, found, lambda p: os.kill(p, signal.SIGSTOP), signum)
    assert result.code == code, result.log
    assert result.signalled_after is not None and result.signalled_after < 5.0
    _assert_no_worker_left(tmp_path, found)


def test_a_fetch_failing_with_a_stopped_worker_leaves_none(tmp_path, found):
    """The worker stopped, then the body's second half broken: the file is refused here (exit
    1, one line) within the bound, and no worker remains."""
    broken = BODY[:HALF] + b"{not json\n" + BODY[HALF:]
    result = _run(tmp_path, found, lambda p: os.kill(p, signal.SIGSTOP), body=broken)
    assert result.code == 1, result.log
    assert result.seconds < BOUND, result.seconds
    errors = [ln for ln in result.log.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1 and "Traceback" not in result.log, result.log
    assert list((tmp_path / "out").rglob("*.ndjson")) == []
    _assert_no_worker_left(tmp_path, found)
