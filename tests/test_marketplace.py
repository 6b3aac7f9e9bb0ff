"""What a user meets first: action.yml's Marketplace metadata, the README and its examples.

The README's inputs and outputs tables are generated from action.yml
(scripts/action_docs.py); these tests fail when the two drift, when an example
(in the README, docs/examples.md or any other docs page) passes an input the
action does not have or reads an output it does not set, and when an example
workflow is not valid against GitHub's schema.
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

from . import _docs as docs
from ._scripts import ROOT, load_script

action_docs = load_script("action_docs")

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = (ROOT / "docs" / "examples.md").read_text(encoding="utf-8")
OUR_ACTION = "OWNER/copilot-usage-report@v1"
FEATHER_ICONS = {"bar-chart", "bar-chart-2", "activity", "archive", "download", "database"}
COLORS = {"white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}


def _yaml_blocks(*texts: str) -> list[str]:
    """The ```yaml blocks of the given pages; by default of README.md and every docs page."""
    if not texts:
        texts = tuple(page.read_text(encoding="utf-8") for page in docs.pages())
    return [block for text in texts for block in docs.yaml_blocks(text)]


def _uses_of_the_action(blocks: list[str]) -> int:
    """Check each step using the action and each output read; return how many steps use it."""
    uses = 0
    for block in blocks:
        data = yaml.safe_load(block)
        steps: list[dict[str, Any]] = []
        if isinstance(data, list):
            steps = data
        elif isinstance(data, dict):
            for job in data.get("jobs", {}).values():
                steps += job.get("steps", [])
            steps += data.get("steps", [])
        for step in steps:
            if step.get("uses") == OUR_ACTION:
                uses += 1
                assert set(step.get("with", {})) <= set(ACTION["inputs"]), step
        for output in re.findall(r"steps\.copilot\.outputs\.([\w-]+)", block):
            assert output in ACTION["outputs"], output
    return uses


def _headings(text: str) -> set[str]:
    return {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")}


def test_action_has_the_marketplace_metadata():
    """name, a short description, author and branding (a Feather icon and a colour)."""
    assert ACTION["name"].strip()
    assert len(ACTION["description"]) <= 125
    assert "\n" not in ACTION["description"]
    assert ACTION["author"].strip()
    assert ACTION["branding"]["icon"] in FEATHER_ICONS
    assert ACTION["branding"]["color"] in COLORS


@pytest.mark.parametrize("kind", ["inputs", "outputs"])
def test_every_input_and_output_is_described_in_one_short_line(kind):
    """Each description is one sentence-like line, short enough for a table cell."""
    for name, spec in ACTION[kind].items():
        description = spec["description"]
        assert "\n" not in description.strip(), name
        assert 20 <= len(description) <= 125, (name, len(description))
        assert description.rstrip().endswith("."), name


def test_readme_tables_are_generated_from_action_yml():
    """The README's tables are exactly what scripts/action_docs.py makes of action.yml."""
    assert action_docs.update(README, ACTION) == README, (
        "README.md's inputs/outputs tables drifted from action.yml: run "
        "`uv run python scripts/action_docs.py`"
    )


def test_the_tables_list_every_input_with_its_default_and_every_output():
    """Every input and output has a row; required inputs say so; defaults are shown as code."""
    inputs = action_docs.render_inputs(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        row = next(line for line in inputs.splitlines() if line.startswith(f"| `{name}` |"))
        if spec.get("required"):
            assert "**required**" in row
        elif spec.get("default"):
            assert f"`{spec['default']}`" in row
    outputs = action_docs.render_outputs(ACTION["outputs"])
    assert all(f"| `{name}` |" in outputs for name in ACTION["outputs"])


def test_the_generator_escapes_pipes_and_angle_brackets():
    """A description with | or <placeholders> still renders as one cell, visibly."""
    table = action_docs.render_outputs({"x": {"description": "a | b, as <day>."}})
    assert table.splitlines()[-1] == "| `x` | a \\| b, as &lt;day&gt;. |"


def test_a_stale_table_is_rewritten_from_action_yml():
    """A table edited by hand is put back to what action.yml says."""
    stale = README.replace("| `token` | **required** |", "| `token` | (stale) |")
    assert stale != README
    assert action_docs.update(stale, ACTION) == README


def test_readme_examples_use_only_real_inputs_and_outputs():
    """Every example step using the action passes existing inputs and reads existing outputs:
    in the README, in docs/examples.md and in every other docs page."""
    assert _uses_of_the_action(_yaml_blocks(README)) >= 4
    assert _uses_of_the_action(_yaml_blocks(EXAMPLES)) >= 8
    assert _uses_of_the_action(_yaml_blocks()) >= 12


def test_an_example_with_a_wrong_input_or_output_is_caught():
    """The check above is not vacuous: a made-up input or output fails it."""
    step = f"- uses: {OUR_ACTION}\n  id: copilot\n  with:\n    org: x\n"
    assert _uses_of_the_action([step]) == 1
    with pytest.raises(AssertionError):
        _uses_of_the_action([step + "    no-such-input: y\n"])
    with pytest.raises(AssertionError):
        _uses_of_the_action(["- run: echo ${{ steps.copilot.outputs.no-such-output }}\n"])


def test_readme_example_workflows_are_valid_against_githubs_schema(tmp_path):
    """Each complete example workflow in the README and the docs pages passes check-jsonschema."""
    assert len([b for b in _yaml_blocks(README) if re.search(r"^on:", b, re.MULTILINE)]) >= 2
    assert len([b for b in _yaml_blocks(EXAMPLES) if re.search(r"^on:", b, re.MULTILINE)]) >= 1
    workflows = [b for b in _yaml_blocks() if re.search(r"^on:", b, re.MULTILINE)]
    assert len(workflows) >= 4
    paths = []
    for i, block in enumerate(workflows):
        path = tmp_path / f"example-{i}.yml"
        path.write_text(block)
        paths.append(str(path))
    tool = Path(sys.executable).with_name("check-jsonschema" + (".exe" if os.name == "nt" else ""))
    proc = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-workflows", *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_readme_has_the_sections_a_marketplace_page_needs():
    """Badges, quick start, tokens, examples, inputs, outputs, failures and the docs are in the
    README; the other examples are in docs/examples.md."""
    for heading in (
        "## Quick start",
        "## Tokens",
        "## Examples",
        "### Backfill the days you missed",
        "### Many organizations: a matrix",
        "### Post the headline numbers",
        "## Inputs",
        "## Outputs",
        "## When it fails",
        "## Documentation",
    ):
        assert heading in README.splitlines(), heading
    for heading in (
        "Every organization of an enterprise, with one GitHub App",
        "An enterprise",
        "GHE.com (data residency)",
        "Load the records into a warehouse",
        "React to a failure",
    ):
        assert heading in _headings(EXAMPLES), heading
    assert "actions/workflows/ci.yml/badge.svg" in README
    assert "actions/create-github-app-token" in README
    assert "Why not `GITHUB_TOKEN`?" in README
    assert "(docs/examples.md)" in README
    assert len(README.splitlines()) <= 400


def test_contributing_and_security_docs_exist_and_are_linked():
    """CONTRIBUTING.md and SECURITY.md exist, and the README links SECURITY.md."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for topic in ("uv sync", "uv run pytest", "scripts/action_docs.py", "CHANGELOG.md", "v1"):
        assert topic in contributing, topic
    for topic in ("token", "signature", "Reporting a vulnerability"):
        assert topic in security, topic
    assert "(SECURITY.md)" in README


def _readme_inputs() -> dict[str, tuple[str, str]]:
    """The README's inputs table: name -> (default cell, description cell)."""
    table = README.split("<!-- inputs:start -->", 1)[1].split("<!-- inputs:end -->", 1)[0]
    rows = re.findall(r"^\| `([\w-]+)` \| (.*?) \| (.*) \|$", table, re.M)
    return {name: (default, description) for name, default, description in rows}


def test_readme_inputs_table_matches_the_table_of_options():
    """Each option's README row shows the table's default and description."""
    from copilot_usage_report._core.options import ACTION_ONLY_INPUTS, OPTIONS

    readme = _readme_inputs()
    rows = {row.input: row for row in OPTIONS if row.input is not None}
    assert set(readme) == set(rows) | set(ACTION_ONLY_INPUTS)
    for name, row in rows.items():
        default, description = readme[name]
        if row.required:
            assert default == "**required**", name
        elif row.action_value == "":
            assert default == "(empty)", name
        else:
            assert default == f"`{row.action_value}`", name
        assert description == action_docs._text(row.description), name
