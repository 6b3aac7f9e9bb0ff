"""The sums one scope's day keeps: activity, its four breakdowns, CLI and app usage, one aggregate.

Records are read as the dicts JSON gives; a used field of the wrong type raises ``Bad``, which the
tally turns into an error naming file, line and field.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Mapping, Sequence
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, Final

import msgspec

from .activity import ACTIVITY_FIELDS, DIMENSIONS, UNKNOWN, Activity, Dimension

__all__ = [
    "Aggregate",
    "Bad",
    "Sums",
    "add_usage",
    "column",
    "count",
    "exact_sum",
    "key",
    "sum_ints",
    "usage",
    "usage_out",
]

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


def key(value: object) -> str:
    if value is None or value == "":
        return UNKNOWN
    if type(value) is str:
        return value
    raise Bad


_NONE = type(None)
_INTS: Final = frozenset({int, _NONE})
_LISTS: Final = frozenset({list, tuple, _NONE})
_DICTS: Final = frozenset({dict})
_KEYS: Final = frozenset({str, _NONE})


_ALL_COUNTS: Final = attrgetter(*ACTIVITY_FIELDS)
_GETTERS: Final = tuple(map(attrgetter, ACTIVITY_FIELDS))


def counts_columns(items: Sequence[Any]) -> list[Sequence[Any]]:
    """The seven count columns of ``items``: by name for dicts, in one pass for structs."""
    if type(items[0]) is dict:
        return [column(items, name) for name in ACTIVITY_FIELDS]
    return list(zip(*map(_ALL_COUNTS, items), strict=True))


def column(items: Sequence[Any], name: str) -> list[Any]:
    """The value of ``name`` in each item (``None`` where missing), in one C-level pass.

    Items are dicts (as JSON gives them) or the fast path's structs (read by attribute).
    """
    if type(items[0]) is dict:
        return list(map(dict.get, items, repeat(name)))
    return list(map(attrgetter(name), items))


def sum_ints(values: Sequence[Any], *, typed: bool = False) -> int:
    """The sum of counts that are integers or null; ``Bad`` for any other type (bools too).

    ``typed`` values come from the fast path's structs, whose decoder checked them already.
    """
    if not typed and not _INTS.issuperset(map(type, values)):
        raise Bad
    try:
        return sum(values)
    except TypeError:  # a null among them
        return sum(filter(None, values))


def exact_sum(parts: Sequence[float], values: Sequence[float]) -> list[float]:
    """``parts`` and ``values`` added up exactly, as a few floats whose exact sum it is.

    ``math.fsum`` of the result is the correctly rounded total, whatever the order and
    grouping the values were added in: a file read in blocks and the same file tallied while
    it downloads, or several files' tallies merged, give the same last digit. Infinities and
    NaN have no exact sum to keep: they are added as floats (order does not change them).
    """
    terms = [*parts, *values]
    if not all(map(math.isfinite, terms)):
        return [sum(terms)]
    out: list[float] = []
    try:
        # each fsum is the correctly rounded rest of the exact sum; the rest shrinks by 2**-53
        # or more each time, so a few rounds leave nothing
        while (rest := math.fsum(terms)) != 0.0:
            out.append(rest)
            terms.append(-rest)
    except OverflowError:
        return [sum(terms)]
    return out


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
        return [sum(filter(None, values)) for values in self.add_many([record])]

    def add_many(self, records: Sequence[Any]) -> list[Sequence[Any]]:
        """Add records in bulk; returns their seven count columns (a record's count per field).

        The loops run in C over columns of values (``dict.get`` mapped over the records), so
        a per-user file of many thousand rows costs a few passes, not Python code per value;
        every value's type is checked the same way, in bulk. An IDE or feature listed in a
        record counts one user for that key.
        """
        columns = counts_columns(records)
        #: Structs from the fast path are typed by their decoder; dicts are checked here.
        typed = type(records[0]) is not dict
        for i, values in enumerate(columns):
            self.total[i] += sum_ints(values, typed=typed)
        for dimension, table, field, fallback in _TABLES:
            tables = column(records, table)
            if fallback is not None and None in tables:
                alternative = column(records, fallback)
                tables = [
                    t if t is not None else a for t, a in zip(tables, alternative, strict=True)
                ]
            if not typed and not _LISTS.issuperset(map(type, tables)):
                raise Bad
            elements = list(chain.from_iterable(filter(None, tables)))
            if not elements:
                continue
            if not typed and not _DICTS.issuperset(map(type, elements)):
                raise Bad
            keys = column(elements, field)
            if not typed and not _KEYS.issuperset(map(type, keys)):
                raise Bad
            groups: defaultdict[str | None, list[Any]] = defaultdict(list)
            deque(map(list.append, map(groups.__getitem__, keys), elements), maxlen=0)
            into = self.by[dimension]
            users = self.users.get(dimension) if self.count_users else None
            for name, members in groups.items():
                shown = name or UNKNOWN
                sums = into.get(shown)
                if sums is None:
                    sums = into[shown] = [0] * len(ACTIVITY_FIELDS)
                if typed:
                    for i, get in enumerate(_GETTERS):
                        try:
                            sums[i] += sum(map(get, members))
                        except TypeError:  # a null among them
                            sums[i] += sum(filter(None, map(get, members)))
                else:
                    for i, values in enumerate(counts_columns(members)):
                        sums[i] += sum_ints(values)
                if users is not None:
                    users[shown] += len(members)
        return columns

    def merge(self, other: Sums) -> None:
        """Add ``other``'s sums as if its records came after this one's (``other`` unchanged)."""
        for i, value in enumerate(other.total):
            self.total[i] += value
        for dimension in DIMENSIONS:
            into = self.by[dimension]
            for name, sums in other.by[dimension].items():
                mine = into.get(name)
                if mine is None:
                    into[name] = list(sums)
                else:
                    for i, value in enumerate(sums):
                        mine[i] += value
        for dimension, users in other.users.items():
            self.users[dimension].update(users)

    def frozen(self) -> tuple[Activity, dict[Dimension, dict[str, Activity]]]:
        return Activity(*self.total), {
            d: {k: Activity(*v) for k, v in self.by[d].items()} for d in DIMENSIONS
        }


def usage(value: object) -> dict[str, int] | None:
    """``totals_by_cli`` or ``totals_by_copilot_app`` reduced to its summable counts."""
    if value is None:
        return None
    if isinstance(value, msgspec.Struct):  # the fast path's, typed already
        value = msgspec.to_builtins(value)
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


_FIRST: Final = (
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "monthly_active_chat_users",
    "monthly_active_agent_users",
)


def _count_order(item: tuple[str, object]) -> tuple[int, int, str]:
    name = item[0]
    if name in _FIRST:
        return (0, _FIRST.index(name), "")
    period = next(i for i, p in enumerate(_USER_COUNT_PREFIXES) if name.startswith(p))
    return (1, period, name)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


class Aggregate:
    """One aggregate record reduced to what the insight shows."""

    __slots__ = (
        "cli",
        "copilot_app",
        "counts",
        "phases",
        "phases_as_sent",
        "pull_requests",
        "sums",
    )

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.sums = Sums()
        self.sums.add(record)
        counts: dict[str, int | None] = {}
        for name, value in record.items():
            # a count GitHub adds later is passed on; a field of another type is not a count
            if (
                name.startswith(_USER_COUNT_PREFIXES)
                and name.endswith("_users")
                and (value is None or type(value) is int or name in _KNOWN_COUNTS)
            ):
                counts[name] = None if value is None else count(value)
        #: GitHub's dashboard counts first, then the others by period and name.
        self.counts = dict(sorted(counts.items(), key=_count_order))
        self.cli = usage(record.get("totals_by_cli"))
        self.copilot_app = usage(record.get("totals_by_copilot_app"))
        pulls = record.get("pull_requests")
        if pulls is not None and type(pulls) is not dict:
            raise Bad
        self.pull_requests = pulls
        phases = record.get("totals_by_ai_adoption_phase") or []
        if type(phases) is not list or not all(type(p) is dict for p in phases):
            raise Bad
        #: The list as sent, for the impact by phase (``impact``: its averages per user).
        self.phases_as_sent = phases
        self.phases = [
            {
                "phase": _text(p.get("phase")),
                "phase_number": p.get("phase_number")
                if type(p.get("phase_number")) is int
                else None,
                "total_engaged_users": count(p.get("total_engaged_users")),
            }
            for p in phases
        ]
