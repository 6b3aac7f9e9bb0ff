"""``action.yml`` run the way the runner runs a composite action, for its ``run:`` steps.

Each step's ``if:`` is evaluated with the runner's rules (``success() &&`` unless it calls a
status function;
``!cancelled()`` runs after a failure; ``||`` gives the first truthy operand), its ``env:``
expressions are filled from the inputs (the action's defaults, then the caller's), the
earlier steps' outcomes and outputs, ``github.*`` and ``runner.*``, and its script runs in
``bash`` with a ``GITHUB_OUTPUT`` file of its own. ``uses:`` steps are recorded, not run
(the uploads are GitHub's own actions); the install step is replaced by a venv whose
``copilot-usage-report`` runs this checkout. The composite's outcome is a failure when any
step failed, as the runner's is.

Only the expression forms ``action.yml`` uses are understood; anything else is an error, so
a new form fails here first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests._tools import require_tool

from .conftest import parse_outputs

ACTION = Path(__file__).resolve().parents[2] / "action.yml"
_TOKEN = re.compile(r"\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][\w.-]*\(\)|[\w.-]+)")
_EXPR = re.compile(r"\$\{\{(.*?)\}\}")
_INSTALL = "Install copilot-usage-report"


@dataclass
class Step:
    """One step as it ended: ``skipped`` when its ``if:`` was false; ``uses`` not run."""

    id: str | None
    name: str
    outcome: str
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Composite:
    """The whole run: every step in order, the composite's own outcome, and its outputs."""

    steps: list[Step]
    #: The action's outputs, each ``value:`` of action.yml's ``outputs`` filled after the run.
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        ran = [s.outcome for s in self.steps]
        return "failure" if "failure" in ran else "success"

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


def _truthy(value: Any) -> bool:
    return value not in ("", None, False, 0)


class _Expression:
    """A recursive-descent reader of the expressions ``action.yml`` uses."""

    def __init__(self, text: str, context: dict[str, Any], failed: bool) -> None:
        self.tokens: list[str] = []
        pos = 0
        while pos < len(text.rstrip()):
            match = _TOKEN.match(text, pos)
            if match is None:
                raise ValueError(f"unknown expression syntax at {text[pos:]!r}")
            self.tokens.append(match.group(1))
            pos = match.end()
        self.context = context
        self.failed = failed

    def value(self) -> Any:
        result = self._or()
        if self.tokens:
            raise ValueError(f"unexpected {self.tokens[0]!r}")
        return result

    def _chain(self, op: str, operand: Callable[[], Any], pick: Callable[[Any, Any], Any]) -> Any:
        left = operand()
        while self.tokens[:1] == [op]:
            self.tokens.pop(0)
            left = pick(left, operand())
        return left

    def _or(self) -> Any:
        return self._chain("||", self._and, lambda left, right: left if _truthy(left) else right)

    def _and(self) -> Any:
        return self._chain(
            "&&", self._compare, lambda left, right: right if _truthy(left) else left
        )

    def _compare(self) -> Any:
        left = self._unary()
        if self.tokens[:1] in (["=="], ["!="]):
            op = self.tokens.pop(0)
            right = self._unary()
            same = str(left).lower() == str(right).lower()  # the runner compares case-blind
            return same if op == "==" else not same
        return left

    def _unary(self) -> Any:
        token = self.tokens.pop(0)
        if token == "!":
            return not _truthy(self._unary())
        if token == "(":
            inner = self._or()
            if self.tokens.pop(0) != ")":
                raise ValueError("unbalanced parentheses")
            return inner
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if token.endswith("()"):
            return {
                "cancelled()": False,
                "always()": True,
                "success()": not self.failed,
                "failure()": self.failed,
            }[token]
        value: Any = self.context
        for part in token.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value


def evaluate(text: str, context: dict[str, Any], *, failed: bool = False) -> Any:
    """The value of one expression (without ``${{ }}``)."""
    return _Expression(text, context, failed).value()


def _fill(text: str, context: dict[str, Any]) -> str:
    return _EXPR.sub(lambda m: str(evaluate(m.group(1), context)), text)


def _venv(runner_temp: Path) -> None:
    """What the install step leaves: ``copilot-usage-report`` in the action's venv."""
    bin_dir = runner_temp / "copilot-usage-report-venv" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "copilot-usage-report"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m copilot_usage_report "$@"\n')
    script.chmod(0o755)


def run_action(
    inputs: dict[str, str], *, workdir: Path, env: dict[str, str], timeout: float = 120
) -> Composite:
    """Run ``action.yml``'s steps with ``inputs``; ``env`` is the runner's own (``RUNNER_TEMP``,
    ``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``…, plus what the test needs)."""
    bash = shutil.which("bash")
    require_tool(bash is not None, "bash (the shell of action.yml's steps)", "bash")
    assert bash is not None
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    defaults = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    runner_temp = Path(env["RUNNER_TEMP"])
    _venv(runner_temp)
    context: dict[str, Any] = {
        "inputs": {**defaults, **inputs},
        "steps": {},
        "github": {
            "server_url": env.get("GITHUB_SERVER_URL", ""),
            "repository": env.get("GITHUB_REPOSITORY", ""),
        },
        "runner": {"temp": str(runner_temp)},
    }
    steps: list[Step] = []
    for number, raw in enumerate(action["runs"]["steps"]):
        name, step_id = raw.get("name", ""), raw.get("id")
        condition = str(raw.get("if", "success()")).strip()
        condition = condition.removeprefix("${{").removesuffix("}}")
        if not re.search(r"\b(success|failure|always|cancelled)\(\)", condition):
            condition = f"success() && ({condition})"  # the runner's implicit status check
        failed = any(s.outcome == "failure" for s in steps)
        if name == _INSTALL or not _truthy(evaluate(condition, context, failed=failed)):
            step = Step(step_id, name, "skipped" if name != _INSTALL else "success")
        elif "uses" in raw:
            step = Step(step_id, name, "success")
        else:
            step_env = {k: _fill(str(v), context) for k, v in raw.get("env", {}).items()}
            output = workdir / f"output-{number}"
            output.write_text("")
            full_env = {
                "PATH": os.environ.get("PATH", ""),
                "HOME": str(workdir),
                "PYTHONUTF8": "1",
                "GITHUB_ACTIONS": "true",
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(workdir / "summary.md"),
                **env,
                **step_env,
            }
            proc = subprocess.run(
                [bash, "-c", raw["run"]],
                env=full_env,
                cwd=workdir,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            outcome = "success" if proc.returncode == 0 else "failure"
            step = Step(
                step_id,
                name,
                outcome,
                parse_outputs(output.read_text()),
                proc.stdout,
                proc.stderr,
                step_env,
            )
        steps.append(step)
        if step_id:
            context["steps"][step_id] = {"outcome": step.outcome, "outputs": step.outputs}
    outputs = {name: _fill(str(spec["value"]), context) for name, spec in action["outputs"].items()}
    return Composite(steps, outputs)
