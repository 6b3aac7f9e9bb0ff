"""The outputs ``action.yml`` exposes, for what the demo shows as the step's outputs.

The fetch step sets more outputs than the action exposes (``upload-paths`` and
``artifact-name`` feed the action's own upload step), and the action exposes some that
other steps set. ``ACTION_OUTPUTS`` is action.yml's list, in its order (a test holds
the two equal); ``SET_ELSEWHERE`` says when each output a demo fetch does not set is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .._render import output_kinds

__all__ = ["ACTION_OUTPUTS", "SET_ELSEWHERE", "action_outputs"]

ACTION_OUTPUTS: Final = (
    "download-links",
    "report-day",
    "days",
    "missing-days",
    "files",
    "path",
    "index",
    "file-count",
    "total-bytes",
    "metrics",
    "metrics-file",
    "daily-active-users",
    "weekly-active-users",
    "monthly-active-users",
    "acceptance-rate",
    "prs-created",
    "prs-merged",
    "prs-created-by-copilot",
    "prs-merged-created-by-copilot",
    "prs-reviewed-by-copilot",
    "ai-credits-used",
    "ai-credits-cost-usd",
    "seats-total",
    "seats-active",
    "seats-inactive",
    "seats-never-used",
    "seats-pending-cancellation",
    "ai-credits-billed",
    "ai-credits-net-usd",
    "artifact-id",
    "artifact-url",
    "artifact-digest",
    "history-commit",
    "history-url",
    "error",
    "error-type",
)
_UPLOAD: Final = "by the action's artifact upload (upload-artifact: true)"
_HISTORY: Final = "by the action's history step (history-branch)"
_FAILED: Final = "when the run fails"
SET_ELSEWHERE: Final = {
    # a kind's outputs (the seat list's ``seats-*``), as its row in ``_render.sections`` names them
    **{output: f"with report {kind}" for output, kind in output_kinds().items()},
    "artifact-id": _UPLOAD,
    "artifact-url": _UPLOAD,
    "artifact-digest": _UPLOAD,
    "history-commit": _HISTORY,
    "history-url": _HISTORY,
    "error": _FAILED,
    "error-type": _FAILED,
}


def action_outputs(
    outputs: Mapping[str, str],
) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """``outputs`` cut to the action's (in action.yml's order), and the action's outputs
    not among them, grouped by when they are set."""
    shown = [(name, outputs[name]) for name in ACTION_OUTPUTS if name in outputs]
    later: dict[str, list[str]] = {}
    for name in ACTION_OUTPUTS:
        if name not in outputs:
            later.setdefault(SET_ELSEWHERE.get(name, "not by this run"), []).append(name)
    return shown, list(later.items())
