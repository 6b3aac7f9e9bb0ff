"""The registry of report kinds: which kinds exist for which scope, and how each is asked for.

One table of ``ReportKind`` rows (``register_kind``; the rows are at the end of this module):
every endpoint path, whether it takes a ``day``, its scopes, how it is asked for (``Request``:
signed report links, a paged list, one billing call a day), the grain of its records, and the
key of its numbers in ``metrics``. ``--report``, ``--help``, the settings and the pipeline read
the registry (``kinds_of``, ``kind_named``, ``offered``); nothing else in the package spells an
endpoint path, decides by a kind's name, or tells a report's grain from its name
(``report_grain``).

A *grain* is what one record of a report is, in GitHub's words (its report names):
``aggregate`` (an organization's or enterprise's day), ``users`` (one user's day),
``user-teams`` (one user's membership of one team) and ``repos`` (one repository's
day). ``_metrics.grain_of`` tells a record's grain from its fields, by the same words.

A kind's behaviour spans layers, so the registry is a row here plus one part per layer, each
in its layer's own table keyed by the kind's name (the layers still point one way):
``_pipeline.kinds`` (how it is fetched and counted), ``_render.sections`` (its section of the
job summary and its step outputs) and ``history._kinds`` (its tables, CSV and section of the
page). A metrics report needs no part: its records are read by their fields. ``_app/kinds.py``
describes the design whole, and how a plug-in module registers a kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from .._errors import InputError

__all__ = [
    "AGGREGATE",
    "CREDITS",
    "KINDS",
    "SEATS",
    "SUMMED",
    "Grain",
    "ReportKind",
    "Request",
    "Scope",
    "aggregate_kind",
    "billing_path",
    "kind_named",
    "kinds_of",
    "offered",
    "parse_kinds",
    "register_kind",
    "registered",
    "report_grain",
    "today_only_day",
]

ScopeName = Literal["org", "enterprise"]
#: What one record of a report is, in the words of GitHub's report names (module docstring).
Grain = Literal["aggregate", "users", "user-teams", "repos"]
#: The grains the summary and the history add up (a repository's rows are no part of them).
SUMMED: frozenset[Grain] = frozenset({"aggregate", "users", "user-teams"})

#: Our name for the seat list, a snapshot of today only (GitHub's billing seats endpoint).
SEATS = "copilot-seats"
#: Our name for AI credits billed (GitHub's billing usage endpoint for AI credits).
CREDITS = "copilot-ai-credits"
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


#: How a kind is asked for: signed download links (GitHub's metrics reports), a paged list
#: read through the API (the seat list), or one API call per day (a billing endpoint).
Request = Literal["links", "pages", "billing"]


@dataclass(frozen=True, slots=True)
class ReportKind:
    """One kind of report: its name (also its folder), how it is asked for, and for which scopes.

    A row of the registry (``register_kind``). What each layer does with a kind that is not
    fetched by links is registered in that layer's own table (see ``_app/kinds.py``).
    """

    name: str
    #: True for the 28-day reports, which have no ``day`` query and always give the latest.
    rolling: bool
    #: What each record of the report is; ``None`` for a kind that holds no report records
    #: (the seat list, a billing kind).
    grain: Grain | None
    #: How it is asked for (``Request``): only ``links`` kinds go through the report links.
    request: Request = "links"
    #: The path below the scope's prefix (``orgs/<org>``, ``enterprises/<slug>``), for a kind
    #: not asked through report links; ``{owner}`` in it stands for the billing API's
    #: ``organizations/<org>`` or ``enterprises/<slug>`` instead.
    endpoint: str = ""
    #: The scopes that have it.
    scopes: tuple[ScopeName, ...] = ("org", "enterprise")
    #: Why only today can be asked, for a snapshot GitHub keeps no past of ('' otherwise).
    today_only: str = ""
    #: The key its numbers have in ``metrics`` (the kind's name when empty).
    section: str = ""
    #: What a token needs to read it, said when GitHub refuses (a ``billing`` kind).
    needs: str = ""
    #: What a token needs for an enterprise, when it differs from ``needs``.
    needs_enterprise: str = ""
    #: How many months back GitHub keeps it, when not the metrics reports' window (their
    #: first day, one year): the days a run of this kind alone may ask (``parse_day``).
    months_kept: int = 0

    @property
    def aggregate(self) -> bool:
        """The aggregate (organization or enterprise totals) rather than rows of users, teams
        or repositories."""
        return self.grain == "aggregate"

    @property
    def summarised(self) -> bool:
        """True when its records are usage records the summary counts (``summarize``): its grain
        is one the summary adds up (``SUMMED``)."""
        return self.grain in SUMMED

    @property
    def linked(self) -> bool:
        """True for a kind GitHub answers with signed download links (the metrics reports)."""
        return self.request == "links"

    @property
    def metrics_key(self) -> str:
        """The key of its numbers in ``metrics`` and ``metrics.json``."""
        return self.section or self.name

    def needs_of(self, scope: ScopeName) -> str:
        """What a token needs to read it in ``scope`` (said on a 403)."""
        return (self.needs_enterprise if scope == "enterprise" else "") or self.needs

    def path(self, scope: Scope) -> str:
        """The endpoint path for ``scope``."""
        if "{owner}" in self.endpoint:
            top = "organizations" if scope.kind == "org" else "enterprises"
            return self.endpoint.replace("{owner}", f"{top}/{scope.name}")
        if self.endpoint:
            return f"{scope.prefix}/{self.endpoint}"
        tail = f"{self.name}/latest" if self.rolling else self.name
        return f"{scope.prefix}/copilot/metrics/reports/{tail}"


#: The registry: every kind by name, in the order ``--report`` lists them. Rows below;
#: ``register_kind`` adds one (a kind of a plug-in module, see ``_app/kinds.py``).
_REGISTRY: dict[str, ReportKind] = {}


def register_kind(kind: ReportKind) -> ReportKind:
    """Add ``kind`` to the registry (replacing a kind of the same name); returns it."""
    _REGISTRY[kind.name] = kind
    return kind


def registered() -> tuple[ReportKind, ...]:
    """Every kind registered, in the registry's order."""
    return tuple(_REGISTRY.values())


def kind_named(name: str) -> ReportKind | None:
    """The registered kind of this name (a report folder's name), if any."""
    return _REGISTRY.get(name)


def kinds_of(scope: ScopeName) -> tuple[ReportKind, ...]:
    """The kinds ``scope`` has: its metrics reports in GitHub's order, then the other kinds."""
    ours = [k for k in _REGISTRY.values() if scope in k.scopes]
    return (*(k for k in ours if k.linked), *(k for k in ours if not k.linked))


# -- the rows ---------------------------------------------------------------------------------
# GitHub's metrics reports (one registry, filtered by scope, keeps each scope's order).
for _row in (
    ReportKind("organization-1-day", rolling=False, grain="aggregate", scopes=("org",)),
    ReportKind("enterprise-1-day", rolling=False, grain="aggregate", scopes=("enterprise",)),
    ReportKind("users-1-day", rolling=False, grain="users"),
    ReportKind("user-teams-1-day", rolling=False, grain="user-teams"),
    ReportKind("repos-1-day", rolling=False, grain="repos"),
    ReportKind("organization-28-day", rolling=True, grain="aggregate", scopes=("org",)),
    ReportKind("users-28-day", rolling=True, grain="users"),
    ReportKind("enterprise-28-day", rolling=True, grain="aggregate", scopes=("enterprise",)),
    # The seat list: a paged list of today only (it takes no ``day``); its parts in
    # ``_github/seats``, ``_metrics/seats``, ``_pipeline/seats``, ``_render/seats``,
    # ``history/_seats*``, rows in ``_pipeline/kinds``, ``_render/sections``, ``history/_kinds``.
    ReportKind(
        SEATS,
        rolling=True,
        grain=None,
        request="pages",
        endpoint="copilot/billing/seats",
        today_only="GitHub's seat list is a snapshot of today only (no day before is kept)",
        section="seats",
    ),
    # AI credits billed: one billing call a day (its items carry no date), kept 24 months;
    # its parts in ``_metrics/credits``, ``_render/credits``, ``history/_credits``, rows in
    # ``_pipeline/calls``, ``_render/sections``, ``history/_kinds``.
    ReportKind(
        CREDITS,
        rolling=False,
        grain=None,
        request="billing",
        endpoint="{owner}/settings/billing/ai_credit/usage",
        section="ai_credits",
        needs=(
            "a fine-grained token or a GitHub App needs the organization permission "
            '"Administration" (read); a classic token must be an organization owner\'s'
        ),
        needs_enterprise=(
            "GitHub refuses fine-grained and GitHub App tokens here: give a classic token of an "
            "enterprise owner or billing manager"
        ),
        months_kept=24,
    ),
):
    register_kind(_row)

#: GitHub's metrics reports by scope (the kinds asked through report links), in its order.
KINDS: dict[ScopeName, tuple[ReportKind, ...]] = {
    scope: tuple(k for k in kinds_of(scope) if k.linked) for scope in ("org", "enterprise")
}


def report_grain(report: str) -> Grain | None:
    """The grain of a report's records, by the report's name; ``None`` for the seat list.

    A name not in the table (a report GitHub adds later, an archive written elsewhere) is
    read by the pattern of GitHub's names, ``<subject>-<N>-day``: ``organization``/
    ``enterprise`` are ``aggregate``, ``users``, ``user-teams`` and ``repos`` themselves;
    any other subject is ``None``.
    """
    kind = _REGISTRY.get(report)
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


def today_only_day(text: str, kinds: tuple[ReportKind, ...], today: date) -> None:
    """Refuse any day but today for a kind GitHub keeps only today's of (``today_only``)."""
    spec = text.strip().lower()
    kind = next((k for k in kinds if k.today_only), None)
    if kind is None or spec in ("latest", today.isoformat()):
        return
    raise InputError(
        f"day {spec[:40]!r} cannot be asked of the {kind.name} report: {kind.today_only}, "
        f"so give day: latest or {today.isoformat()}, or ask for {kind.name} in a run of "
        "its own."
    )


def aggregate_kind(scope: ScopeName) -> ReportKind:
    """The one-day aggregate report of a scope."""
    return kinds_of(scope)[0]


def offered(scopes: tuple[ScopeName, ...] = ("org", "enterprise")) -> tuple[str, ...]:
    """The report names ``--report`` accepts for ``scopes``: each scope's metrics reports in
    GitHub's order, then the other kinds of the registry."""
    kinds = [k for scope in scopes for k in kinds_of(scope)]
    names = [k.name for k in kinds if k.linked] + [k.name for k in kinds if not k.linked]
    return tuple(dict.fromkeys(names))


def parse_kinds(text: str, scope: ScopeName) -> tuple[ReportKind, ...]:
    """A comma-separated list of report names, validated for the scope, without repeats.

    ``organization-1-day`` (the default) means the scope's aggregate, so an
    enterprise gets ``enterprise-1-day``; raises ``ValueError`` naming what the
    scope offers when a name is unknown or belongs to the other scope.
    """
    by_name = {k.name: k for k in kinds_of(scope)}
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
