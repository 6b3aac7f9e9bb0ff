"""The workflows, action.yml and dependabot.yml: valid, pinned, least-privilege, zizmor-clean.

check-jsonschema (GitHub's schemas, vendored in the package) and zizmor (its
offline audits, pedantic persona) run here as subprocesses, so a regression
fails the test suite on any machine, with no network.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
ACTION = ROOT / "action.yml"
_PIN = re.compile(r"uses:\s*(?P<ref>[^\s#]+)(?P<comment>.*)")


def _tool(name: str) -> str:
    """A console script installed beside the interpreter running the tests."""
    path = Path(sys.executable).with_name(name + (".exe" if os.name == "nt" else ""))
    assert path.exists(), f"{name} is not installed: run `uv sync`"
    return str(path)


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=300, check=False, env=env
    )


def _load(path: Path) -> dict[str, Any]:
    # PyYAML reads the key `on` as True; give it back its name.
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def _workflow(name: str) -> dict[str, Any]:
    return _load(ROOT / ".github" / "workflows" / name)


def test_the_expected_workflows_exist():
    """CI, the self-test and the release workflow are all there."""
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "self-test.yml", "release.yml"}


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-actions", [ACTION]),
        ("vendor.dependabot", [DEPENDABOT]),
    ],
    ids=["workflows", "action", "dependabot"],
)
def test_files_are_valid_against_githubs_schemas(schema, paths):
    """check-jsonschema accepts each file against GitHub's own schema for it."""
    proc = _run(_tool("check-jsonschema"), "--builtin-schema", schema, *map(str, paths))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_pedantic_finds_nothing():
    """zizmor's offline audits, pedantic persona, report no finding in the whole repository."""
    proc = _run(_tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_zizmor_would_catch_a_regression(tmp_path):
    """The same zizmor call fails on a workflow with an injectable expression and no pins."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: pull_request_target\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    proc = _run(_tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(tmp_path))
    assert proc.returncode != 0
    assert "template-injection" in proc.stdout


def _uses_lines() -> list[tuple[str, str, str]]:
    found = []
    for path in [*WORKFLOWS, ACTION]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if (match := _PIN.search(line)) and not line.lstrip().startswith("#"):
                found.append((path.name, match["ref"], match["comment"]))
    return found


def test_every_third_party_action_is_pinned_to_a_commit_with_its_version():
    """Each uses: is this repository ($/) or owner/repo@<40-hex SHA> # vX.Y.Z."""
    uses = _uses_lines()
    assert uses
    for name, ref, comment in uses:
        if ref.startswith("$/"):
            continue
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", ref), (name, ref)
        assert re.fullmatch(r"\s*#\s*v\d+\.\d+\.\d+\s*", comment), (name, ref, comment)


def test_each_action_is_pinned_to_one_commit_everywhere():
    """An action used in several files is pinned to the same commit and version in all."""
    pins: dict[str, set[str]] = {}
    for _, ref, comment in _uses_lines():
        if "@" in ref:
            action, sha = ref.split("@")
            pins.setdefault(action, set()).add(f"{sha} {comment.strip()}")
    assert {action: refs for action, refs in pins.items() if len(refs) > 1} == {}


def test_workflows_grant_nothing_by_default_and_each_job_what_it_needs():
    """`permissions: {}` at the top; every job declares its own permissions."""
    for path in WORKFLOWS:
        workflow = _load(path)
        assert workflow.get("permissions") == {}, path.name
        for job_id, job in workflow["jobs"].items():
            assert "permissions" in job, f"{path.name}: job {job_id}"


def test_no_checkout_keeps_credentials():
    """Every actions/checkout step sets persist-credentials: false."""
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job.get("steps", []):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, path.name


def test_no_expression_inside_a_run_script_except_in_env():
    """Expressions reach scripts only through env:, never pasted into run: (injection)."""
    for path in WORKFLOWS:
        for job in _load(path)["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (path.name, step.get("name"))


def test_ci_lints_and_tests_every_python_and_the_paths_on_macos_and_windows():
    """CI runs ruff, ruff format and mypy, pytest on 3.11-3.13, and path tests on 3 OSes."""
    ci = _workflow("ci.yml")
    text = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    for command in ("uv run ruff check", "uv run ruff format --check", "uv run mypy"):
        assert command in text, command
    assert ci["jobs"]["test"]["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    assert set(ci["jobs"]["paths"]["strategy"]["matrix"]["os"]) == {
        "macos-latest",
        "windows-latest",
    }
    assert "tests/integration" in yaml.safe_dump(ci["jobs"]["paths"]["steps"])
    assert set(ci["jobs"]["passed"]["needs"]) == set(ci["jobs"]) - {"passed"}


def test_ci_installs_the_programs_the_tests_need_before_it_runs_them():
    """Chromium, git (http-backend) and faketime: under CI a missing one fails its tests."""
    steps = _workflow("ci.yml")["jobs"]["test"]["steps"]
    runs = [step.get("run", "") for step in steps]
    install = next(i for i, run in enumerate(runs) if "apt-get install" in run)
    tests = next(i for i, run in enumerate(runs) if "uv run pytest" in run)
    assert install < tests
    for package in ("chromium", "git", "faketime"):
        assert re.search(rf"\b{package}\b", runs[install]), package


def test_every_test_path_a_workflow_names_exists():
    """A path given to pytest in a workflow is there (a moved test file is no silent no-op)."""
    named = [
        (path.name, word)
        for path in WORKFLOWS
        for job in _load(path)["jobs"].values()
        for step in job.get("steps", [])
        for word in step.get("run", "").split()
        if word.startswith("tests/")
    ]
    assert named
    assert [(name, word) for name, word in named if not (ROOT / word).exists()] == []


def _action_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if s.get("uses") == "$/"]


def test_self_test_runs_the_action_against_serve_demo_and_checks_outputs_and_artifact():
    """The action runs against serve-demo; outputs are checked; the artifact is downloaded."""
    job = _workflow("self-test.yml")["jobs"]["fetch"]
    assert set(job["strategy"]["matrix"]["os"]) == {
        "ubuntu-latest",
        "macos-latest",
        "windows-latest",
    }
    steps = job["steps"]
    serve = next(i for i, s in enumerate(steps) if "serve-demo" in s.get("run", ""))
    action = steps.index(_action_steps(job)[0])
    assert serve < action
    assert steps[action]["with"]["api-url"] == "${{ steps.standin.outputs.api-url }}"
    later = yaml.safe_dump(steps[action + 1 :])
    assert "selftest_check.py outputs" in later
    assert "actions/download-artifact@" in later
    assert "selftest_check.py artifact" in later


def test_self_test_runs_the_action_twice_in_one_job():
    """A second use in the same job (a rerun, another org) works: the install starts clean."""
    job = _workflow("self-test.yml")["jobs"]["fetch"]
    assert len(_action_steps(job)) == 2
    install = next(
        s for s in _load(ACTION)["runs"]["steps"] if s.get("name") == "Install copilot-usage-report"
    )
    assert "uv venv --quiet --clear" in install["run"]


def test_self_test_provokes_each_expected_failure_in_its_own_job():
    """A bad day, a 403 and a day with no report each fail the action, and a step checks why."""
    job = _workflow("self-test.yml")["jobs"]["failure"]
    cases = {c["error-type"]: c for c in job["strategy"]["matrix"]["include"]}
    assert set(cases) == {"InputError", "AccessDeniedError", "ReportNotAvailableError"}
    assert cases["AccessDeniedError"]["scenario"] == "forbidden"
    (action,) = _action_steps(job)
    assert action["continue-on-error"] is True
    assert action["with"]["day"] == "${{ matrix.day }}"
    check = job["steps"][job["steps"].index(action) + 1]
    assert "selftest_check.py failure" in check["run"]
    assert check["env"]["OUTCOME"] == "${{ steps.copilot.outcome }}"


def test_self_test_gate_needs_every_job_and_always_runs():
    """One final job gates on all the others, and runs even when one of them failed."""
    jobs = _workflow("self-test.yml")["jobs"]
    gate = jobs["passed"]
    assert gate["if"] == "always()"
    assert set(gate["needs"]) == set(jobs) - {"passed"}
    assert "selftest_check.py gate" in gate["steps"][-1]["run"]


def test_release_checks_versions_runs_the_self_test_releases_and_moves_the_major_tag():
    """A version tag is checked, self-tested, released with its notes, and vN is moved."""
    release = _workflow("release.yml")
    assert release["on"]["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    jobs = release["jobs"]
    assert "scripts/release.py" in jobs["check"]["steps"][-1]["run"]
    assert jobs["self-test"]["uses"] == "$/.github/workflows/self-test.yml"
    assert set(jobs["release"]["needs"]) == {"check", "self-test"}
    assert jobs["release"]["permissions"] == {"contents": "write"}
    text = yaml.safe_dump(jobs["release"]["steps"])
    assert "gh release create" in text
    assert "--notes-file" in text
    assert "git/refs/tags/$MAJOR" in text


def test_dependabot_updates_the_actions_and_the_python_pins():
    """Dependabot watches GitHub Actions and pip (pyproject and requirements/action.txt)."""
    config = _load(DEPENDABOT)
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert set(ecosystems) == {"github-actions", "pip"}
    assert ecosystems["pip"]["directory"] == "/"
    assert (ROOT / "requirements" / "action.txt").exists()


def test_self_test_keeps_a_per_run_history_branch_and_deletes_it():
    """The action pushes a branch named for the run, a rerun adds nothing, the branch goes."""
    job = _workflow("self-test.yml")["jobs"]["history"]
    assert job["permissions"] == {"contents": "write"}
    assert "head.repo.full_name == github.repository" in job["if"]  # forks: read-only token
    assert "dependabot[bot]" in job["if"]
    branch = job["env"]["HISTORY_BRANCH"]
    assert "${{ github.run_id }}" in branch and "${{ github.run_attempt }}" in branch
    first, again = _action_steps(job)
    for step in (first, again):
        assert step["with"]["history-branch"] == "${{ env.HISTORY_BRANCH }}"
        assert step["with"]["api-url"] == "${{ steps.standin.outputs.api-url }}"
    later = yaml.safe_dump(job["steps"])
    assert "selftest_check.py history " in later
    assert "selftest_check.py history-rerun" in later
    delete = job["steps"][-1]
    assert delete["if"] == "always()"
    assert "--method DELETE" in delete["run"] and "$HISTORY_BRANCH" in delete["run"]
    # Called from the release workflow, the self-test may only have what release grants it.
    release = _workflow("release.yml")["jobs"]["self-test"]
    assert release["permissions"]["contents"] == "write"
    gate = _workflow("self-test.yml")["jobs"]["passed"]
    assert gate["steps"][-1]["env"]["MAY_SKIP"].split() == ["history"]
