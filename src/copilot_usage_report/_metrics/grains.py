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

A reader that holds records as columns (the warehouse's Arrow reader) cannot tell a key that
is absent from a key that is ``null``: ``grain_of_columns`` answers for every record between
the two readings, by asking ``grain_of`` of both.

The history reads a file's records through the archive's gate (``_archive.gate``), which
asks this function what each record is.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import methodcaller
from typing import Any, Final, TypeAlias

import msgspec

from .._core import Grain as _Grain

__all__ = ["Grain", "Record", "grain_of", "grain_of_columns"]

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


def grain_of_columns(values: Iterable[str], nulls: Iterable[str]) -> Grain | None:
    """The grain of every record whose non-null keys are ``values`` and whose other keys are
    some of ``nulls`` (each absent or ``null``: a column cannot tell), or ``None`` when those
    records need not all have one grain.

    ``grain_of`` of the two extremes (no such key there, every one there as ``null``) decides:
    rules 1 and 2 read only values that are not ``null``, and a key's being there can only
    make rules 3 to 5 claim the record (rule 5's ``day_totals`` included), so the records in
    between have the grain both extremes agree on. ``tests/metrics/test_grains.py`` holds this
    to ``grain_of`` of every record in between.
    """
    present = dict.fromkeys(values, 0)
    low = grain_of(present)
    high = grain_of({**dict.fromkeys(nulls), **present})
    return low if low == high else None
