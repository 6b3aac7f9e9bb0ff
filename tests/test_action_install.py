"""action.yml's install step, run as a runner runs it: offline, hash-pinned wheels only, no build.

The step's own script (read from action.yml, not a copy of it) runs with bash in a temporary
``RUNNER_TEMP`` against a copy of what the action's checkout holds, with uv offline: every wheel
must come from uv's cache, pinned by ``requirements/action.txt``, and nothing may be built.
Then the fetch step's own script runs the installed command against the loopback stand-in.

``uv sync`` does not leave what an offline ``uv pip install`` needs in uv's cache; ``.ci/run``
and the CI workflow's test job warm it with the same install into a scratch venv. Where the
cache is cold (a developer's fresh clone), the test is skipped with that command, except in CI
(``CI`` set), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from copilot_usage_report._standin.server import StandIn

ROOT = Path(__file__).resolve().parents[1]
STEPS = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
BASH = shutil.which("bash") or "bash"
IN_CI = bool(os.environ.get("CI"))  # read at import: the autouse fixture clears it for tests
DAY = datetime.now(UTC).date() - timedelta(days=3)
TOKEN = "ghp_TESTTOKEN1234567890"
WARM = "uv pip install --require-hashes --no-build -r requirements/action.txt (into a scratch venv)"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the POSIX venv layout is tested")


def _script(name: str) -> str:
    return str(next(s for s in STEPS if s.get("name") == name)["run"])


def _pinned() -> dict[str, str]:
    text = (ROOT / "requirements" / "action.txt").read_text(encoding="utf-8")
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", text, re.M)
    }


def _checkout(tmp_path: Path) -> Path:
    """What the runner downloads as the action: the repository's files, src/ included."""
    action = tmp_path / "action checkout"  # a space, as a runner's path may hold one
    action.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, action / name)
    shutil.copytree(ROOT / "requirements", action / "requirements")
    shutil.copytree(
        ROOT / "src", action / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return action


def _runner_env(tmp_path: Path, action: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "UV_CACHE_DIR", "XDG_CACHE_HOME", "LANG", "SYSTEMROOT", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        RUNNER_TEMP=str(tmp_path / "runner temp"),
        GITHUB_ACTION_PATH=str(action),
        UV_OFFLINE="1",  # no network: only what uv's cache already holds
        UV_PYTHON_DOWNLOADS="never",
        UV_NO_CONFIG="1",
    )
    Path(env["RUNNER_TEMP"]).mkdir()
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The venv action.yml's install step made, offline; and the runner's environment."""
    if shutil.which("uv") is None or BASH == "bash":
        pytest.skip("uv and bash are needed to run the install step")
    tmp_path = tmp_path_factory.mktemp("install")
    action = _checkout(tmp_path)
    env = _runner_env(tmp_path, action)
    done = subprocess.run(
        [BASH, "-c", _script("Install copilot-usage-report")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 and "network" in done.stderr and not IN_CI:
        pytest.skip(f"uv's cache lacks the action's wheels; warm it once: {WARM}")
    assert done.returncode == 0, done.stderr
    return Path(env["RUNNER_TEMP"]) / "copilot-usage-report-venv", env


def _python(venv: Path) -> str:
    return str(venv / "bin" / "python")


def test_the_venv_holds_the_pinned_wheels_and_nothing_built(installed):
    """Every distribution is a pinned one at its pinned version, plus the package's own record."""
    venv, _ = installed
    listing = subprocess.run(
        [
            _python(venv),
            "-c",
            "import importlib.metadata as m\n"
            "for d in m.distributions(): print(d.metadata['Name'], d.version)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    found = {
        name.lower().replace("_", "-"): version
        for name, version in (line.split() for line in listing.splitlines())
    }
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert found == {**_pinned(), ours["name"]: ours["version"]}
    # The package is not copied in: the venv points at the action's checkout.
    site = next(venv.glob("lib/python3*/site-packages"))
    assert not (site / "copilot_usage_report").exists()
    pth = (site / "copilot_usage_report.pth").read_text(encoding="utf-8")
    assert pth == f"{Path(installed[1]['GITHUB_ACTION_PATH']) / 'src'}\n"


def test_the_command_reports_the_version_and_ignores_the_workspace(installed, tmp_path):
    """``--version`` prints pyproject's version; modules in the current directory are not imported.

    A workflow's working directory is the user's repository: a ``json.py`` or a
    ``copilot_usage_report/`` there must not shadow the real ones.
    """
    venv, env = installed
    workspace = tmp_path / "workspace"
    (workspace / "copilot_usage_report").mkdir(parents=True)
    for poisoned in ("json.py", "argparse.py", "copilot_usage_report/__init__.py"):
        (workspace / poisoned).write_text("raise SystemExit('imported from the workspace')\n")
    done = subprocess.run(
        [str(venv / "bin" / "copilot-usage-report"), "--version"],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"copilot-usage-report {version['version']}\n",
        "",
    )


def test_the_fetch_step_runs_the_installed_command(installed, tmp_path):
    """The fetch step's own script, after the install step, fetches and saves a report."""
    venv, env = installed
    body = b"".join(
        b'{"user_id": %d, "day": "%s"}\n' % (i, DAY.isoformat().encode()) for i in range(50)
    )
    with StandIn(token=TOKEN) as standin:
        standin.add_report("my-org", DAY, [("copilot-usage-report-1.ndjson", body)])
        done = subprocess.run(
            [BASH, "-c", _script("Fetch the Copilot usage report")],
            cwd=tmp_path,
            env={
                **env,
                "INPUT_ORG": "my-org",
                "INPUT_TOKEN": TOKEN,
                "INPUT_API_URL": standin.api_url,
                "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
                "INPUT_DAY": DAY.isoformat(),
                # Set on some machines; the action's own venv and checkout keep their bytecode.
                "PYTHONDONTWRITEBYTECODE": "1",
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    (saved,) = (tmp_path / "out").rglob("copilot-usage-report-1.ndjson")
    assert saved.read_bytes() == body
    # Compiled once, on first import, where the run's later steps find it.
    checkout = Path(env["GITHUB_ACTION_PATH"])
    assert (checkout / "src" / "copilot_usage_report" / "__pycache__").is_dir()
    assert any(venv.glob("lib/python3*/site-packages/httpx/__pycache__/*.pyc"))
