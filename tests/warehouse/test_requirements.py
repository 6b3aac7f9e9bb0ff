"""The action installs the warehouse extra hash-pinned, and only in the step that asks for it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements" / "warehouse.txt"


def _pins(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): m.group(2)
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", text, re.M)
    }


def test_the_extra_is_pinned_in_pyproject_the_dev_group_and_the_requirements_file():
    """pyproject's ``warehouse`` extra, the tests' pin and requirements/warehouse.txt agree,
    every wheel hashed; the extra is never a runtime dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    extra = dict(d.split("==") for d in project["project"]["optional-dependencies"]["warehouse"])
    dev = dict(d.split("==") for d in project["dependency-groups"]["dev"] if "==" in d)
    runtime = {d.split("==")[0] for d in project["project"]["dependencies"]}
    text = REQUIREMENTS.read_text("utf-8")
    assert _pins(text) == extra
    assert all(dev[name] == version for name, version in extra.items())
    assert not set(extra) & runtime
    assert _pins((ROOT / "requirements" / "warehouse.in").read_text("utf-8")) == extra
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2]):
        if block.strip() and not block.startswith("#"):
            assert "--hash=sha256:" in block, block.splitlines()[0]
    assert "://" not in text and "index-url" not in text


def test_only_the_warehouse_step_installs_it_and_only_when_asked():
    """The install step reads action.txt alone; the warehouse step runs only for ``warehouse``."""
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    steps = action["runs"]["steps"]
    installing = [s.get("id") or s["name"] for s in steps if "warehouse.txt" in s.get("run", "")]
    assert installing == ["warehouse"]
    (step,) = (s for s in steps if s.get("id") == "warehouse")
    assert "inputs.warehouse == 'true'" in step["if"]
    assert "--require-hashes --no-build" in step["run"]
    assert action["inputs"]["warehouse"]["default"] == "false"
    (upload,) = (s for s in steps if s.get("id") == "upload-warehouse")
    assert "steps.warehouse.outcome == 'success'" in upload["if"]
