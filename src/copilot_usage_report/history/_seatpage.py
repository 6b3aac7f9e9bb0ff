"""The page's Seats section of a scope: cards, seats against active users, inactive seats.

Drawn only for a scope with seat snapshots; the same CSS classes as the rest of the page,
each chart with its numbers in a table. Logins only when the builder was asked for them.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from ._seatview import ACTIVATION_DAYS, SeatView
from ._svg import legend, line_chart
from ._view import Table

__all__ = ["cell", "render_seats", "rows_html"]


def cell(value: Any) -> str:
    """A table cell's text: empty for ``None``, a float shortest, anything else escaped."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return escape(str(value))


def rows_html(table: Table) -> str:
    """A ``Table`` as an HTML table (its columns as the head); the value sections use it too."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in table.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(label: str, value: str, note: str) -> str:
    return (
        f'<div class="card" data-metric="{escape(label)}"><div class="muted">{escape(label)}</div>'
        f'<div class="v">{escape(value)}</div><div class="muted">{escape(note)}</div></div>'
    )


def _maybe(value: float | None, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def _basis(price: float | None) -> str:
    return "at list price" if price is None else f"at {price:g} USD a seat"


def render_seats(view: SeatView, *, logins: bool) -> str:
    """The Seats section of one scope, as HTML."""
    util_note = (
        f"daily active users ÷ seats on {view.utilisation_day}"
        if view.utilisation_day
        else "no day with both a report and a snapshot"
    )
    cards = "".join(
        (
            _card("Seats", f"{view.total_seats:,}", f"GitHub's total_seats on {view.newest}"),
            _card("Active seats", f"{view.active_28:,}", "activity in the 28 days before"),
            _card("Never used", f"{view.never_used:,}", "no last_activity_at"),
            _card("Utilisation", _maybe(view.utilisation, "{:.1f} %"), util_note),
            _card(
                "Days to first use",
                _maybe(view.median_days_to_first_use, "{:g}"),
                f"median of {view.first_use_seats} seat(s) assigned in the archive's span",
            ),
            _card(
                "Activation rate",
                _maybe(view.activation_rate, "{:.1f} %"),
                f"used within {ACTIVATION_DAYS} days, of {view.activation_seats} seat(s) "
                f"assigned {ACTIVATION_DAYS}+ days ago",
            ),
            _card(
                "Inactive seats",
                f"{view.inactive_seats:,}",
                f"no activity for {view.inactive_days}+ days, assigned as long ago",
            ),
            _card(
                "Reclaimable seats",
                f"{view.reclaimable:,}",
                f"{view.reclaimable_cost:,.0f} USD a month {_basis(view.seat_price)}",
            ),
        )
    )
    days = [date.fromisoformat(str(r[0])) for r in view.history.rows]
    series = [
        ("seats", [r[1] for r in view.history.rows]),
        ("active seats (28 days)", [r[2] for r in view.history.rows]),
        ("daily active users", [r[3] for r in view.history.rows]),
    ]
    title = "Seats against active users"
    chart = (
        f'<figure class="chart" data-chart="seats"><figcaption>{title}</figcaption>'
        f"{legend(series)}{line_chart(title, days, series)}"
        f'<details><summary>The numbers ({len(days)} rows)</summary><div class="table">'
        f"{rows_html(view.history)}</div></details></figure>"
    )
    what = "by login" if logins else "by team and plan"
    inactive = (
        f"<h3>Reclaimable seats by days since last activity, {what}</h3>"
        f'<p class="muted">Seats in the newest snapshot with no activity for {view.inactive_days} '
        f"days or more (or never), assigned at least {view.inactive_days} days before it, not "
        "pending cancellation.</p>"
        f'<div class="table" data-table="inactive-seats">{rows_html(view.inactive)}</div>'
        if view.inactive.rows
        else '<p class="muted">No reclaimable seat in the newest snapshot.</p>'
    )
    return (
        f'<div class="seats" data-seats="{escape(view.scope)}"><h2>Seats</h2>'
        f'<div class="cards">{cards}</div><div class="charts">{chart}</div>{inactive}</div>'
    )
