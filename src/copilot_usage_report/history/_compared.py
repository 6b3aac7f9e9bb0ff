"""The history's AI credits used beside AI credits billed: ``credits_compared``, its CSV and a
small table on the page.

Written anew on each build (after the AI credits billed and the usercost parts) from
``credit_days`` (``ai_credits_used`` of the day's per-user rows) and the billing answers
(``credit_files``: the days archived; ``credits_billed``: the ``grossQuantity`` of the items
recognised as AI credits), by ``_metrics.compare_credits``: per scope and calendar month, only
the days with both (a day with one of them only is left out). One row a scope and month:
``days``, ``first_day``, ``last_day``, ``credits_used``, ``credits_billed``, ``difference``
(billed minus used) and ``difference_share`` (the difference / billed). The usage reports'
credits are a usage signal, the billed ones the bill: a difference is expected.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from .._metrics import compare_credits
from ._archive import ArchiveFile
from ._csv import csv_text

__all__ = ["ComparedPart"]

_DDL = (
    "CREATE TABLE IF NOT EXISTS credits_compared (scope TEXT NOT NULL, month TEXT NOT NULL, "
    "days INTEGER NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL, "
    "credits_used REAL NOT NULL, credits_billed REAL NOT NULL, difference REAL NOT NULL, "
    "difference_share REAL, PRIMARY KEY (scope, month))"
)
_HEAD = ("Month", "Days with both", "Credits used", "Credits billed (gross)", "Difference", "Share")


def _has(db: sqlite3.Connection, *tables: str) -> bool:
    return all(
        db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone() for t in tables
    )


def _write(db: sqlite3.Connection) -> None:
    if not _has(db, "credit_days", "credit_files", "credits_billed"):
        if _has(db, "credits_compared"):
            db.execute("DELETE FROM credits_compared")
        return
    db.execute(_DDL)
    db.execute("DELETE FROM credits_compared")
    used: dict[tuple[str, str], dict[date, float | None]] = {}
    for scope, day, value in db.execute("SELECT scope, day, ai_credits_used FROM credit_days"):
        used.setdefault((scope, day[:7]), {})[date.fromisoformat(day)] = value
    billed: dict[tuple[str, str], dict[date, float]] = {}
    for scope, day, gross in db.execute(
        "SELECT f.scope, f.day, COALESCE((SELECT SUM(b.gross_quantity) FROM credits_billed b "
        "WHERE b.scope = f.scope AND b.day = f.day AND b.recognised = 1), 0) "
        "FROM (SELECT DISTINCT scope, day FROM credit_files) f"
    ):
        billed.setdefault((scope, day[:7]), {})[date.fromisoformat(day)] = gross
    for key in sorted(used.keys() & billed.keys()):
        got = compare_credits(used[key], billed[key])
        if got is not None:
            db.execute(
                "INSERT INTO credits_compared VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*key, got.days, got.first.isoformat(), got.last.isoformat(), got.credits_used,
                 got.credits_billed, got.difference, got.difference_share),
            )  # fmt: skip


def _rows(db: sqlite3.Connection) -> list[tuple[Any, ...]]:
    if not _has(db, "credits_compared"):
        return []
    return db.execute("SELECT * FROM credits_compared ORDER BY scope, month").fetchall()


def _n(value: float) -> str:
    return f"{value:,.2f}"


def _section(rows: Sequence[tuple[Any, ...]], scope: str) -> str:
    body = "".join(
        f"<tr><td>{escape(r[1])}</td><td>{r[2]}</td><td>{_n(r[5])}</td><td>{_n(r[6])}</td>"
        f"<td>{_n(r[7])}</td><td>{'n/a' if r[8] is None else f'{r[8]:.1%}'}</td></tr>"
        for r in rows
    )
    cols = "".join(f'<th scope="col">{escape(c)}</th>' for c in _HEAD)
    return (
        f'<div class="compared" data-credits-compared="{escape(scope)}">'
        "<h3>AI credits used beside AI credits billed</h3>"
        '<p class="muted">Only the days with both the usage reports\' credits and a billing '
        "answer. The usage reports' ai_credits_used is a usage signal and the billed credits "
        "(grossQuantity) the bill, so a difference is expected (when a use is billed, rounding, "
        "users outside the report). Difference: billed minus used; share: of billed.</p>"
        f'<div class="table" data-table="credits-compared"><table><thead><tr>{cols}</tr>'
        f"</thead><tbody>{body}</tbody></table></div></div>"
    )


class ComparedPart:
    """Credits used beside credits billed in the history (``HistoryPart``): no kind of its own."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        return {}

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: object
    ) -> tuple[list[str], int]:
        _write(db)
        return [], 0

    def sections(self, db: sqlite3.Connection, options: object) -> Mapping[str, str]:
        scopes: dict[str, list[tuple[Any, ...]]] = {}
        for row in _rows(db):
            scopes.setdefault(row[0], []).append(row)
        return {scope: _section(rows, scope) for scope, rows in scopes.items()}

    def tables(self, db: sqlite3.Connection, options: object) -> Mapping[str, str]:
        rows = _rows(db)
        if not rows:
            return {}
        header = ["scope", "month", "days", "first_day", "last_day", "credits_used",
                  "credits_billed", "difference", "difference_share"]  # fmt: skip
        return {"credits_compared.csv": csv_text(header, rows)}
