"""The error boundary of ``main``: whatever goes wrong, one scrubbed line and an exit code.

A bug (any exception that is not one of ours) is reported in the same shape as
our errors (``InternalError``: one line, exit 1, the ``error`` and ``error-type``
outputs, the summary's what-to-do), with the token scrubbed from its message;
the traceback appears only with ``--debug`` or ``RUNNER_DEBUG=1``.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._app import cli as _cli

TOKEN = "ghp_BOUNDARYTOKEN0123456789"
DAY = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()


def _unmasked(text: str) -> str:
    """The log less the mask registration (the line the runner consumes)."""
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("::add-mask::"))


@pytest.fixture
def step(tmp_path, monkeypatch):
    """A workflow step's environment, and a run that fails with a bug echoing the token."""
    out, summary = tmp_path / "out.txt", tmp_path / "summary.md"
    out.write_text("")
    summary.write_text("")
    for name, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_DAY": DAY,
        "INPUT_OUTPUT_DIR": str(tmp_path / "archive"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RUNNER_DEBUG", raising=False)

    def bug(settings):
        raise KeyError(f"a bug that echoes {settings.token} in its message")

    monkeypatch.setattr(_cli, "_run", bug)
    return out, summary


def test_a_bug_is_one_scrubbed_line_with_outputs_and_summary(step, capsys):
    """No traceback, no token: an ::error line, error/error-type outputs, a summary, exit 1."""
    out, summary = step
    assert _cli.main(["fetch"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = _unmasked(captured.err)
    assert "Traceback" not in err and TOKEN not in err
    errors = [ln for ln in err.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1
    assert "unexpected KeyError" in errors[0] and "RUNNER_DEBUG=1" in errors[0]
    outputs = out.read_text()
    assert "error-type" in outputs and "InternalError" in outputs and TOKEN not in outputs
    assert "bug in copilot-usage-report" in summary.read_text()
    assert TOKEN not in summary.read_text()


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_shows_the_traceback_scrubbed(step, capsys, monkeypatch, how):
    """--debug (or RUNNER_DEBUG=1) adds the traceback, with the token still scrubbed."""
    if how == "env":
        monkeypatch.setenv("RUNNER_DEBUG", "1")
    assert _cli.main(["fetch", "--debug"] if how == "option" else ["fetch"]) == 1
    err = _unmasked(capsys.readouterr().err)
    assert "Traceback (most recent call last)" in err
    assert "KeyError" in err and TOKEN not in err and "***" in err


def test_json_stdout_stays_one_json_document_in_actions(step, capsys, monkeypatch):
    """Inside Actions, --json prints only JSON on stdout: the mask went to stderr first."""
    from copilot_usage_report._pipeline.run import RunResult

    monkeypatch.setattr(_cli, "_run", lambda settings: RunResult("my-org", (), (), None))
    assert _cli.main(["fetch", "--json"]) == 0
    captured = capsys.readouterr()
    assert isinstance(json.loads(captured.out), dict)
    assert captured.err.splitlines()[0] == f"::add-mask::{TOKEN}"


@pytest.mark.parametrize("lifetime", ["-1", "0", "nan", "inf", "1e3", "\uff15"])
def test_serve_demo_lifetime_is_positive_finite_seconds(capsys, lifetime):
    """A lifetime that would leave no server behind the printed URL is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exit_:
        _cli.main(["serve-demo", "--lifetime", lifetime])
    assert exit_.value.code == 2
    assert "--lifetime" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_summarize_skips_and_names_what_is_not_a_regular_file(tmp_path, capsys, monkeypatch):
    """A FIFO named like a report, given or inside a folder, is named and skipped, not read."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    folder = tmp_path / "reports"
    folder.mkdir()
    os.mkfifo(folder / "x.ndjson")
    os.mkfifo(tmp_path / "y.ndjson")
    assert stat.S_ISFIFO((folder / "x.ndjson").stat().st_mode)
    good = Path(__file__).parents[1] / "fixtures" / "metrics" / "organization-1-day.ndjson"
    assert _cli.main(["summarize", str(folder), str(tmp_path / "y.ndjson"), str(good)]) == 0
    err = capsys.readouterr().err
    assert f"skipped {folder / 'x.ndjson'}: not a regular file" in err
    assert f"skipped {tmp_path / 'y.ndjson'}: not a regular file" in err
