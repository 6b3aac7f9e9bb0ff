"""Real programs some tests need (Chromium, git http-backend, libfaketime): skip or fail.

On a developer's machine a missing program skips the test with the package to install;
where ``CI`` is set (the project's CI and ``.ci/run``), it fails the test with that one
line instead, so a machine that lacks it can never pass by skipping.
"""

from __future__ import annotations

import os

import pytest


def require_tool(present: bool, what: str, package: str) -> None:
    """Go on when ``present``; else skip (fail under ``CI``) naming the Debian package."""
    if present:
        return
    message = f"{what} is missing: apt-get install {package}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
