"""Pure data to Markdown for the job summary; no I/O, no environment.

Nothing here may print a login, a token or a signed link: the summary shows the
organization, the day and the files, with sizes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import CopilotUsageReportError
from .._pipeline import RunResult
from .markdown import markdown_code, markdown_text

if TYPE_CHECKING:
    from .._metrics import Insight

__all__ = [
    "SUMMARY_MAX",
    "TABLE_ROWS",
    "cut_tables",
    "human_bytes",
    "render_error",
    "render_result",
]

#: GitHub drops a job summary over 1 MiB; ours stays well under, whatever the range.
SUMMARY_MAX = 512 * 1024
#: Rows of one table shown; the rest are counted in a line naming where they are.
TABLE_ROWS = 50
#: Reports shown with their files; the rest are counted.
_REPORTS_SHOWN = 31


def human_bytes(size: int) -> str:
    """Bytes in the largest unit that keeps the number at or above 1 (binary units)."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def render_result(
    result: RunResult,
    insight: Insight | None = None,
    *,
    show_repositories: bool = False,
    credit_pool: int | None = None,
) -> str:
    """The job summary of a successful run: each report with a table of its files.

    With ``insight``, the usage numbers follow (``render_insight``, with the run's seat list
    for the cost and ``credit_pool``): still no login, and private and internal repositories'
    names only with ``show_repositories``.
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
        f"## Copilot usage report: {markdown_text(result.name)}, {span}",
        "",
        f"{len(result.reports)} report(s), {len(result.files)} file(s), "
        f"{human_bytes(result.total_bytes)}.",
    ]
    for report in result.reports[:_REPORTS_SHOWN]:
        window = (
            f"{report.report_start_day} to {report.report_day}"
            if report.report_start_day
            else f"{report.report_day}"
        )
        resumed = " (complete from an earlier run)" if report.resumed else ""
        lines += [
            "",
            f"### {markdown_code(report.report)}, {window} (UTC){resumed}",
            "",
            "| File | Size | Records | SHA-256 |",
            "| --- | ---: | ---: | --- |",
        ]
        for f in report.files:
            note = " (kept from an earlier run)" if f.reused and not report.resumed else ""
            lines.append(
                f"| {markdown_code(f.name)}{note} | {human_bytes(f.size)} | {f.records} | "
                f"`{f.sha256[:12]}…` |"
            )
        if len(report.days_tried) > 1:
            skipped = ", ".join(d.isoformat() for d in report.days_tried[:-1])
            lines += ["", f"No report yet for {skipped}; the newest available day was used."]
    if len(result.reports) > _REPORTS_SHOWN:
        lines += [
            "",
            f"… and {len(result.reports) - _REPORTS_SHOWN:,} more reports with their files, "
            f"in {_run_file(result, 'index.json')}.",
        ]
    if result.missing:
        from .missing import missing_runs

        lines += ["", "### Not available", "", "| Report | Days | Count |", "| --- | --- | ---: |"]
        for run in missing_runs(result.missing):
            lines.append(f"| {markdown_code(run.report)} | {run.span} | {run.days} |")
    text = "\n".join(lines) + "\n"
    if result.numbers:  # the sections of kinds not asked through report links (``sections``)
        from .sections import render_sections

        text += render_sections(result.numbers)
    if insight is not None:
        from .._metrics import CreditNumbers, SeatCounts
        from .insight import render_insight

        seats = next((n for _, n in result.numbers if isinstance(n, SeatCounts)), None)
        text += "\n" + render_insight(
            insight, seats, credit_pool, show_repositories=show_repositories
        )
        billed = next((n for _, n in result.numbers if isinstance(n, CreditNumbers)), None)
        if billed is not None:  # the run fetched AI credits billed too: beside credits used
            from .credits import render_compared

            text += render_compared(insight, billed)
    return cut_tables(text, _run_file(result, "metrics.json" if insight else "index.json"))


def _run_file(result: RunResult, name: str) -> str:
    """``runs/<run>/<name>`` as the artifact holds it (the index's folder)."""
    return f"runs/{result.index.parent.name}/{name}" if result.index else f"the run's {name}"


def cut_tables(text: str, where: str, rows: int = TABLE_ROWS) -> str:
    """``text`` with each Markdown table cut to its first ``rows`` rows and a line counting the
    rest and saying ``where`` they are; then, if still past ``SUMMARY_MAX``, cut at a line."""
    out: list[str] = []
    run = 0  # rows of the current table, header and separator included
    hidden = 0
    for line in text.split("\n"):
        if line.startswith("|"):
            run += 1
            if run > rows + 2:
                hidden += 1
                continue
        else:
            if hidden:
                out.append(f"\n… and {hidden:,} more rows, in {where}.")
            run = hidden = 0
        out.append(line)
    if hidden:
        out.append(f"\n… and {hidden:,} more rows, in {where}.")
    text = "\n".join(out)
    if len(text.encode()) > SUMMARY_MAX:
        head = text.encode()[: SUMMARY_MAX - 1024].decode("utf-8", "ignore").rsplit("\n", 1)[0]
        text = (
            f"{head}\n\n… the rest of this summary is left out (GitHub keeps 1 MiB), see {where}.\n"
        )
    return text


def render_error(error: CopilotUsageReportError) -> str:
    """The job summary of a failed run: what happened, and what to do."""
    return (
        f"## Copilot usage report failed: {markdown_text(error.title)}\n\n"
        f"{markdown_text(error.message)}\n\n**What to do:** {error.hint}\n"
    )
