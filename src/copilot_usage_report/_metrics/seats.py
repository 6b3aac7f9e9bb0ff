"""What a seat list says: who holds a seat, who never used it, who stopped, what idle seats cost.

``seat_facts`` reads the NDJSON lines of a ``copilot-seats`` snapshot (``SeatTally`` one
line at a time, as the fetch reads them: no seat object is kept) into one ``SeatFact`` per
user (an enterprise lists a user once per organization or team that
seats them; ``total_seats`` counts the user once, and so do we): the earliest
assignment, the latest activity, the plan and team of the first object, and pending
cancellation only when every object of the user is. ``count_seats`` gives the numbers
of the outputs and the job summary. GitHub's field names; our own counts get names
GitHub does not use (``seats-active`` is activity in the 28 days before the snapshot).

The seat rules, here once for the fetch, the job summary, the history and its page: a seat
is **inactive** after ``inactive-days`` (``idle_days`` at least that many) without activity
and since its assignment: GitHub's ``last_activity_at`` empty (never used, or not within the
90 days GitHub keeps it) or at least that long before the snapshot, and ``created_at`` at
least that long before it. GitHub defines no threshold of its own (its billing API counts
``inactive_this_cycle`` per billing cycle), so the threshold is an input
(``_core.DEFAULT_INACTIVE_DAYS``). A seat costs ``seat_price``: ``seat-price`` when given,
else the plan's list price (``_core.LIST_PRICES``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import msgspec

from .._core import DEFAULT_INACTIVE_DAYS, LIST_PRICES
from .._errors import ReportFormatError

__all__ = [
    "SeatCounts",
    "SeatFact",
    "SeatTally",
    "count_seats",
    "idle_days",
    "is_inactive",
    "seat_facts",
    "seat_price",
]

#: Days that make ``seats-active`` (activity within) and "assigned lately".
ACTIVE_DAYS = 28


class _Named(msgspec.Struct):
    login: str | None = None
    id: int | None = None
    slug: str | None = None
    name: str | None = None


class _Seat(msgspec.Struct):
    assignee: _Named | None = None
    assigning_team: _Named | None = None
    #: RFC 3339, as GitHub sends them: msgspec reads them (much faster than Python would).
    created_at: datetime | None = None
    last_activity_at: datetime | None = None
    last_activity_editor: str | None = None
    pending_cancellation_date: str | None = None
    plan_type: str | None = None


_DECODE = msgspec.json.Decoder(_Seat)
_DECODE_ALL = msgspec.json.Decoder(list[_Seat])


@dataclass(slots=True)
class SeatFact:
    """One seated user, all of their seat objects merged."""

    key: str
    login: str
    created_at: datetime | None
    last_activity_at: datetime | None
    plan: str
    team: str
    pending: bool
    editor: str | None = None
    #: Seat objects of this user in the list (more than one only in an enterprise's).
    objects: int = 1


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _decoded(lines: Iterable[bytes]) -> list[_Seat]:
    """Every seat of the lines, decoded in one call (one line at a time to name a bad one)."""
    kept = [line for line in lines if line.strip()]
    try:
        return _DECODE_ALL.decode(b"[" + b",".join(kept) + b"]")
    except (msgspec.ValidationError, msgspec.DecodeError):
        pass
    seats = []
    for n, line in enumerate(kept):
        try:
            seats.append(_DECODE.decode(line))
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise ReportFormatError(
                f"seat {n + 1} of the seat list is not a seat: {exc}."
            ) from None
    return seats


def seat_facts(lines: Iterable[bytes]) -> list[SeatFact]:
    """One ``SeatFact`` per user, in the order the list first names them."""
    tally = SeatTally()
    for seat in _decoded(lines):
        tally.merge(seat)
    return tally.facts()


class SeatTally:
    """Seats merged into one ``SeatFact`` per user as they arrive; only the facts are kept."""

    __slots__ = ("_by_key", "_plans", "problem", "seats")

    def __init__(self) -> None:
        self._by_key: dict[str, SeatFact] = {}
        self._plans: dict[str, str] = {}
        #: Seat objects added; ``problem`` why one was not a seat (nothing is added after it).
        self.seats = 0
        self.problem: str | None = None

    def add(self, line: bytes) -> None:
        """One seat object (one line of JSON), unless an earlier one was not a seat."""
        if self.problem is not None:
            return
        try:
            seat = _DECODE.decode(line)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            self.problem = f"seat {self.seats + 1} of the seat list is not a seat: {exc}."
            return
        self.merge(seat)

    def merge(self, seat: _Seat) -> None:
        n = self.seats
        self.seats += 1
        user = seat.assignee or _NOBODY
        login = user.login or ""
        key = str(user.id) if user.id is not None else login or f"#{n}"
        if len(key) > _NAME:  # no GitHub name is this long: kept short, told apart by its hash
            key = "#" + hashlib.sha256(key.encode()).hexdigest()
        team = seat.assigning_team
        created, last = seat.created_at, seat.last_activity_at
        if created is not None and created.tzinfo is not UTC:
            created = _utc(created)
        if last is not None and last.tzinfo is not UTC:
            last = _utc(last)
        plan = seat.plan_type
        if not plan:
            plan = "unknown"
        elif (known_plan := self._plans.get(plan)) is not None:
            plan = known_plan  # one string for every seat of a plan
        elif len(self._plans) < 16:
            plan = self._plans.setdefault(plan, plan.lower())
        else:
            plan = plan.lower()
        editor = seat.last_activity_editor
        fact = SeatFact(  # positional: this runs once a seat
            key,
            login[:_NAME],
            created,
            last,
            plan[:_NAME],
            ((team.slug or team.name or "") if team else "")[:_NAME],
            bool(seat.pending_cancellation_date),
            editor[:_NAME] if editor else editor,
        )
        known = self._by_key.get(key)
        if known is None:
            self._by_key[key] = fact
            return
        known.objects += 1
        known.pending = known.pending and fact.pending
        known.created_at = _earliest(known.created_at, fact.created_at)
        if fact.last_activity_at and (
            known.last_activity_at is None or fact.last_activity_at > known.last_activity_at
        ):
            known.last_activity_at, known.editor = fact.last_activity_at, fact.editor

    def facts(self) -> list[SeatFact]:
        """One ``SeatFact`` per user, in the order the seats first named them."""
        return list(self._by_key.values())


_NOBODY = _Named()
#: The most characters of a name kept for a user (GitHub's logins have 39 at most, team names
#: 255): what a user costs here is bounded, whatever a seat object holds.
_NAME = 256


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True, slots=True)
class SeatCounts:
    """The numbers of one snapshot, as of ``taken`` (its moment)."""

    total_seats: int
    users: int
    by_plan: dict[str, int]
    active_7: int
    active_28: int
    never_used: int
    inactive: int
    inactive_days: int
    pending_cancellation: int
    assigned_28: int
    #: USD a month the inactive seats cost, and whether that is GitHub's list price.
    inactive_cost: float
    list_price: bool
    inactive_by_plan: dict[str, int] = field(default_factory=dict)
    #: The snapshot's moment and ``seat-price`` (``None``: list price), for the month's cost.
    taken: datetime | None = None
    price: float | None = None

    def metrics(self) -> dict[str, object]:
        """The ``seats`` object of the ``metrics`` output (no login)."""
        return {
            "total_seats": self.total_seats,
            "seats_by_plan": dict(self.by_plan),
            "seats_active_7_days": self.active_7,
            "seats_active_28_days": self.active_28,
            "seats_never_used": self.never_used,
            "seats_inactive": self.inactive,
            "inactive_days": self.inactive_days,
            "seats_pending_cancellation": self.pending_cancellation,
            "seats_assigned_28_days": self.assigned_28,
            "inactive_seats_monthly_cost_usd": round(self.inactive_cost, 2),
            "at_list_price": self.list_price,
        }


_DAY = timedelta(days=1)


def idle_days(
    last_activity_at: datetime | None, created_at: datetime | None, taken: datetime
) -> int | None:
    """Whole days, as of ``taken``, a seat has been both assigned and without activity: the
    days since the later of ``created_at`` and ``last_activity_at`` (an empty one is no
    activity); ``None`` without ``created_at`` (never inactive: its assignment is unknown)."""
    if created_at is None:
        return None
    since = created_at if last_activity_at is None else max(created_at, last_activity_at)
    return (taken - since) // _DAY


def is_inactive(
    last_activity_at: datetime | None,
    created_at: datetime | None,
    taken: datetime,
    days: int = DEFAULT_INACTIVE_DAYS,
) -> bool:
    """The one rule: no activity for ``days`` before ``taken``, and assigned as long ago."""
    idle = idle_days(last_activity_at, created_at, taken)
    return idle is not None and idle >= days


def seat_price(plan: str, price: float | None) -> float:
    """USD a month for a seat of ``plan``: ``price`` when given, else the list price."""
    return price if price is not None else LIST_PRICES.get(plan, LIST_PRICES["business"])


def count_seats(
    facts: Iterable[SeatFact],
    *,
    total_seats: int,
    taken: datetime,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    price: float | None = None,
) -> SeatCounts:
    """The snapshot's numbers; ``price`` (USD a seat a month) overrides the list prices."""
    by_plan: dict[str, int] = {}
    inactive_by_plan: dict[str, int] = {}
    active_7 = active_28 = never = inactive = pending = assigned = 0
    cost = 0.0
    week, month = taken - timedelta(days=7), taken - timedelta(days=ACTIVE_DAYS)
    count = 0
    for fact in facts:
        count += 1
        plan = fact.plan
        by_plan[plan] = by_plan.get(plan, 0) + 1
        last = fact.last_activity_at
        created = fact.created_at
        if last is None:
            never += 1
        else:
            active_7 += last > week
            active_28 += last > month
        pending += fact.pending
        if created is not None:
            assigned += created > month
            if is_inactive(last, created, taken, inactive_days):
                inactive += 1
                inactive_by_plan[plan] = inactive_by_plan.get(plan, 0) + 1
                cost += seat_price(plan, price)
    return SeatCounts(
        total_seats=total_seats,
        users=count,
        by_plan=dict(sorted(by_plan.items())),
        active_7=active_7,
        active_28=active_28,
        never_used=never,
        inactive=inactive,
        inactive_days=inactive_days,
        pending_cancellation=pending,
        assigned_28=assigned,
        inactive_cost=cost,
        list_price=price is None,
        inactive_by_plan=dict(sorted(inactive_by_plan.items())),
        taken=taken,
        price=price,
    )
