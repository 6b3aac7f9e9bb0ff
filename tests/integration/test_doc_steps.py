"""The docs' workflow examples, run: each step that reads the action's outputs runs as written.

A ```yaml example in the README or a docs page that uses the action (with an ``id``) and then
runs shell steps over its outputs is played as a runner plays it: action.yml's own steps run
(``tests/integration/_composite.py``) with the example's inputs against the demo stand-in (its
organization standing in for the example's), the action's outputs are taken from
``action.yml``'s ``outputs:`` as the runner takes them, and each following ``run:`` step whose
``env:`` reads only those outputs and ``runner.temp`` runs with ``bash -eo pipefail``, as
GitHub runs it. The first step that needs more (a secret, another action, the network) ends
the example there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from copilot_usage_report._app.demo import DEMO_ENTERPRISE, DEMO_ORG, DEMO_TOKEN, demo_standin
from tests._tools import require_tool

from .. import _docs as docs
from ._composite import ACTION, evaluate, run_action

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="action.yml's steps are played with the POSIX venv layout"
)
OUR_ACTION = re.compile(r"OWNER/copilot-usage-report@")
_EXPR = re.compile(r"\$\{\{(.*?)\}\}")


@dataclass(frozen=True)
class Example:
    """A step using the action and the shell steps after it that read only its outputs."""

    page: str
    line: int
    step: dict[str, Any]
    runs: tuple[dict[str, Any], ...]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _steps(block: str) -> list[list[dict[str, Any]]]:
    data = yaml.safe_load(block)
    if isinstance(data, list):
        return [data]
    if isinstance(data, dict):
        lists = [job.get("steps", []) for job in data.get("jobs", {}).values()]
        return [*lists, data.get("steps", [])]
    return []


def _reads_only(step: dict[str, Any], step_id: str) -> bool:
    """The step's ``env:`` expressions name only the action's outputs, outcome or runner.temp."""
    allowed = re.compile(
        rf"\s*(steps\.{re.escape(step_id)}\.(outputs\.[\w-]+|outcome)|runner\.temp)\s*"
    )
    values = " ".join(str(v) for v in step.get("env", {}).values())
    return (
        "run" in step
        and "uses" not in step
        and all(allowed.fullmatch(expr) for expr in _EXPR.findall(values))
    )


def examples() -> list[Example]:
    """Every use of the action in the pages' yaml blocks followed by runnable shell steps."""
    found = []
    for page in docs.pages():
        text = page.read_text("utf-8")
        for block in docs.blocks(text):
            if block.language != "yaml":
                continue
            for steps in _steps(block.code):
                for i, step in enumerate(steps):
                    if not OUR_ACTION.match(str(step.get("uses", ""))) or "id" not in step:
                        continue
                    runs = []
                    for later in steps[i + 1 :]:
                        if not _reads_only(later, step["id"]):
                            break
                        runs.append(later)
                    if runs:
                        line = text[: block.start].count("\n") + 1
                        found.append(Example(docs.name(page), line, step, tuple(runs)))
    return found


EXAMPLES = examples()


def test_the_examples_with_steps_after_the_action_are_found():
    """The team join, the day's numbers, a failure's reaction and the seats are among them."""
    names = {str(run.get("name", run["run"].split()[0])) for e in EXAMPLES for run in e.runs}
    assert {"Interactions per team", "Show the day's numbers"} <= names, names
    assert len([run for e in EXAMPLES for run in e.runs]) >= 4


def _inputs(step: dict[str, Any], api_url: str, runner_temp: Path) -> dict[str, str]:
    """The example's inputs, pointed at the demo stand-in instead of GitHub."""
    demo = {"org": DEMO_ORG, "enterprise": DEMO_ENTERPRISE, "token": DEMO_TOKEN}
    inputs = {"path": str(runner_temp / "copilot-usage-metrics"), "org": DEMO_ORG}
    for name, value in step.get("with", {}).items():
        if name in ("history-branch", "history-token"):
            continue  # no git server here; the history has tests of its own
        value = demo.get(name, str(value))
        assert "${{" not in value, f"{name}: {value}: an example to run takes literal inputs"
        inputs[name] = value
    return inputs | {"api-url": api_url}


def _outputs(run: Any) -> dict[str, str]:
    """The action's outputs, from its steps' outputs, as action.yml's ``outputs:`` map them."""
    action = yaml.safe_load(ACTION.read_text("utf-8"))
    context = {"steps": {s.id: {"outputs": s.outputs} for s in run.steps if s.id}}
    return {
        name: str(evaluate(_EXPR.fullmatch(spec["value"]).group(1), context))  # type: ignore[union-attr]
        for name, spec in action["outputs"].items()
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_the_steps_after_the_action_run_as_written(tmp_path, example):
    """Each shell step after the action runs as written over the outputs of a real run, and
    prints what it is for."""
    bash, jq = shutil.which("bash"), shutil.which("jq")
    require_tool(bash is not None, "bash (the shell of a workflow's run: steps)", "bash")
    require_tool(jq is not None, "jq (the examples' later steps use it, as runners have it)", "jq")
    assert bash is not None and jq is not None
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    org = str(example.step.get("with", {}).get("org", DEMO_ORG))
    with demo_standin(datetime.now(UTC).date()) as standin:
        ran = run_action(
            _inputs(example.step, standin.api_url, runner_temp),
            workdir=tmp_path,
            env={"RUNNER_TEMP": str(runner_temp)},
        )
    assert ran.outcome == "success", ran.step("fetch").stderr
    outputs = _outputs(ran)
    context = {
        "steps": {example.step["id"]: {"outputs": outputs, "outcome": ran.outcome}},
        "runner": {"temp": str(runner_temp)},
    }
    for step in example.runs:
        env = {
            # The example's organization is the demo's here.
            name: _EXPR.sub(lambda m: str(evaluate(m.group(1), context)), str(value)).replace(
                org, DEMO_ORG
            )
            for name, value in step.get("env", {}).items()
        }
        proc = subprocess.run(
            [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env={
                "PATH": os.pathsep.join([str(Path(jq).parent), "/usr/bin", "/bin"]),
                "HOME": str(tmp_path),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, (step.get("name"), proc.stderr)
        assert proc.stdout.strip(), step.get("name")
        if step.get("name") == "Interactions per team":
            teams = json.loads(proc.stdout)
            assert len(teams) >= 4 and any(t["interactions"] > 0 for t in teams), teams
