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
from typing import TYPE_CHECKING

import github_action_utils as gha

from ._errors import CopilotUsageReportError
from ._run import RunResult

if TYPE_CHECKING:
    from ._metrics import Insight

__all__ = [
    "annotate_error",
    "annotate_warning",
    "error_outputs",
    "in_actions",
    "mask",
    "metric_outputs",
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


def _one_or_list(values: list[str]) -> str:
    """One value as itself; several (or none) as a JSON array."""
    return values[0] if len(values) == 1 else json.dumps(values)


def artifact_name(result: RunResult, name: str) -> str:
    """``copilot-usage-metrics-<name>-<day>``, or ``…-<first>-to-<last>`` across days."""
    days = result.days
    if not days:
        return f"copilot-usage-metrics-{name}"
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]}-to-{days[-1]}"
    return f"copilot-usage-metrics-{name}-{span}"


def outputs_of(result: RunResult, insight: Insight | None = None) -> dict[str, str]:
    """The step outputs, as strings; with ``insight``, also the usage ones (``metric_outputs``)."""
    outputs = _fetch_outputs(result)
    if insight is not None:
        outputs.update(metric_outputs(insight))
    return outputs


def metric_outputs(insight: Insight) -> dict[str, str]:
    """``metrics`` (JSON) and the newest day's most used numbers ('' where the reports have none).

    ``metrics`` holds one day's headline numbers, or ``days`` for several days.
    """
    from ._metrics import rounded_rate

    newest = insight.newest

    def text(value: int | float | None) -> str:
        return "" if value is None else str(value)

    return {
        "metrics": json.dumps(insight.metrics()),
        "daily-active-users": text(newest.daily_active_users if newest else None),
        "weekly-active-users": text(newest.weekly_active_users if newest else None),
        "monthly-active-users": text(newest.monthly_active_users if newest else None),
        "acceptance-rate": text(rounded_rate(newest.activity.acceptance_rate) if newest else None),
    }


def _fetch_outputs(result: RunResult) -> dict[str, str]:
    """The step outputs about the files, as the strings the runner stores.

    With one report folder, ``report-day`` and ``path`` are plain strings, as a
    single-day workflow expects; across several they become JSON arrays.
    """
    folders = list(dict.fromkeys(str(r.folder) for r in result.reports))
    # The run's own index (runs/<run id>/index.json) makes <path> the artifact's root for one
    # day as for many: an artifact always holds orgs/<org>/<report>/<day>/... (or enterprises/).
    uploads = [*folders, str(result.index)] if result.index else folders
    return {
        "download-links": json.dumps(list(result.download_links)),
        "report-day": _one_or_list([d.isoformat() for d in result.days]),
        "files": json.dumps([str(f.path) for f in result.files]),
        "path": _one_or_list(folders),
        "file-count": str(len(result.files)),
        "total-bytes": str(result.total_bytes),
        "days": json.dumps([d.isoformat() for d in result.days]),
        "missing-days": json.dumps(
            sorted({m.day.isoformat() for m in result.missing if m.day is not None})
        ),
        "index": str(result.index) if result.index else "",
        "upload-paths": "\n".join(uploads),
        "artifact-name": artifact_name(result, result.name),
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


def annotate_warning(message: str, *, title: str) -> None:
    """One ``::warning::`` annotation: the run goes on, but something deserves a look."""
    gha.warning(" ".join(message.split()), title=title)


def annotate_error(error: CopilotUsageReportError) -> None:
    """One ``::error::`` annotation with the error's one-line message."""
    gha.error(error.message, title=error.title)
