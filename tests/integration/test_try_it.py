"""The README's "try it without a clone" line, run the same way from a wheel of this checkout.

The README tells a newcomer to run ``uvx --from git+https://github.com/OWNER/...@v1
copilot-usage-report demo``. Here the same command line runs with the repository replaced by a
wheel built from the checkout, with uv offline (``UV_OFFLINE``): the wheel must hold everything
the demo needs, its dependencies must be the pinned ones uv's cache holds, and the demo must run
to its dashboard. ``.ci/run`` and CI's test job warm the cache (the action's hash-pinned wheels
and the build backend); where it is cold, the test is skipped with the command that warms it,
except under ``CI`` on Linux, where it fails (CI's macOS and Windows jobs do not warm it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests._tools import IN_CI, require_tool

from .. import _docs as docs

VERSION = tomllib.loads((docs.ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
MAJOR = "v" + VERSION.split(".")[0]
REPOSITORY = "git+https://github.com/OWNER/copilot-usage-report"
_LINE = re.compile(r"^uvx --from (?P<spec>\S+) (?P<command>copilot-usage-report demo)$", re.M)
WARM = (
    "uv pip install --require-hashes --no-build -r requirements/action.txt (into a scratch venv) "
    "and uv build --wheel"
)


def _readme_line() -> re.Match[str]:
    text = docs.README.read_text("utf-8")
    first = docs.blocks(text[: text.index("## Quick start")])
    matches = [m for b in first if b.language == "sh" for m in _LINE.finditer(b.code)]
    assert len(matches) == 1, "the README's top names one uvx line"
    return matches[0]


def test_the_readme_line_installs_the_major_tag_of_this_version():
    """The line near the README's top installs from the repository at the tag of this major."""
    assert _readme_line()["spec"] == f"{REPOSITORY}@{MAJOR}"


def _uv_env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "UV_CACHE_DIR", "XDG_CACHE_HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return env | {
        "UV_OFFLINE": "1",  # only what uv's cache already holds
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_CONFIG": "1",
        "UV_TOOL_DIR": str(tmp_path / "tools"),  # no tool the machine has installed stands in
        # The interpreter of the suite, whose version the cached binary wheels were warmed for.
        "UV_PYTHON": sys.executable,
    }


def _uv(args: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    warmed = IN_CI and sys.platform.startswith("linux")
    if done.returncode != 0 and "network" in done.stderr and not warmed:
        pytest.skip(f"uv's cache lacks a wheel this needs; warm it once: {WARM}")
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_line_runs_the_demo_from_a_wheel_offline(tmp_path):
    """The README's uvx line, from a wheel of the checkout instead of the repository, offline:
    the wheel is this version and runs the demo to its dashboard."""
    uv, uvx = shutil.which("uv"), shutil.which("uvx")
    require_tool(uv is not None and uvx is not None, "uv (with uvx)", "uv (pip install uv)")
    assert uv is not None and uvx is not None
    env = _uv_env(tmp_path)
    dist = tmp_path / "dist"
    _uv([uv, "build", "--wheel", "--out-dir", str(dist), str(docs.ROOT)], cwd=tmp_path, env=env)
    (wheel,) = dist.glob("*.whl")
    here = tmp_path / "fresh machine"
    here.mkdir()
    line = _readme_line()
    args = [uvx, *line[0].replace(line["spec"], str(wheel)).split()[1:]]
    assert args[1:] == ["--from", str(wheel), "copilot-usage-report", "demo"]
    version = _uv([*args[:-1], "--version"], cwd=here, env=env)
    assert version.stdout == f"copilot-usage-report {VERSION}\n"
    demo = _uv(args, cwd=here, env=env)
    assert "Dashboard of" in demo.stdout, demo.stdout[-2000:]
    assert (here / "copilot-usage-demo" / "dashboard" / "index.html").is_file()
