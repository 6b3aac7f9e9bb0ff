"""The insight model: what one scope's day adds up to, by GitHub's definitions, frozen.

A ``DayInsight`` is one organization's or enterprise's day (its *scope*): the
headline numbers GitHub reports (user counts under their own names), the
activity and its breakdowns, and the metrics GitHub's dashboard derives from
them, by the one definition in ``derived`` (code completions suggested and
accepted, their acceptance rate, agent adoption, chat requests and their average
per active user, user- and agent-initiated lines), plus chat requests by mode.

Numbers the tool adds that GitHub does not report are named so that GitHub
never uses the name (``users_used_agent``, …). An ``Insight`` holds no user
login.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .._core import CREDIT_USD
from .activity import (
    DIMENSIONS,
    TOP,
    Activity,
    Dimension,
    Row,
    TeamRow,
    rank,
    row_dict,
    top_rows,
)
from .derived import CHAT_PANEL_PREFIX, CODE_COMPLETION, DERIVED, derived_metrics, rounded
from .prs import pr_ranges
from .repos import Repos

__all__ = ["DayInsight", "Insight"]

#: The derived metrics in the headline before ``chat_requests_by_mode``, and after it.
_HEAD = DERIVED[: DERIVED.index("chat_requests") + 1]
_TAIL = DERIVED[len(_HEAD) :]
#: The derived metrics ``lines()`` gives.
_LINES = (
    "loc_added_user_initiated",
    "loc_deleted_user_initiated",
    "loc_added_agent_initiated",
    "loc_deleted_agent_initiated",
)


@dataclass(frozen=True, slots=True)
class DayInsight:
    """What one scope's day adds up to (see the module's docstring for the definitions).

    Headline numbers and breakdowns come from the scope's aggregate record when
    the day has one, else from its per-user records (``daily_active_users`` is
    then the number of per-user rows with activity).
    """

    day: date
    organization_id: str | None
    enterprise_id: str | None
    #: GitHub's user counts of the day, by GitHub's field names (``daily_active_users``, …).
    user_counts: Mapping[str, int | None]
    activity: Activity
    breakdowns: Mapping[Dimension, Mapping[str, Activity]]
    #: Users active per IDE and per feature (per-user records only; empty otherwise).
    active_users: Mapping[Dimension, Mapping[str, int]]
    #: Our counts from per-user rows: users whose ``used_*`` flag is true, by flag.
    users_used: Mapping[str, int]
    totals_by_cli: Mapping[str, Any] | None = None
    totals_by_copilot_app: Mapping[str, Any] | None = None
    pull_requests: Mapping[str, Any] | None = None
    #: ``totals_by_3rd_party_agent`` and ``totals_by_ai_adoption_phase`` as the aggregate sent them.
    agents: Mapping[str, Any] = field(default_factory=dict)
    ai_credits_used: float | None = None
    #: ``{phase, phase_number, total_engaged_users}`` by phase.
    ai_adoption_phases: Sequence[Mapping[str, Any]] = ()
    #: Ours, from per-user rows: ``{phase, phase_number, users, ai_credits_used}`` by phase.
    users_by_phase: Sequence[Mapping[str, Any]] = ()
    #: GitHub's ``totals_by_ai_adoption_phase`` of the aggregate record, as sent (``impact``).
    phase_totals: Sequence[Mapping[str, Any]] = ()
    teams: Sequence[TeamRow] = ()
    aggregate_records: int = 0
    user_records: int = 0
    team_records: int = 0

    @property
    def scope(self) -> str:
        """``organization <id>``, ``enterprise <id>``, or ``""`` when the records name none."""
        if self.organization_id is not None:
            return f"organization {self.organization_id}"
        if self.enterprise_id is not None:
            return f"enterprise {self.enterprise_id}"
        return ""

    def count(self, name: str) -> int | None:
        """A GitHub user count of the day (``daily_active_users``, …), ``None`` if not reported."""
        return self.user_counts.get(name)

    @property
    def daily_active_users(self) -> int | None:
        return self.count("daily_active_users")

    @property
    def weekly_active_users(self) -> int | None:
        return self.count("weekly_active_users")

    @property
    def monthly_active_users(self) -> int | None:
        return self.count("monthly_active_users")

    def feature(self, name: str) -> Activity:
        return self.breakdowns["feature"].get(name, Activity())

    @property
    def code_completions(self) -> Activity:
        """The ``code_completion`` feature: suggestions shown (generations) and accepted."""
        return self.feature(CODE_COMPLETION)

    @property
    def derived(self) -> dict[str, int | float | None]:
        """The day's derived metrics (``derived``), unrounded, by GitHub's names."""
        return derived_metrics(self.breakdowns["feature"], self.user_counts)

    @property
    def code_completion_acceptance_rate(self) -> float | None:
        return self.derived["code_completion_acceptance_rate"]

    @property
    def chat_requests_by_mode(self) -> dict[str, int]:
        """User-initiated interactions of each ``chat_panel_*`` feature (GitHub's feature names)."""
        return {
            name: value.user_initiated_interaction_count
            for name, value in sorted(self.breakdowns["feature"].items())
            if name.startswith(CHAT_PANEL_PREFIX)
        }

    @property
    def chat_requests(self) -> int:
        """Chat requests: the chat panel's modes and inline chat (``derived``)."""
        return int(self.derived["chat_requests"] or 0)

    @property
    def average_chat_requests_per_active_user(self) -> float | None:
        return self.derived["average_chat_requests_per_active_user"]

    @property
    def agent_adoption_rate(self) -> float | None:
        return self.derived["agent_adoption_rate"]

    def lines(self) -> dict[str, int]:
        """Lines added and deleted by user-initiated and by agent-initiated activity."""
        derived = self.derived
        return {name: int(derived[name] or 0) for name in _LINES}

    def headline(self) -> dict[str, Any]:
        """The day's headline numbers and derived metrics as one JSON-ready object."""
        derived = rounded(self.derived)
        return {
            "day": self.day.isoformat(),
            "organization_id": self.organization_id,
            "enterprise_id": self.enterprise_id,
            **self.user_counts,
            **{f"users_{flag}": n for flag, n in sorted(self.users_used.items())},
            **self.activity.as_dict(),
            **{name: derived[name] for name in _HEAD},
            "chat_requests_by_mode": self.chat_requests_by_mode,
            **{name: derived[name] for name in _TAIL},
            "totals_by_cli": self.totals_by_cli,
            "totals_by_copilot_app": self.totals_by_copilot_app,
            "pull_requests": self.pull_requests,
            "ai_credits_used": self.ai_credits_used,
            "totals_by_ai_adoption_phase": list(self.ai_adoption_phases),
            "users_by_ai_adoption_phase": list(self.users_by_phase),
        }

    def metrics(self, *, top: int | None = None, breakdowns: bool = True) -> dict[str, Any]:
        """``headline`` plus the breakdowns (every key, or ``top`` and ``other``) and teams."""
        if not breakdowns:
            return self.headline()
        return {
            **self.headline(),
            "breakdowns": {
                d: [row_dict(d, row) for row in top_rows(self.rows(d), top)] for d in DIMENSIONS
            },
            "teams": [team.as_dict() for team in self.teams],
            "records": {
                "aggregate": self.aggregate_records,
                "user": self.user_records,
                "user_team": self.team_records,
            },
        }

    def rows(self, dimension: Dimension) -> list[Row]:
        """Every key of a breakdown as shown (a version label reads ``unknown``), busiest first."""
        users = self.active_users.get(dimension)
        return rank(dimension, self.breakdowns[dimension], users, with_users=users is not None)


@dataclass(frozen=True, slots=True)
class Insight:
    """What a set of report files adds up to, by scope and day; it never holds a user login."""

    days: tuple[DayInsight, ...]
    #: The files read, and those that held no record of a known kind.
    files: tuple[Path, ...] = ()
    skipped: tuple[Path, ...] = ()
    #: Things the reader should know, one sentence each (a record replaced by a later one).
    notes: tuple[str, ...] = field(default=())
    #: Repositories' days (``repos-1-day``), never part of the totals above.
    repos: Repos = field(default_factory=Repos)

    @property
    def scopes(self) -> list[str]:
        return list(dict.fromkeys(day.scope for day in self.days))

    def for_scope(self, scope: str) -> Insight:
        """The days of one scope only."""
        return Insight(
            tuple(d for d in self.days if d.scope == scope),
            self.files,
            self.skipped,
            repos=self.repos.for_scope(scope),
        )

    @property
    def newest(self) -> DayInsight | None:
        """The last day (of the first scope): its rolling user counts describe the period's end."""
        if not self.days:
            return None
        first = self.days[0].scope
        return [d for d in self.days if d.scope == first][-1]

    @property
    def activity(self) -> Activity:
        """Activity summed over every day."""
        total = Activity()
        for day in self.days:
            total += day.activity
        return total

    def feature(self, name: str) -> Activity:
        total = Activity()
        for day in self.days:
            total += day.feature(name)
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
        return top_rows(rank(dimension, activity, users, with_users=with_users), top)

    def metrics(
        self, *, top: int | None = None, breakdowns: bool = True, newest_only: bool = False
    ) -> dict[str, Any]:
        """The ``metrics`` object (``metrics.schema.json``): every scope's days, in order.

        ``breakdowns=False`` leaves out breakdowns, teams and record counts; ``newest_only``
        keeps each scope's newest day (``start_day`` and ``end_day`` still span them all).
        """
        days = [day.day for day in self.days]
        out: dict[str, Any] = {
            "start_day": min(days).isoformat() if days else None,
            "end_day": max(days).isoformat() if days else None,
            **self.credits(),
            "days": [
                day.metrics(top=top, breakdowns=breakdowns)
                for day in self.days
                if not newest_only or day is self.for_scope(day.scope).days[-1]
            ],
        }
        if pulls := pr_ranges(self.days):  # over every day, even when only the newest is shown
            out["pull_requests"] = pulls
        return out

    def credits(self) -> dict[str, float]:
        """``ai_credits_used``, summed over every day's per-user rows (two decimals), and
        ``ai_credits_cost_usd`` (that x 0.01 USD); empty when no row carries credits."""
        found = [day.ai_credits_used for day in self.days if day.ai_credits_used is not None]
        if not found:
            return {}
        used = round(sum(found), 2)
        return {"ai_credits_used": used, "ai_credits_cost_usd": round(used * CREDIT_USD, 2)}
