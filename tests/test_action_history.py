"""action.yml's history steps: off by default, inputs through env only, the right token to git."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]


def _step(step_id: str) -> dict:
    return next(s for s in STEPS if s.get("id") == step_id)


def test_history_inputs_and_their_defaults():
    """history-branch is off by default, the token is the workflow's, per-user is off."""
    inputs = ACTION["inputs"]
    assert inputs["history-branch"]["default"] == ""
    assert inputs["history-token"]["default"] == "${{ github.token }}"
    assert inputs["history-per-user"]["default"] == "false"
    assert ACTION["outputs"]["history-commit"]["value"] == (
        "${{ steps.history.outputs.history-commit }}"
    )
    assert ACTION["outputs"]["history-url"]["value"] == "${{ steps.history.outputs.history-url }}"


def test_the_history_step_runs_after_the_fetch_and_upload_only_when_asked():
    """It comes after the archive's upload (which happens even if the push fails), only with
    a branch, and also after a failed fetch that saved files (run through the runner's rules
    in ``integration/test_history_branch.py``)."""
    ids = [s.get("id") for s in STEPS]
    assert ids.index("fetch") < ids.index("upload") < ids.index("history")
    history = _step("history")
    assert history["if"].startswith("${{ !cancelled() && inputs.history-branch != '' && ")
    assert "steps.fetch.outputs.file-count != '0'" in history["if"]
    assert "publish-history" in history["run"]
    assert "${{" not in history["run"]


def test_the_history_step_gets_the_history_token_and_never_the_copilot_token():
    """Only history-token reaches publish-history; the metrics token is not in its environment."""
    env = _step("history")["env"]
    assert env["INPUT_HISTORY_TOKEN"] == "${{ inputs.history-token }}"
    assert env["INPUT_HISTORY_BRANCH"] == "${{ inputs.history-branch }}"
    assert env["INPUT_HISTORY_PER_USER"] == "${{ inputs.history-per-user }}"
    assert env["INPUT_OUTPUT_DIR"] == "${{ inputs.path }}"
    assert env["INPUT_SERVER_URL"] == "${{ github.server_url }}"
    assert env["INPUT_REPOSITORY"] == "${{ github.repository }}"
    assert not any("inputs.token" in str(v) for v in env.values())


def test_the_dashboard_and_database_are_uploaded_beside_the_archive():
    """The site (page, CSV, SQLite) goes to its own artifact, named after the archive's."""
    upload = _step("upload-history")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["uses"] == _step("upload")["uses"]
    assert upload["with"]["path"] == "${{ steps.history.outputs.history-site }}"
    assert upload["with"]["name"].endswith("-history")
    assert "inputs.upload-artifact == 'true'" in upload["if"]


def test_the_self_test_checks_of_history_outputs():
    """selftest_check.py history / history-rerun accept the right outputs and refuse others."""
    import json

    from tests._scripts import load_script

    check = load_script("selftest_check")
    url = "https://github.com/o/r/tree/b"
    good = {"OUTPUTS": json.dumps({"history-commit": "a" * 40, "history-url": url})}
    none = {"OUTPUTS": json.dumps({"history-commit": "", "history-url": url})}
    assert check.main(["history", "b"], env=good) == 0
    assert check.main(["history", "b"], env=none) == 1
    assert check.main(["history-rerun", "b"], env=none) == 0
    assert check.main(["history-rerun", "b"], env=good) == 1
    assert check.main(["history", "other"], env=good) == 1
    skipped = {"NEEDS": json.dumps({"a": {"result": "success"}, "history": {"result": "skipped"}})}
    assert check.main(["gate"], env={**skipped, "MAY_SKIP": "history"}) == 0
    assert check.main(["gate"], env=skipped) == 1
