"""The sums one scope's day keeps: activity, its four breakdowns, CLI and app usage, one aggregate.

Records are read as the dicts JSON gives; a used field of the wrong type raises ``Bad``, which the
tally turns into an error naming file, line and field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ._model import ACTIVITY_FIELDS, DIMENSIONS, UNKNOWN, Activity, Dimension

__all__ = ["Aggregate", "Bad", "Sums", "add_usage", "count", "key", "usage", "usage_out"]

_Sums = list[int]
#: Each breakdown: the record's table, the key of its elements, and the fallback table.
_TABLES: Final[tuple[tuple[Dimension, str, str, str | None], ...]] = (
    ("ide", "totals_by_ide", "ide", None),
    ("feature", "totals_by_feature", "feature", None),
    ("language", "totals_by_language_feature", "language", "totals_by_language_model"),
    ("model", "totals_by_model_feature", "model", "totals_by_language_model"),
)
#: Top-level fields of an aggregate day passed on as GitHub's user counts.
_USER_COUNT_PREFIXES: Final = ("daily_", "weekly_", "monthly_")
#: User counts whose type is checked (the rest GitHub may add are passed on when integers).
_KNOWN_COUNTS: Final = frozenset(
    {"daily_active_users", "weekly_active_users", "monthly_active_users"}
)
_TOKENS: Final = ("output_tokens_sum", "prompt_tokens_sum")
_SESSION_COUNTS: Final = ("session_count", "request_count", "prompt_count")


class Bad(Exception):
    """A used field has the wrong type (the reader turns it into a ``RecordError``)."""


def count(value: object) -> int:
    if value is None:
        return 0
    if type(value) is int:
        return value
    raise Bad


def _counts(item: Mapping[str, Any]) -> list[int]:
    return [count(item.get(name)) for name in ACTIVITY_FIELDS]


def key(value: object) -> str:
    if value is None or value == "":
        return UNKNOWN
    if type(value) is str:
        return value
    raise Bad


def _elements(record: Mapping[str, Any], table: str, fallback: str | None) -> list[Any]:
    items = record.get(table)
    if items is None and fallback is not None:
        items = record.get(fallback)
    if items is None:
        return []
    if type(items) is not list or not all(type(i) is dict for i in items):
        raise Bad
    return items


def _add(into: _Sums, values: Iterable[int]) -> None:
    for i, value in enumerate(values):
        into[i] += value


class Sums:
    """Activity and its four breakdowns; with ``count_users``, users per IDE and feature."""

    __slots__ = ("by", "count_users", "total", "users")

    def __init__(self, *, count_users: bool = False) -> None:
        self.total = [0] * len(ACTIVITY_FIELDS)
        self.by: dict[Dimension, dict[str, _Sums]] = {d: {} for d in DIMENSIONS}
        self.count_users = count_users
        self.users: dict[Dimension, Counter[str]] = {"ide": Counter(), "feature": Counter()}

    def add(self, record: Mapping[str, Any]) -> list[int]:
        """Add one record; returns its seven counts."""
        counts = _counts(record)
        _add(self.total, counts)
        for dimension, table, field, fallback in _TABLES:
            seen = set()
            into = self.by[dimension]
            for item in _elements(record, table, fallback):
                name = key(item.get(field))
                sums = into.get(name)
                if sums is None:
                    sums = into[name] = [0] * len(ACTIVITY_FIELDS)
                _add(sums, _counts(item))
                seen.add(name)
            if self.count_users and dimension in self.users:
                self.users[dimension].update(seen)
        return counts

    def frozen(self) -> tuple[Activity, dict[Dimension, dict[str, Activity]]]:
        return Activity(*self.total), {
            d: {k: Activity(*v) for k, v in self.by[d].items()} for d in DIMENSIONS
        }


def usage(value: object) -> dict[str, int] | None:
    """``totals_by_cli`` or ``totals_by_copilot_app`` reduced to its summable counts."""
    if value is None:
        return None
    if type(value) is not dict:
        raise Bad
    tokens = value.get("token_usage") or {}
    if type(tokens) is not dict:
        raise Bad
    out = {name: count(value.get(name)) for name in _SESSION_COUNTS}
    out.update({name: count(tokens.get(name)) for name in _TOKENS})
    return out


def add_usage(into: dict[str, int] | None, value: dict[str, int] | None) -> dict[str, int] | None:
    if value is None:
        return into
    if into is None:
        return dict(value)
    for name, n in value.items():
        into[name] += n
    return into


def usage_out(sums: dict[str, int] | None) -> dict[str, Any] | None:
    """GitHub's shape again, with ``avg_tokens_per_request`` recomputed from the sums."""
    if sums is None:
        return None
    requests = sums["request_count"]
    tokens = {name: sums[name] for name in _TOKENS}
    average = round(sum(tokens.values()) / requests, 2) if requests else None
    return {
        **{name: sums[name] for name in _SESSION_COUNTS},
        "token_usage": {**tokens, "avg_tokens_per_request": average},
    }


class Aggregate:
    """One aggregate record reduced to what the insight shows."""

    __slots__ = ("cli", "copilot_app", "counts", "phases", "pull_requests", "sums")

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.sums = Sums()
        self.sums.add(record)
        self.counts: dict[str, int | None] = {}
        for name, value in record.items():
            # a count GitHub adds later is passed on; a field of another type is not a count
            if (
                name.startswith(_USER_COUNT_PREFIXES)
                and name.endswith("_users")
                and (value is None or type(value) is int or name in _KNOWN_COUNTS)
            ):
                self.counts[name] = None if value is None else count(value)
        self.cli = usage(record.get("totals_by_cli"))
        self.copilot_app = usage(record.get("totals_by_copilot_app"))
        pulls = record.get("pull_requests")
        if pulls is not None and type(pulls) is not dict:
            raise Bad
        self.pull_requests = pulls
        phases = record.get("totals_by_ai_adoption_phase") or []
        if type(phases) is not list or not all(type(p) is dict for p in phases):
            raise Bad
        self.phases = [
            {
                "phase": p.get("phase"),
                "phase_number": p.get("phase_number"),
                "total_engaged_users": count(p.get("total_engaged_users")),
            }
            for p in phases
        ]
