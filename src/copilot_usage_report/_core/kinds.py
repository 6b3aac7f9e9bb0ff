"""The report family: which reports exist for which scope, and where each is asked for.

One table, from GitHub's API description (see the project's reference notes):
every endpoint path, whether it takes a ``day``, the grain of its records, and the
first day it has data. Nothing else in the package spells an endpoint path, and
nothing else tells a report's grain from its name (``report_grain``).

A *grain* is what one record of a report is, in GitHub's words (its report names):
``aggregate`` (an organization's or enterprise's day), ``users`` (one user's day),
``user-teams`` (one user's membership of one team) and ``repos`` (one repository's
day). ``_metrics.grain_of`` tells a record's grain from its fields, by the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .._errors import InputError

__all__ = [
    "AGGREGATE",
    "KINDS",
    "SEATS",
    "SEATS_KIND",
    "SUMMED",
    "Grain",
    "ReportKind",
    "Scope",
    "aggregate_kind",
    "billing_path",
    "offered",
    "parse_kinds",
    "report_grain",
    "seat_day",
]

ScopeName = Literal["org", "enterprise"]
#: What one record of a report is, in the words of GitHub's report names (module docstring).
Grain = Literal["aggregate", "users", "user-teams", "repos"]
#: The grains the summary and the history add up (a repository's rows are no part of them).
SUMMED: frozenset[Grain] = frozenset({"aggregate", "users", "user-teams"})

#: Our name for the seat list, a snapshot of today only (GitHub's billing seats endpoint).
SEATS = "copilot-seats"
#: The default ``--report``: the aggregate one-day report of whichever scope is asked.
AGGREGATE = "organization-1-day"


@dataclass(frozen=True, slots=True)
class Scope:
    """An organization or an enterprise, by its login or slug."""

    kind: ScopeName
    name: str

    @property
    def prefix(self) -> str:
        """The API path prefix of this scope."""
        return f"orgs/{self.name}" if self.kind == "org" else f"enterprises/{self.name}"

    @property
    def label(self) -> str:
        """How messages name the scope: ``organization my-org`` or ``enterprise acme``."""
        return f"{'organization' if self.kind == 'org' else 'enterprise'} {self.name}"

    @property
    def first_day(self) -> date:
        """The first day GitHub has reports for in this scope."""
        return date(2025, 12, 12) if self.kind == "org" else date(2025, 10, 10)


@dataclass(frozen=True, slots=True)
class ReportKind:
    """One report of the family: its name (also its folder) and how it is asked for."""

    name: str
    #: True for the 28-day reports, which have no ``day`` query and always give the latest.
    rolling: bool
    #: What each record of the report is; ``None`` for the seat list, which holds no report
    #: records.
    grain: Grain | None

    @property
    def aggregate(self) -> bool:
        """The aggregate (organization or enterprise totals) rather than rows of users, teams
        or repositories."""
        return self.grain == "aggregate"

    @property
    def seats(self) -> bool:
        """True for the seat list (``copilot-seats``): no report links, pages of seats instead."""
        return self.name == SEATS

    def path(self, scope: Scope) -> str:
        """The endpoint path for ``scope``."""
        if self.seats:
            return f"{scope.prefix}/copilot/billing/seats"
        tail = f"{self.name}/latest" if self.rolling else self.name
        return f"{scope.prefix}/copilot/metrics/reports/{tail}"


_ORG_KINDS = (
    ReportKind("organization-1-day", rolling=False, grain="aggregate"),
    ReportKind("users-1-day", rolling=False, grain="users"),
    ReportKind("user-teams-1-day", rolling=False, grain="user-teams"),
    ReportKind("repos-1-day", rolling=False, grain="repos"),
    ReportKind("organization-28-day", rolling=True, grain="aggregate"),
    ReportKind("users-28-day", rolling=True, grain="users"),
)
_ENTERPRISE_KINDS = (
    ReportKind("enterprise-1-day", rolling=False, grain="aggregate"),
    *(k for k in _ORG_KINDS if not k.aggregate),
    ReportKind("enterprise-28-day", rolling=True, grain="aggregate"),
)
#: Every kind, by scope, in the order GitHub's reference lists them.
KINDS: dict[ScopeName, tuple[ReportKind, ...]] = {
    "org": _ORG_KINDS,
    "enterprise": _ENTERPRISE_KINDS,
}

#: The seat list: rolling (it takes no ``day``), and neither aggregate nor per-user rows.
SEATS_KIND = ReportKind(SEATS, rolling=True, grain=None)


_BY_NAME: dict[str, ReportKind] = {k.name: k for kinds in KINDS.values() for k in kinds}


def report_grain(report: str) -> Grain | None:
    """The grain of a report's records, by the report's name; ``None`` for the seat list.

    A name not in the table (a report GitHub adds later, an archive written elsewhere) is
    read by the pattern of GitHub's names, ``<subject>-<N>-day``: ``organization``/
    ``enterprise`` are ``aggregate``, ``users``, ``user-teams`` and ``repos`` themselves;
    any other subject is ``None``.
    """
    kind = _BY_NAME.get(report)
    if kind is not None:
        return kind.grain
    subject, _, window = report.rpartition("-")
    subject = subject.rpartition("-")[0] if window == "day" else ""
    return _SUBJECTS.get(subject)


_SUBJECTS: dict[str, Grain] = {
    "organization": "aggregate",
    "enterprise": "aggregate",
    "users": "users",
    "user-teams": "user-teams",
    "repos": "repos",
}


def billing_path(scope: Scope) -> str:
    """The organization's Copilot billing endpoint (plan and seat breakdown)."""
    return f"{scope.prefix}/copilot/billing"


def seat_day(text: str, kinds: tuple[ReportKind, ...], today: date) -> None:
    """Refuse any day but today for the seat list: GitHub keeps no past seat list."""
    spec = text.strip().lower()
    if not any(k.seats for k in kinds) or spec in ("latest", today.isoformat()):
        return
    raise InputError(
        f"day {spec[:40]!r} cannot be asked of the {SEATS} report: GitHub's seat list is a "
        f"snapshot of today only (no day before is kept), so give day: latest or "
        f"{today.isoformat()}, or ask for {SEATS} in a run of its own."
    )


def aggregate_kind(scope: ScopeName) -> ReportKind:
    """The one-day aggregate report of a scope."""
    return KINDS[scope][0]


def offered(scopes: tuple[ScopeName, ...] = ("org", "enterprise")) -> tuple[str, ...]:
    """The report names ``--report`` accepts for ``scopes``: each scope's in GitHub's order,
    then the seat list."""
    return (*dict.fromkeys(k.name for scope in scopes for k in KINDS[scope]), SEATS)


def parse_kinds(text: str, scope: ScopeName) -> tuple[ReportKind, ...]:
    """A comma-separated list of report names, validated for the scope, without repeats.

    ``organization-1-day`` (the default) means the scope's aggregate, so an
    enterprise gets ``enterprise-1-day``; raises ``ValueError`` naming what the
    scope offers when a name is unknown or belongs to the other scope.
    """
    by_name = {k.name: k for k in (*KINDS[scope], SEATS_KIND)}
    chosen: list[ReportKind] = []
    for raw in text.split(","):
        name = raw.strip().lower()
        if not name:
            continue
        if name == AGGREGATE and scope == "enterprise":
            name = "enterprise-1-day"
        kind = by_name.get(name)
        if kind is None:
            offered = ", ".join(by_name)
            where = "an organization" if scope == "org" else "an enterprise"
            raise ValueError(
                f"report {raw.strip()!r} is not one {where} has: choose from {offered}"
            )
        if kind not in chosen:
            chosen.append(kind)
    if not chosen:
        raise ValueError("no report named: give at least one, for example organization-1-day")
    return tuple(chosen)
