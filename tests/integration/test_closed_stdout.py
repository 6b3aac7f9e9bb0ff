"""A reader that leaves early (``summarize ... | head``) is no bug: one line, exit 1."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests._samples import SAMPLES

from .conftest import SCRIPT

REPORT = SAMPLES / "copilot-metrics-viewer/organization-1-day-report.json"


@pytest.mark.skipif(os.name == "nt", reason="POSIX pipes: a closed reader is seen with poll")
@pytest.mark.parametrize("json_output", [False, True])
def test_a_closed_stdout_ends_the_run_with_one_line_not_a_bug(tmp_path, json_output):
    """summarize into a pipe whose reader is gone: exit 1, one line saying so, no "bug"."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [str(SCRIPT), "summarize", str(REPORT), *(["--json"] if json_output else [])],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONUTF8": "1"},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert "stdout was closed" in line and "bug" not in line and "Traceback" not in line
