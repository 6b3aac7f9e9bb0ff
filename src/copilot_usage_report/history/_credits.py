"""The history's part of AI credits billed: the ``credits_billed`` table, its CSV, its section.

Each saved answer of ``copilot-ai-credits`` (one a day and scope) is read by
``_metrics.read_credit_day`` into ``credits_billed``, one row per usage item with GitHub's
fields (``product``, ``sku``, ``model``, ``unitType`` as ``unit``, the quantities and USD
amounts) and ``recognised`` (1 for an item of AI credits, ``_metrics.credits.recognised``;
0 for one kept but not counted). ``credit_files`` records the files applied, so a build
reads only what changed; only an archive with answers makes the two tables. The page's
section of a scope adds the recognised items up by calendar month (UTC): credits billed
(``grossQuantity``), discount and net, and their USD amounts, as a chart with the table of
its numbers, then by product and model.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from types import SimpleNamespace
from typing import Any

from .._core import CREDITS, MAX_DOCUMENT_BYTES
from .._metrics import CreditItem, read_credit_day
from ._archive import ArchiveFile
from ._csv import csv_text
from ._svg import legend, line_chart

__all__ = ["CreditsPart"]

_DDL = (
    "CREATE TABLE IF NOT EXISTS credit_files (scope TEXT NOT NULL, day TEXT NOT NULL, "
    "name TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, "
    "mtime_ns INTEGER NOT NULL, items INTEGER NOT NULL, PRIMARY KEY (scope, day, name))",
    "CREATE TABLE IF NOT EXISTS credits_billed (scope TEXT NOT NULL, day TEXT NOT NULL, "
    "item INTEGER NOT NULL, product TEXT NOT NULL, sku TEXT NOT NULL, model TEXT NOT NULL, "
    "unit TEXT NOT NULL, recognised INTEGER NOT NULL, price_per_unit REAL NOT NULL, "
    "gross_quantity REAL NOT NULL, discount_quantity REAL NOT NULL, "
    "net_quantity REAL NOT NULL, gross_amount REAL NOT NULL, discount_amount REAL NOT NULL, "
    "net_amount REAL NOT NULL, PRIMARY KEY (scope, day, item))",
)
#: The columns of ``credits_billed`` after its key, as the CSV names them.
_COLUMNS = (
    "product", "sku", "model", "unit", "recognised", "price_per_unit",
    "gross_quantity", "discount_quantity", "net_quantity",
    "gross_amount", "discount_amount", "net_amount",
)  # fmt: skip
#: The sums a month or a model shows, in this order.
_SUMS = (
    "SUM(gross_quantity), SUM(discount_quantity), SUM(net_quantity), "
    "SUM(gross_amount), SUM(discount_amount), SUM(net_amount)"
)
_HEADS = ("Credits billed (gross)", "Discount", "Net", "Gross USD", "Discount USD", "Net USD")


class CreditsPart:
    """``copilot-ai-credits`` in the history (``HistoryPart``)."""

    def known(self, db: sqlite3.Connection) -> Mapping[tuple[str, str, str, str], Any]:
        """The answers applied, by ``ArchiveFile.identity``."""
        if not _has_credits(db):
            return {}
        rows = db.execute("SELECT scope, day, name, sha256, size, mtime_ns FROM credit_files")
        return {
            (r[0], CREDITS, r[1], r[2]): SimpleNamespace(sha256=r[3], size=r[4], mtime_ns=r[5])
            for r in rows
        }

    def update(
        self, db: sqlite3.Connection, files: Sequence[ArchiveFile], options: object
    ) -> tuple[list[str], int]:
        """Each changed answer's items in place of the day's earlier ones."""
        if not any(f.report == CREDITS for f in files):
            return [], 0
        for ddl in _DDL:  # only an archive with answers makes the tables
            db.execute(ddl)
        known = self.known(db)
        skipped: list[str] = []
        read = 0
        for f in files:
            if f.report != CREDITS:
                continue
            seen = known.get(f.identity)
            if seen is not None and (seen.sha256, seen.size, seen.mtime_ns) == (
                f.sha256, f.size, f.mtime_ns,
            ):  # fmt: skip
                continue
            day = f.folder_day.isoformat()
            try:
                if f.size > MAX_DOCUMENT_BYTES:
                    raise ValueError(f"larger than {MAX_DOCUMENT_BYTES} bytes")
                answer = read_credit_day(f.folder_day, f.path.read_bytes())
            except (OSError, ValueError) as exc:
                skipped.append(f"{f.path}: not an AI-credit usage answer we can read ({exc})")
                continue
            db.execute("DELETE FROM credits_billed WHERE scope = ? AND day = ?", (f.scope, day))
            db.executemany(
                f"INSERT INTO credits_billed VALUES ({', '.join('?' * 15)})",  # noqa: S608
                [(f.scope, day, n, *_values(i)) for n, i in enumerate(answer.items)],
            )
            db.execute(
                "INSERT OR REPLACE INTO credit_files VALUES (?, ?, ?, ?, ?, ?, ?)",
                (f.scope, day, f.name, f.sha256, f.size, f.mtime_ns, len(answer.items)),
            )
            read += 1
        return skipped, read

    def sections(self, db: sqlite3.Connection, options: object) -> Mapping[str, str]:
        """The AI credits billed section of each scope with answers."""
        if not _has_credits(db):
            return {}
        scopes = [r[0] for r in db.execute("SELECT DISTINCT scope FROM credit_files ORDER BY 1")]
        return {scope: render_credits(db, scope) for scope in scopes}

    def tables(self, db: sqlite3.Connection, options: object) -> Mapping[str, str]:
        """``credits-billed.csv``: every item of every day (none without answers)."""
        if not _has_credits(db):
            return {}
        rows = db.execute(
            f"SELECT scope, day, {', '.join(_COLUMNS)} FROM credits_billed "  # noqa: S608
            "ORDER BY scope, day, item"
        ).fetchall()
        if not rows:
            return {}
        return {"credits-billed.csv": csv_text(("scope", "day", *_COLUMNS), rows)}


def _has_credits(db: sqlite3.Connection) -> bool:
    """Whether the database holds the credits tables (only archives with answers make them)."""
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='credit_files'")
    return row.fetchone() is not None


def _values(i: CreditItem) -> tuple[object, ...]:
    """An item's columns of ``credits_billed`` after its key (``_COLUMNS``' order)."""
    return (
        i.product, i.sku, i.model, i.unit, int(i.recognised), i.price_per_unit,
        i.gross_quantity, i.discount_quantity, i.net_quantity,
        i.gross_amount, i.discount_amount, i.net_amount,
    )  # fmt: skip


def _n(value: float) -> str:
    return f"{value:,.2f}"


def _table(heads: Sequence[str], rows: Sequence[tuple[str, Sequence[float]]], name: str) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in heads)
    body = "".join(
        f"<tr><td>{escape(label)}</td>" + "".join(f"<td>{_n(v)}</td>" for v in values) + "</tr>"
        for label, values in rows
    )
    return (
        f'<div class="table" data-table="credits-{name}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _months(db: sqlite3.Connection, scope: str) -> list[tuple[str, int, tuple[float, ...]]]:
    """Each calendar month held: its days held (answers, empty ones too) and its sums."""
    held = db.execute(
        "SELECT substr(day, 1, 7), COUNT(*) FROM credit_files WHERE scope = ? GROUP BY 1 "
        "ORDER BY 1",
        (scope,),
    ).fetchall()
    sums = {
        r[0]: tuple(r[1:])
        for r in db.execute(
            f"SELECT substr(day, 1, 7), {_SUMS} FROM credits_billed "  # noqa: S608
            "WHERE scope = ? AND recognised = 1 GROUP BY 1",
            (scope,),
        )
    }
    return [(month, days, sums.get(month, (0.0,) * 6)) for month, days in held]


def _whole(month: str, days: int) -> bool:
    """Every day of the calendar month is held."""
    year, number = (int(p) for p in month.split("-"))
    return days >= calendar.monthrange(year, number)[1]


def render_credits(db: sqlite3.Connection, scope: str) -> str:
    """The page's AI credits billed section of ``scope``, as HTML."""
    months = _months(db, scope)
    days = sum(m[1] for m in months)
    models = db.execute(
        f"SELECT product, model, {_SUMS} FROM credits_billed "  # noqa: S608
        "WHERE scope = ? AND recognised = 1 "
        "GROUP BY product, model ORDER BY SUM(gross_quantity) DESC, product, model",
        (scope,),
    ).fetchall()
    strange = db.execute(
        "SELECT COUNT(*) FROM credits_billed WHERE scope = ? AND recognised = 0", (scope,)
    ).fetchone()[0]
    firsts = [date.fromisoformat(f"{m[0]}-01") for m in months]
    partial = [not _whole(month, held) for month, held, _ in months]
    series = [
        ("credits billed (gross)", [m[2][0] for m in months]),
        ("discount", [m[2][1] for m in months]),
        ("net", [m[2][2] for m in months]),
    ]
    title = "AI credits billed by month"
    hollow = (
        '<p class="note muted">Hollow points and dashed lines: a month not wholly held (the '
        "table counts its days), not a drop.</p>"
        if any(partial)
        else ""
    )
    labels = [f"{month} ({held})" for month, held, _ in months]
    chart = (
        f'<figure class="chart" data-chart="credits-billed"><figcaption>{title}</figcaption>'
        f"{legend(series)}{line_chart(title, firsts, series, partial=partial)}{hollow}"
        f"<details open><summary>The numbers ({len(months)} months)</summary>"
        + _table(
            ("Month (days held)", "Credits billed (gross)", "Discount", "Net"),
            [(label, m[2][:3]) for label, m in zip(labels, months, strict=True)],
            "months",
        )
        + "</details></figure>"
    )
    usd = "<h3>By month, in USD</h3>" + _table(
        ("Month (days held)", "Gross USD", "Discount USD", "Net USD"),
        [(label, m[2][3:]) for label, m in zip(labels, months, strict=True)],
        "usd",
    )
    by_model = (
        "<h3>By product and model, every day held</h3>"
        + _table(
            ("Product / model", *_HEADS), [(f"{m[0]} / {m[1]}", m[2:]) for m in models], "models"
        )
        if models
        else ""
    )
    note = (
        f'<p class="muted" data-note="unrecognised">{strange} usage item(s) not recognised as '
        "AI credits (another SKU or unit) are kept in credits_billed with recognised = 0 and "
        "not added up here.</p>"
        if strange
        else ""
    )
    return (
        f'<div class="credits" data-credits="{escape(scope)}"><h2>AI credits billed</h2>'
        f'<p class="muted">GitHub\'s AI-credit billing usage, {days} day(s): credits billed '
        "(grossQuantity), the discount (the included pool and other discounts; it may exceed "
        "the gross) and net, in credits and USD, by calendar month (UTC).</p>"
        f'<div class="charts">{chart}</div>{usd}{by_model}{note}</div>'
    )
