"""The report family: which reports exist for which scope, and where each is asked for.

One table, from GitHub's API description (see the project's reference notes):
every endpoint path, whether it takes a ``day``, and the first day it has data.
Nothing else in the package spells an endpoint path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = [
    "AGGREGATE",
    "KINDS",
    "ReportKind",
    "Scope",
    "aggregate_kind",
    "parse_kinds",
]

ScopeName = Literal["org", "enterprise"]

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
    #: The aggregate (organization or enterprise totals) rather than per-user or per-team rows.
    aggregate: bool

    def path(self, scope: Scope) -> str:
        """The endpoint path for ``scope``."""
        tail = f"{self.name}/latest" if self.rolling else self.name
        return f"{scope.prefix}/copilot/metrics/reports/{tail}"


_ORG_KINDS = (
    ReportKind("organization-1-day", rolling=False, aggregate=True),
    ReportKind("users-1-day", rolling=False, aggregate=False),
    ReportKind("user-teams-1-day", rolling=False, aggregate=False),
    ReportKind("repos-1-day", rolling=False, aggregate=False),
    ReportKind("organization-28-day", rolling=True, aggregate=True),
    ReportKind("users-28-day", rolling=True, aggregate=False),
)
_ENTERPRISE_KINDS = (
    ReportKind("enterprise-1-day", rolling=False, aggregate=True),
    *(k for k in _ORG_KINDS if not k.aggregate),
    ReportKind("enterprise-28-day", rolling=True, aggregate=True),
)
#: Every kind, by scope, in the order GitHub's reference lists them.
KINDS: dict[ScopeName, tuple[ReportKind, ...]] = {
    "org": _ORG_KINDS,
    "enterprise": _ENTERPRISE_KINDS,
}


def aggregate_kind(scope: ScopeName) -> ReportKind:
    """The one-day aggregate report of a scope."""
    return KINDS[scope][0]


def parse_kinds(text: str, scope: ScopeName) -> tuple[ReportKind, ...]:
    """A comma-separated list of report names, validated for the scope, without repeats.

    ``organization-1-day`` (the default) means the scope's aggregate, so an
    enterprise gets ``enterprise-1-day``; raises ``ValueError`` naming what the
    scope offers when a name is unknown or belongs to the other scope.
    """
    by_name = {k.name: k for k in KINDS[scope]}
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
