"""The package's public face: a small __all__, a lazy __version__, a fast --version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import copilot_usage_report


def test_all_names_resolve():
    """Every name in __all__ can be imported from the package."""
    for name in copilot_usage_report.__all__:
        assert getattr(copilot_usage_report, name) is not None


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
