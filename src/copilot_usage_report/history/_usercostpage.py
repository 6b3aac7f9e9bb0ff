"""The page's "AI credits and cost" and "Impact by adoption phase" sections, and their CSV files.

Read from the tables ``_usercost`` writes: per scope, a chart by month beside the table of its
numbers (the month not held to its end drawn hollow), then the credits by team and by phase.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from ._csv import csv_text
from ._svg import legend, line_chart
from ._usercost import MONTH_COST_COLUMNS, month_rows

__all__ = ["usercost_csv", "usercost_sections"]

_HEAD = (
    *("Month", "Days held", "Credits used", "Seats", "Pool", "Beyond pool", "Cost (USD)"),
    *("Projected (USD)", "Per active user", "Per merged PR"),
)


def _cell(value: Any, fmt: str = "{:,.2f}") -> str:
    if value is None:
        return "n/a"
    return escape(fmt.format(value) if isinstance(value, int | float) else str(value))


def _table(name: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    cols = "".join(f'<th scope="col">{escape(c)}</th>' for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (
        f'<div class="table" data-table="{name}"><table><thead><tr>{cols}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _chart(name: str, title: str, months: list[str], series: Any, partial: list[bool]) -> str:
    days = [date.fromisoformat(f"{m}-01") for m in months]
    return (
        f'<figure class="chart" data-chart="{name}"><figcaption>{escape(title)}</figcaption>'
        f"{legend(series)}{line_chart(title, days, series, partial=partial)}</figure>"
    )


def _costs(rows: list[tuple[Any, ...]]) -> str:
    at = {c: i for i, c in enumerate(MONTH_COST_COLUMNS)}
    months = [r[at["month"]] for r in rows]
    partial = [r[at["days_elapsed"]] < r[at["days_in_month"]] for r in rows]
    series = [
        ("credits used", [r[at["credits_used"]] for r in rows]),
        ("pool", [r[at["pool_credits"]] for r in rows]),
    ]
    cost = [("cost (USD)", [r[at["cost_usd"]] for r in rows])]
    table = [
        [
            escape(r[at["month"]]),
            f"{r[at['days_held']]} of {r[at['days_in_month']]}",
            _cell(r[at["credits_used"]]),
            _cell(r[at["seats"]], "{:,}"),
            _cell(r[at["pool_credits"]], "{:,}"),
            _cell(r[at["credits_beyond_pool"]]),
            _cell(r[at["cost_usd"]]),
            _cell(None if not p else r[at["projected_cost_usd"]]),
            _cell(r[at["cost_per_active_user_usd"]]),
            _cell(r[at["cost_per_merged_pull_request_usd"]]),
        ]
        for r, p in zip(rows, partial, strict=True)
    ]
    return (
        '<div class="charts">'
        + _chart("credits-by-month", "AI credits used against the pool", months, series, partial)
        + _chart("cost-by-month", "Cost by month (USD)", months, cost, partial)
        + "</div>"
        + _table("month-costs", _HEAD, table)
        + '<p class="muted">Credits used: GitHub\'s <code>ai_credits_used</code> of the per-user '
        "rows (a usage signal, not the bill). Cost: seats x seat price plus the credits beyond "
        "the pool (seats x 1,900 Business or 3,900 Enterprise, reset on the 1st UTC) x 0.01 USD; "
        "the month in progress (hollow) projected linearly by days elapsed; n/a without a seat "
        "snapshot of the month.</p>"
    )


def _impact(db: sqlite3.Connection, scope: str) -> str:
    rows = db.execute(
        "SELECT month, phase, users, share, merged_prs_per_user_per_month, "
        "median_minutes_to_merge, passive_users, adoption_multiplier FROM month_phases "
        "WHERE scope = ? ORDER BY month, phase_number",
        (scope,),
    ).fetchall()
    if not rows:
        return ""
    months = sorted({r[0] for r in rows})
    phases = sorted({r[1] for r in rows if r[1] is not None})
    users = {(r[0], r[1]): r[2] for r in rows}
    series = [(str(p), [users.get((m, p)) for m in months]) for p in phases]
    table = [
        [escape(r[0]), escape(str(r[1])), _cell(r[2], "{:,}"), _cell(r[3], "{:.1%}"),
         _cell(r[4]), _cell(r[5], "{:,.0f}"), _cell(r[6], "{:,}"), _cell(r[7], "{:.2f}x")]
        for r in rows
    ]  # fmt: skip
    head = ["Month", "Phase", "Users", "Share", "Merged PRs per user per month"]
    head += ["Median minutes to merge", "Passive seats", "Adoption multiplier"]
    return (
        "<h3>Impact by adoption phase</h3>"
        + '<div class="charts">'
        + _chart("phases-by-month", "Users by adoption phase, by month", months, series,
                 [False] * len(months))
        + "</div>"
        + _table("month-phases", head, table)
        + '<p class="muted">Users and share: the month\'s last day held. Merged PRs per user per '
        "month: the phase's merged PRs over the month's days / its mean users, scaled to the "
        "month. Median minutes to merge: the days' medians, their median weighted by merged "
        "PRs. Adoption multiplier: phases 1-3's merged PRs per user per month / phase 0's.</p>"
    )  # fmt: skip


def _by(db: sqlite3.Connection, scope: str, table: str, key: str, label: str) -> str:
    rows = db.execute(
        f"SELECT {key}, SUM(ai_credits_used) AS c FROM {table} WHERE scope = ? "  # noqa: S608
        f"AND ai_credits_used IS NOT NULL GROUP BY {key} ORDER BY c DESC",
        (scope,),
    ).fetchall()
    if not rows:
        return ""
    body = [[escape(str(r[0])), _cell(r[1])] for r in rows]
    title = f"AI credits used by {label.lower()} (all days)"
    return f"<h3>{escape(title)}</h3>" + _table(table, [label, "Credits used"], body)


def usercost_sections(db: sqlite3.Connection) -> dict[str, str]:
    """Each scope's sections (HTML), for the scopes with per-user credits."""
    out = {}
    for scope, rows in month_rows(db).items():
        out[scope] = (
            f'<div class="usercost" data-usercost="{escape(scope)}"><h2>AI credits and cost</h2>'
            + _costs(rows)
            + _by(db, scope, "team_credit_days", "slug", "Team")
            + _by(db, scope, "phase_days", "phase", "Phase")
            + _impact(db, scope)
            + "</div>"
        )
    return out


def usercost_csv(db: sqlite3.Connection) -> dict[str, str]:
    """``month_costs.csv``, ``month_phases.csv``, ``team_credits.csv`` and
    ``phase_credits.csv``: the tables as they are (none without rows)."""
    out = {}
    for name, query in (
        ("month_costs.csv", "SELECT * FROM month_costs ORDER BY scope, month"),
        ("month_phases.csv", "SELECT * FROM month_phases ORDER BY scope, month, phase_number"),
        ("team_credits.csv", "SELECT * FROM team_credit_days ORDER BY scope, day, slug"),
        ("phase_credits.csv", "SELECT * FROM phase_days ORDER BY scope, day, phase_number"),
    ):
        try:
            cursor = db.execute(query)
        except sqlite3.OperationalError:  # no such table: nothing archived for it yet
            continue
        rows = cursor.fetchall()
        if not rows:
            continue
        out[name] = csv_text([d[0] for d in cursor.description], rows)
    return out
