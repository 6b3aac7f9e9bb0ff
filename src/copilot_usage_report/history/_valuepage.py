"""The page's "Pull requests and code review" and "Agents" sections of a scope, by month.

Drawn from ``_value``'s tables (filled with ``days`` from the aggregate records) for the
``HistoryPart`` of ``_kinds`` that reads no file of its own. Each chart has its numbers in
a table beside it; ``docs/history.md`` gives the ``select`` behind each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from html import escape

from ._seatpage import rows_html
from ._svg import legend, line_chart
from ._value import AGENT_MONTH_COLUMNS, PR_MONTH_COLUMNS, agent_months, pr_months
from ._view import Table

__all__ = ["value_section", "value_sections"]


def _chart(name: str, title: str, table: Table, columns: Sequence[str]) -> str:
    months = [date.fromisoformat(f"{r[0]}-01") for r in table.rows]
    index = {c: i for i, c in enumerate(table.columns)}
    series = [(c, [r[index[c]] for r in table.rows]) for c in columns]
    if all(v is None for _, values in series for v in values):
        return ""  # nothing to draw (no day merged anything, say)
    return (
        f'<figure class="chart" data-chart="{name}"><figcaption>{escape(title)}</figcaption>'
        f"{legend(series)}{line_chart(title, months, series)}"
        f'<details><summary>The numbers ({len(table.rows)} rows)</summary><div class="table">'
        f"{rows_html(table)}</div></details></figure>"
    )


def _phases(db: sqlite3.Connection, scope: str) -> str:
    cursor = db.execute(
        "SELECT day, phase, total_engaged_users, avg_pull_requests_created, "
        "avg_pull_requests_merged, avg_user_initiated_interactions FROM adoption_phases "
        "WHERE scope = ? AND day = (SELECT MAX(day) FROM adoption_phases WHERE scope = ?) "
        "ORDER BY phase_number",
        (scope, scope),
    )
    rows = cursor.fetchall()
    if not rows:
        return ""
    table = Table(tuple(d[0] for d in cursor.description[1:]), tuple(r[1:] for r in rows))
    return (
        f"<h3>AI adoption phases on {escape(rows[0][0])}</h3>"
        '<p class="muted">GitHub\'s totals_by_ai_adoption_phase: users and per-user averages '
        "per phase, which do not add up across phases.</p>"
        f'<div class="table" data-table="adoption-phases">{rows_html(table)}</div>'
    )


def value_section(db: sqlite3.Connection, scope: str) -> str:
    """The scope's pull request and agent sections, as HTML ('' without their data)."""
    out = ""
    prs = Table(PR_MONTH_COLUMNS, tuple(pr_months(db, scope)))
    if prs.rows:
        out += (
            '<h2>Pull requests and code review</h2><p class="muted">By month: GitHub\'s '
            "pull_requests counts summed over the days; median minutes to merge is the median "
            "of the days' medians weighted by the PRs merged (a median is never summed). A month "
            "holds the days its days column counts: the first and last may be partial.</p>"
            '<div class="charts">'
            + _chart("prs", "Pull requests by month", prs, PR_MONTH_COLUMNS[2:7])
            + _chart("prs-merge-minutes", "Median minutes to merge by month", prs,
                     ("median_minutes_to_merge",))
            + "</div>"
        )  # fmt: skip
    agents = Table(AGENT_MONTH_COLUMNS, tuple(agent_months(db, scope)))
    if agents.rows:
        out += (
            '<h2>Agents</h2><p class="muted">By month: GitHub\'s code review and cloud agent '
            "user counts of the month's last day (rolling 28 days, never summed); CLI, Copilot "
            "app and third-party agent sessions summed over the days.</p>"
            '<div class="charts">'
            + _chart("code-review-users", "Code review and cloud agent users by month", agents,
                     AGENT_MONTH_COLUMNS[2:5])
            + _chart("agent-sessions", "Agent sessions by month", agents, AGENT_MONTH_COLUMNS[5:])
            + "</div>"
        )  # fmt: skip
    out += _phases(db, scope)
    return f'<div class="value" data-value="{escape(scope)}">{out}</div>' if out else ""


def value_sections(db: sqlite3.Connection) -> dict[str, str]:
    """Each scope's sections (scopes without pull requests, agents or phases have none)."""
    scopes = [r[0] for r in db.execute("SELECT DISTINCT scope FROM days ORDER BY scope")]
    return {s: html for s in scopes if (html := value_section(db, s))}
