"""Fixtures every test shares: a clean environment, no retry waits, a loopback stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import stamina

from copilot_usage_report._standin.server import StandIn


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No GitHub or input variable of the machine running the tests leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("GITHUB_", "INPUT_", "RUNNER_")) or name in ("GH_TOKEN", "CI"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("COPILOT_USAGE_REPORT_TESTING", raising=False)


@pytest.fixture(autouse=True)
def _no_retry_waits() -> Iterator[None]:
    """Retries happen as configured, but without sleeping (stamina's testing switch)."""
    stamina.set_testing(True, attempts=100, cap=True)
    yield
    stamina.set_testing(False)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A running stand-in of GitHub's API and storage, on two loopback origins."""
    with StandIn(token="ghp_TESTTOKEN1234567890") as server:
        yield server
