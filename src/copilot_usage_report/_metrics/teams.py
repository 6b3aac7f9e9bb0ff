"""Teams as GitHub's team-level metrics page builds them: user-teams joined with per-user rows.

For one scope's day, each user-teams row says a user belongs to a team; each
per-user row gives that user's activity. Joined on the user (the day and scope
are the caller's key): per team, the distinct members with activity
(``active_users``) and the sum of their activity. A member with no per-user
row, or one without activity, belongs to the team but is not active. A user
in two teams counts in both, which is why team sums can exceed the
organization's totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from typing import Any

from .activity import ACTIVITY_FIELDS, UNKNOWN, Activity, TeamRow

__all__ = ["Teams"]

_UserId = int | str


class _NoUser:
    """A member row without a user: a member of its team whom no per-user row can match."""

    __slots__ = ()


class Teams:
    """One scope's day of memberships and of the activity of users who were active.

    Holds the ids, count columns and active flags of the day's per-user rows as added (no
    copy), and one entry per membership row, until ``rows`` joins them.
    """

    __slots__ = ("_activity", "_batches", "memberships", "names", "records")

    def __init__(self) -> None:
        self.memberships: dict[str, set[_UserId | _NoUser]] = {}
        self.names: dict[str, int | str | None] = {}
        #: Per-user rows as added: their ids, seven count columns and whether each is active;
        #: joined into ``activity`` only when ``rows`` needs it (most days have no teams).
        self._batches: list[tuple[Sequence[Any], Sequence[Sequence[Any]], Sequence[bool]]] = []
        self._activity: dict[_UserId, tuple[int | None, ...]] = {}
        self.records = 0

    def add_member(
        self, user_id: _UserId | None, slug: str | None, team_id: int | str | None
    ) -> None:
        """Count one user-teams row (a row without a user counts as a member nobody can match)."""
        self.records += 1
        shown = slug or (str(team_id) if team_id is not None else UNKNOWN)
        members = self.memberships.setdefault(shown, set())
        self.names.setdefault(shown, team_id)
        members.add(user_id if user_id is not None else _NoUser())

    def add_active_users(
        self, ids: Sequence[Any], columns: Sequence[Sequence[Any]], active: Sequence[bool]
    ) -> None:
        """Keep a block of per-user rows for the join: ids, count columns, active flags."""
        self._batches.append((ids, columns, active))

    def merge(self, other: Teams) -> None:
        """Add ``other``'s rows as if they came after this one's (``other`` unchanged)."""
        for slug, members in other.memberships.items():
            mine = self.memberships.get(slug)
            if mine is None:
                self.memberships[slug] = set(members)
            else:
                mine |= members
            self.names.setdefault(slug, other.names[slug])
        if other._activity:  # joined already: kept as one block, before its later ones
            ids = list(other._activity)
            columns = list(zip(*other._activity.values(), strict=True))
            self._batches.append((ids, columns, [True] * len(ids)))
        self._batches += other._batches
        self.records += other.records

    @property
    def activity(self) -> dict[_UserId, tuple[int | None, ...]]:
        """The seven counts of each active user (a later row of a user replaces an earlier)."""
        for ids, columns, active in self._batches:
            rows = zip(ids, zip(*columns, strict=True), strict=True)
            self._activity.update(compress(rows, active))
        self._batches.clear()
        self._activity.pop(None, None)  # type: ignore[call-overload]
        return self._activity

    def rows(self) -> list[TeamRow]:
        """Every team of the day: most active users first, then by slug."""
        out = []
        activity = self.activity if self.memberships else {}
        for slug, members in self.memberships.items():
            sums = [0] * len(ACTIVITY_FIELDS)
            active = 0
            for user in members:
                counts = None if isinstance(user, _NoUser) else activity.get(user)
                if counts is None:
                    continue
                active += 1
                for i, value in enumerate(counts):
                    sums[i] += value or 0
            out.append(TeamRow(slug, self.names[slug], active, len(members), Activity(*sums)))
        out.sort(key=lambda t: (-t.active_users, t.slug))
        return out
