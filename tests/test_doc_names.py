"""Every input and output a page names exists in action.yml, in examples and in prose.

The README, SECURITY.md and the docs pages name the action's inputs and outputs in three ways:
in ```yaml examples (``with:`` keys of a step using the action, ``steps.<its id>.outputs.x``,
and the workflow's own ``inputs.x`` and ``needs.<job>.outputs.x``), in prose ("the outputs
`error` and `error-type`", "the `history-branch` input"), and as a setting in backticks
(`job-summary: false`). A name action.yml does not have fails here, naming the page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import _docs as docs
from ._scripts import ROOT

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INPUTS, OUTPUTS = set(ACTION["inputs"]), set(ACTION["outputs"])
PAGES = [*docs.pages(), ROOT / "SECURITY.md"]
OUR_ACTION = re.compile(r"OWNER/copilot-usage-report@")
#: `key: value` settings in prose that belong to other things than this action.
OTHER_KEYS = {"permissions", "actions", "uses", "merge-multiple", "x-ratelimit-remaining"}
_NAME = r"`[a-z][a-z0-9-]*`"
_LIST = rf"{_NAME}(?:(?:,\s+|,?\s+and\s+|,?\s+or\s+){_NAME})*"


def _ids(page: Path) -> list[str]:
    return [docs.name(page)]


def prose(text: str) -> str:
    """The page without its fenced blocks."""
    for block in docs.blocks(text):
        text = text.replace(block.code, "\n" * block.code.count("\n"), 1)
    return text


def named_in_prose(text: str, word: str) -> set[str]:
    """Names in backticks right after or right before ``word`` (input or output), as a list."""
    found: set[str] = set()
    after = re.compile(rf"\b(?:step\s+)?{word}s?(?:\s+of\s+their\s+own\s+\(|\s+)({_LIST})")
    before = re.compile(rf"({_LIST})\s+{word}s?\b")
    for pattern in (after, before):
        for match in pattern.finditer(prose(text)):
            found |= set(re.findall(r"`([^`]+)`", match.group(1)))
    return found | named_in_tables(text, word)


def named_in_tables(text: str, word: str) -> set[str]:
    """The first cells of tables whose first column is headed ``word`` (input or output)."""
    found: set[str] = set()
    heading = False
    for line in prose(text).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else []
        if not cells:
            heading = False
        elif cells[0] == word:
            heading = True
        elif heading and not set(cells[0]) <= set("-: "):
            found |= set(re.findall(r"^`([a-z][a-z0-9-]*)`", cells[0]))
    return found


def settings_in_prose(text: str) -> set[str]:
    """The keys of `key: value` settings written in prose."""
    return set(re.findall(r"`([a-z][a-z0-9-]*): [^`]+`", prose(text))) - OTHER_KEYS


def named_in_yaml(block: str) -> tuple[set[str], set[str], list[str]]:
    """``(inputs, outputs, problems)`` of one example: the ``with:`` keys of steps using the
    action, the outputs read of them, and any ``inputs.x``/``needs.j.outputs.x`` the workflow
    itself does not declare."""
    data = yaml.safe_load(block)
    jobs: dict[str, Any] = {}
    steps: list[dict[str, Any]] = []
    if isinstance(data, list):
        steps = data
    elif isinstance(data, dict):
        jobs = data.get("jobs", {}) or {}
        steps = [s for job in jobs.values() for s in job.get("steps", [])]
        steps += data.get("steps", [])
    inputs: set[str] = set()
    outputs: set[str] = set()
    problems = []
    for step in steps:
        if OUR_ACTION.match(str(step.get("uses", ""))):
            inputs |= set(step.get("with", {}))
            if "id" in step:
                pattern = rf"steps\.{re.escape(step['id'])}\.outputs\.([\w-]+)"
                outputs |= set(re.findall(pattern, block))
    if isinstance(data, dict):
        trigger = data.get("on", data.get(True)) or {}
        declared: set[str] = set()
        if isinstance(trigger, dict):
            for event in ("workflow_dispatch", "workflow_call"):
                declared |= set((trigger.get(event) or {}).get("inputs", {}) or {})
        for name in re.findall(r"\binputs\.([\w-]+)", block):
            if name not in declared:
                problems.append(f"inputs.{name} is not an input of this workflow")
        for job, name in re.findall(r"\bneeds\.([\w-]+)\.outputs\.([\w-]+)", block):
            if name not in (jobs.get(job, {}).get("outputs") or {}):
                problems.append(f"needs.{job}.outputs.{name} is not an output of job {job}")
    return inputs, outputs, problems


@pytest.mark.parametrize("page", PAGES, ids=docs.name)
def test_every_input_and_output_a_page_names_exists(page):
    """Examples pass and read only what action.yml has; prose names only its inputs and
    outputs."""
    text = page.read_text(encoding="utf-8")
    wrong = []
    for block in docs.yaml_blocks(text):
        inputs, outputs, problems = named_in_yaml(block)
        wrong += [f"with: {n}" for n in inputs - INPUTS]
        wrong += [f"outputs.{n}" for n in outputs - OUTPUTS]
        wrong += problems
    wrong += [f"the input `{n}`" for n in named_in_prose(text, "input") - INPUTS]
    wrong += [f"the output `{n}`" for n in named_in_prose(text, "output") - OUTPUTS]
    wrong += [f"`{n}: …`" for n in settings_in_prose(text) - INPUTS - OUTPUTS]
    assert not wrong, wrong


def test_the_pages_name_many_inputs_and_outputs():
    """The check above reads what the pages hold: many outputs and inputs in prose and yaml."""
    texts = [p.read_text(encoding="utf-8") for p in PAGES]
    in_prose = set().union(*(named_in_prose(t, "output") for t in texts))
    assert {"error", "error-type", "history-commit", "metrics", "download-links"} <= in_prose
    assert {"daily-active-users", "seats-never-used", "artifact-digest"} <= in_prose
    assert {"history-branch", "token"} <= set().union(*(named_in_prose(t, "input") for t in texts))
    assert {"job-summary", "format", "day"} <= set().union(*(settings_in_prose(t) for t in texts))
    read = set().union(*(named_in_yaml(b)[1] for t in texts for b in docs.yaml_blocks(t)))
    assert {"report-day", "files", "seats-inactive", "metrics"} <= read


def test_a_made_up_name_is_caught_each_way():
    """A name action.yml lacks is found in prose lists, settings and the workflow's own refs."""
    text = (
        "Set the outputs `files`, `upload-paths` and `artifact-name`; the `no-such` input; "
        "`retention: 3`.\n\n| output | what |\n| --- | --- |\n| `files` | x |\n| `paths` | y |\n"
    )
    assert named_in_prose(text, "output") - OUTPUTS == {"upload-paths", "artifact-name", "paths"}
    assert named_in_prose(text, "input") - INPUTS == {"no-such"}
    assert settings_in_prose(text) - INPUTS - OUTPUTS == {"retention"}
    workflow = (
        "on:\n  workflow_dispatch:\n    inputs:\n      days: {}\n"
        "jobs:\n  a:\n    outputs:\n      day: x\n    steps:\n"
        "      - uses: OWNER/copilot-usage-report@v1\n        id: s\n"
        "        with:\n          day: ${{ inputs.dayz }}\n"
        "      - run: echo ${{ steps.s.outputs.upload-paths }} ${{ needs.a.outputs.days }}\n"
    )
    inputs, outputs, problems = named_in_yaml(workflow)
    assert inputs == {"day"} and outputs == {"upload-paths"}
    assert len(problems) == 2, problems
