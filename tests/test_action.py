"""action.yml: every input reaches Python through env, every output is wired, pins are SHAs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]


def _step(step_id: str) -> dict:
    return next(s for s in STEPS if s.get("id") == step_id)


def test_composite_with_setup_uv_first_and_upload_last():
    """The action is composite: set up uv, install, fetch, then upload the artifact."""
    assert ACTION["runs"]["using"] == "composite"
    assert STEPS[0]["uses"].startswith("astral-sh/setup-uv@")
    assert STEPS[-1]["uses"].startswith("actions/upload-artifact@")


def test_third_party_actions_are_pinned_by_sha_with_version_comment():
    """Every uses: names a full 40-hex commit, with the release in a comment."""
    text = (ROOT / "action.yml").read_text()
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), ref
        assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), ref


def test_no_expression_inside_run_scripts():
    """No ${{ }} expression appears inside any run: script (script injection)."""
    for step in STEPS:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")


def test_every_input_is_used():
    """Each input is referenced somewhere in the steps."""
    steps_text = yaml.safe_dump(STEPS)
    for name in ACTION["inputs"]:
        assert f"inputs.{name}" in steps_text, name


def test_fetch_inputs_reach_python_as_env():
    """Inputs the CLI reads arrive as the INPUT_* variables it documents."""
    env = _step("fetch")["env"]
    assert env["INPUT_ORG"] == "${{ inputs.enterprise == '' && inputs.org || '' }}"
    expected = {
        "INPUT_ENTERPRISE": "enterprise",
        "INPUT_REPORT": "report",
        "INPUT_IF_NOT_AVAILABLE": "if-not-available",
        "INPUT_TOKEN": "token",
        "INPUT_DAY": "day",
        "INPUT_API_URL": "api-url",
        "INPUT_API_VERSION": "api-version",
        "INPUT_OUTPUT_DIR": "path",
        "INPUT_RETRIES": "retries",
        "INPUT_MAX_WAIT": "max-wait",
        "INPUT_CONCURRENCY": "concurrency",
        "INPUT_TIMEOUT": "timeout",
        "INPUT_MAX_FILE_SIZE": "max-file-size",
        "INPUT_DEADLINE": "deadline",
    }
    for var, name in expected.items():
        assert env[var] == f"${{{{ inputs.{name} }}}}", var


def test_every_output_is_wired_to_a_step_output():
    """Each output's value reads an output of the fetch or the upload step."""
    fetch_outputs = {
        "download-links",
        "report-day",
        "files",
        "path",
        "file-count",
        "total-bytes",
        "days",
        "missing-days",
    }
    for name, spec in ACTION["outputs"].items():
        assert spec["description"].strip()
        if name in ("error", "error-type"):  # the fetch's failure, or else the history step's
            assert spec["value"] == (
                f"${{{{ steps.fetch.outputs.{name} || steps.history.outputs.{name} }}}}"
            )
            continue
        match = re.fullmatch(
            r"\$\{\{ steps\.(fetch|upload|history)\.outputs\.([\w-]+) \}\}", spec["value"]
        )
        assert match, name
        step, output = match.groups()
        assert output == name
        if name.startswith("artifact-"):
            assert step == "upload", name
        elif name.startswith("history-"):
            assert step == "history", name
        else:
            assert step == "fetch", name
    assert set(ACTION["outputs"]) >= fetch_outputs | {
        "artifact-id",
        "artifact-url",
        "artifact-digest",
    }


def test_upload_is_skipped_without_files_and_fails_on_none():
    """The upload runs only when files were saved, and errors if none are found."""
    upload = _step("upload")
    assert "steps.fetch.outputs.file-count" in upload["if"]
    assert "inputs.upload-artifact" in upload["if"]
    assert upload["with"]["if-no-files-found"] == "error"
    assert upload["with"]["path"] == "${{ steps.fetch.outputs.upload-paths }}"
    assert "steps.fetch.outputs.artifact-name" in upload["with"]["name"]


def test_upload_keeps_the_archive_layout_and_the_days_a_failed_run_saved():
    """The upload runs after a failure too (not after a cancel), never takes hidden files, and
    the index (which roots the artifact at path) is an output of its own."""
    upload = _step("upload")
    assert upload["if"].startswith("${{ !cancelled() && ")
    assert upload["with"]["include-hidden-files"] == "false"
    assert ACTION["outputs"]["index"]["value"] == "${{ steps.fetch.outputs.index }}"
    assert "orgs/<org>/<report>/<day>" in ACTION["inputs"]["path"]["description"]


def test_inputs_have_descriptions_and_defaults_from_the_issue():
    """Inputs are described, and the documented defaults hold."""
    inputs = ACTION["inputs"]
    for name, spec in inputs.items():
        assert spec["description"].strip(), name
    assert inputs["org"]["default"] == "${{ github.repository_owner }}"
    assert inputs["token"]["required"] is True
    assert inputs["day"]["default"] == "latest"
    assert inputs["api-url"]["default"] == "${{ github.api_url }}"
    assert inputs["path"]["default"] == "${{ runner.temp }}/copilot-usage-metrics"
    assert inputs["upload-artifact"]["default"] == "true"


def _requirements() -> dict[str, str]:
    text = (ROOT / "requirements" / "action.txt").read_text()
    return {
        m.group(1).lower().replace("_", "-"): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", text, re.M)
    }


def test_requirements_file_is_hash_pinned_and_matches_pyproject():
    """The action's requirements pin each runtime dependency at pyproject's version, hashed."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = _requirements()
    for dep in project["dependencies"]:
        name, version = dep.split("==")
        assert pinned.get(name.lower()) == version, dep
    text = (ROOT / "requirements" / "action.txt").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for block in blocks:
        if block.strip() and not block.startswith("#"):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    assert "://" not in text and "index-url" not in text


@pytest.mark.skipif(sys.platform == "win32", reason="uv resolution output is the same everywhere")
def test_requirements_file_is_what_uv_compiles(tmp_path):
    """Re-running the documented uv pip compile (offline, from cache) changes no pin."""
    out = tmp_path / "action.txt"
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH")
    proc = subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "pyproject.toml",
            "--generate-hashes",
            "--universal",
            "--python-version",
            "3.11",
            "--offline",
            "--quiet",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"uv could not resolve offline: {proc.stderr.strip()[:200]}")
    fresh = {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", out.read_text(), re.M)
    }
    assert fresh == _requirements()


def test_every_input_is_a_row_of_the_table_of_options_or_declared_action_only():
    """action.yml's inputs are the table's rows (in its order) and the declared action-only
    inputs, each with the row's description, default and requiredness."""
    from copilot_usage_report._core.options import ACTION_ONLY_INPUTS, OPTIONS

    rows = {row.input: row for row in OPTIONS if row.input is not None}
    inputs = ACTION["inputs"]
    assert set(inputs) == set(rows) | set(ACTION_ONLY_INPUTS)
    assert not set(rows) & set(ACTION_ONLY_INPUTS)
    assert [name for name in inputs if name in rows] == list(rows)
    for name, row in rows.items():
        spec = inputs[name]
        assert spec["description"] == row.description, name
        assert bool(spec.get("required")) == row.required, name
        if not row.required:
            assert str(spec["default"]) == row.action_value, name


def test_the_fetch_step_passes_every_fetch_input_as_its_variable():
    """Each fetch row's input reaches the CLI as INPUT_<NAME>, and no other INPUT_ is set."""
    from copilot_usage_report._core.options import options_of

    env = _step("fetch")["env"]
    rows = [row for row in options_of("fetch") if row.input is not None]
    assert set(env) == {row.variables[0] for row in rows}
    for row in rows:
        if row.name != "org":  # org is left empty when enterprise is set
            assert env[row.variables[0]] == f"${{{{ inputs.{row.input} }}}}", row.name


def test_the_history_step_passes_every_publish_history_input_as_its_variable():
    """Each row publish-history takes (the seat rules, credit-pool, show-repositories) reaches
    the history step as INPUT_<NAME>, so the page counts inactive seats, costs credits and names
    repositories as the fetch did."""
    from copilot_usage_report._core.options import options_of

    env = _step("history")["env"]
    rows = [row for row in options_of("publish-history") if row.input is not None]
    wanted = {"inactive_days", "seat_price", "credit_pool", "show_repositories"}
    assert {row.name for row in rows} == wanted
    for row in rows:
        assert env[row.variables[0]] == f"${{{{ inputs.{row.input} }}}}", row.name
