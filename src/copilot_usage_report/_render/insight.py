"""An ``Insight`` as Markdown GitHub renders: tables and Mermaid charts, no I/O.

The job summary and ``copilot-usage-report summarize`` print this. It can
never show a user login: an ``Insight`` holds none. Every number is formatted
the same way everywhere (thousands separators, rates with one decimal and
``—`` where a value does not exist, such as a rate without generations).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .._metrics import (
    ACTIVITY_LABELS,
    Activity,
    DayInsight,
    Dimension,
    Insight,
    Row,
    SeatCounts,
    agent_counts,
)
from .markdown import markdown_code, markdown_text
from .value import value_sections

__all__ = ["render_insight"]

_NONE = "—"
_TITLES: dict[Dimension, str] = {
    "ide": "IDE",
    "feature": "Feature",
    "language": "Language",
    "model": "Model",
}
#: Labels of GitHub's user counts; any other count GitHub adds is labelled from its field name.
_LABELS = {
    "daily_active_users": "Daily active users",
    "weekly_active_users": "Weekly active users",
    "monthly_active_users": "Total (monthly) active users",
    "monthly_active_chat_users": "Monthly active chat users",
    "monthly_active_agent_users": "Monthly active agent users",
    "daily_active_cli_users": "Daily active CLI users",
}
#: The user counts of GitHub's dashboard, shown first; the other counts follow its metrics.
_DASHBOARD = frozenset({"daily_active_users", "weekly_active_users", "monthly_active_users"})
#: Counts that add up every feature, said so beside the code completion ones above them.
_ALL_FEATURES = {
    "code_generation_activity_count": " (all features)",
    "code_acceptance_activity_count": " (all features)",
}
_MERMAID_LABEL = re.compile(r"[^A-Za-z0-9 ._+/()-]")


def number(value: int | None) -> str:
    """A count with thousands separators, or ``—`` when the report has none."""
    return _NONE if value is None else f"{value:,}"


def percent(rate: float | None) -> str:
    """A rate in percent with one decimal, or ``—`` when it does not exist (division by 0)."""
    return _NONE if rate is None else f"{rate:.1f}%"


def _code(text: str) -> str:
    """A key (an IDE, a model…) as inline code, safe inside a table cell (``markdown_code``)."""
    return markdown_code(text)


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _period(insight: Insight) -> str:
    first, last = insight.days[0].day, insight.days[-1].day
    if first == last:
        return f"on {first}"
    return f"from {first} to {last} ({len(insight.days)} days)"


def _label(name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    label = name.replace("_", " ").replace("copilot", "Copilot").replace("cli", "CLI")
    return markdown_text(label[:1].upper() + label[1:])  # a count GitHub added: its name


def _rate_of(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _headline(insight: Insight, newest: DayInsight) -> str:
    """GitHub's dashboard metrics first, then the activity counts, then our own counts."""
    several = len(insight.days) > 1
    suffix = f" ({newest.day})" if several else ""
    counts = [
        (name, [_label(name) + suffix, number(value)])
        for name, value in newest.user_counts.items()
        if value is not None
    ]
    rows = [row for name, row in counts if name in _DASHBOARD]
    agents = agent_counts(newest)  # in the Agents section
    others = [row for name, row in counts if name not in _DASHBOARD and name not in agents]
    if newest.agent_adoption_rate is not None:
        rows.append(["Agent adoption" + suffix, percent(newest.agent_adoption_rate)])
    completions = insight.feature("code_completion")
    chat = sum(day.chat_requests for day in insight.days)
    active = sum(day.daily_active_users or 0 for day in insight.days)
    lines = {key: sum(day.lines()[key] for day in insight.days) for key in newest.lines()}
    total = insight.activity
    rows += [
        ["Code completions shown", number(completions.code_generation_activity_count)],
        ["Code completions accepted", number(completions.code_acceptance_activity_count)],
        ["Code completion acceptance rate", percent(completions.acceptance_rate)],
        ["Chat requests", number(chat)],
        [
            "Average chat requests per active user" + (" per day" if several else ""),
            _decimal(chat / active if active else None),
        ],
        ["Lines added, user-initiated", number(lines["loc_added_user_initiated"])],
        ["Lines deleted, user-initiated", number(lines["loc_deleted_user_initiated"])],
        ["Lines added, agent-initiated", number(lines["loc_added_agent_initiated"])],
        ["Lines deleted, agent-initiated", number(lines["loc_deleted_agent_initiated"])],
        *others,
        *(
            [ACTIVITY_LABELS[name] + _ALL_FEATURES.get(name, ""), number(value)]
            for name, value in total.as_dict().items()
        ),
    ]
    used = _sum_counts(day.users_used for day in insight.days)
    for flag, count in sorted(used.items()):
        what = "User-days" if several else "Users"
        rows.append([f"{what} with {_code(flag)} (per-user rows)", number(count)])
    credits = [day.ai_credits_used for day in insight.days if day.ai_credits_used is not None]
    if credits:
        rows.append(["AI credits used (per-user rows)", _decimal(sum(credits))])
    table = _table(["Metric", "Value"], ["---", "---:"], rows)
    if several:
        table += (
            f"\n\nUser counts and agent adoption are those of the newest day, {newest.day}; "
            f"activity is summed over the {len(insight.days)} days."
        )
    return table


def _decimal(value: float | None) -> str:
    return _NONE if value is None else f"{value:,.2f}"


def _sum_counts(mappings: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            out[key] = out.get(key, 0) + value
    return out


def _extras(insight: Insight, newest: DayInsight) -> list[str]:
    """Chat requests by mode, and adoption phases counted from per-user rows, when present."""
    sections: list[str] = []
    modes = _sum_counts(day.chat_requests_by_mode for day in insight.days)
    if modes:
        rows = [[_code(mode), number(n)] for mode, n in sorted(modes.items(), key=lambda i: -i[1])]
        sections += [
            "### Chat requests by mode",
            _table(["Mode", "Requests"], ["---", "---:"], rows),
        ]
    if newest.ai_adoption_phases and not newest.agents.get("totals_by_ai_adoption_phase"):
        rows = [
            [_code(str(p.get("phase"))), number(p.get("total_engaged_users"))]
            for p in newest.ai_adoption_phases
        ]
        sections += [
            f"### AI adoption phases on {newest.day}",
            _table(["Phase", "Users"], ["---", "---:"], rows),
        ]
    return sections


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
        "Code completion acceptance rate",
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
            percent(day.code_completion_acceptance_rate),
            number(day.activity.loc_added_sum),
            number(day.activity.loc_deleted_sum),
        ]
        for day in days
    ]
    users = _line_chart(
        "Daily active users", '"Users"', days, [str(d.daily_active_users or 0) for d in days]
    )
    rates = _line_chart(
        "Code completion acceptance rate (%)",
        '"Percent" 0 --> 100',
        days,
        [f"{d.code_completion_acceptance_rate or 0:.1f}" for d in days],
    )
    note = "Charts draw a missing value (no completions, no user count) as 0."
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
            (len(insight.repos.rows), "repository day record(s)"),
        )
        if count
    ]
    text = f"Read {len(insight.files)} file(s)" + (": " + ", ".join(parts) if parts else "") + "."
    if insight.skipped:
        names = ", ".join(_code(p.name) for p in insight.skipped[:5])
        more = f" and {len(insight.skipped) - 5} more" if len(insight.skipped) > 5 else ""
        text += f" Skipped {len(insight.skipped)} file(s) holding no usage record: {names}{more}."
    return text


def _teams(newest: DayInsight) -> list[str]:
    if not newest.teams:
        return []
    rows = [
        [
            _code(team.slug),
            number(team.active_users),
            number(team.members),
            number(team.activity.user_initiated_interaction_count),
            number(team.activity.code_generation_activity_count),
            number(team.activity.code_acceptance_activity_count),
            number(team.activity.loc_added_sum),
        ]
        for team in newest.teams
    ]
    header = ["Team", "Active users", "Members", "Interactions", "Code generations"]
    header += ["Acceptances", "Lines added"]
    return [
        f"### Teams on {newest.day}",
        _table(header, ["---", *["---:"] * 6], rows),
        "A member of several teams counts in each, so team sums can exceed the totals.",
    ]


def _scope_sections(
    insight: Insight, newest: DayInsight, title: str, cost: tuple[Any, int | None]
) -> list[str]:
    from .usercost import credit_sections, impact_sections

    several = len(insight.days) > 1
    sections = [f"## Copilot usage{title} {_period(insight)}", _headline(insight, newest)]
    sections += _extras(insight, newest)
    sections += value_sections(insight, newest)
    sections += credit_sections(insight, *cost) + impact_sections(insight, cost[0])
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
    return sections + _teams(newest)


def render_insight(
    insight: Insight,
    seats: SeatCounts | None = None,
    credit_pool: int | None = None,
    *,
    show_repositories: bool = False,
) -> str:
    """The whole usage summary, per organization or enterprise: headline, extras, AI credits
    and cost (``seats``: the run's seat list, for its month's cost; ``credit_pool``: credits a
    seat adds to the pool), impact by phase, trend, feature chart, breakdowns, teams,
    repositories (private and internal names only with ``show_repositories``). Sections
    without data are left out; the text ends with one newline.
    """
    from .repos import repos_sections

    if not insight.days and not insight.repos:
        return (
            "## Copilot usage\n\n"
            "No Copilot usage record was found in the files read.\n\n" + _sources(insight) + "\n"
        )
    sections: list[str] = []
    scopes = list(dict.fromkeys([*insight.scopes, *(r.scope for r in insight.repos.rows)]))
    for scope in scopes:
        part = insight.for_scope(scope)
        newest = part.newest
        title = f" of {_code(scope)}" if len(scopes) > 1 and scope else ""
        if newest is not None:
            sections += _scope_sections(part, newest, title, (seats, credit_pool))
        sections += repos_sections(part.repos, show=show_repositories)
    sections.append(_sources(insight))
    sections += [f"Note: {markdown_text(note)}" for note in insight.notes]
    return "\n\n".join(sections) + "\n"
