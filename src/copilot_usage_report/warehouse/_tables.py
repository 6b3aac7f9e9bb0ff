"""The dataset's tables: which report feeds which, and which records belong in each.

One table per grain, named for it. A record goes to its report's table only
when ``_metrics``' one classifier (``grain_of``) says it is of that table's grain;
any other record leaves its whole folder out, with one warning: nothing is
silently dropped or counted twice. Every table is partitioned by ``scope`` and
``day`` (the report's day, the folder's); the record's own ``day`` is that day
in the one-day tables (checked, then left to the partition), and ``record_day``
in the 28-day tables, whose rows span the 28 days before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .._core import CREDITS, SEATS
from .._metrics import grain_of

__all__ = ["TABLES", "Table", "table_for", "tables_of", "unwrapped"]


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its name, the reports that feed it, and what each of its records is."""

    name: str
    reports: tuple[str, ...]
    #: ``grain_of``'s answer for its records (``None``: seat rows, told by a key).
    kind: str | None
    #: A key every record of the table has, when ``kind`` is ``None``.
    key: str | None
    #: Whether the record's ``day`` is the report's day (one-day reports).
    one_day: bool
    about: str


TABLES: tuple[Table, ...] = (
    Table(
        "days",
        ("organization-1-day", "enterprise-1-day"),
        "aggregate",
        None,
        True,
        "one row per organization or enterprise and day",
    ),
    Table("users", ("users-1-day",), "users", None, True, "one row per user and day"),
    Table(
        "user_teams",
        ("user-teams-1-day",),
        "user-teams",
        None,
        True,
        "one row per user, team and day",
    ),
    Table("repos", ("repos-1-day",), "repos", None, True, "one row per repository and day"),
    Table("seats", (SEATS,), None, "assignee", False, "one row per seat, a snapshot a day"),
    Table(
        "seat_billing",
        (SEATS,),
        None,
        "seat_breakdown",
        False,
        "the seat breakdown and settings, a snapshot a day",
    ),
    Table(
        "ai_credits",
        (CREDITS,),
        None,
        "grossQuantity",
        False,
        "one row per AI-credit usage item billed, a day's answer (its period and account kept)",
    ),
    Table(
        "days_28",
        ("organization-28-day", "enterprise-28-day"),
        "aggregate",
        None,
        False,
        "the 28 days of a 28-day report, one row per day",
    ),
    Table(
        "users_28",
        ("users-28-day",),
        "users",
        None,
        False,
        "the 28 days of a 28-day per-user report, one row per user and day",
    ),
)


def tables_of(report: str) -> tuple[Table, ...]:
    """The tables a report feeds (none for a report the dataset has no table for)."""
    return tuple(t for t in TABLES if report in t.reports)


def table_for(tables: tuple[Table, ...], record: dict[str, Any]) -> Table | None:
    """Which of a report's tables a record belongs in, by ``_metrics``' classifier."""
    kind = grain_of(record)
    for table in tables:
        if table.kind is not None:
            if kind == table.kind:
                return table
        elif kind is None and table.key in record:
            return table
    return None


def unwrapped(value: object, outer: dict[str, Any] | None = None) -> Iterator[object]:
    """The records in one JSON value; a ``day_totals`` wrapper's other fields are kept on
    each of its records (``report_start_day``, ``report_end_day``…), never dropped, as are a
    billing answer's around its ``usageItems`` (``timePeriod``, the account)."""
    if isinstance(value, list):
        for item in value:
            yield from unwrapped(item, outer)
    elif isinstance(value, dict) and isinstance(value.get("day_totals"), list):
        fields = {k: v for k, v in value.items() if k != "day_totals"}
        if outer:
            fields = {**outer, **fields}
        for item in value["day_totals"]:
            yield from unwrapped(item, fields)
    elif isinstance(value, dict) and isinstance(value.get("usageItems"), list):
        # a billing answer (``copilot-ai-credits``): one row per item, the answer's period and
        # account kept on each
        fields = {k: v for k, v in value.items() if k != "usageItems"}
        for item in value["usageItems"]:
            yield from unwrapped(item, fields)
    elif outer and isinstance(value, dict):
        yield {**outer, **value}
    else:
        yield value
