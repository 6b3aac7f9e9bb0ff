"""Pure data to Markdown for the job summary; no I/O, no environment.

Nothing here may print a login, a token or a signed link: the summary shows the
organization, the day and the files, with sizes.
"""

from __future__ import annotations

from ._errors import CopilotUsageReportError
from ._run import FetchResult

__all__ = ["human_bytes", "render_error", "render_result"]


def human_bytes(size: int) -> str:
    """Bytes in the largest unit that keeps the number at or above 1 (binary units)."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_result(result: FetchResult) -> str:
    """The job summary of a successful fetch: org, day, and a table of the files."""
    lines = [
        f"## Copilot usage report: {_cell(result.org)}, {result.report_day}",
        "",
        f"Report `{result.report}` for **{result.report_day}** (UTC): "
        f"{len(result.files)} file(s), {human_bytes(result.total_bytes)}.",
        "",
        "| File | Size | Records | SHA-256 |",
        "| --- | ---: | ---: | --- |",
    ]
    for f in result.files:
        note = " (kept from an earlier run)" if f.reused else ""
        lines.append(
            f"| `{_cell(f.name)}`{note} | {human_bytes(f.size)} | {f.records} | "
            f"`{f.sha256[:12]}…` |"
        )
    if len(result.days_tried) > 1:
        skipped = ", ".join(d.isoformat() for d in result.days_tried[:-1])
        lines += ["", f"No report yet for {skipped}; the newest available day was used."]
    return "\n".join(lines) + "\n"


def render_error(error: CopilotUsageReportError) -> str:
    """The job summary of a failed run: what happened, and what to do."""
    return (
        f"## Copilot usage report failed: {_cell(error.title)}\n\n"
        f"{error.message}\n\n**What to do:** {error.hint}\n"
    )
