"""Activity and breakdowns: the summed counts of a day, and the rows a breakdown shows.

``Activity`` holds GitHub's seven activity counts under GitHub's field names, so
they double as CSV and JSON keys. A breakdown (by IDE, feature, language or model)
maps keys to activity; ``rank`` turns it into ``Row`` s as shown (an IDE that is a
version label reads ``unknown``), busiest first, and ``top_rows`` keeps the ``TOP``
busiest with the rest summed as ``other``. ``TeamRow`` is one team's day. The
day and period models (``model``) are built from these.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, Final, Literal, TypeAlias

__all__ = [
    "ACTIVITY_FIELDS",
    "ACTIVITY_LABELS",
    "DIMENSIONS",
    "OTHER",
    "TOP",
    "UNKNOWN",
    "Activity",
    "Dimension",
    "Row",
    "TeamRow",
    "display_key",
    "rank",
    "rounded_rate",
    "row_dict",
    "top_rows",
]

Dimension: TypeAlias = Literal["ide", "feature", "language", "model"]
DIMENSIONS: Final[tuple[Dimension, ...]] = ("ide", "feature", "language", "model")
#: Breakdown tables list this many keys; the rest are summed as ``other``.
TOP: Final = 10
OTHER: Final = "other"
UNKNOWN: Final = "unknown"
#: An IDE "name" that is a version label (``1.133.0:``), which some clients send.
_VERSION_LABEL: Final = re.compile(r"^v?\d+(\.\d+)*[-+.\w]*:?$|:$")


def display_key(dimension: Dimension, key: str) -> str:
    """A breakdown key as shown: empty, or an IDE that is a version label, reads ``unknown``."""
    if not key or (dimension == "ide" and _VERSION_LABEL.search(key)):
        return UNKNOWN
    return key


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
        """Acceptances per generation, in percent (all features: not GitHub's headline rate)."""
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
#: The activity counts as the summary and the history page name them (one table for both).
ACTIVITY_LABELS: Final[Mapping[str, str]] = {
    "user_initiated_interaction_count": "User-initiated interactions",
    "code_generation_activity_count": "Code generations",
    "code_acceptance_activity_count": "Code acceptances",
    "loc_suggested_to_add_sum": "Lines suggested to add",
    "loc_suggested_to_delete_sum": "Lines suggested to delete",
    "loc_added_sum": "Lines added",
    "loc_deleted_sum": "Lines deleted",
}


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
class TeamRow:
    """One team's day, as GitHub's team-level metrics define it.

    Per-user rows joined with user-teams rows on user and day: ``active_users``
    counts distinct members with activity that day; the counts sum those
    members' activity (a member of two teams counts in both).
    """

    slug: str
    team_id: int | str | None
    active_users: int
    #: Membership rows of the team that day, active or not.
    members: int
    activity: Activity
    #: GitHub's ``ai_credits_used`` of the members' per-user rows, summed (``None``: none said).
    ai_credits_used: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "team_id": self.team_id,
            "active_users": self.active_users,
            "members": self.members,
            **self.activity.as_dict(),
            "ai_credits_used": self.ai_credits_used,
        }


def row_dict(dimension: Dimension, row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {dimension: row.key, **row.activity.as_dict()}
    out["acceptance_rate"] = rounded_rate(row.activity.acceptance_rate)
    if row.users is not None:
        out["active_users"] = row.users
    return out


def top_rows(rows: list[Row], top: int | None) -> list[Row]:
    if top is None or len(rows) <= top:
        return rows
    rest = Activity()
    for row in rows[top:]:
        rest += row.activity
    return [*rows[:top], Row(OTHER, rest, None)]


def rank(
    dimension: Dimension,
    activity: Mapping[str, Activity],
    users: Mapping[str, int] | None,
    *,
    with_users: bool,
) -> list[Row]:
    merged: dict[str, Activity] = {}
    counted: Counter[str] = Counter()
    for key, value in activity.items():
        shown = display_key(dimension, key)
        merged[shown] = merged.get(shown, Activity()) + value
    for key, n in (users or {}).items():
        counted[display_key(dimension, key)] += n
    keys = set(merged) | set(counted)
    rows = [
        Row(key, merged.get(key, Activity()), counted.get(key, 0) if with_users else None)
        for key in keys
    ]
    rows.sort(key=lambda r: (-r.activity.volume, -(r.users or 0), r.key))
    return rows
