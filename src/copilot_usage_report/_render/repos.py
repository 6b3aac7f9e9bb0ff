"""The job summary's Repositories section of a scope (``repos-1-day``), as Markdown.

Top repositories by PRs merged: a ``PUBLIC`` repository by name, a ``PRIVATE`` or
``INTERNAL`` one only with ``show-repositories`` (otherwise counted in the table by
visibility, with a line saying how many names were left out). Then the review stages of
``pull_request_review_times``: per author and reviewer kind, the PRs merged and each stage's
median and p90, over several days the days' values weighted by their PRs merged
(``_metrics.repos.weighted_median``). Medians are never summed.
"""

from __future__ import annotations

from .._metrics import Repos, shown_name
from .markdown import markdown_code, markdown_text

__all__ = ["repos_sections"]

_NONE = "—"
#: Repositories listed by name at most.
TOP_REPOS = 10
_STAGE_LABELS = ("Ready → first review", "First → final review", "Final review → merge")


def _n(value: int) -> str:
    return f"{value:,}"


def _minutes(value: float | None) -> str:
    return _NONE if value is None else f"{value:,.1f}"


def repos_sections(repos: Repos, *, show: bool) -> list[str]:
    """The section's Markdown blocks (none without rows)."""
    if not repos:
        return []
    days = sorted({r.day for r in repos.rows})
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]} to {days[-1]}"
    several = len(days) > 1
    merge_label = "Median minutes to merge" + (" (days weighted by merged)" if several else "")
    visibility = [
        "| Visibility | Repositories | PRs created | PRs merged | Created by Copilot | "
        "Reviewed by Copilot | Merged, created by Copilot |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for vis, (count, sums) in repos.by_visibility().items():
        visibility.append(
            f"| {vis.lower()} | {_n(count)} | {_n(sums['total_created'])} | "
            f"{_n(sums['total_merged'])} | {_n(sums['total_created_by_copilot'])} | "
            f"{_n(sums['total_reviewed_by_copilot'])} | "
            f"{_n(sums['total_merged_created_by_copilot'])} |"
        )
    blocks = [
        f"### Repositories, {span}",
        "Pull-request activity per repository (`repos-1-day`); these rows are never part of "
        "the organization's or enterprise's totals.",
        "\n".join(visibility),
    ]
    ranked = sorted(
        repos.by_repository(),
        key=lambda item: (-item[1]["total_merged"], -item[1]["total_created"], item[0].repo_id),
    )
    named = [(row, sums, median) for row, sums, median in ranked if shown_name(row, show=show)]
    hidden = {v: 0 for v in ("PRIVATE", "INTERNAL", "UNKNOWN")}
    for row, _, _ in ranked:
        if shown_name(row, show=show) is None:
            hidden[row.visibility] += 1
    if named:
        table = [
            f"| Repository | PRs created | PRs merged | Created by Copilot | Reviewed by Copilot "
            f"| Merged, created by Copilot | Copilot suggestions | {merge_label} |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row, sums, median in named[:TOP_REPOS]:
            table.append(
                f"| {markdown_code(shown_name(row, show=show) or '')} | "
                f"{_n(sums['total_created'])} | {_n(sums['total_merged'])} | "
                f"{_n(sums['total_created_by_copilot'])} | "
                f"{_n(sums['total_reviewed_by_copilot'])} | "
                f"{_n(sums['total_merged_created_by_copilot'])} | "
                f"{_n(sums['total_copilot_suggestions'])} | {_minutes(median)} |"
            )
        blocks += ["#### Top repositories by PRs merged", "\n".join(table)]
    left = [f"{n:,} {v.lower()}" for v, n in hidden.items() if n]
    if left:
        blocks.append(
            markdown_text(
                f"Names of {' and '.join(left)} repositories are left out (counted above by "
                "visibility); set show-repositories (--show-repositories) to list them."
            )
        )
    stages = repos.stages()
    if stages:
        table = [
            "| Authored by | Reviewed by | PRs merged | Stage | Median minutes | P90 minutes |",
            "| --- | --- | ---: | --- | ---: | ---: |",
        ]
        for author, reviewer, merged, medians, p90s in stages:
            for label, median, p90 in zip(_STAGE_LABELS, medians, p90s, strict=True):
                table.append(
                    f"| {markdown_text(author)} | {markdown_text(reviewer)} | {_n(merged)} | "
                    f"{label} | {_minutes(median)} | {_minutes(p90)} |"
                )
        note = (
            "Over several days, each value is the median of the days' values weighted by the "
            "PRs merged on each day (GitHub's `pull_request_review_times`)."
            if several
            else "GitHub's `pull_request_review_times`."
        )
        blocks += ["#### Review stages", "\n".join(table), note]
    return blocks
