"""A missing program a test needs: a skip on a developer's machine, a failure in CI."""

from __future__ import annotations

import importlib
import sys

import pytest

from tests import _tools


def test_a_present_tool_lets_the_test_go_on(monkeypatch):
    monkeypatch.setattr(_tools, "IN_CI", True)
    _tools.require_tool(True, "Chromium", "chromium")  # neither skips nor fails: returns


def test_a_missing_tool_skips_outside_ci_with_the_package_to_install(monkeypatch):
    monkeypatch.setattr(_tools, "IN_CI", False)
    with pytest.raises(
        pytest.skip.Exception, match=r"^Chromium is missing: apt-get install chromium$"
    ):
        _tools.require_tool(False, "Chromium", "chromium")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CI fails on Linux only")
def test_a_missing_tool_fails_in_ci_with_one_line(monkeypatch):
    monkeypatch.setattr(_tools, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception) as failed:
        _tools.require_tool(False, "git http-backend", "git")
    assert str(failed.value) == "git http-backend is missing: apt-get install git"
    assert failed.value.pytrace is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CI fails on Linux only")
def test_ci_still_counts_once_the_clean_environment_took_it_away(monkeypatch):
    """``CI`` is read at import: a test, whose environment has no ``CI``, still fails in CI."""
    saved = _tools.IN_CI
    monkeypatch.setenv("CI", "true")
    try:
        importlib.reload(_tools)
        monkeypatch.delenv("CI")  # what the suite's autouse fixture does for every test
        with pytest.raises(pytest.fail.Exception, match="apt-get install faketime"):
            _tools.require_tool(False, "libfaketime", "faketime")
    finally:
        _tools.IN_CI = saved
