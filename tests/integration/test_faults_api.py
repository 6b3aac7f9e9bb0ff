"""API faults: transient ones are survived, limits are honoured, the rest reported clearly."""

from __future__ import annotations

import json
import time

import pytest

from copilot_usage_report._standin.server import Fault

from ._common import assert_no_leak, assert_saved_exactly, env, serve

LIMIT_MSG = json.dumps({"message": "You have exceeded a secondary rate limit."}).encode()


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500),
        Fault(status=502),
        Fault(status=503, headers=(("Retry-After", "2"),)),
        Fault(status=504),
        Fault(status=429),
        Fault(status=429, headers=(("Retry-After", "1"),)),
        Fault(status=403, body=LIMIT_MSG),
        Fault(status=403, headers=(("Retry-After", "5"),), body=b'{"message": "slow down"}'),
        Fault(
            status=403,
            headers=(
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", str(int(time.time()) + 5)),
            ),
            body=b'{"message": "API rate limit exceeded"}',
        ),
        Fault(action="drop"),
    ],
    ids=[
        "500",
        "502",
        "503",
        "504",
        "429",
        "429-retry-after",
        "403-secondary",
        "403-retry-after",
        "403-primary",
        "dropped",
    ],
)
def test_transient_api_faults_are_survived(standin, run_cli, tmp_path, fault):
    """Two faults in a row, then a good answer: the run succeeds with every file."""
    serve(standin)
    standin.api_faults.extend([fault, fault])
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert len(standin.of("api")) == 3
    assert_saved_exactly(tmp_path)
    assert "Retrying" in run.stderr
    assert_no_leak(run.everything.replace(run.outputs.get("download-links", ""), ""))


def test_api_timeout_is_retried(standin, run_cli, tmp_path):
    """An API answer slower than --timeout is abandoned and asked again."""
    serve(standin)
    standin.api_faults.append(Fault(delay=2.0))
    run = run_cli("fetch", "--timeout", "0.5", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert "did not answer in time" in run.stderr
    assert_saved_exactly(tmp_path)


def test_connection_refused_is_reported_after_retries(run_cli, tmp_path):
    """An API nobody listens on is retried, then reported as unreachable, exit 1."""
    import socket

    with socket.socket() as s:  # find a free loopback port, then leave it closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = run_cli(
        "fetch",
        "--retries",
        "2",
        env={
            "INPUT_ORG": "my-org",
            "INPUT_TOKEN": "t",
            "INPUT_DAY": "yesterday",
            "INPUT_API_URL": f"http://127.0.0.1:{port}",
            "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        },
    )
    assert run.code == 1
    assert "refused the connection" in run.stderr  # not "broke off" or "unreachable"
    assert "Traceback" not in run.stderr


def test_wait_beyond_max_wait_fails_saying_when(standin, run_cli, tmp_path):
    """A Retry-After beyond --max-wait is not waited for: the error says when to retry."""
    serve(standin)
    standin.api_faults.append(Fault(status=429, headers=(("Retry-After", "3600"),)))
    started = time.monotonic()
    run = run_cli("fetch", "--max-wait", "60", env=env(standin, tmp_path), actions=True)
    assert time.monotonic() - started < 30
    assert run.code == 1
    (line,) = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert "retry after" in line and "UTC" in line
    assert len(standin.of("api")) == 1


def test_secondary_limit_without_time_needs_a_minute(standin, run_cli, tmp_path):
    """A secondary limit naming no time waits at least a minute, so max-wait 30 gives up."""
    serve(standin)
    standin.api_faults.append(Fault(status=403, body=LIMIT_MSG))
    run = run_cli("fetch", "--max-wait", "30", env=env(standin, tmp_path))
    assert run.code == 1
    assert "secondary rate limit" in run.stderr
    assert len(standin.of("api")) == 1


def test_retry_after_is_honoured_for_real(standin, run_cli, tmp_path):
    """Without the testing switch, Retry-After: 1 makes the second request wait a second."""
    serve(standin)
    standin.api_faults.append(Fault(status=429, headers=(("Retry-After", "1"),)))
    run = run_cli("fetch", env={**env(standin, tmp_path), "COPILOT_USAGE_REPORT_TESTING": "0"})
    assert run.code == 0, run.stderr
    first, second = standin.of("api")
    assert 0.9 <= second.at - first.at < 10


def test_plain_403_and_404_are_not_retried(standin, run_cli, tmp_path):
    """Permission and not-found answers are asked once only."""
    standin.api_faults.append(Fault(status=403, body=b'{"message": "Must be an owner"}'))
    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 1 and len(standin.of("api")) == 1
    run = run_cli("fetch", env=env(standin, tmp_path))  # no report served: 404
    assert run.code == 1 and len(standin.of("api")) == 2
