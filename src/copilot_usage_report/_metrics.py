"""Report records read as a stream, and what they add up to: an ``Insight``.

Three record shapes, from GitHub's report files: the aggregate day (one per
organization or enterprise and day; the 28-day file wraps them in
``day_totals``), the per-user day and the user-team membership. The models
hold only the fields this tool uses: unknown fields are ignored, counts may be
null, and a used field of the wrong type is a ``ReportFormatError`` naming the
file and line. Pydantic's ``ValidationError`` never leaves this module.

Files are read one line at a time (NDJSON) or, for the aggregate layout that
is one JSON document, whole up to ``MAX_DOCUMENT_BYTES``; the summary reads a
per-user file a block of lines at a time, decoded by msgspec into structs of the
models' fields, with the models deciding every line msgspec refuses: it accepts
and refuses exactly what the models do. The running totals grow with the number of days
and breakdown keys, never with the number of records, and no user login is
kept.
"""

from __future__ import annotations

import gc
import json
import os
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, fields
from datetime import date
from itertools import chain, takewhile
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeAlias, overload

import msgspec
from pydantic import BaseModel, ConfigDict, ValidationError

from ._errors import InputError, ReportFormatError
from ._report import MAX_DOCUMENT_BYTES, TOO_DEEP, is_utf8
from ._store import MANIFEST_NAME, read_manifest

__all__ = [
    "DIMENSIONS",
    "MAX_LINE_BYTES",
    "TOP",
    "Activity",
    "AggregateDay",
    "AggregateDays",
    "DayInsight",
    "Dimension",
    "Insight",
    "Record",
    "Row",
    "Tally",
    "UserDay",
    "UserTeam",
    "iter_records",
    "report_files",
    "require_report_files",
    "summarize_paths",
]

#: A line longer than this is refused rather than read into memory.
MAX_LINE_BYTES: Final = 64 * 1024 * 1024
#: The per-user summary reads, validates and adds up its lines this many bytes at a time.
_BLOCK_BYTES: Final = 256 * 1024
#: Breakdown tables list this many keys; the rest are summed as ``other``.
TOP: Final = 10
OTHER: Final = "other"
UNKNOWN: Final = "unknown"
#: File name endings taken as report files when a folder has no manifest.
REPORT_SUFFIXES: Final = (".ndjson", ".jsonl", ".json")
_NOT_REPORTS: Final = frozenset({MANIFEST_NAME, "index.json"})

Dimension: TypeAlias = Literal["ide", "feature", "language", "model"]
DIMENSIONS: Final[tuple[Dimension, ...]] = ("ide", "feature", "language", "model")


# --- Records: only the fields used, strict about their types ---------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class Counts(_Model):
    """The activity counts every record carries; null reads as 0."""

    user_initiated_interaction_count: int | None = None
    code_generation_activity_count: int | None = None
    code_acceptance_activity_count: int | None = None
    loc_suggested_to_add_sum: int | None = None
    loc_suggested_to_delete_sum: int | None = None
    loc_added_sum: int | None = None
    loc_deleted_sum: int | None = None


class IdeTotals(Counts):
    """One element of ``totals_by_ide``."""

    ide: str | None = None


class FeatureTotals(Counts):
    """One element of ``totals_by_feature``."""

    feature: str | None = None


class LanguageTotals(Counts):
    """One element of ``totals_by_language_feature`` or ``totals_by_language_model``."""

    language: str | None = None


class ModelTotals(Counts):
    """One element of ``totals_by_model_feature`` or ``totals_by_language_model``."""

    model: str | None = None


class _LanguageModelTotals(Counts):
    language: str | None = None
    model: str | None = None


class _Activity(Counts):
    totals_by_ide: tuple[IdeTotals, ...] | None = None
    totals_by_feature: tuple[FeatureTotals, ...] | None = None
    totals_by_language_feature: tuple[LanguageTotals, ...] | None = None
    totals_by_model_feature: tuple[ModelTotals, ...] | None = None
    #: Read only when the record has no ``totals_by_language_feature``/``_model_feature``.
    totals_by_language_model: tuple[_LanguageModelTotals, ...] | None = None


class AggregateDay(_Activity):
    """One day of an organization's or enterprise's totals (the aggregate reports)."""

    day: date
    organization_id: int | str | None = None
    enterprise_id: int | str | None = None
    daily_active_users: int | None = None
    weekly_active_users: int | None = None
    monthly_active_users: int | None = None
    monthly_active_chat_users: int | None = None
    monthly_active_agent_users: int | None = None
    daily_active_cli_users: int | None = None


class AggregateDays(_Model):
    """The 28-day aggregate layout: its days wrapped in ``day_totals``."""

    day_totals: tuple[AggregateDay, ...]


class UserDay(_Activity):
    """One user's day (the per-user reports)."""

    day: date
    user_id: int | str | None = None
    user_login: str | None = None
    used_chat: bool | None = None
    used_agent: bool | None = None
    used_cli: bool | None = None


# The per-user fast path: the summary's reading of a per-user line. msgspec decodes a line
# straight into these structs, skipping unknown fields without building them, several times
# faster than validating the models above. They have UserDay's fields, types and defaults, so
# the adding-up reads either by attribute. msgspec accepts a subset of what UserDay accepts (it
# is the stricter: no integers beyond 64 bits, no lone surrogates, no NaN); it does not check
# the UTF-8 of the fields it skips, so only an ASCII line, or one that decodes as UTF-8, is
# given to it. Any line it refuses is validated as a UserDay, whose verdict and error stand.


class _FastCounts(msgspec.Struct, frozen=True, gc=False):
    user_initiated_interaction_count: int | None = None
    code_generation_activity_count: int | None = None
    code_acceptance_activity_count: int | None = None
    loc_suggested_to_add_sum: int | None = None
    loc_suggested_to_delete_sum: int | None = None
    loc_added_sum: int | None = None
    loc_deleted_sum: int | None = None


class _FastIde(_FastCounts, frozen=True, gc=False):
    ide: str | None = None


class _FastFeature(_FastCounts, frozen=True, gc=False):
    feature: str | None = None


class _FastLanguage(_FastCounts, frozen=True, gc=False):
    language: str | None = None


class _FastModel(_FastCounts, frozen=True, gc=False):
    model: str | None = None


class _FastLanguageModel(_FastCounts, frozen=True, gc=False):
    language: str | None = None
    model: str | None = None


class _FastUser(_FastCounts, frozen=True, gc=False, kw_only=True):
    """A per-user line as the summary reads it (``gc=False``: these hold no cycles)."""

    day: date
    user_id: int | str | None = None
    user_login: str | None = None
    used_chat: bool | None = None
    used_agent: bool | None = None
    used_cli: bool | None = None
    totals_by_ide: tuple[_FastIde, ...] | None = None
    totals_by_feature: tuple[_FastFeature, ...] | None = None
    totals_by_language_feature: tuple[_FastLanguage, ...] | None = None
    totals_by_model_feature: tuple[_FastModel, ...] | None = None
    totals_by_language_model: tuple[_FastLanguageModel, ...] | None = None


#: A per-user record as the summary adds it up: the fast struct, or (for a line only pydantic
#: accepts) the model; both have the same fields.
_UserRecord: TypeAlias = _FastUser | UserDay
_decode_user_line: Final[Callable[[bytes], _FastUser]] = msgspec.json.Decoder(_FastUser).decode


class UserTeam(_Model):
    """One (user, team) pair of a day (the user-teams reports)."""

    day: date
    user_id: int | str | None = None
    user_login: str | None = None
    team_id: int | str | None = None
    slug: str | None = None


Record: TypeAlias = AggregateDay | UserDay | UserTeam
_Shape: TypeAlias = type[AggregateDay] | type[AggregateDays] | type[UserDay] | type[UserTeam]
_AGGREGATE_KEYS = (
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "totals_by_ide",
    "totals_by_feature",
)


def _shape_of(value: object) -> _Shape | None:
    """Which record shape a file holds, from its first record; ``None`` for none we know."""
    if not isinstance(value, dict) or any(key.startswith(("repository", "repo_")) for key in value):
        return None  # the repos reports are per repository: not summarised here
    if "day_totals" in value:
        return AggregateDays
    if "user_id" in value or "user_login" in value:
        return UserTeam if "team_id" in value or "slug" in value else UserDay
    if any(key in value for key in _AGGREGATE_KEYS):
        return AggregateDay
    return None


# --- Reading files ----------------------------------------------------------------------------


def report_files(paths: Iterable[Path]) -> list[Path]:
    """The report files named by ``paths`` (files, or folders searched recursively), in order.

    A folder holding a ``manifest.json`` contributes the files its manifest
    lists (none for a repos report); any other folder its ``.ndjson``,
    ``.jsonl`` and ``.json`` files (never the manifest, hidden files or this
    tool's CSVs). Each file appears once. A path that does not exist is an
    ``InputError``.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            found[path] = None
        elif path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in _report_names(Path(folder), sorted(names)):
                    if (Path(folder) / name).is_file():  # never a FIFO or device: no hang
                        found[Path(folder) / name] = None
        else:
            raise InputError(f"{path} does not exist: name report files or folders holding them.")
    return list(found)


def require_report_files(paths: Iterable[Path]) -> list[Path]:
    """``report_files``, refusing (``InputError``) paths that hold no report file at all."""
    given = list(paths)
    files = report_files(given)
    if not files:
        shown = ", ".join(str(p) for p in given[:3]) or "(no path)"
        raise InputError(
            f"no report file (.ndjson, .jsonl or .json) found in {shown}: name the files or "
            "the folder a fetch saved them in."
        )
    return files


def _report_names(folder: Path, names: Sequence[str]) -> list[str]:
    manifest = read_manifest(folder) if MANIFEST_NAME in names else None
    if manifest is not None:
        if manifest.report.startswith("repos-"):
            return []  # per-repository rows: nothing this summary reads
        present = set(names)
        return [f.name for f in manifest.files if f.name in present]
    return [
        name
        for name in names
        if name.lower().endswith(REPORT_SUFFIXES)
        and name not in _NOT_REPORTS
        and not name.startswith(".")
    ]


def _too_long(path: Path) -> ReportFormatError:
    return ReportFormatError(
        f"{path} has a line longer than {MAX_LINE_BYTES // 2**20} MiB, which no report "
        "record is; the file is not a Copilot usage report."
    )


def _lines(handle: IO[bytes], path: Path) -> Iterator[bytes]:
    """The lines of a file, one at a time; a longer line than ``MAX_LINE_BYTES`` is refused."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise _too_long(path)
        yield line


def _line_blocks(handle: IO[bytes], path: Path) -> Iterator[list[bytes]]:
    """The rest of a file's lines (without their newline), a block of ``_BLOCK_BYTES`` at a time.

    The lines are those ``_lines`` gives, refused at the same line: a line longer than
    ``MAX_LINE_BYTES`` (newline included) is an error once every line before it has been
    delivered. Memory holds one block and at most one such line, however large the file.
    """
    head: list[bytes] = []  # the start of a line that goes on in the next block
    size = 0
    while block := handle.read(_BLOCK_BYTES):
        lines = block.split(b"\n")
        tail = lines.pop()
        if lines:
            if head:
                lines[0] = b"".join((*head, lines[0]))
                head, size = [], 0
            if max(map(len, lines)) >= MAX_LINE_BYTES:
                yield list(takewhile(lambda line: len(line) < MAX_LINE_BYTES, lines))
                raise _too_long(path)
            yield lines
        if tail:
            head.append(tail)
            size += len(tail)
            if size > MAX_LINE_BYTES:
                raise _too_long(path)
    if head:
        yield [b"".join(head)]


def _user_batches(
    handle: IO[bytes], path: Path, first: bytes, line_no: int
) -> Iterator[list[_UserRecord]]:
    """The per-user records of ``first`` (line ``line_no``) and every line after it, by blocks.

    Accepts, skips (blank lines) and refuses exactly the lines ``iter_records`` does, with
    the same error; a block with any such line, or any non-ASCII line, is read again one
    line at a time.
    """
    for lines in chain(([first],), _line_blocks(handle, path)):
        batch: list[_UserRecord] | None = None
        if all(map(bytes.isascii, lines)):
            # msgspec's ValidationError is a DecodeError; a line nested too deep recurses
            with suppress(msgspec.DecodeError, RecursionError):
                batch = list(map(_decode_user_line, lines))
        if batch is None:
            batch = _user_lines(lines, path, line_no)
        line_no += len(lines)
        yield batch


def _user_lines(lines: Iterable[bytes], path: Path, line_no: int) -> list[_UserRecord]:
    """Per-user lines from line ``line_no`` on, read one by one; blank lines are skipped."""
    batch: list[_UserRecord] = []
    for number, raw in enumerate(lines, line_no):
        if is_utf8(raw):
            try:
                batch.append(_decode_user_line(raw))
                continue
            except (msgspec.DecodeError, RecursionError):
                pass
        if not raw.strip():
            continue
        try:  # the model decides, and its error is the one users know
            batch.append(UserDay.model_validate_json(raw))
        except ValidationError as exc:
            raise _format_error(exc, path, f"line {number}") from None
    return batch


def iter_records(path: Path) -> Iterator[Record]:
    """Every record of one file, in file order, holding one line in memory at a time.

    NDJSON is read line by line. A file whose first line is not a JSON value on
    its own is one JSON document (the aggregate layout), read whole only up to
    ``MAX_DOCUMENT_BYTES``. The first record decides the shape of every record;
    a file whose first record is of no shape this tool knows yields nothing.
    """
    return _records(path, batch_users=False)


@overload
def _records(path: Path, *, batch_users: Literal[False]) -> Iterator[Record]: ...
@overload
def _records(path: Path, *, batch_users: bool) -> Iterator[Record | list[_UserRecord]]: ...
def _records(path: Path, *, batch_users: bool) -> Iterator[Record | list[_UserRecord]]:
    """``iter_records``; with ``batch_users``, per-user records come as lists, a block at a time.

    Batches hold the records ``iter_records`` would give, as dicts, and fail at the same
    line with the same error, though a block's records come only once all of it is read.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}.") from None
    with handle:
        shape: _Shape | None = None
        line_no = 0
        for raw in _lines(handle, path):
            line_no += 1
            if shape is None:
                if not raw.strip():
                    continue
                try:
                    first = json.loads(raw)
                except (ValueError, RecursionError):
                    yield from _document(path, os.fstat(handle.fileno()).st_size)
                    return
                shape = _shape_of(first)
                if shape is None:
                    return
                if batch_users and shape is UserDay:
                    yield from _user_batches(handle, path, raw, line_no)
                    return
                validate = shape.model_validate_json
            try:
                record = validate(raw)
            except ValidationError as exc:
                if not raw.strip():
                    continue
                raise _format_error(exc, path, f"line {line_no}") from None
            if isinstance(record, AggregateDays):
                yield from record.day_totals
            else:
                yield record


def _document(path: Path, size: int) -> Iterator[Record]:
    """The records of a file that is one JSON document (possibly spread over many lines)."""
    if size > MAX_DOCUMENT_BYTES:
        raise ReportFormatError(
            f"{path} is not NDJSON and, at {size} bytes, too large to read as one JSON document."
        )
    data = path.read_bytes()
    try:
        value = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"{path} is neither NDJSON nor one JSON document (line {exc.lineno}: {exc.msg})."
        ) from None
    except ValueError:
        raise ReportFormatError(f"{path} is not UTF-8 JSON.") from None
    except RecursionError:
        raise ReportFormatError(f"{path}: {TOO_DEEP}") from None
    shape = _shape_of(value)
    if shape is None:
        return
    try:
        record = shape.model_validate_json(data)
    except ValidationError as exc:
        raise _format_error(exc, path, "its JSON document") from None
    if isinstance(record, AggregateDays):
        yield from record.day_totals
    else:
        yield record


def _format_error(exc: ValidationError, path: Path, where: str) -> ReportFormatError:
    """One line naming file, line and field; never the value (it may be a login)."""
    first = exc.errors(include_url=False, include_input=False)[0]
    if first["type"] == "json_invalid":
        return ReportFormatError(
            f"{path}, {where}: not a JSON record, though the lines before it are: the file "
            "is damaged or cut off."
        )
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
    return ReportFormatError(
        f"{path}, {where}: field {field or 'record'}: {first['msg']}{more}; the record is not "
        "in the shape GitHub documents, so it cannot be summarised."
    )


# --- The result: an Insight --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Activity:
    """Summed activity counts; field names are GitHub's, so they double as CSV and JSON keys."""

    user_initiated_interaction_count: int = 0
    code_generation_activity_count: int = 0
    code_acceptance_activity_count: int = 0
    loc_suggested_to_add_sum: int = 0
    loc_suggested_to_delete_sum: int = 0
    loc_added_sum: int = 0
    loc_deleted_sum: int = 0

    @property
    def acceptance_rate(self) -> float | None:
        """Code acceptances per code generation, in percent; ``None`` when nothing was generated."""
        if self.code_generation_activity_count == 0:
            return None
        return 100 * self.code_acceptance_activity_count / self.code_generation_activity_count

    @property
    def volume(self) -> int:
        """Interactions plus code generations: what breakdowns are ranked by."""
        return self.user_initiated_interaction_count + self.code_generation_activity_count

    def __add__(self, other: Activity) -> Activity:
        return Activity(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))

    def as_dict(self) -> dict[str, int]:
        """The counts by GitHub's field names, in a fixed order."""
        return asdict(self)


ACTIVITY_FIELDS: Final = tuple(f.name for f in fields(Activity))


def _values(activity: Activity) -> tuple[int, ...]:
    return tuple(getattr(activity, name) for name in ACTIVITY_FIELDS)


def rounded_rate(rate: float | None) -> float | None:
    """A percentage as outputs and CSVs carry it: two decimals."""
    return None if rate is None else round(rate, 2)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a breakdown: a key (an IDE, a feature…), its activity and active users."""

    key: str
    activity: Activity
    #: Users active with this key (per-user reports, IDE and feature only); else ``None``.
    users: int | None = None


@dataclass(frozen=True, slots=True)
class DayInsight:
    """What one day's records add up to.

    Headline numbers and breakdowns come from the aggregate records when the
    day has any, else from the per-user records; ``daily_active_chat_users`` and
    ``daily_active_agent_users``, and active users by IDE and feature, come from
    per-user records only (a per-user record lists each IDE and feature once, so
    each element is one user).
    """

    day: date
    daily_active_users: int | None
    weekly_active_users: int | None
    monthly_active_users: int | None
    monthly_active_chat_users: int | None
    monthly_active_agent_users: int | None
    daily_active_cli_users: int | None
    daily_active_chat_users: int | None
    daily_active_agent_users: int | None
    activity: Activity
    breakdowns: Mapping[Dimension, Mapping[str, Activity]]
    #: Users active per IDE and per feature (per-user records only; empty otherwise).
    active_users: Mapping[Dimension, Mapping[str, int]]
    #: Users per team slug (user-teams records only).
    teams: Mapping[str, int]
    aggregate_records: int
    user_records: int
    team_records: int

    def metrics(self) -> dict[str, int | float | str | None]:
        """The headline numbers as one JSON-ready object (``None`` where the report has none)."""
        return {
            "day": self.day.isoformat(),
            "daily_active_users": self.daily_active_users,
            "weekly_active_users": self.weekly_active_users,
            "monthly_active_users": self.monthly_active_users,
            "monthly_active_chat_users": self.monthly_active_chat_users,
            "monthly_active_agent_users": self.monthly_active_agent_users,
            "daily_active_cli_users": self.daily_active_cli_users,
            "daily_active_chat_users": self.daily_active_chat_users,
            "daily_active_agent_users": self.daily_active_agent_users,
            **self.activity.as_dict(),
            "acceptance_rate": rounded_rate(self.activity.acceptance_rate),
        }

    def rows(self, dimension: Dimension) -> list[Row]:
        """Every key of a breakdown, most active first (then most users, then by name)."""
        users = self.active_users.get(dimension)
        return _rank(self.breakdowns[dimension], users or {}, with_users=users is not None)


@dataclass(frozen=True, slots=True)
class Insight:
    """What a set of report files adds up to, day by day; it never holds a user login."""

    days: tuple[DayInsight, ...]
    #: The files read, and those that held no record of a known shape.
    files: tuple[Path, ...] = ()
    skipped: tuple[Path, ...] = ()

    @property
    def newest(self) -> DayInsight | None:
        """The last day, whose active-user counts (rolling windows) describe the period's end."""
        return self.days[-1] if self.days else None

    @property
    def activity(self) -> Activity:
        """Activity summed over every day."""
        total = Activity()
        for day in self.days:
            total += day.activity
        return total

    @property
    def has_users(self) -> bool:
        """True when any day has per-user records (active users by IDE and feature exist)."""
        return any(day.user_records for day in self.days)

    def rows(self, dimension: Dimension, *, top: int = TOP) -> list[Row]:
        """A breakdown summed over every day: the ``top`` most active keys, the rest as "other".

        Active users are summed over days (user-days when there are several);
        the "other" row has none, as users of several keys would count twice.
        """
        activity: dict[str, Activity] = {}
        users: Counter[str] = Counter()
        for day in self.days:
            for key, value in day.breakdowns[dimension].items():
                activity[key] = activity.get(key, Activity()) + value
            users.update(day.active_users.get(dimension, {}))
        with_users = any(dimension in day.active_users for day in self.days)
        ranked = _rank(activity, users, with_users=with_users)
        if len(ranked) <= top:
            return ranked
        rest = Activity()
        for row in ranked[top:]:
            rest += row.activity
        return [*ranked[:top], Row(OTHER, rest, None)]

    def teams(self, *, top: int = TOP) -> list[tuple[str, int]]:
        """Users per team summed over days, largest first, the rest summed as "other"."""
        total: Counter[str] = Counter()
        for day in self.days:
            total.update(day.teams)
        ranked = sorted(total.items(), key=lambda item: (-item[1], item[0]))
        if len(ranked) <= top:
            return ranked
        return [*ranked[:top], (OTHER, sum(n for _, n in ranked[top:]))]

    def metrics(self) -> dict[str, object]:
        """The ``metrics`` output: one day's headline numbers, or ``days`` for several days."""
        if not self.days:
            return {}
        if len(self.days) == 1:
            return dict(self.days[0].metrics())
        return {
            "start_day": self.days[0].day.isoformat(),
            "end_day": self.days[-1].day.isoformat(),
            "days": [day.metrics() for day in self.days],
        }


def _rank(
    activity: Mapping[str, Activity], users: Mapping[str, int], *, with_users: bool
) -> list[Row]:
    keys = set(activity) | set(users)
    rows = [
        Row(key, activity.get(key, Activity()), users.get(key, 0) if with_users else None)
        for key in keys
    ]
    rows.sort(key=lambda r: (-r.activity.volume, -(r.users or 0), r.key))
    return rows


# --- Adding up ---------------------------------------------------------------------------------


_Sums: TypeAlias = list[int]
#: A record or breakdown element: a model or a fast struct, read by attribute.
_Item: TypeAlias = Any
#: Each of the seven counts of a record or breakdown element.
_COUNT: Final = tuple(attrgetter(name) for name in ACTIVITY_FIELDS)
#: Each breakdown's table in a record, and the key of its elements.
_TABLES: Final[tuple[tuple[Dimension, Callable[[_Item], Any], Callable[[_Item], Any]], ...]] = (
    ("ide", attrgetter("totals_by_ide"), attrgetter("ide")),
    ("feature", attrgetter("totals_by_feature"), attrgetter("feature")),
    ("language", attrgetter("totals_by_language_feature"), attrgetter("language")),
    ("model", attrgetter("totals_by_model_feature"), attrgetter("model")),
)
_LANGUAGE_MODEL: Final = attrgetter("totals_by_language_model")
_DAY: Final = attrgetter("day")
_USED: Final = tuple(attrgetter(f"used_{x}") for x in ("chat", "agent", "cli"))
#: Records a source holds before adding them into its sums: bounds memory, amortises the work.
_FOLD_RECORDS: Final = 256


def _new() -> _Sums:
    return [0] * len(ACTIVITY_FIELDS)


def _add_counts(sums: _Sums, items: Sequence[_Item]) -> None:
    """Add the seven counts of every item (records or breakdown elements) into ``sums``.

    A null count adds nothing.
    """
    for i, count in enumerate(_COUNT):
        try:
            sums[i] += sum(map(count, items))
        except TypeError:  # a null count among them
            sums[i] += sum(filter(None, map(count, items)))


def _add_breakdown(
    elements: list[_Item],
    key: Callable[[_Item], Any],
    table: dict[str, _Sums],
    users: Counter[str] | None,
) -> None:
    """Add breakdown elements into ``table`` by key (a null or empty key as "unknown").

    With ``users``, each element also counts one user for its key: a per-user record lists
    each IDE and each feature once.
    """
    groups: defaultdict[str | None, list[_Item]] = defaultdict(list)
    # Group in C: append each element to its key's list.
    deque(map(list.append, map(groups.__getitem__, map(key, elements)), elements), maxlen=0)
    for name, members in groups.items():
        shown = name or UNKNOWN
        sums = table.get(shown)
        if sums is None:
            sums = table[shown] = _new()
        _add_counts(sums, members)
        if users is not None:
            users[shown] += len(members)


def _breakdowns(
    records: list[_Item],
) -> Iterator[tuple[Dimension, Callable[[_Item], Any], list[_Item]]]:
    """Each breakdown, the key of its elements and its elements over ``records``.

    Languages and models each come from one table, so nothing is counted twice:
    ``totals_by_language_model`` only stands in for a record's missing (null)
    ``totals_by_language_feature`` or ``totals_by_model_feature``.
    """
    language_model: list[Any] | None = None
    for dimension, table, key in _TABLES:
        tables = list(map(table, records))
        if dimension in ("language", "model") and None in tables:
            if language_model is None:
                language_model = list(map(_LANGUAGE_MODEL, records))
            tables = [
                t if t is not None else lm for t, lm in zip(tables, language_model, strict=True)
            ]
        yield dimension, key, list(chain.from_iterable(filter(None, tables)))


class _Source:
    """Activity of one record family on one day: totals, the four breakdowns, users by key.

    Records (dicts of a record's fields) wait in ``pending``, at most ``_FOLD_RECORDS`` of
    them, until ``fold`` adds them into the sums in bulk; every reader of the sums folds first.
    """

    __slots__ = ("by", "count_users", "pending", "total", "users")

    def __init__(self, *, count_users: bool = False) -> None:
        self.total = _new()
        self.by: dict[Dimension, dict[str, _Sums]] = {d: {} for d in DIMENSIONS}
        #: Per-user records only: how many users each IDE and feature had.
        self.count_users = count_users
        self.users: dict[Dimension, Counter[str]] = {"ide": Counter(), "feature": Counter()}
        self.pending: list[_Item] = []

    def add(self, records: Iterable[_Item]) -> None:
        """Add records (their fields by name); they are summed by ``fold``."""
        self.pending += records
        if len(self.pending) >= _FOLD_RECORDS:
            self.fold()

    def fold(self) -> None:
        """Add every pending record into the sums."""
        records = self.pending
        if not records:
            return
        _add_counts(self.total, records)
        for dimension, key, elements in _breakdowns(records):
            users = self.users.get(dimension) if self.count_users else None
            _add_breakdown(elements, key, self.by[dimension], users)
        self.pending = []

    def merge(self, other: _Source) -> None:
        self.fold()
        other.fold()
        for i, value in enumerate(other.total):
            self.total[i] += value
        for dimension in DIMENSIONS:
            into = self.by[dimension]
            for key, values in other.by[dimension].items():
                sums = into.setdefault(key, _new())
                for i, value in enumerate(values):
                    sums[i] += value
        for dimension, counter in other.users.items():
            self.users[dimension].update(counter)


_USER_COUNTS = (
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "monthly_active_chat_users",
    "monthly_active_agent_users",
    "daily_active_cli_users",
)


class _Aggregate:
    """One aggregate record, reduced to its numbers."""

    __slots__ = ("source", "users")

    def __init__(self, record: AggregateDay) -> None:
        self.users = tuple(getattr(record, name) for name in _USER_COUNTS)
        self.source = _Source()
        self.source.add([record])
        self.source.fold()


class _Day:
    """The running totals of one day, per record family."""

    __slots__ = (
        "agent_users",
        "aggregates",
        "chat_users",
        "cli_users",
        "team_records",
        "teams",
        "user_records",
        "users",
    )

    def __init__(self) -> None:
        #: By organization and enterprise id: a repeated record replaces, never doubles, a day.
        self.aggregates: dict[str, _Aggregate] = {}
        self.users = _Source(count_users=True)
        self.user_records = 0
        self.chat_users = 0
        self.agent_users = 0
        self.cli_users = 0
        self.team_records = 0
        self.teams: Counter[str] = Counter()

    def add_users(self, records: Sequence[_Item]) -> None:
        """Count per-user records (their fields by name) of this day."""
        self.users.add(records)
        self.user_records += len(records)
        chat, agent, cli = _USED
        # The flags are strictly bool or null: counting ``True`` counts ``is True``.
        self.chat_users += list(map(chat, records)).count(True)
        self.agent_users += list(map(agent, records)).count(True)
        self.cli_users += list(map(cli, records)).count(True)

    def merge(self, other: _Day) -> None:
        self.aggregates.update(other.aggregates)
        self.users.merge(other.users)
        self.user_records += other.user_records
        self.chat_users += other.chat_users
        self.agent_users += other.agent_users
        self.cli_users += other.cli_users
        self.team_records += other.team_records
        self.teams.update(other.teams)

    def insight(self, day: date) -> DayInsight:
        has_users = self.user_records > 0
        self.users.fold()
        if self.aggregates:
            source = _Source()
            for entry in self.aggregates.values():
                source.merge(entry.source)
            counts = [
                _sum_known(entry.users[i] for entry in self.aggregates.values())
                for i in range(len(_USER_COUNTS))
            ]
        else:
            source = self.users
            counts = [self.user_records if has_users else None, None, None, None, None, None]
        if counts[5] is None and has_users:
            counts[5] = self.cli_users
        dau, wau, mau, chat, agent, cli = counts
        return DayInsight(
            day=day,
            daily_active_users=dau,
            weekly_active_users=wau,
            monthly_active_users=mau,
            monthly_active_chat_users=chat,
            monthly_active_agent_users=agent,
            daily_active_cli_users=cli,
            daily_active_chat_users=self.chat_users if has_users else None,
            daily_active_agent_users=self.agent_users if has_users else None,
            activity=Activity(*source.total),
            breakdowns={d: {k: Activity(*v) for k, v in source.by[d].items()} for d in DIMENSIONS},
            active_users={d: dict(c) for d, c in self.users.users.items() if has_users},
            teams=dict(self.teams),
            aggregate_records=len(self.aggregates),
            user_records=self.user_records,
            team_records=self.team_records,
        )


def _sum_known(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the block, restoring its state after it.

    Reading a report allocates millions of dicts and tuples that never form a reference
    cycle (refcounting frees them as soon as they are added up), so the collector's frequent
    passes over them find nothing; pausing it saves their time, not memory.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Tally:
    """Running totals, by day, of every record added; ``insight()`` freezes them.

    Memory grows with days and breakdown keys, never with records; logins are
    never kept. Tallies of different files merge (``merge``) as if one had
    read them all.
    """

    def __init__(self) -> None:
        self._days: dict[date, _Day] = {}
        self._files: list[Path] = []
        self._skipped: list[Path] = []

    def _day(self, day: date) -> _Day:
        entry = self._days.get(day)
        if entry is None:
            entry = self._days[day] = _Day()
        return entry

    def add(self, record: Record) -> None:
        """Count one record into its day."""
        if isinstance(record, UserDay):
            self._day(record.day).add_users([record])
        elif isinstance(record, AggregateDay):
            entity = f"{record.organization_id or ''}/{record.enterprise_id or ''}"
            self._day(record.day).aggregates[entity] = _Aggregate(record)
        else:
            entry = self._day(record.day)
            entry.team_records += 1
            entry.teams[record.slug or UNKNOWN] += 1

    def _add_users(self, records: list[_UserRecord]) -> None:
        """Count per-user records, each into its day."""
        if not records:
            return
        days = list(map(_DAY, records))
        first = days[0]
        if days.count(first) == len(days):  # the usual case: a file holds one day
            self._day(first).add_users(records)
            return
        by_day: dict[date, list[_Item]] = {}
        for day, record in zip(days, records, strict=True):
            by_day.setdefault(day, []).append(record)
        for day, group in by_day.items():
            self._day(day).add_users(group)

    def add_file(self, path: Path, *, on_record: Callable[[Record], None] | None = None) -> int:
        """Count every record of a file (each also handed to ``on_record``); returns how many."""
        count = 0
        if on_record is None:  # no one needs the records: per-user ones come in blocks, as dicts
            with _collector_paused():
                for item in _records(path, batch_users=True):
                    if isinstance(item, list):
                        self._add_users(item)
                        count += len(item)
                    else:
                        self.add(item)
                        count += 1
        else:
            for record in iter_records(path):
                self.add(record)
                on_record(record)
                count += 1
        (self._files if count else self._skipped).append(path)
        return count

    def merge(self, other: Tally) -> None:
        """Add another tally's days and files to this one."""
        for day, entry in other._days.items():
            self._day(day).merge(entry)
        self._files += other._files
        self._skipped += other._skipped

    def insight(self) -> Insight:
        """The frozen result, days in order."""
        return Insight(
            days=tuple(self._days[d].insight(d) for d in sorted(self._days)),
            files=tuple(self._files),
            skipped=tuple(self._skipped),
        )


def summarize_paths(paths: Iterable[Path]) -> Insight:
    """Read every report file under ``paths`` (see ``report_files``) into one ``Insight``.

    Streaming: memory stays bounded by days and breakdown keys whatever the
    files' size. Raises ``InputError`` for a missing path or when no report file
    is found, ``ReportFormatError`` for a record of the wrong shape.
    """
    tally = Tally()
    for path in require_report_files(paths):
        tally.add_file(path)
    return tally.insight()
