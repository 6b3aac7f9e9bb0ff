"""Real programs some tests need (Chromium, git http-backend, libfaketime): skip or fail.

On a developer's machine a missing program skips the test with the one line that names the
Debian package to install. Where ``CI`` is set on Linux (the project's GitHub CI, whose test job
installs the packages, and ``.ci/run``), it fails the test with that line instead, so a machine
that lacks one can never pass by skipping. Off Linux (CI's macOS and Windows path jobs) there is
no Debian package to name, so it skips there too.

``CI`` is read once, at import: the suite's autouse fixture takes it out of the environment of
every test (so that no test sees the runner's variables), which would otherwise hide it here.
"""

from __future__ import annotations

import os
import sys

import pytest

#: The run's ``CI`` variable, read before any test's clean environment is set up.
IN_CI = bool(os.environ.get("CI"))


def require_tool(present: bool, what: str, package: str) -> None:
    """Go on when ``present``; else skip (fail under ``CI`` on Linux) naming the Debian package."""
    if present:
        return
    message = f"{what} is missing: apt-get install {package}"
    if IN_CI and sys.platform.startswith("linux"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
