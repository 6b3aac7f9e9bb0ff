"""Every documented API answer becomes one clear line, the right exit code, no traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from copilot_usage_report._standin.server import Fault

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()


def _msg(text: str) -> bytes:
    return json.dumps({"message": text, "documentation_url": "https://docs.github.com"}).encode()


CASES = [
    (Fault(status=404, body=_msg("Not Found")), "No organization-1-day report for my-org on"),
    (Fault(status=204), "No organization-1-day report for my-org on"),
    (Fault(status=401, body=_msg("Bad credentials")), "GitHub rejected the token (HTTP 401"),
    (Fault(status=403, body=_msg("Resource not accessible")), "Organization Copilot metrics"),
    (
        Fault(status=403, body=_msg("Copilot Metrics API access is disabled by policy")),
        "Copilot usage metrics policy is disabled",
    ),
    (Fault(status=422, body=_msg("Unprocessable")), "Copilot usage metrics policy is disabled"),
    (Fault(status=410, body=_msg("Gone")), "api-version"),
    (Fault(status=418, body=_msg("I'm a teapot")), "HTTP 418"),
    (Fault(status=200, body=b"{not json"), "not the documented report body"),
    (
        Fault(status=200, body=b'{"download_links": "x", "report_day": "2026-01-01"}'),
        "download_links",
    ),
]


@pytest.mark.parametrize(("fault", "expected"), CASES, ids=lambda c: getattr(c, "status", None))
def test_api_answer_becomes_one_error_line(standin, run_cli, tmp_path, fault, expected):
    """Each answer prints one ::error:: line naming the cause, exits 1, shows no traceback."""
    standin.api_faults.append(fault)
    run = run_cli(
        "fetch",
        "--day",
        DAY,
        "--retries",
        "0",
        env={
            "INPUT_ORG": "my-org",
            "INPUT_TOKEN": TOKEN,
            "INPUT_API_URL": standin.api_url,
            "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        },
        actions=True,
    )
    assert run.code == 1
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1, run.stdout
    assert expected in errors[0]
    assert "Traceback" not in run.everything
    assert TOKEN not in run.everything
    assert "What to do" in run.summary
    assert set(run.outputs) == {"error", "error-type"}  # no result output on failure
    assert list((tmp_path / "out").rglob("*.ndjson")) == []


def test_server_error_is_retried_then_reported(standin, run_cli, tmp_path):
    """5xx answers are retried as many times as --retries says, then reported."""
    for _ in range(3):
        standin.api_faults.append(Fault(status=502, body=_msg("Bad gateway")))
    run = run_cli(
        "fetch",
        "--day",
        DAY,
        "--retries",
        "2",
        env={
            "INPUT_ORG": "my-org",
            "INPUT_TOKEN": TOKEN,
            "INPUT_API_URL": standin.api_url,
            "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        },
    )
    assert run.code == 1
    assert "HTTP 502" in run.stderr
    assert len(standin.of("api")) == 3
    assert "Traceback" not in run.everything


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--day", "2026-13-01"], {}, "not a calendar date"),
        (["--day", "25-11-2026"], {}, "not a date"),
        (["--day", "2999-01-01"], {}, "in the future"),
        (["--day", "2025-01-01"], {}, "day 2025-01-01 is "),
        (["--org=-bad-"], {}, "not a name GitHub allows"),
        (["--org", "a" * 40], {}, "not a name GitHub allows"),
        (["--token", ""], {"INPUT_TOKEN": ""}, "no token given"),
        (["--api-url", "http://example.com"], {}, "not https"),
        (["--retries", "many"], {}, "retries"),
        (["--max-wait", "-1"], {}, "max-wait"),
    ],
)
def test_bad_input_exits_2_before_any_request(standin, run_cli, tmp_path, args, env, expected):
    """Bad input gets one error line and exit code 2; nothing reaches the API."""
    base = {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
    }
    run = run_cli("fetch", *args, env={**base, **env}, actions=True)
    assert run.code == 2, run.stdout + run.stderr
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1 and expected in errors[0], run.stdout
    assert standin.requests == []
    assert "Traceback" not in run.everything


def test_output_dir_that_is_a_file_is_bad_input(standin, run_cli, tmp_path):
    """An output folder that exists as a file is refused before any request."""
    (tmp_path / "file").write_text("x")
    run = run_cli(
        "fetch",
        "--day",
        DAY,
        "--output-dir",
        str(tmp_path / "file"),
        env={"INPUT_ORG": "my-org", "INPUT_TOKEN": TOKEN, "INPUT_API_URL": standin.api_url},
    )
    assert run.code == 2
    assert "is not a folder" in run.stderr
    assert standin.requests == []
