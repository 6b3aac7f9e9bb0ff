"""The package's public face: the command line and the error tree, a lazy __version__, a fast
--version (``docs/python-api.md``)."""

from __future__ import annotations

import inspect
import os
import re
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import copilot_usage_report
import copilot_usage_report._errors as errors
from copilot_usage_report import (
    AccessDeniedError,
    ApiError,
    ApiRedirectError,
    ApiUnreachableError,
    BadCredentialsError,
    CopilotUsageReportError,
    DeadlineError,
    DownloadError,
    HistoryBranchError,
    IncompleteDownloadError,
    InputError,
    InternalError,
    LinkExpiredError,
    NoReportFilesError,
    OutputError,
    PolicyDisabledError,
    RateLimitedError,
    ReportFormatError,
    ReportNotAvailableError,
    SeatPagingError,
    ServerError,
    TooLargeError,
    UnexpectedStatusError,
    UnsafeLinkError,
)

EXPORTED = (
    AccessDeniedError,
    ApiError,
    ApiRedirectError,
    ApiUnreachableError,
    BadCredentialsError,
    CopilotUsageReportError,
    DeadlineError,
    DownloadError,
    HistoryBranchError,
    IncompleteDownloadError,
    InputError,
    InternalError,
    LinkExpiredError,
    NoReportFilesError,
    OutputError,
    PolicyDisabledError,
    RateLimitedError,
    ReportFormatError,
    ReportNotAvailableError,
    SeatPagingError,
    ServerError,
    TooLargeError,
    UnexpectedStatusError,
    UnsafeLinkError,
)
DOCS = Path(__file__).parents[1] / "docs"


def test_the_surface_is_the_whole_error_tree():
    """__all__ names every error class of the tree, so any ``error-type`` output resolves."""
    tree = {
        name
        for name, value in inspect.getmembers(errors, inspect.isclass)
        if issubclass(value, CopilotUsageReportError)
    }
    assert sorted(vars(copilot_usage_report)["__all__"]) == sorted(tree)
    assert {cls.__name__ for cls in EXPORTED} == tree


@pytest.mark.parametrize("cls", EXPORTED, ids=lambda c: c.__name__)
def test_each_exported_error_is_usable(cls):
    """Each class is in the tree, has its exit code and is documented, there and in its code."""
    assert issubclass(cls, CopilotUsageReportError)
    assert cls.exit_code == (2 if issubclass(cls, InputError) else 1)
    assert f"`{cls.__name__}`" in (DOCS / "errors.md").read_text("utf-8")
    assert cls.__doc__, f"{cls.__name__} says what it means"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--day", "nonsense"], InputError),
        (["--api-url", "http://127.0.0.1:{port}", "--retries", "0"], ApiUnreachableError),
    ],
    ids=["bad input", "refused"],
)
def test_a_failure_names_an_exported_class_and_its_exit_code(tmp_path, args, expected):
    """A failed run's ``error-type`` output names a class of the package whose ``exit_code`` is
    the run's: a script can tell a branch of the tree with ``issubclass``."""
    outputs = tmp_path / "outputs"
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")} | {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "COPILOT_USAGE_REPORT_TESTING": "1",
    }
    port = _closed_port()
    command = [
        sys.executable,
        "-m",
        "copilot_usage_report",
        "fetch",
        "--org",
        "acme",
        "--token",
        "not-a-real-token-0123",
        "--output-dir",
        str(tmp_path / "archive"),
        *(a.format(port=port) for a in args),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    lines = outputs.read_text("utf-8").splitlines()
    error_type = lines[lines.index(next(x for x in lines if x.startswith("error-type<<"))) + 1]
    cls = getattr(copilot_usage_report, error_type)
    assert cls is expected
    assert done.returncode == cls.exit_code
    assert issubclass(cls, CopilotUsageReportError)


def test_the_python_api_page_example_runs(capsys):
    """The example of ``docs/python-api.md`` runs as written and says what it promises."""
    page = (DOCS / "python-api.md").read_text("utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    exec(compile(example, "docs/python-api.md", "exec"), {})  # noqa: S102 - our own page
    out = capsys.readouterr().out.splitlines()
    assert out == [
        version("copilot-usage-report"),
        "GitHub's API answered with an error, or could not be reached",
        "1",
    ]


def test_version_is_the_package_metadata():
    """__version__ reads the installed distribution's version."""
    assert copilot_usage_report.__version__ == version("copilot-usage-report")


def test_version_command_does_not_import_http_or_pydantic():
    """--version prints the version without loading httpx or pydantic (fast start)."""
    code = (
        "import sys; from copilot_usage_report._app.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('httpx', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert out[0] == f"copilot-usage-report {version('copilot-usage-report')}"
    assert out[-1] == "[]"
