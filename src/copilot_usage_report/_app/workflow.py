"""The GitHub Actions side: masks, outputs, job summary and annotations.

Everything a workflow sees goes through here, and only when the runner asked for
it (``GITHUB_ACTIONS``, ``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``). Outside
Actions these functions do nothing, so a person at a terminal never sees
workflow commands.

Workflow commands are written by ``command`` in the canonical form
``::name key=value,...::message`` (no space before ``::`` when there are no
properties), escaped as ``@actions/core`` escapes them, and go to **stderr**:
GitHub's runner reads commands from both streams of a step (one command
processor per stream), and so does ``act``, so stdout keeps only what the
command prints for its reader (``--json`` stays one JSON document). Files
(outputs, summary) are written through github-action-utils' file commands.
Every text is passed through ``scrub`` first: no token, no signature; and through
``visible``: a control character a name or a server's text holds is shown as an
escape (``\\x1b``), never obeyed by the runner or a terminal.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import github_action_utils as gha

from .._errors import CopilotUsageReportError, add_secret, scrub, visible
from .._pipeline import RunResult
from .streams import raw

if TYPE_CHECKING:
    from .._metrics import Insight

__all__ = [
    "COMMAND_NAMES",
    "annotate_error",
    "annotate_warning",
    "command",
    "end_group",
    "error_outputs",
    "in_actions",
    "mask",
    "mask_links",
    "metric_outputs",
    "outputs_of",
    "start_group",
    "write_outputs",
    "write_summary",
]

#: The workflow commands this tool prints, and nothing else.
COMMAND_NAMES = frozenset({"add-mask", "error", "warning", "group", "endgroup"})
_PROPERTY_NAME = re.compile(r"[a-z][A-Za-z]*")
#: Outputs that hold signed links whole, by design (``download-links``); no other may.
_LINK_OUTPUTS = frozenset({"download-links"})


def in_actions() -> bool:
    """True inside a GitHub Actions job."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _escape_data(text: str) -> str:
    # Every control character is shown as an escape (``visible``: CR, LF, VT, U+2028... that
    # some reader would take for a line break, ESC, NUL...), then escaped as @actions/core does.
    text = visible(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str = "", **properties: str) -> str:
    """One workflow command line, canonical: ``::name k=v,k=v::message`` or ``::name::message``.

    Escapes as ``@actions/core`` does (``%``, CR and LF in the message; also ``:``
    and ``,`` in property values), so the line is one line whatever it carries;
    before that, every control character (``visible``: LF, VT, ESC, NUL, U+2028...)
    becomes a visible escape such as ``\\x1b``: a name is shown, never obeyed.
    """
    if name not in COMMAND_NAMES:
        raise ValueError(f"not a workflow command this tool prints: {name!r}")
    props = ",".join(
        f"{key}={_escape_property(value)}"
        for key, value in properties.items()
        if _PROPERTY_NAME.fullmatch(key) and value
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{_escape_data(message)}"


def _emit(line: str) -> None:
    """Write one command line on stderr, at once (the runner reads it as it comes): the one
    writer of ``command``'s lines, past the guard that defuses any other (``streams``)."""
    raw(sys.stderr, line + "\n")
    sys.stderr.flush()


def start_group(title: str) -> None:
    """``::group::title``: the log lines that follow fold under ``title`` (Actions only)."""
    if in_actions():
        _emit(command("group", title))


def end_group() -> None:
    """``::endgroup::``: the end of the group ``start_group`` opened (Actions only)."""
    if in_actions():
        _emit(command("endgroup"))


def mask(secret: str) -> None:
    """Register a secret: ``scrub`` hides it from every later message, and inside Actions
    the runner shows it as *** in every later log line (``::add-mask::`` on stderr)."""
    if not secret:
        return
    add_secret(secret)
    if in_actions():
        _emit(command("add-mask", secret))


def mask_links(links: tuple[str, ...] | list[str]) -> None:
    """Mask the query string (the signature) of each signed link, before it reaches an output."""
    if not in_actions():
        return
    for link in links:
        try:
            query = urlsplit(link).query
        except ValueError:
            continue
        if query and "\n" not in query and "\r" not in query:
            _emit(command("add-mask", query))


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


def outputs_of(
    result: RunResult, insight: Insight | None = None, metrics_file: str = ""
) -> dict[str, str]:
    """The step outputs, as strings, all of them within GitHub's budget (``budget``); with
    ``insight``, also the usage ones (``metric_outputs``), the whole metrics being in
    ``metrics_file`` (``runs/<run>/metrics.json``, uploaded with the artifact)."""
    from .budget import fit_outputs

    outputs = _fetch_outputs(result)
    if metrics_file:
        outputs["upload-paths"] += f"\n{metrics_file}"
    outputs["metrics-file"] = metrics_file
    if insight is not None:
        outputs.update(metric_outputs(insight, metrics_file, compact=False))
    outputs = fit_outputs(outputs, insight, metrics_file)
    if result.numbers:  # each kind's numbers in ``metrics``, and its outputs
        from .._render import kind_outputs

        outputs.update(kind_outputs(result, outputs.get("metrics")))
    return outputs


def metric_outputs(
    insight: Insight, metrics_file: str = "", *, compact: bool = True
) -> dict[str, str]:
    """``metrics`` (JSON) and the newest day's most used numbers ('' where the reports have none).

    ``metrics`` follows the shipped ``metrics.schema.json`` in its compact shape (every
    day's headline, the newest day's top entries, and ``left_out``: ``budget``);
    ``acceptance-rate`` is GitHub's code completion acceptance rate. Without ``compact``
    the caller fits ``metrics`` in (``budget.fit_outputs``).
    """
    from .._metrics import rounded_rate
    from .budget import BUDGET, compact_metrics

    newest = insight.newest

    def text(value: int | float | None) -> str:
        return "" if value is None else str(value)

    outputs = {
        "daily-active-users": text(newest.daily_active_users if newest else None),
        "weekly-active-users": text(newest.weekly_active_users if newest else None),
        "monthly-active-users": text(newest.monthly_active_users if newest else None),
        "acceptance-rate": text(
            rounded_rate(newest.code_completion_acceptance_rate) if newest else None
        ),
    }
    outputs.update(pr_outputs(insight))
    credits = insight.credits()  # set when the per-user rows carry credits
    if credits:
        outputs["ai-credits-used"] = f"{credits['ai_credits_used']:.2f}"
        outputs["ai-credits-cost-usd"] = f"{credits['ai_credits_cost_usd']:.2f}"
    if compact:
        outputs["metrics"] = json.dumps(compact_metrics(insight, metrics_file, BUDGET // 2))
    return outputs


def pr_outputs(insight: Insight) -> dict[str, str]:
    """``prs-*``: sums of GitHub's ``pull_requests.total_*`` over the range's aggregate days
    of the scope the other outputs describe; none when its reports carry no ``pull_requests``.
    """
    from .._metrics import PR_OUTPUTS, pr_ranges

    newest = insight.newest
    ranges = pr_ranges(insight.for_scope(newest.scope).days) if newest else []
    if not ranges:
        return {}
    return {output: str(ranges[0][field]) for output, field in PR_OUTPUTS.items()}


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
    return {"error": scrub(error.message), "error-type": type(error).__name__}


def write_outputs(outputs: Mapping[str, str]) -> bool:
    """Append outputs to ``GITHUB_OUTPUT`` (multiline-safe), scrubbed; False when not in a step.

    Control characters other than the line breaks between a list's items are escaped
    (``visible``). No value holds the token; only ``download-links`` keeps its links' query strings
    (the documented output, masked by ``mask_links`` in the log).
    """
    if not os.environ.get("GITHUB_OUTPUT"):
        return False
    for name, value in outputs.items():
        gha.set_output(name, visible(scrub(value, queries=name not in _LINK_OUTPUTS), lines=True))
    return True


def write_summary(markdown: str) -> bool:
    """Append to ``GITHUB_STEP_SUMMARY``, scrubbed, every control character but the line breaks
    escaped (``visible``); False when not in a step."""
    if not os.environ.get("GITHUB_STEP_SUMMARY"):
        return False
    gha.append_job_summary(visible(scrub(markdown), lines=True))
    return True


def annotate_warning(message: str, *, title: str) -> None:
    """One ``::warning::`` annotation: the run goes on, but something deserves a look."""
    _emit(command("warning", scrub(" ".join(message.split())), title=title))


def annotate_error(error: CopilotUsageReportError) -> None:
    """One ``::error::`` annotation with the error's one-line message."""
    _emit(command("error", scrub(error.message), title=error.title))
