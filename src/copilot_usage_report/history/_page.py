"""The dashboard: one self-contained HTML page, readable from disk with no network.

No script, style or image is fetched: CSS and the scope switcher are inline,
charts are inline SVG drawn at build time, and a Content-Security-Policy forbids
any request. Each chart has its numbers in a table beside it. Logins appear only
when the builder was asked for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from ._svg import legend, line_chart
from ._view import BREAKDOWNS, WEEK_DAYS, Headline, ScopeView, Table

__all__ = ["render_page"]

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)
_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;
--card:#f6f8fa;--c0:#0969da;--c1:#1a7f37;--c2:#bf3989;--c3:#9a6700;--c4:#8250df;
--c5:#cf222e;--c6:#1b7c83;--c7:#6e7781;--up:#1a7f37;--down:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;
--line:#3d444d;--card:#151b23;--c0:#4493f8;--c1:#3fb950;--c2:#db61a2;--c3:#d29922;
--c4:#ab7df8;--c5:#f85149;--c6:#39c5cf;--c7:#9198a1;--up:#3fb950;--down:#f85149}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1100px;padding:1rem;background:var(--bg);
color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.5rem 0 .3rem}
h3{font-size:1.05rem;margin:0 0 .4rem}.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.6rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem}
.card .v{font-size:1.4rem;font-weight:600}.up{color:var(--up)}.down{color:var(--down)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:1rem}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:.7rem;min-width:0}figcaption{font-weight:600;margin-bottom:.3rem}
svg{width:100%;height:auto;display:block}svg .grid{stroke:var(--line);stroke-width:1}
svg .axis{fill:var(--muted);font-size:15px}svg .line,svg .dash{fill:none;stroke-width:2;
stroke-linejoin:round;stroke-linecap:round}svg .dash{stroke-dasharray:2 5}
svg .mark{fill:var(--card);stroke-width:2}.note{font-size:.8rem;margin:.2rem 0 0}
.s0{stroke:var(--c0);background:var(--c0)}.s1{stroke:var(--c1);background:var(--c1)}
.s2{stroke:var(--c2);background:var(--c2)}.s3{stroke:var(--c3);background:var(--c3)}
.s4{stroke:var(--c4);background:var(--c4)}.s5{stroke:var(--c5);background:var(--c5)}
.s6{stroke:var(--c6);background:var(--c6)}.s7{stroke:var(--c7);background:var(--c7)}
.legend{display:flex;flex-wrap:wrap;gap:.2rem .9rem;font-size:.85rem;margin:.3rem 0;
padding:0;list-style:none}.legend i{display:inline-block;width:.8rem;height:.25rem;
margin-right:.3rem;vertical-align:middle;border-radius:2px}
details{margin-top:.3rem}summary{cursor:pointer;color:var(--muted);font-size:.9rem}
.table{overflow-x:auto;max-height:22rem;overflow-y:auto}
table{border-collapse:collapse;font-size:.85rem;font-variant-numeric:tabular-nums}
th,td{padding:.15rem .5rem;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
[data-table] th{white-space:normal;vertical-align:bottom}
[data-table=teams-latest] td:first-child,[data-table=inactive-seats] td:first-child{
white-space:normal;overflow-wrap:anywhere;min-width:8rem}
th:first-child,td:first-child{text-align:left}
select{font:inherit;padding:.2rem;background:var(--card);color:var(--fg);
border:1px solid var(--line);border-radius:6px}
@media (max-width:600px){body{padding:.6rem;font-size:14px}.card .v{font-size:1.2rem}}
"""
_SCRIPT = (
    "(function(){var s=document.getElementById('scope');if(!s)return;"
    "function show(){var all=document.querySelectorAll('section.scope');"
    "for(var i=0;i<all.length;i++){all[i].hidden=all[i].dataset.scope!==s.value;}}"
    "s.addEventListener('change',show);show();})();"
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return escape(str(value))


def _table(table: Table, caption: str) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in table.rows
    )
    return (
        f'<details><summary>The numbers ({len(table.rows)} rows)</summary><div class="table">'
        f"<table><caption hidden>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _figure(
    chart: str,
    title: str,
    days: Sequence[date],
    columns: Sequence[str],
    table: Table,
    *,
    names: Sequence[str] | None = None,
    unit: str = "",
    ceiling: float | None = None,
    partial: Sequence[bool] | None = None,
) -> str:
    index = {c: i for i, c in enumerate(table.columns)}
    series = [
        (names[n] if names else c, [row[index[c]] for row in table.rows])
        for n, c in enumerate(columns)
    ]
    svg = line_chart(title, days, series, unit=unit, ceiling=ceiling, partial=partial)
    note = (
        '<p class="note muted">Hollow points and dashed lines: a week with fewer than 7 days '
        "of data (the table counts them), not a drop.</p>"
        if partial and any(partial)
        else ""
    )
    return (
        f'<figure class="chart" data-chart="{chart}"><figcaption>{escape(title)}</figcaption>'
        f"{legend(series)}{svg}{note}{_table(table, title)}</figure>"
    )


def _weekly(chart: str, title: str, table: Table) -> str:
    """A chart per week: a week with fewer than 7 days of data is marked, and its days
    counted in the table (``5 of 7``)."""
    weeks = [date.fromisoformat(r[0]) for r in table.rows]
    at = table.columns.index(WEEK_DAYS)
    counted = [int(r[at]) for r in table.rows]
    shown = Table(
        table.columns,
        tuple(
            (*r[:at], f"{n} of 7", *r[at + 1 :]) for r, n in zip(table.rows, counted, strict=True)
        ),
    )
    columns = [c for c in table.columns[1:] if c != WEEK_DAYS]
    return _figure(chart, title, weeks, columns, shown, partial=[n < 7 for n in counted])


def _sub(table: Table, columns: Sequence[str]) -> Table:
    index = [table.columns.index(c) for c in columns]
    return Table(tuple(columns), tuple(tuple(r[i] for i in index) for r in table.rows))


def _change(card: Headline) -> str:
    if card.value is None or card.previous is None:
        return '<span class="muted">no earlier 28 days to compare</span>'
    if card.kind == "rate":
        delta = round(card.value - card.previous, 1)
        text = f"{delta:+.1f} pp"
    elif card.previous:
        delta = round(100.0 * (card.value - card.previous) / card.previous, 1)
        text = f"{delta:+.1f} %"
    else:
        return '<span class="muted">none in the 28 days before</span>'
    if delta == 0:
        text = "no change"
    css = "up" if delta > 0 else "down" if delta < 0 else "muted"
    return f'<span class="{css}">{text}</span> <span class="muted">vs the 28 days before</span>'


def _value(card: Headline) -> str:
    if card.value is None:
        return "n/a"
    if card.kind == "rate":
        return f"{card.value:.1f} %"
    if card.kind == "ratio":
        return f"{card.value:.2f}"
    return f"{card.value:,.0f}" if card.value == int(card.value) else f"{card.value:,.1f}"


def _scope_name(scope: str) -> str:
    kind, _, name = scope.partition("/")
    return f"{name} ({'enterprise' if kind == 'enterprises' else 'organization'})"


def _section(view: ScopeView) -> str:
    days = [date.fromisoformat(r[0]) for r in view.daily.rows]
    gaps = (
        "; gaps: "
        + ", ".join(
            escape(a.isoformat() if a == b else f"{a.isoformat()} to {b.isoformat()}")
            for a, b in view.gaps
        )
        if view.gaps
        else "; no gaps"
    )
    cards = "".join(
        f'<div class="card" data-metric="{escape(c.label)}"><div class="muted">{escape(c.label)}'
        f'</div><div class="v">{_value(c)}</div><div>{_change(c)}</div></div>'
        for c in view.headline
    )
    daily = view.daily
    figures = [
        _figure(
            "active-users",
            "Active users",
            days,
            ("daily_active_users", "weekly_active_users", "monthly_active_users"),
            _sub(
                daily, ("day", "daily_active_users", "weekly_active_users", "monthly_active_users")
            ),
            names=("daily", "weekly", "total (monthly)"),
        ),
        _figure(
            "acceptance-rate",
            "Code completion acceptance rate",
            days,
            ("code_completion_acceptance_rate",),
            _sub(
                daily,
                (
                    "day",
                    "code_completions_suggested",
                    "code_completions_accepted",
                    "code_completion_acceptance_rate",
                ),
            ),
            names=("accepted ÷ shown",),
            unit="%",
            ceiling=100.0,
        ),
        _figure(
            "agent-adoption",
            "Agent adoption",
            days,
            ("agent_adoption_rate",),
            _sub(daily, ("day", "agent_adoption_rate")),
            names=("active users who used an agent",),
            unit="%",
            ceiling=100.0,
        ),
        _figure(
            "chat-per-user",
            "Chat requests per active user",
            days,
            ("average_chat_requests_per_active_user",),
            _sub(
                daily,
                (
                    "day",
                    "chat_requests",
                    "daily_active_users",
                    "average_chat_requests_per_active_user",
                ),
            ),
            names=("chat requests ÷ daily active users",),
        ),
        _figure(
            "lines-added",
            "Lines added: user-initiated and agent-initiated",
            days,
            ("loc_added_user_initiated", "loc_added_agent_initiated"),
            _sub(daily, ("day", "loc_added_user_initiated", "loc_added_agent_initiated")),
            names=("user-initiated", "agent-initiated"),
        ),
    ]
    for chart, title, _, _ in BREAKDOWNS:
        table = view.breakdowns[chart]
        if table.rows:
            figures.append(_weekly(chart, title, table))
    teams = ""
    if view.teams_latest is not None and view.teams_weekly is not None:
        figures.append(
            _weekly("teams", "Active users per team (weekly average)", view.teams_weekly)
        )
        teams = (
            f"<h3>Teams on {escape(view.teams_day or '')}</h3>"
            '<p class="muted">Active users: team members with Copilot activity that day '
            "(users-1-day joined with user-teams-1-day, as GitHub defines team metrics); a user "
            "in two teams counts in both, so team sums exceed the totals.</p>"
            f'<div class="table" data-table="teams-latest"><table><thead><tr>'
            + "".join(f'<th scope="col">{escape(c)}</th>' for c in view.teams_latest.columns)
            + "</tr></thead><tbody>"
            + "".join(
                "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in r) + "</tr>"
                for r in view.teams_latest.rows
            )
            + "</tbody></table></div>"
        )
    users = ""
    if view.users is not None:
        users = "<h3>Most active users, last 28 days</h3>" + _table(
            view.users, "Most active users"
        ).replace("<details>", "<details open>")
    return (
        f'<section class="scope" data-scope="{escape(view.scope)}" '
        f'id="scope-{escape(view.scope.replace("/", "-"))}">'
        f"<h2>{escape(_scope_name(view.scope))}</h2>"
        f'<p class="period muted">{escape(view.first.isoformat())} to '
        f"{escape(view.last.isoformat())}: {view.days} days with data{gaps}.</p>"
        f'<h3>Last 28 days</h3><div class="cards">{cards}</div>'
        f'<h2>Over time</h2><div class="charts">{"".join(figures)}</div>{teams}{users}</section>'
    )


def render_page(
    views: Sequence[ScopeView],
    *,
    skipped: int = 0,
    sections: Mapping[str, str] | None = None,
) -> str:
    """The whole page for these scopes (an explanatory page when there are none); a scope
    with data of a kind with tables of its own gets that kind's ``sections`` (HTML, by scope:
    the seat list's Seats section, ``_seatpage``), a scope without none."""
    extra = dict(sections or {})
    scopes = [v.scope for v in views] + sorted(set(extra) - {v.scope for v in views})
    switcher = ""
    if len(scopes) > 1:
        options = "".join(
            f'<option value="{escape(s)}">{escape(_scope_name(s))}</option>' for s in scopes
        )
        switcher = f'<p><label>Scope <select id="scope">{options}</select></label></p>'
    parts = [_section(v).replace("</section>", extra.get(v.scope, "") + "</section>")
             for v in views]  # fmt: skip
    parts += [
        f'<section class="scope" data-scope="{escape(s)}" id="scope-{escape(s.replace("/", "-"))}">'
        f"<h2>{escape(_scope_name(s))}</h2>{extra[s]}</section>"
        for s in scopes[len(views) :]
    ]
    body = "".join(parts) or ("<p>No report in the archive holds an aggregate day yet.</p>")
    note = (
        f'<p class="muted">{skipped} report folder(s) or file(s) were skipped: a file did not '
        "match its manifest or could not be read, and its whole report was left out (the build "
        "log names them; the database's <code>coverage</code> and <code>folders</code> tables "
        "too).</p>"
        if skipped
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        "<title>Copilot usage history</title>"
        f"<style>{_CSS}</style></head><body><header><h1>Copilot usage history</h1>"
        '<p class="muted">Built by copilot-usage-report from the archived reports; '
        "metrics use GitHub's names and definitions.</p>"
        f"{switcher}{note}</header><main>{body}</main><script>{_SCRIPT}</script></body></html>\n"
    )
