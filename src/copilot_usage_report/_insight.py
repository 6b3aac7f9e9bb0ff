"""An ``Insight`` as Markdown GitHub renders: tables and Mermaid charts, no I/O.

The job summary and ``copilot-usage-report summarize`` print this. It can
never show a user login: an ``Insight`` holds none. Every number is formatted
the same way everywhere (thousands separators, rates with one decimal and
``—`` where a value does not exist, such as a rate without generations).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._metrics import Activity, DayInsight, Dimension, Insight, Row

__all__ = ["render_insight"]

_NONE = "—"
_TITLES: dict[Dimension, str] = {
    "ide": "IDE",
    "feature": "Feature",
    "language": "Language",
    "model": "Model",
}
_USER_COUNTS = (
    ("daily_active_users", "Daily active users"),
    ("weekly_active_users", "Weekly active users"),
    ("monthly_active_users", "Monthly active users"),
    ("monthly_active_chat_users", "Monthly active chat users"),
    ("monthly_active_agent_users", "Monthly active agent users"),
    ("daily_active_chat_users", "Daily active chat users"),
    ("daily_active_agent_users", "Daily active agent users"),
    ("daily_active_cli_users", "Daily active CLI users"),
)
_MERMAID_LABEL = re.compile(r"[^A-Za-z0-9 ._+/()-]")


def number(value: int | None) -> str:
    """A count with thousands separators, or ``—`` when the report has none."""
    return _NONE if value is None else f"{value:,}"


def percent(rate: float | None) -> str:
    """A rate in percent with one decimal, or ``—`` when it does not exist (division by 0)."""
    return _NONE if rate is None else f"{rate:.1f}%"


def _code(text: str) -> str:
    """A key (an IDE, a model…) as inline code, safe inside a table cell."""
    return "`" + " ".join(text.replace("`", "'").split()).replace("|", "\\|") + "`"


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _period(insight: Insight) -> str:
    first, last = insight.days[0].day, insight.days[-1].day
    if first == last:
        return f"on {first}"
    return f"from {first} to {last} ({len(insight.days)} days)"


def _headline(insight: Insight, newest: DayInsight) -> str:
    suffix = f" ({newest.day})" if len(insight.days) > 1 else ""
    rows = [
        [label + suffix, number(getattr(newest, name))]
        for name, label in _USER_COUNTS
        if getattr(newest, name) is not None
    ]
    total = insight.activity
    rows += [
        ["User-initiated interactions", number(total.user_initiated_interaction_count)],
        ["Code generations", number(total.code_generation_activity_count)],
        ["Code acceptances", number(total.code_acceptance_activity_count)],
        ["Acceptance rate", percent(total.acceptance_rate)],
        ["Lines suggested to add", number(total.loc_suggested_to_add_sum)],
        ["Lines suggested to delete", number(total.loc_suggested_to_delete_sum)],
        ["Lines added", number(total.loc_added_sum)],
        ["Lines deleted", number(total.loc_deleted_sum)],
    ]
    table = _table(["Metric", "Value"], ["---", "---:"], rows)
    if len(insight.days) > 1:
        table += (
            f"\n\nUser counts are those of the newest day, {newest.day}; activity is summed "
            f"over the {len(insight.days)} days."
        )
    return table


def _activity_cells(activity: Activity, *, interactions: bool) -> list[str]:
    cells = [number(activity.user_initiated_interaction_count)] if interactions else []
    return [
        *cells,
        number(activity.code_generation_activity_count),
        number(activity.code_acceptance_activity_count),
        percent(activity.acceptance_rate),
        number(activity.loc_suggested_to_add_sum),
        number(activity.loc_added_sum),
        number(activity.loc_deleted_sum),
    ]


def _breakdown(dimension: Dimension, rows: Sequence[Row], *, several_days: bool) -> str:
    # GitHub reports no interactions per language: a column of zeros would mislead.
    interactions = dimension != "language"
    users = any(row.users is not None for row in rows)
    header = [_TITLES[dimension]]
    if users:
        header.append("Active user-days" if several_days else "Active users")
    if interactions:
        header.append("Interactions")
    header += [
        "Code generations",
        "Acceptances",
        "Acceptance rate",
        "Lines suggested",
        "Lines added",
        "Lines deleted",
    ]
    body = []
    for row in rows:
        cells = [_code(row.key)]
        if users:
            cells.append(number(row.users))
        body.append(cells + _activity_cells(row.activity, interactions=interactions))
    return _table(header, ["---", *["---:"] * (len(header) - 1)], body)


def _mermaid_label(text: str) -> str:
    return _MERMAID_LABEL.sub("_", text)[:60] or "_"


def _feature_chart(rows: Sequence[Row]) -> str | None:
    slices = [(row.key, row.activity.volume) for row in rows if row.activity.volume > 0]
    if not slices:
        return None
    lines = [
        "```mermaid",
        "pie showData",
        "    title Interactions and code generations by feature",
        *(f'    "{_mermaid_label(key)}" : {value}' for key, value in slices),
        "```",
    ]
    return "\n".join(lines)


def _line_chart(title: str, axis: str, days: Sequence[DayInsight], values: list[str]) -> str:
    labels = ", ".join(f'"{day.day}"' for day in days)
    return "\n".join(
        [
            "```mermaid",
            "xychart-beta",
            f'    title "{title}"',
            f"    x-axis [{labels}]",
            f"    y-axis {axis}",
            f"    line [{', '.join(values)}]",
            "```",
        ]
    )


def _trend(days: Sequence[DayInsight]) -> str:
    header = [
        "Day",
        "Daily active users",
        "Interactions",
        "Code generations",
        "Acceptances",
        "Acceptance rate",
        "Lines added",
        "Lines deleted",
    ]
    body = [
        [
            day.day.isoformat(),
            number(day.daily_active_users),
            number(day.activity.user_initiated_interaction_count),
            number(day.activity.code_generation_activity_count),
            number(day.activity.code_acceptance_activity_count),
            percent(day.activity.acceptance_rate),
            number(day.activity.loc_added_sum),
            number(day.activity.loc_deleted_sum),
        ]
        for day in days
    ]
    users = _line_chart(
        "Daily active users", '"Users"', days, [str(d.daily_active_users or 0) for d in days]
    )
    rates = _line_chart(
        "Acceptance rate (%)",
        '"Percent" 0 --> 100',
        days,
        [f"{d.activity.acceptance_rate or 0:.1f}" for d in days],
    )
    note = "Charts draw a missing value (no generations, no user count) as 0."
    return "\n\n".join([_table(header, ["---", *["---:"] * 7], body), users, rates, note])


def _sources(insight: Insight) -> str:
    aggregate = sum(d.aggregate_records for d in insight.days)
    users = sum(d.user_records for d in insight.days)
    teams = sum(d.team_records for d in insight.days)
    parts = [
        f"{count:,} {what}"
        for count, what in (
            (aggregate, "aggregate day record(s)"),
            (users, "per-user record(s)"),
            (teams, "user-team record(s)"),
        )
        if count
    ]
    text = f"Read {len(insight.files)} file(s)" + (": " + ", ".join(parts) if parts else "") + "."
    if insight.skipped:
        names = ", ".join(_code(p.name) for p in insight.skipped[:5])
        more = f" and {len(insight.skipped) - 5} more" if len(insight.skipped) > 5 else ""
        text += f" Skipped {len(insight.skipped)} file(s) holding no usage record: {names}{more}."
    return text


def render_insight(insight: Insight) -> str:
    """The whole usage summary: headline, trend (several days), feature chart, breakdowns.

    Sections without data are left out; the text ends with one newline.
    """
    newest = insight.newest
    if newest is None:
        return (
            "## Copilot usage\n\n"
            "No Copilot usage record was found in the files read.\n\n" + _sources(insight) + "\n"
        )
    several = len(insight.days) > 1
    sections = [f"## Copilot usage {_period(insight)}", _headline(insight, newest)]
    if several:
        sections += ["### Trend by day", _trend(insight.days)]
    chart = _feature_chart(insight.rows("feature"))
    if chart is not None:
        sections += ["### Activity by feature", chart]
    for dimension in ("ide", "feature", "language", "model"):
        rows = insight.rows(dimension)
        if rows:
            sections += [
                f"### By {_TITLES[dimension].lower() if dimension != 'ide' else 'IDE'}",
                _breakdown(dimension, rows, several_days=several),
            ]
    teams = insight.teams()
    if teams:
        sections += [
            "### Users by team",
            _table(
                ["Team", "User-days" if several else "Users"],
                ["---", "---:"],
                [[_code(slug), number(count)] for slug, count in teams],
            ),
        ]
    sections.append(_sources(insight))
    return "\n\n".join(sections) + "\n"
