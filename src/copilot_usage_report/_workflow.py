"""The GitHub Actions side: masks, outputs, job summary and annotations.

Everything a workflow sees goes through here, via github-action-utils, and
only when the runner asked for it (``GITHUB_ACTIONS``, ``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``). Outside Actions these functions do nothing, so a
person at a terminal never sees workflow commands.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import github_action_utils as gha

from ._errors import CopilotUsageReportError
from ._run import FetchResult

__all__ = [
    "annotate_error",
    "error_outputs",
    "in_actions",
    "mask",
    "outputs_of",
    "write_outputs",
    "write_summary",
]


def in_actions() -> bool:
    """True inside a GitHub Actions job."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def mask(secret: str) -> None:
    """Register a secret with the runner so it shows as *** in every later log line."""
    if in_actions() and secret:
        gha.add_mask(secret)


def outputs_of(result: FetchResult) -> dict[str, str]:
    """The step outputs, as the strings the runner stores."""
    return {
        "download-links": json.dumps(list(result.download_links)),
        "report-day": result.report_day.isoformat(),
        "files": json.dumps([str(f.path) for f in result.files]),
        "path": str(result.folder),
        "file-count": str(len(result.files)),
        "total-bytes": str(result.total_bytes),
    }


def error_outputs(error: CopilotUsageReportError) -> dict[str, str]:
    """The outputs a failed fetch sets: the one-line message and the error's class name."""
    return {"error": error.message, "error-type": type(error).__name__}


def write_outputs(outputs: Mapping[str, str]) -> bool:
    """Append outputs to ``GITHUB_OUTPUT`` (multiline-safe); False when not in a step."""
    if not os.environ.get("GITHUB_OUTPUT"):
        return False
    for name, value in outputs.items():
        gha.set_output(name, value)
    return True


def write_summary(markdown: str) -> bool:
    """Append to ``GITHUB_STEP_SUMMARY``; False when not in a step."""
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        return False
    gha.append_job_summary(markdown)
    return True


def annotate_error(error: CopilotUsageReportError) -> None:
    """One ``::error::`` annotation with the error's one-line message."""
    gha.error(error.message, title=error.title)
