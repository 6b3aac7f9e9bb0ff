"""Pure data to Markdown for the job summary; no I/O, no environment.

Nothing here may print a login, a token or a signed link: the summary shows the
organization, the day and the files, with sizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import CopilotUsageReportError
from .._pipeline import RunResult

if TYPE_CHECKING:
    from .._metrics import Insight

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


def render_result(result: RunResult, insight: Insight | None = None) -> str:
    """The job summary of a successful run: each report with a table of its files.

    With ``insight``, the usage numbers follow (``render_insight``): still no login.
    """
    days = result.days
    span = (
        "no day"
        if not days
        else days[0].isoformat()
        if len(days) == 1
        else f"{days[0]} to {days[-1]}"
    )
    lines = [
        f"## Copilot usage report: {_cell(result.name)}, {span}",
        "",
        f"{len(result.reports)} report(s), {len(result.files)} file(s), "
        f"{human_bytes(result.total_bytes)}.",
    ]
    for report in result.reports:
        window = (
            f"{report.report_start_day} to {report.report_day}"
            if report.report_start_day
            else f"{report.report_day}"
        )
        resumed = " (complete from an earlier run)" if report.resumed else ""
        lines += [
            "",
            f"### `{report.report}`, {window} (UTC){resumed}",
            "",
            "| File | Size | Records | SHA-256 |",
            "| --- | ---: | ---: | --- |",
        ]
        for f in report.files:
            note = " (kept from an earlier run)" if f.reused and not report.resumed else ""
            lines.append(
                f"| `{_cell(f.name)}`{note} | {human_bytes(f.size)} | {f.records} | "
                f"`{f.sha256[:12]}…` |"
            )
        if len(report.days_tried) > 1:
            skipped = ", ".join(d.isoformat() for d in report.days_tried[:-1])
            lines += ["", f"No report yet for {skipped}; the newest available day was used."]
    if result.missing:
        from .missing import missing_runs

        lines += ["", "### Not available", "", "| Report | Days | Count |", "| --- | --- | ---: |"]
        for run in missing_runs(result.missing):
            lines.append(f"| `{run.report}` | {run.span} | {run.days} |")
    text = "\n".join(lines) + "\n"
    if result.seats is not None:
        from .seats import render_seats

        text += "\n" + render_seats(result.seats)
    if insight is None:
        return text
    from .insight import render_insight

    return text + "\n" + render_insight(insight)


def render_error(error: CopilotUsageReportError) -> str:
    """The job summary of a failed run: what happened, and what to do."""
    return (
        f"## Copilot usage report failed: {_cell(error.title)}\n\n"
        f"{error.message}\n\n**What to do:** {error.hint}\n"
    )
