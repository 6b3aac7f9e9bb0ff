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
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from ._errors import ReportFormatError
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
from ._sums import Aggregate, Bad, Sums, add_usage, key, usage, usage_out
from ._teams import Teams

__all__ = ["FileTally", "OnRecord", "Tally", "day_insight"]

_Sums = list[int]
#: Called with each recognised record (its kind, and the dict), once it is added.
OnRecord = Callable[[Kind, dict[str, Any]], None]
_Scope = tuple[str, str]  # ("organization" | "enterprise" | "", id)
#: ``used_*`` flags that are not activity (being assigned a review is not using Copilot).
_PASSIVE: Final = frozenset({"used_copilot_code_review_passive"})


def _scope_of(record: Mapping[str, Any]) -> tuple[_Scope, str | None]:
    org, ent = record.get("organization_id"), record.get("enterprise_id")
    enterprise = None if ent is None else str(ent)
    if org is not None:
        return ("organization", str(org)), enterprise
    if ent is not None:
        return ("enterprise", str(ent)), enterprise
    return ("", ""), None


def _day_of(record: Mapping[str, Any]) -> date:
    value = record.get("day")
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

    def add_user(self, record: Mapping[str, Any]) -> None:
        counts = self.users.add(record)
        self.user_rows += 1
        flags = []
        for name, value in record.items():
            if name.startswith("used_"):
                if value is True:
                    flags.append(name)
                elif value is not None and value is not False:
                    raise Bad
        self.used.update(flags)
        ide_active = any(counts) or "used_chat" in flags or "used_agent" in flags
        if ide_active:
            self.user_counts["daily_active_users"] += 1
        if ide_active or any(flag not in _PASSIVE for flag in flags):
            self.teams.add_active_user(record.get("user_id"), counts)
        self.cli = add_usage(self.cli, usage(record.get("totals_by_cli")))
        self.copilot_app = add_usage(self.copilot_app, usage(record.get("totals_by_copilot_app")))
        credits = record.get("ai_credits_used")
        if credits is not None:
            if type(credits) not in (int, float):
                raise Bad
            self.credits = (self.credits or 0) + credits
        phase = record.get("ai_adoption_phase")
        if type(phase) is dict:
            self.phases[(phase.get("phase_number"), phase.get("phase"))] += 1

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
        scope, enterprise = _scope_of(record)
        key = (scope, _day_of(record))
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
                entry.add_user(record)
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

    def file(self, path: Path | str, *also: Tally, on_record: OnRecord | None = None) -> FileTally:
        """An accumulator for one file's records, added into this tally (and ``also``) as they come.

        ``on_record`` is handed each recognised record after it is added.
        """
        return FileTally((self, *also), Path(path), on_record)

    def add_file(self, path: Path, *also: Tally, on_record: OnRecord | None = None) -> int:
        """Count every record of a file on disk; returns how many were recognised."""
        tally = self.file(path, *also, on_record=on_record)
        for where, value in read_records(path):
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


class FileTally:
    """One file's records, fed as they arrive (``add_line`` or ``add``), then ``finish()``.

    The records go straight into the ``Tally``; this object only knows the file's
    name, its line number and how many records it recognised, so a download can
    feed each line once while it writes it.
    """

    __slots__ = ("_line", "_on_record", "_path", "_tallies", "records")

    def __init__(
        self, tallies: tuple[Tally, ...], path: Path, on_record: OnRecord | None = None
    ) -> None:
        self._tallies = tallies
        self._on_record = on_record
        self._path = path
        self._line = 0
        self.records = 0

    def add_line(self, raw: bytes) -> None:
        """Add one NDJSON line (blank lines count as lines and add nothing)."""
        self._line += 1
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

    def add(self, value: object, *, where: str = "") -> None:
        """Add one parsed JSON value: a record, or an array or wrapper of them."""
        records = list(unwrap(value))
        for number, record in enumerate(records, 1):
            kind = kind_of(record)
            if kind is None:
                continue
            assert isinstance(record, dict)
            source = f"{self._path}, {where}" if where else str(self._path)
            try:
                for tally in self._tallies:
                    tally.add(kind, record, source=source)
            except RecordError as exc:
                place = where or "a record"
                if len(records) > 1:
                    place += f", record {number}"
                raise record_error(exc, self._path, place) from None
            self.records += 1
            if self._on_record is not None:
                self._on_record(kind, record)

    def finish(self) -> int:
        """Close the file: it counts as read, or as skipped when nothing in it was recognised."""
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
