"""Adding up: records, one at a time, into running sums by scope and day.

``Tally`` holds the sums; ``Tally.file(path)`` gives a ``FileTally`` that is fed
one file's records as they come: ``add_line(bytes)`` for an NDJSON line,
``add(value)`` for a parsed JSON value (a record, an array, a ``day_totals``
wrapper), then ``finish()``. ``Tally.add_file`` does all three from disk, and
``insight()`` freezes the result. A record is read as the dict JSON gives it;
a used field of the wrong type is a ``ReportFormatError`` naming file, line and
field.

Memory grows with scopes, days and breakdown keys, and, for the team join, by
one tuple of seven counts per active user and day; never with a login.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from itertools import compress
from pathlib import Path
from typing import Any, Final

import msgspec

from ._errors import ReportFormatError
from ._fast import FastPhase, FastUser, decode_user, decode_users
from ._model import (
    DayInsight,
    Insight,
)
from ._records import (
    Kind,
    RecordError,
    kind_of,
    parse_line,
    read_records,
    record_error,
    unwrap,
)
from ._sums import Aggregate, Bad, Sums, add_usage, column, key, usage, usage_out
from ._teams import Teams

__all__ = ["FileTally", "OnRecord", "Tally", "day_insight"]

_Sums = list[int]
#: Called with each recognised record (its kind, and the dict), once it is added.
OnRecord = Callable[[Kind, dict[str, Any]], None]
_Scope = tuple[str, str]  # ("organization" | "enterprise" | "", id)
#: The per-user ``used_*`` flags GitHub documents, each counted as ``users_<flag>``.
_FLAGS: Final = (
    "used_chat",
    "used_agent",
    "used_cli",
    "used_copilot_coding_agent",
    "used_copilot_cloud_agent",
    "used_copilot_code_review_active",
    "used_copilot_code_review_passive",
)
_BOOLS: Final = frozenset({bool, type(None)})
_NUMBERS: Final = frozenset({int, float})
#: ``used_*`` flags that are not activity (being assigned a review is not using Copilot).
_PASSIVE: Final = frozenset({"used_copilot_code_review_passive"})


def _scope_of(org: object, ent: object) -> tuple[_Scope, str | None]:
    enterprise = None if ent is None else str(ent)
    if org is not None:
        return ("organization", str(org)), enterprise
    if ent is not None:
        return ("enterprise", str(ent)), enterprise
    return ("", ""), None


def _day_of(value: object) -> date:
    if type(value) is not str:
        raise Bad
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Bad from None


class _Day:
    """The running sums of one scope's day, per record kind."""

    __slots__ = (
        "aggregate",
        "aggregates",
        "cli",
        "copilot_app",
        "credits",
        "enterprise_id",
        "phases",
        "teams",
        "used",
        "user_counts",
        "user_rows",
        "users",
    )

    def __init__(self, enterprise_id: str | None) -> None:
        self.enterprise_id = enterprise_id
        self.aggregate: Aggregate | None = None
        self.aggregates = 0
        self.users = Sums(count_users=True)
        self.user_rows = 0
        self.user_counts: Counter[str] = Counter()
        self.used: Counter[str] = Counter()
        self.cli: dict[str, int] | None = None
        self.copilot_app: dict[str, int] | None = None
        self.credits: float | None = None
        self.phases: Counter[tuple[Any, Any]] = Counter()
        self.teams = Teams()

    def add_users(self, records: Sequence[Any]) -> None:
        """Add per-user rows (dicts, or the fast path's structs) of this scope's day, in bulk."""
        columns = self.users.add_many(records)
        self.user_rows += len(records)
        flags: dict[str, list[Any]] = {}
        typed = type(records[0]) is not dict
        for flag in _FLAGS:
            values = column(records, flag)
            if not typed and not _BOOLS.issuperset(map(type, values)):
                raise Bad
            if True in values:
                flags[flag] = values
                self.used[flag] += values.count(True)
        none = [None] * len(records)
        ide = list(
            map(
                any,
                zip(
                    *columns,
                    flags.get("used_chat", none),
                    flags.get("used_agent", none),
                    strict=True,
                ),
            )
        )
        self.user_counts["daily_active_users"] += sum(ide)
        other = [values for flag, values in flags.items() if flag not in _PASSIVE]
        active = list(map(any, zip(ide, *other, strict=True))) if other else ide
        rows = zip(column(records, "user_id"), zip(*columns, strict=True), strict=True)
        self.teams.activity.update(compress(rows, active))
        self.teams.activity.pop(None, None)  # type: ignore[call-overload]
        for value in filter(None, column(records, "totals_by_cli")):
            self.cli = add_usage(self.cli, usage(value))
        for value in filter(None, column(records, "totals_by_copilot_app")):
            self.copilot_app = add_usage(self.copilot_app, usage(value))
        credits = [c for c in column(records, "ai_credits_used") if c is not None]
        if credits:
            if not _NUMBERS.issuperset(map(type, credits)):
                raise Bad
            self.credits = (self.credits or 0) + sum(credits)
        for phase in filter(None, column(records, "ai_adoption_phase")):
            if type(phase) is dict:
                self.phases[(phase.get("phase_number"), phase.get("phase"))] += 1
            elif isinstance(phase, FastPhase):
                self.phases[(phase.phase_number, phase.phase)] += 1

    def insight(self, day: date, scope: _Scope) -> DayInsight:
        has_users = self.user_rows > 0
        counts: dict[str, int | None]
        if self.aggregate is not None:
            source = self.aggregate.sums
            counts = dict(self.aggregate.counts)
            cli, app = self.aggregate.cli, self.aggregate.copilot_app
            phases = self.aggregate.phases
        else:
            source = self.users
            counts = {"daily_active_users": self.user_counts["daily_active_users"]}
            if has_users:
                counts["daily_active_cli_users"] = self.used["used_cli"]
            cli, app = self.cli, self.copilot_app
            phases = [
                {"phase": label, "phase_number": number, "total_engaged_users": n}
                for (number, label), n in sorted(self.phases.items(), key=lambda i: str(i[0]))
            ]
        activity, breakdowns = source.frozen()
        return DayInsight(
            day=day,
            organization_id=scope[1] if scope[0] == "organization" else None,
            enterprise_id=self.enterprise_id,
            user_counts=counts if (self.aggregate is not None or has_users) else {},
            activity=activity,
            breakdowns=breakdowns,
            active_users={d: dict(c) for d, c in self.users.users.items()} if has_users else {},
            users_used=dict(self.used),
            totals_by_cli=usage_out(cli),
            totals_by_copilot_app=usage_out(app),
            pull_requests=self.aggregate.pull_requests if self.aggregate else None,
            ai_credits_used=None if self.credits is None else round(self.credits, 6),
            ai_adoption_phases=phases,
            teams=self.teams.rows(),
            aggregate_records=self.aggregates,
            user_records=self.user_rows,
            team_records=self.teams.records,
        )


class Tally:
    """Running sums, by scope and day, of every record added; ``insight()`` freezes them."""

    def __init__(self) -> None:
        self._days: dict[tuple[_Scope, date], _Day] = {}
        self._files: list[Path] = []
        self._skipped: list[Path] = []
        self._notes: list[str] = []

    def _day(self, record: Mapping[str, Any]) -> _Day:
        return self._day_at(
            record.get("day"), record.get("organization_id"), record.get("enterprise_id")
        )

    def _day_at(self, day: object, org: object, ent: object) -> _Day:
        scope, enterprise = _scope_of(org, ent)
        key = (scope, _day_of(day))
        entry = self._days.get(key)
        if entry is None:
            entry = self._days[key] = _Day(enterprise)
        elif entry.enterprise_id is None:
            entry.enterprise_id = enterprise
        return entry

    def add(self, kind: Kind, record: dict[str, Any], *, source: str = "") -> None:
        """Add one record of a known kind (``kind_of``); ``RecordError`` for a wrong type."""
        try:
            entry = self._day(record)
            if kind == "user":
                entry.add_users([record])
            elif kind == "team":
                team = record.get("slug")
                entry.teams.add_member(
                    record.get("user_id"),
                    None if team is None else key(team),
                    record.get("team_id"),
                )
            else:
                aggregate = Aggregate(record)
                if entry.aggregate is not None:
                    where = f"{source}: " if source else ""
                    self._notes.append(
                        f"{where}a second aggregate record for {record.get('day')} of the same "
                        "organization or enterprise replaces the earlier one (the later wins)."
                    )
                entry.aggregate = aggregate
                entry.aggregates = 1
        except Bad:
            raise RecordError(record, kind) from None

    def add_users(self, records: Sequence[Any]) -> None:
        """Add per-user rows in bulk; ``Bad`` (not located) when any has a wrong type.

        Rows are grouped by scope and day first (a 28-day file holds many days).
        """
        names = ("day", "organization_id", "enterprise_id")
        keys = list(zip(*(column(records, n) for n in names), strict=True))
        try:
            if keys.count(keys[0]) == len(keys):
                groups: dict[Any, Sequence[Any]] = {keys[0]: records}
            else:
                groups = {}
                for k, record in zip(keys, records, strict=True):
                    groups.setdefault(k, []).append(record)  # type: ignore[attr-defined]
        except TypeError:  # an unhashable id
            raise Bad from None
        for (day, org, ent), group in groups.items():
            self._day_at(day, org, ent).add_users(group)

    def file(self, path: Path | str, *also: Tally, on_record: OnRecord | None = None) -> FileTally:
        """An accumulator for one file's records, added into this tally (and ``also``) as they come.

        ``on_record`` is handed each recognised record after it is added.
        """
        return FileTally((self, *also), Path(path), on_record)

    def add_file(self, path: Path, *also: Tally, on_record: OnRecord | None = None) -> int:
        """Count every record of a file on disk; returns how many were recognised."""
        tally = self.file(path, *also, on_record=on_record)
        for where, value in read_records(path, blocks=True):
            if isinstance(value, list) and value and type(value[0]) is bytes:
                tally.add_lines(value)
            else:
                tally.skip_to(where)
                tally.add(value, where=where)
        return tally.finish()

    def insight(self) -> Insight:
        """The frozen result: days grouped by scope, in order."""
        keys = sorted(self._days, key=lambda k: (k[0], k[1]))
        return Insight(
            days=tuple(self._days[k].insight(k[1], k[0]) for k in keys),
            files=tuple(self._files),
            skipped=tuple(self._skipped),
            notes=tuple(self._notes),
        )


def _all_users(rows: list[FastUser]) -> bool:
    """Whether every decoded row is a per-user row (a user id, and no team)."""
    n = len(rows)
    return (
        None not in column(rows, "user_id")
        and column(rows, "team_id").count(None) == n
        and column(rows, "slug").count(None) == n
    )


class FileTally:
    """One file's records, fed as they arrive (``add_line`` or ``add``), then ``finish()``.

    The records go into the ``Tally``: aggregate and user-team records at once, per-user rows
    a block of ``BLOCK`` at a time (added up in bulk); ``finish`` adds the last block. This
    object knows the file's name, its line number and how many records it recognised, so a
    download can feed each line once while it writes it.
    """

    __slots__ = (
        "_fast",
        "_fast_lines",
        "_line",
        "_on_record",
        "_path",
        "_pending",
        "_tallies",
        "_where",
        "records",
    )

    #: Per-user rows held before they are added up together.
    BLOCK: Final = 512

    def __init__(
        self, tallies: tuple[Tally, ...], path: Path, on_record: OnRecord | None = None
    ) -> None:
        self._tallies = tallies
        self._on_record = on_record
        self._path = path
        self._line = 0
        self._pending: list[dict[str, Any]] = []
        self._where: list[str] = []
        #: Per-user rows of the fast path (``_fast``), with their line numbers.
        self._fast: list[FastUser] = []
        self._fast_lines: list[int] = []
        self.records = 0

    def add_line(self, raw: bytes) -> None:
        """Add one NDJSON line (blank lines count as lines and add nothing).

        A per-user row takes the fast path (``decode_user``) unless someone asked for the
        records (``on_record``, which is handed dicts); anything else is parsed as JSON.
        """
        self._line += 1
        if self._on_record is None:
            row = decode_user(raw)
            if row is not None:
                self._fast.append(row)
                self._fast_lines.append(self._line)
                self.records += 1
                if len(self._fast) >= self.BLOCK:
                    self._flush_fast()
                return
        if not raw.strip():
            return
        try:
            value = parse_line(raw)
        except (ValueError, RecursionError):
            raise ReportFormatError(
                f"{self._path}, line {self._line}: not a JSON record; the file is damaged or "
                "cut off."
            ) from None
        self.add(value, where=f"line {self._line}")

    def skip_to(self, where: str) -> None:
        """Set the line number from ``line N`` (a reader that parsed that line itself)."""
        if where.startswith("line "):
            self._line = int(where[5:])

    def add_lines(self, lines: list[bytes]) -> None:
        """Add a block of NDJSON lines: per-user rows are decoded and added in bulk.

        A block that is not all per-user rows the fast path accepts goes line by line.
        """
        if self._on_record is None and all(map(bytes.isascii, lines)):
            try:
                rows = list(map(decode_users, lines))
            except (msgspec.DecodeError, RecursionError):
                rows = []
            if rows and _all_users(rows):
                start = self._line + 1
                self._line += len(rows)
                self._fast += rows
                self._fast_lines += range(start, start + len(rows))
                self.records += len(rows)
                if len(self._fast) >= self.BLOCK:
                    self._flush_fast()
                return
        for raw in lines:
            self.add_line(raw)

    def add(self, value: object, *, where: str = "") -> None:
        """Add one parsed JSON value: a record, or an array or wrapper of them."""
        records = list(unwrap(value))
        for number, record in enumerate(records, 1):
            kind = kind_of(record)
            if kind is None:
                continue
            assert isinstance(record, dict)
            place = where or "a record"
            if len(records) > 1:
                place += f", record {number}"
            if kind == "user":
                self._pending.append(record)
                self._where.append(place)
                if len(self._pending) >= self.BLOCK:
                    self._flush()
            else:
                source = f"{self._path}, {place}"
                try:
                    for tally in self._tallies:
                        tally.add(kind, record, source=source)
                except RecordError as exc:
                    raise record_error(exc, self._path, place) from None
            self.records += 1
            if self._on_record is not None:
                self._on_record(kind, record)

    def _flush(self) -> None:
        """Add the pending per-user rows; a wrong type is located by adding them one by one."""
        records, self._pending = self._pending, []
        wheres, self._where = self._where, []
        if not records:
            return
        try:
            for tally in self._tallies:
                tally.add_users(records)
        except Bad:
            for record, place in zip(records, wheres, strict=True):
                try:
                    Tally().add("user", record)
                except RecordError as exc:
                    raise record_error(exc, self._path, place) from None
            raise ReportFormatError(  # pragma: no cover - one by one, some record fails
                f"{self._path}, {wheres[0]}: a per-user row has a field of the wrong type."
            ) from None

    def _flush_fast(self) -> None:
        """Add the fast path's pending rows; a refused one is located through the dict path."""
        rows, self._fast = self._fast, []
        lines, self._fast_lines = self._fast_lines, []
        if not rows:
            return
        try:
            for tally in self._tallies:
                tally.add_users(rows)
        except Bad:
            for row, line in zip(rows, lines, strict=True):
                try:
                    Tally().add("user", msgspec.to_builtins(row))
                except RecordError as exc:
                    raise record_error(exc, self._path, f"line {line}") from None
            raise ReportFormatError(  # pragma: no cover - one by one, some record fails
                f"{self._path}, line {lines[0]}: a per-user row has a field of the wrong type."
            ) from None

    def finish(self) -> int:
        """Close the file: it counts as read, or as skipped when nothing in it was recognised."""
        self._flush_fast()
        self._flush()
        for tally in self._tallies:
            (tally._files if self.records else tally._skipped).append(self._path)
        return self.records


def day_insight(record: dict[str, Any]) -> DayInsight:
    """One aggregate day record (a dict as GitHub sends it) as a ``DayInsight``.

    ``day_insight(r).headline()`` gives GitHub's headline fields and the derived
    metrics, ``.metrics()`` adds the breakdowns. A record that is not an
    aggregate day, or has a used field of the wrong type, is a
    ``ReportFormatError``.
    """
    if kind_of(record) != "aggregate":
        raise ReportFormatError(
            "the record is not an aggregate day of an organization or enterprise."
        )
    tally = Tally()
    try:
        tally.add("aggregate", record)
    except RecordError as exc:
        raise record_error(exc, "the record", "its JSON") from None
    return tally.insight().days[0]
