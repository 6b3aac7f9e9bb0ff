"""The one classifier of report records: what a record is, by its fields, in GitHub's words.

Every reader asks ``grain_of``: the fetch's feed and tally (so the summary, the outputs
and the CSV tables), and the history. The words are the grains of GitHub's report names
(``_core.kinds``): ``aggregate`` (``organization-*``/``enterprise-*``: a whole
organization's or enterprise's day), ``users`` (``users-*``: one user's day),
``user-teams`` (``user-teams-1-day``: one user's membership of one team) and ``repos``
(``repos-1-day``: one repository's day). The wrapper and the file's name never decide,
only the record's own fields, and a field whose value is ``null`` counts as absent
(GitHub documents nullable fields). In this order:

1. A record with a user (``user_id`` or ``user_login``) and a team (``team_id`` or
   ``slug``) is a ``user-teams`` row, *even when it also carries activity counts*: only
   the membership is read (GitHub's team metrics join it with the ``users`` row of the
   same user and day; counting its activity too would count that user twice).
2. A record with a user and no team is a ``users`` row, *even with a login and no
   ``user_id``*: it is one person's day, never the organization's (it counts in the
   summary's totals; the history, whose ``users`` table is keyed by ``user_id``, names it
   among the records it could not keep).
3. A record with a key naming a repository (``repository*``, ``repo_*``) and no user is a
   ``repos`` row, *even with activity counts*: one repository's day, never the
   organization's. Neither the summary nor the history adds repositories up (``SUMMED``).
4. A record with a ``day`` and any of the aggregate counts (``daily_active_users``, the
   activity counts, ``totals_by_ide``/``totals_by_feature``…) is an ``aggregate`` day.
5. Anything else (a ``day_totals`` wrapper, a scalar, a record of none of these shapes) is
   ``None``: not counted, and reported as unrecognised, never silently added.

The per-user fast path (``fast.decode_user``) applies rules 1 and 2 to its typed struct
without calling this function (it costs nothing per row); a test holds the two to the
same answer on every ambiguous record.

This module also reads a file's records for the history (``grain_records``): NDJSON, one
JSON document, a JSON array or a ``day_totals`` wrapper; gzip-compressed or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import methodcaller
from pathlib import Path
from typing import IO, Any, Final, TypeAlias, cast

import msgspec

from .._core import Grain as _Grain

__all__ = ["Grain", "Record", "UnreadableFile", "grain_of", "grain_records"]

#: The grain words (``_core.kinds.Grain``, the one table of them), for readers of ``_metrics``.
Grain: TypeAlias = _Grain
Record = dict[str, Any]

#: Fields of which any one makes a record with a ``day`` (and no user) an aggregate day.
_AGGREGATE_KEYS: Final = frozenset(
    {
        "daily_active_users",
        "weekly_active_users",
        "monthly_active_users",
        "user_initiated_interaction_count",
        "code_generation_activity_count",
        "code_acceptance_activity_count",
        "totals_by_ide",
        "totals_by_feature",
    }
)
#: Whether a key names a repository (in C: a record of 30 keys is checked once per record).
_REPOSITORY_KEY: Final = methodcaller("startswith", ("repository", "repo_"))
_decoder = msgspec.json.Decoder()


class UnreadableFile(Exception):
    """The file is not JSON we can read; the message says where."""


def grain_of(record: object) -> Grain | None:
    """The grain of one record, from its fields (the module's rules); ``None`` for anything
    else, a ``day_totals`` wrapper included (``unwrap`` and ``grain_records`` open those)."""
    if type(record) is not dict or "day_totals" in record:
        return None
    get = record.get
    if get("user_id") is not None or get("user_login") is not None:
        return "user-teams" if get("team_id") is not None or get("slug") is not None else "users"
    if any(map(_REPOSITORY_KEY, record)):
        return "repos"
    if "day" in record and not _AGGREGATE_KEYS.isdisjoint(record):
        return "aggregate"
    return None


def grain_records(path: Path) -> Iterator[Record]:
    """Every record object in the file, wrappers opened; raises ``UnreadableFile``."""
    try:
        with _open(path) as handle:
            yield from _objects(handle, path)
    except (OSError, EOFError) as exc:  # gzip's BadGzipFile is an OSError
        raise UnreadableFile(f"{path}: cannot be read ({exc})") from None


def _open(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        import gzip  # only here: the fetch imports this module for grain_of, never gzip

        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _objects(handle: IO[bytes], path: Path) -> Iterator[Record]:
    first = handle.readline()
    while first and not first.strip():
        first = handle.readline()
    stripped = first.lstrip()
    if not stripped:
        return
    if stripped.startswith(b"{"):
        try:
            value = _decoder.decode(first)
        except msgspec.DecodeError:
            value = None  # a document over several lines
        if value is not None:
            yield from _opened(value)
            for number, line in enumerate(handle, start=2):
                if line.strip():
                    yield from _opened(_decode(line, path, number))
            return
    document = _decode(first + handle.read(), path, None)
    yield from _opened(document)


def _decode(data: bytes, path: Path, line: int | None) -> object:
    try:
        return _decoder.decode(data)
    except msgspec.DecodeError as exc:
        where = f" line {line}" if line else ""
        raise UnreadableFile(f"{path}{where}: not JSON ({exc})") from None


def _opened(value: object) -> Iterator[Record]:
    if isinstance(value, list):
        for item in value:
            yield from _opened(item)
    elif isinstance(value, dict):
        inner = value.get("day_totals")
        if isinstance(inner, list):
            for item in inner:
                if isinstance(item, dict):
                    yield item
        else:
            yield value
