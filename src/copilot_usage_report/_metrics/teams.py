"""Teams as GitHub's team-level metrics page builds them: user-teams joined with per-user rows.

For one scope's day, each user-teams row says a user belongs to a team; each
per-user row gives that user's activity. Joined on the user (the day and scope
are the caller's key): per team, the distinct members with activity
(``active_users``) and the sum of their activity. A member with no per-user
row, or one without activity, belongs to the team but is not active. A user
in two teams counts in both, which is why team sums can exceed the
organization's totals. So do AI credits: per team, the ``ai_credits_used`` of the members'
per-user rows, active or not (credits are kept only for blocks that carry any, and joined
only on a day with teams).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress
from math import fsum
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

    __slots__ = (
        "_activity",
        "_batches",
        "_credit_batches",
        "_credits",
        "memberships",
        "names",
        "records",
    )

    def __init__(self) -> None:
        self.memberships: dict[str, set[_UserId | _NoUser]] = {}
        self.names: dict[str, int | str | None] = {}
        #: Per-user rows as added: their ids, seven count columns and whether each is active;
        #: joined into ``activity`` only when ``rows`` needs it (most days have no teams).
        self._batches: list[tuple[Sequence[Any], Sequence[Sequence[Any]], Sequence[bool]]] = []
        self._activity: dict[_UserId, tuple[int | None, ...]] = {}
        #: Per-user rows' ids and ``ai_credits_used``, as added; joined into ``credits``.
        self._credit_batches: list[tuple[Sequence[Any], Sequence[Any]]] = []
        self._credits: dict[_UserId, Any] = {}
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

    def add_credits(self, ids: Sequence[Any], credits: Sequence[Any]) -> None:
        """Keep a block's ids and ``ai_credits_used`` (``None`` where absent) for the join."""
        self._credit_batches.append((ids, credits))

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
        if other._credits:
            self._credit_batches.append((list(other._credits), list(other._credits.values())))
        self._credit_batches += other._credit_batches
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

    @property
    def credits(self) -> dict[_UserId, Any]:
        """Each user's ``ai_credits_used`` (a later row of a user replaces an earlier)."""
        for ids, credits in self._credit_batches:
            self._credits.update(zip(ids, credits, strict=True))
        self._credit_batches.clear()
        return self._credits

    def rows(self) -> list[TeamRow]:
        """Every team of the day: most active users first, then by slug."""
        out = []
        activity = self.activity if self.memberships else {}
        credits: dict[Any, Any] = self.credits if self.memberships else {}
        for slug, members in self.memberships.items():
            # credits of members with a row: in C (a zero adds nothing; ``None`` is none said)
            spent = list(filter(None, map(credits.get, members))) if credits else []
            sums = [0] * len(ACTIVITY_FIELDS)
            active = 0
            for user in members:
                counts = None if isinstance(user, _NoUser) else activity.get(user)
                if counts is None:
                    continue
                active += 1
                for i, value in enumerate(counts):
                    sums[i] += value or 0
            used = round(fsum(spent), 6) if spent else _zero(credits, members)
            out.append(TeamRow(slug, self.names[slug], active, len(members), Activity(*sums), used))
        out.sort(key=lambda t: (-t.active_users, t.slug))
        return out


def _zero(credits: dict[Any, Any], members: set[Any]) -> float | None:
    """A team whose members' rows all say 0 credits used: 0.0; ``None`` when none says any."""
    return 0.0 if credits and any(credits.get(m) is not None for m in members) else None
