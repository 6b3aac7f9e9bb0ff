"""Run the real console script as a subprocess, the way a runner does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name(
    "copilot-usage-report.exe" if os.name == "nt" else "copilot-usage-report"
)


@dataclass
class Run:
    """A finished CLI run: exit code, what it printed, and the workflow files it wrote."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def everything(self) -> str:
        """All text the run emitted, for leak checks (less the mask registration itself)."""
        stdout, stderr = (
            "\n".join(ln for ln in text.splitlines() if not ln.startswith("::add-mask::"))
            for text in (self.stdout, self.stderr)
        )
        return "\n".join([stdout, stderr, self.summary, *self.outputs.values()])


def parse_outputs(text: str) -> dict[str, str]:
    """Parse GITHUB_OUTPUT records (NAME=value and NAME<<DELIM…DELIM) as the runner does."""
    result: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            result[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            result[name] = value
            i += 1
        else:
            i += 1
    return result


@pytest.fixture
def run_cli(tmp_path: Path):
    """Call ``run_cli(*args, env={...}, actions=True)`` to run the CLI in a subprocess."""

    def run(*args: str, env: dict[str, str] | None = None, actions: bool = False) -> Run:
        out = tmp_path / "github_output"
        summary = tmp_path / "step_summary"
        out.write_text("")
        summary.write_text("")
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "COPILOT_USAGE_REPORT_TESTING": "1",
            "PYTHONUTF8": "1",
        }
        if os.name == "nt":
            full_env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
        if actions:
            full_env |= {
                "GITHUB_ACTIONS": "true",
                "GITHUB_OUTPUT": str(out),
                "GITHUB_STEP_SUMMARY": str(summary),
            }
        full_env |= env or {}
        proc = subprocess.run(
            [str(SCRIPT), *args],
            env=full_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Run(
            code=proc.returncode,
            stdout=proc.stdout,
            stderr=proc.stderr,
            outputs=parse_outputs(out.read_text()),
            summary=summary.read_text(),
        )

    return run
