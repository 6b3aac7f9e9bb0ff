"""Adding up: records into running sums by scope (organization or enterprise) and day.

``Tally`` holds the sums; ``Tally.file(path)`` gives a ``FileTally`` (``feed``) that is fed
one file's records as they come, and ``Tally.add_file`` feeds one from disk; ``insight()``
freezes the result. Of a scope's day's aggregate records the one of the highest rank counts
(``precedence``: a 1-day report's over a 28-day one's, in any order); one of the same rank
replaces the earlier (the later wins, with a note); per-user rows add up, in bulk; user-team
rows are kept for the team join.

Memory grows with scopes, days and breakdown keys, and, for the team join, with the seven
counts of each per-user row (kept as the columns they were added up from); never with a login.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import msgspec

from .._core import Grain
from .feed import FileTally, OnRecord
from .model import DayInsight, Insight
from .notes import Notes
from .phases import CLOUD, add_phases, cloud_fallback, credit_column, phase_rows
from .precedence import LOOSE, Rank
from .records import RecordError, read_records
from .repos import RepoTally
from .sums import Aggregate, Bad, Sums, add_usage, column, exact_sum, key, usage, usage_out
from .teams import Teams

__all__ = ["USER_FLAGS", "FileTally", "OnRecord", "Tally"]

_Sums = list[int]
_Scope = tuple[str, str]  # ("organization" | "enterprise" | "", id)
#: The per-user ``used_*`` flags GitHub documents, each counted as ``users_<flag>``.
USER_FLAGS: Final = (
    "used_chat",
    "used_agent",
    "used_cli",
    "used_copilot_coding_agent",
    "used_copilot_cloud_agent",
    "used_copilot_code_review_active",
    "used_copilot_code_review_passive",
)
_BOOLS: Final = frozenset({bool, type(None)})
#: ``used_*`` flags that are not activity (being assigned a review is not using Copilot).
_PASSIVE: Final = frozenset({"used_copilot_code_review_passive"})


_IDS: Final = frozenset({int, str, type(None)})
#: The types of the raw lines ``read_records(blocks=True)`` gives a block of.
_RAW: Final = frozenset({bytes, memoryview})


def _scope_of(org: object, ent: object) -> tuple[_Scope, str | None]:
    if type(org) not in _IDS or type(ent) not in _IDS:
        raise Bad
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
        "aggregate_bytes",
        "aggregates",
        "cli",
        "copilot_app",
        "credits",
        "enterprise_id",
        "phase_credits",
        "phases",
        "rank",
        "ranks",
        "teams",
        "used",
        "user_counts",
        "user_rows",
        "users",
    )

    def __init__(self, enterprise_id: str | None) -> None:
        self.enterprise_id = enterprise_id
        self.aggregate: Aggregate | None = None
        #: The last aggregate record as msgspec encodes it: the same record again (a file
        #: repeating one day) reuses ``aggregate`` instead of adding it up anew.
        self.aggregate_bytes = b""
        self.aggregates = 0
        #: The rank of ``aggregate``'s file, and every rank an aggregate came with (``precedence``).
        self.rank: Rank = LOOSE
        self.ranks: set[Rank] = set()
        self.users = Sums(count_users=True)
        self.user_rows = 0
        self.user_counts: Counter[str] = Counter()
        self.used: Counter[str] = Counter()
        self.cli: dict[str, int] | None = None
        self.copilot_app: dict[str, int] | None = None
        #: AI credits as exact partial sums (``exact_sum``): any order of adding gives one total.
        self.credits: list[float] | None = None
        self.phases: Counter[tuple[Any, Any]] = Counter()
        #: AI credits of the per-user rows of each phase, as exact partial sums.
        self.phase_credits: dict[tuple[Any, Any], list[float]] = {}
        self.teams = Teams()

    def same_aggregate(self, record: dict[str, Any]) -> tuple[Aggregate, bytes]:
        """``record`` reduced (``Aggregate``), and as msgspec encodes it; the last one's
        reduction if it is byte for byte the same (``Bad`` for a wrong type, as ``Aggregate``
        raises it)."""
        try:
            encoded = msgspec.json.encode(record)
        except (TypeError, OverflowError, ValueError, msgspec.EncodeError):
            encoded = b""
        if encoded and encoded == self.aggregate_bytes and self.aggregate is not None:
            return self.aggregate, encoded
        return Aggregate(record), encoded

    def take(self, aggregate: tuple[Aggregate, bytes], rank: Rank) -> bool:
        """Keep ``aggregate`` if its rank is at least the kept one's; whether one of its rank
        came before (a conflict: a note is due)."""
        again = rank in self.ranks
        self.ranks.add(rank)
        if self.aggregate is None or rank >= self.rank:
            self.aggregate, self.aggregate_bytes = aggregate
            self.aggregates, self.rank = 1, rank
        return again

    def add_users(self, records: Sequence[Any]) -> None:
        """Add per-user rows (dicts, or the fast path's structs) of this scope's day, in bulk."""
        columns = self.users.add_many(records)
        self.user_rows += len(records)
        flags: dict[str, list[Any]] = {}
        typed = type(records[0]) is not dict
        for flag in USER_FLAGS:
            values = column(records, flag)
            if not typed and not _BOOLS.issuperset(map(type, values)):
                raise Bad
            if True in values:
                flags[flag] = values
                self.used[flag] += values.count(True)
        if "used_copilot_coding_agent" in flags:  # GitHub's old name: the fallback of the new
            self.used[CLOUD] += cloud_fallback(column(records, CLOUD), flags)
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
        ids = column(records, "user_id")
        if not typed and not _IDS.issuperset(map(type, ids)):
            raise Bad
        self.teams.add_active_users(ids, columns, active)
        for value in filter(None, column(records, "totals_by_cli")):
            self.cli = add_usage(self.cli, usage(value))
        for value in filter(None, column(records, "totals_by_copilot_app")):
            self.copilot_app = add_usage(self.copilot_app, usage(value))
        spent, credits = credit_column(records)
        if credits is not None:
            self.credits = exact_sum(self.credits or (), credits)
            self.teams.add_credits(ids, spent)
        phases = column(records, "ai_adoption_phase")
        add_phases(self.phases, self.phase_credits, phases, None if credits is None else spent)

    def merge(self, other: _Day) -> None:
        """Add ``other``'s sums as if its records came after this one's (``other`` unchanged)."""
        if self.enterprise_id is None:
            self.enterprise_id = other.enterprise_id
        if other.aggregate is not None and (self.aggregate is None or other.rank >= self.rank):
            self.aggregate, self.aggregates = other.aggregate, other.aggregates
            self.aggregate_bytes, self.rank = other.aggregate_bytes, other.rank
        self.ranks |= other.ranks
        self.users.merge(other.users)
        self.user_rows += other.user_rows
        self.user_counts.update(other.user_counts)
        self.used.update(other.used)
        self.cli = add_usage(self.cli, other.cli)
        self.copilot_app = add_usage(self.copilot_app, other.copilot_app)
        if other.credits is not None:
            self.credits = exact_sum(self.credits or (), other.credits)
        self.phases.update(other.phases)
        for at, parts in other.phase_credits.items():
            self.phase_credits[at] = exact_sum(self.phase_credits.get(at, ()), parts)
        self.teams.merge(other.teams)

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
            agents=self.aggregate.agents if self.aggregate else {},
            ai_credits_used=None if self.credits is None else round(math.fsum(self.credits), 6),
            ai_adoption_phases=phases,
            users_by_phase=phase_rows(self.phases, self.phase_credits),
            # the phases' per-user averages as sent, for the impact by phase (``impact``)
            phase_totals=(
                self.aggregate.agents.get("totals_by_ai_adoption_phase", ())
                if self.aggregate
                else ()
            ),
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
        #: Replaced aggregates, collapsed (``notes``): their count, not a list, grows.
        self._notes = Notes()
        #: Aggregate records added so far: each one's place among them orders the notes.
        self._aggregates = 0
        #: Where this tally's first aggregate of a day and rank would have replaced one of an
        #: earlier tally's (``merge``): its place, the day, the note then due, and the rank.
        self._first_aggregates: list[tuple[int, tuple[_Scope, date], str, Rank]] = []
        #: Repositories' days, kept apart: never in the totals (``repos``).
        self._repos = RepoTally()

    def _day(self, record: Mapping[str, Any]) -> tuple[tuple[_Scope, date], _Day]:
        return self._day_at(
            record.get("day"), record.get("organization_id"), record.get("enterprise_id")
        )

    def _day_at(self, day: object, org: object, ent: object) -> tuple[tuple[_Scope, date], _Day]:
        scope, enterprise = _scope_of(org, ent)
        key = (scope, _day_of(day))
        entry = self._days.get(key)
        if entry is None:
            entry = self._days[key] = _Day(enterprise)
        elif entry.enterprise_id is None:
            entry.enterprise_id = enterprise
        return key, entry

    def add(
        self, kind: Grain, record: dict[str, Any], *, source: str = "", rank: Rank = LOOSE
    ) -> None:
        """Add one record of a summed grain (``grain_of``) from a file of ``rank``
        (``precedence``); ``RecordError`` for a wrong type."""
        try:
            day, entry = self._day(record)
            if kind == "users":
                entry.add_users([record])
            elif kind == "user-teams":
                team = record.get("slug")
                if (
                    type(record.get("user_id")) not in _IDS
                    or type(record.get("team_id")) not in _IDS
                ):
                    raise Bad
                entry.teams.add_member(
                    record.get("user_id"),
                    None if team is None else key(team),
                    record.get("team_id"),
                )
            else:
                aggregate = entry.same_aggregate(record)
                where = f"{source}: " if source else ""
                note = (
                    f"{where}a second aggregate record for {record.get('day')} of the same "
                    "organization or enterprise replaces the earlier one (the later wins)."
                )
                seq, self._aggregates = self._aggregates, self._aggregates + 1
                first = rank not in entry.ranks
                if entry.take(aggregate, rank):
                    self._notes.add("replaced", day[1].isoformat(), seq, note)
                elif first:
                    self._first_aggregates.append((seq, day, note, rank))
        except Bad:
            raise RecordError(record, kind) from None

    def add_repo(self, record: dict[str, Any]) -> bool:
        """Keep one repository's day apart from the totals; False when it names no day or id."""
        return self._repos.add(record)

    def add_users(self, records: Sequence[Any]) -> None:
        """Add per-user rows in bulk; ``Bad`` (not located) when any has a wrong type.

        Rows are grouped by scope and day first (a 28-day file holds many days).
        """
        n = len(records)
        scope = [column(records, name) for name in ("day", "organization_id", "enterprise_id")]
        try:
            if all(values.count(values[0]) == n for values in scope):  # the usual: one day
                groups: dict[Any, Sequence[Any]] = {tuple(v[0] for v in scope): records}
            else:
                keys = list(zip(*scope, strict=True))
                groups = {}
                for k, record in zip(keys, records, strict=True):
                    groups.setdefault(k, []).append(record)  # type: ignore[attr-defined]
        except TypeError:  # an unhashable id
            raise Bad from None
        for (day, org, ent), group in groups.items():
            self._day_at(day, org, ent)[1].add_users(group)

    def merge(self, other: Tally) -> None:
        """Add ``other``'s records as if they had been added after this tally's, in order.

        The result equals one tally fed both sets of files one after the other (the notes
        too: a day's aggregate in ``other`` replacing this one's is noted where it came).
        Files downloaded at once, each into a tally of its own, are
        merged in the order they are listed. ``other`` is left as it was.
        """
        offset = self._aggregates
        for seq, day, note, rank in other._first_aggregates:
            mine = self._days.get(day)
            if mine is not None and rank in mine.ranks:
                self._notes.add("replaced", day[1].isoformat(), seq + offset, note)
            else:  # still due if a tally merged into this one has that day's aggregate
                self._first_aggregates.append((seq + offset, day, note, rank))
        self._notes.merge(other._notes, offset)
        self._aggregates += other._aggregates
        for day, entry in other._days.items():
            mine = self._days.get(day)
            if mine is None:
                mine = self._days[day] = _Day(entry.enterprise_id)
            mine.merge(entry)
        self._files += other._files
        self._skipped += other._skipped
        self._repos.merge(other._repos)

    def days(self) -> set[date]:
        """Every day a record added was for."""
        return {day for _, day in self._days}

    def file_done(self, path: Path, *, recognised: bool) -> None:
        """Record a file as read, or as skipped when it held no record of a known kind."""
        (self._files if recognised else self._skipped).append(path)

    def file(self, path: Path | str, *also: Tally, on_record: OnRecord | None = None) -> FileTally:
        """An accumulator for one file's records, added into this tally (and ``also``) as they come.

        ``on_record`` is handed each recognised record after it is added.
        """
        return FileTally((self, *also), Path(path), on_record)

    def add_file(self, path: Path, *also: Tally, on_record: OnRecord | None = None) -> int:
        """Count every record of a file on disk; returns how many were recognised."""
        tally = self.file(path, *also, on_record=on_record)
        for where, value in read_records(path, blocks=True):
            if isinstance(value, list) and value and type(value[0]) in _RAW:
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
            notes=self._notes.lines(),
            repos=self._repos.result(),
        )
