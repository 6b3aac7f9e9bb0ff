"""The page's Repositories section of a scope: charts by month beside the tables of their
numbers, and the repositories by PRs merged.

- PRs merged per month across repositories: created by Copilot
  (``total_merged_created_by_copilot``) against the others (``total_merged`` less those).
- Review stages per month (``pull_request_review_times``): each stage's median as the
  weighted median of the repositories' daily medians, each weighted by its
  ``total_merged`` (``_metrics.weighted_median``); medians are never summed or averaged.
- Repositories by PRs merged over the whole history: a public one by name, a private or
  internal one only with ``show-repositories``, otherwise one row per visibility.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from html import escape

from .._metrics import STAGES, weighted_median
from ._repos import has_repos
from ._svg import legend, line_chart
from ._view import Table

__all__ = ["render_repos"]

_STAGE_LABELS = ("ready to first review", "first to final review", "final review to merge")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return escape(str(value))


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _partial(db: sqlite3.Connection, scope: str, months: list[str]) -> list[bool]:
    """Whether each month is the scope's first or last and its days do not cover it whole
    (the archive begins after its first day, or ends before its last): drawn hollow."""
    first, last = db.execute(
        "SELECT MIN(day), MAX(day) FROM repositories WHERE scope = ?", (scope,)
    ).fetchone()
    end = date.fromisoformat(last)
    following = date(end.year + end.month // 12, end.month % 12 + 1, 1)
    return [
        (m == first[:7] and not first.endswith("-01"))
        or (m == last[:7] and (following - end).days > 1)
        for m in months
    ]


def _chart(key: str, title: str, table: Table, names: tuple[str, ...], partial: list[bool]) -> str:
    months = [date.fromisoformat(f"{r[0]}-01") for r in table.rows]
    series = [(name, [r[i + 1] for r in table.rows]) for i, name in enumerate(names)]
    chart = line_chart(title, months, series, partial=partial, joined_within=31)
    note = (
        '<p class="muted">A hollow point is a month the archive covers only in part.</p>'
        if any(partial)
        else ""
    )
    return (
        f'<figure class="chart" data-chart="{key}"><figcaption>{escape(title)}</figcaption>'
        f"{legend(series)}{chart}{note}"
        f"<details><summary>The numbers ({len(months)} rows)</summary>"
        f'<div class="table" data-table="{key}">{_table(table)}</div></details></figure>'
    )


def _merged(db: sqlite3.Connection, scope: str) -> Table:
    rows = db.execute(
        "SELECT substr(day, 1, 7), SUM(total_merged_created_by_copilot), "
        "SUM(total_merged) - SUM(total_merged_created_by_copilot), SUM(total_merged) "
        "FROM repositories WHERE scope = ? GROUP BY 1 ORDER BY 1",
        (scope,),
    ).fetchall()
    return Table(
        ("month", "merged, created by Copilot", "merged, others", "merged"),
        tuple(tuple(r) for r in rows),
    )


def _stages(db: sqlite3.Connection, scope: str) -> Table:
    columns = ", ".join(f"median_{s}" for s in STAGES)
    by_month: dict[str, list[tuple[int, tuple[float | None, ...]]]] = {}
    for month, merged, *values in db.execute(
        f"SELECT substr(day, 1, 7), total_merged, {columns} FROM review_times "  # noqa: S608
        "WHERE scope = ? ORDER BY day",
        (scope,),
    ):
        by_month.setdefault(month, []).append((merged, tuple(values)))
    rows = tuple(
        (
            month,
            sum(m for m, _ in entries),
            *(weighted_median((v[i], m) for m, v in entries) for i in range(len(STAGES))),
        )
        for month, entries in sorted(by_month.items())
    )
    return Table(("month", "PRs merged", *(f"median minutes, {s}" for s in _STAGE_LABELS)), rows)


def _ranked(db: sqlite3.Connection, scope: str, *, show: bool) -> Table:
    rows = db.execute(
        "SELECT repo_id, repo_owner_name, repo_name, repo_visibility, SUM(total_created), "
        "SUM(total_merged), SUM(total_created_by_copilot), SUM(total_reviewed_by_copilot), "
        "SUM(total_merged_created_by_copilot) FROM repositories WHERE scope = ? "
        "GROUP BY repo_id ORDER BY SUM(total_merged) DESC, SUM(total_created) DESC, repo_id",
        (scope,),
    ).fetchall()
    out: list[tuple[object, ...]] = []
    hidden: dict[str, list[int]] = {}
    for _, owner, name, visibility, *sums in rows:
        if show or visibility == "PUBLIC":
            full = name if "/" in name or not owner else f"{owner}/{name}"
            out.append((full, visibility.lower(), *sums))
        else:
            group = hidden.setdefault(visibility, [0] * (len(sums) + 1))
            group[0] += 1
            for i, v in enumerate(sums, 1):
                group[i] += v
    for visibility, (count, *sums) in sorted(hidden.items()):
        out.append((f"{count:,} {visibility.lower()} repositories", visibility.lower(), *sums))
    return Table(
        ("repository", "visibility", "PRs created", "PRs merged", "created by Copilot",
         "reviewed by Copilot", "merged, created by Copilot"),
        tuple(out),
    )  # fmt: skip


def render_repos(db: sqlite3.Connection, *, show: bool) -> dict[str, str]:
    """The Repositories section of each scope with ``repos-1-day`` rows, as HTML."""
    if not has_repos(db):
        return {}
    sections: dict[str, str] = {}
    for (scope,) in db.execute("SELECT DISTINCT scope FROM repositories ORDER BY scope"):
        merged = _merged(db, scope)
        charts = _chart(
            "repos-merged",
            "PRs merged per month across repositories",
            merged,
            ("merged, created by Copilot", "merged, others"),
            _partial(db, scope, [str(r[0]) for r in merged.rows]),
        )
        stages = _stages(db, scope)
        if stages.rows:
            charts += _chart(
                "review-stages",
                "Review stages per month: median minutes (days' medians weighted by PRs merged)",
                Table(
                    stages.columns[:1] + stages.columns[2:],
                    tuple(r[:1] + r[2:] for r in stages.rows),
                ),
                tuple(f"median minutes, {s}" for s in _STAGE_LABELS),
                _partial(db, scope, [str(r[0]) for r in stages.rows]),
            )
        ranked = _ranked(db, scope, show=show)
        note = (
            "Private and internal repositories by name (show-repositories)."
            if show
            else "Private and internal repositories are counted by visibility; set "
            "show-repositories to name them."
        )
        sections[scope] = (
            f'<div class="repos" data-repos="{escape(scope)}"><h2>Repositories</h2>'
            '<p class="muted">Pull-request activity per repository (<code>repos-1-day</code>), '
            "never part of the organization's or enterprise's totals. Review stages: human "
            "reviews of human-authored PRs, reported from 2026-09-21 on; each month's value is "
            "the weighted median of the "
            f'repositories\' daily medians, weighted by their PRs merged.</p><div class="charts">'
            f"{charts}</div><h3>Repositories by PRs merged</h3>"
            f'<p class="muted">{escape(note)}</p>'
            f'<div class="table" data-table="repositories">{_table(ranked)}</div></div>'
        )
    return sections
