"""The one table of options: each input's flag, variables, action input, default, parser and help.

Every input of a run is one ``Option`` row below. The command line's parser
(``_app.parser``), ``RawInputs`` and the one loop of ``build_settings``
(``settings``), the generated ``docs/cli.md`` and the tests that hold
``action.yml`` and the README's inputs table to it are all derived from
``OPTIONS``. Adding an option is one row (and, when code reads it, a typed
field of ``Settings`` of the same name); ``ACTION_ONLY_INPUTS`` names the
action's inputs that no command reads as an option.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .kinds import AGGREGATE
from .values import (
    DEFAULT_API_VERSION,
    Parser,
    api_version,
    flag,
    optional_credits,
    optional_price,
    parse_size,
    report_format,
    seconds,
    whole,
)

__all__ = [
    "ACTION_ONLY_INPUTS",
    "COMMANDS",
    "CREDIT_POOLS",
    "CREDIT_USD",
    "DEFAULT_API_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_INACTIVE_DAYS",
    "DEFAULT_OUTPUT_DIR",
    "ENV_COMMANDS",
    "LIST_PRICES",
    "MAX_INACTIVE_DAYS",
    "OPTIONS",
    "Option",
    "option",
    "options_of",
]

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_OUTPUT_DIR = "copilot-usage-metrics"
#: The whole run's deadline, by default and at most (seconds).
DEFAULT_DEADLINE = 3600.0
MAX_DEADLINE = 7 * 24 * 3600.0
#: ``inactive-days``: days without activity (and since assignment) that make a seat inactive,
#: by default and at most. The rule itself is ``_metrics.seats.idle_days``.
DEFAULT_INACTIVE_DAYS = 30
MAX_INACTIVE_DAYS = 365
#: USD a Copilot seat costs a month at list price, by GitHub's ``plan_type``: the cost of
#: inactive seats when ``seat-price`` is empty (a plan not listed costs as ``business``).
LIST_PRICES: Mapping[str, float] = MappingProxyType({"business": 19.0, "enterprise": 39.0})
#: AI credits a seat adds to the pool each month, by ``plan_type``, when ``credit-pool`` is
#: empty (a plan not listed adds as ``business``); USD an AI credit costs.
CREDIT_POOLS: Mapping[str, int] = MappingProxyType({"business": 1900, "enterprise": 3900})
CREDIT_USD = 0.01
#: The commands that take options from this table; ``fetch`` and ``publish-history`` (which
#: the action runs) read the environment.
COMMANDS = ("fetch", "demo", "summarize", "history", "publish-history")
ENV_COMMANDS = ("fetch", "publish-history")
_RUN = ("fetch", "demo")
#: The commands that count seats: the fetch's outputs and summary, the history's database and
#: page.
_SEATS = (*_RUN, "history", "publish-history")


@dataclass(frozen=True, slots=True)
class Option:
    """One input, as every place that names it spells it."""

    #: ``RawInputs`` key, ``argparse`` dest and ``INPUT_<NAME>`` variable: ``max_wait``.
    name: str
    #: What ``--help`` says it is (without the default and the variables, added from below);
    #: ``{kinds}`` stands for the report kinds the command accepts (``_core.kinds``).
    help: str
    #: ``action.yml``'s description of the input: one line, ending with a full stop.
    description: str = ""
    #: The default as text, read by ``parse`` like a given value; ``None``: none (or decided
    #: with other inputs, as ``if-not-available`` is).
    default: str | None = None
    #: How ``--help`` states the default when it is not the text above.
    shown: str = ""
    #: Reads the text into the ``Settings`` field (``values``); ``None``: ``build_settings``
    #: checks it together with other inputs (the scope, the day, the token...).
    parse: Parser | None = None
    #: The command-line flag; empty: ``--`` and the name with dashes.
    flag: str = ""
    #: The action input; empty: the name with dashes; ``None``: no input.
    input: str | None = ""
    #: Variables read after ``INPUT_<NAME>``, in order (``GH_TOKEN``, then ``GITHUB_TOKEN``).
    env: tuple[str, ...] = ()
    #: ``action.yml``'s default when it differs from ``default`` (an expression).
    action_default: str | None = None
    #: The action requires it (``token``).
    required: bool = False
    #: The ``Settings`` field; empty: the name.
    field: str = ""
    metavar: str | None = None
    #: The subcommands that take it.
    commands: tuple[str, ...] = _RUN
    #: ``--flag/--no-flag`` rather than a value.
    switch: bool = False
    #: Another help text (before the default) for one command: ``(command, text)``.
    help_for: tuple[tuple[str, str], ...] = ()
    #: Another default for one command: ``(command, text)``.
    default_for: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        dashed = self.name.replace("_", "-")
        object.__setattr__(self, "flag", self.flag or f"--{dashed}")
        if self.input == "":
            object.__setattr__(self, "input", dashed)
        object.__setattr__(self, "field", self.field or self.name)

    @property
    def variables(self) -> tuple[str, ...]:
        """The environment variables read, in order, when the option is not given."""
        return (f"INPUT_{self.name.upper()}", *self.env)

    @property
    def action_value(self) -> str:
        """The default ``action.yml`` states ('' for none)."""
        if self.action_default is not None:
            return self.action_default
        return self.default or ""

    def default_in(self, command: str) -> str | None:
        """The default for ``command``."""
        return dict(self.default_for).get(command, self.default)

    def help_in(self, command: str, *, kinds: str = "", env: bool = True) -> str:
        """``--help``'s text for ``command``: what it is, its default and its variables."""
        text = dict(self.help_for).get(command, self.help).replace("{kinds}", kinds)
        default = self.default_in(command)
        shown = self.shown if default == self.default and self.shown else default
        notes = []
        if shown:
            notes.append(f"default {shown}")
        if env:
            notes.append("env: " + ", then ".join(self.variables))
        return f"{text} ({'; '.join(notes)})" if notes else text


_HISTORY_DAYS = (
    "seat snapshots: a seat with no activity for this many days (and assigned as long ago) is "
    "inactive on the page and in seat_days.inactive; applied when the page is drawn, so "
    "changing it needs no rebuild"
)
_PRICES = " or ".join(f"{p:g}" for p in LIST_PRICES.values())
_HISTORY_PRICE = "seat snapshots: USD a seat costs a month, for the cost of reclaimable seats"

OPTIONS: tuple[Option, ...] = (
    Option(
        "org",
        "organization login; this or --enterprise is required",
        "Organization whose Copilot usage metrics are fetched; ignored when enterprise is set.",
        action_default="${{ github.repository_owner }}",
        metavar="ORG",
        commands=("fetch",),
    ),
    Option(
        "enterprise",
        "enterprise slug, instead of --org",
        "Enterprise slug whose Copilot usage metrics are fetched, instead of an organization.",
        metavar="SLUG",
        commands=("fetch",),
    ),
    Option(
        "report",
        "report(s), comma separated: {kinds}; with --enterprise, organization-1-day means "
        "the enterprise's aggregate, enterprise-1-day",
        "Reports to fetch, comma separated, e.g. organization-1-day,users-1-day (all kinds are "
        "listed in the README).",
        default=AGGREGATE,
        metavar="KINDS",
        help_for=(("demo", "report(s) of organization octo-demo, comma separated: {kinds}"),),
    ),
    Option(
        "token",
        "token that may read the Copilot metrics; prefer the environment (GH_TOKEN): a value "
        "given here lands in the shell history and shows in the process list (ps) to every "
        "user of the machine",
        "Token that can read the org's Copilot metrics, from a fine-grained PAT or a GitHub "
        "App; GITHUB_TOKEN cannot.",
        shown="from the environment",
        env=("GH_TOKEN", "GITHUB_TOKEN"),
        required=True,
        commands=("fetch",),
    ),
    Option(
        "day",
        "YYYY-MM-DD, 'yesterday', 'latest' (the newest day with a report), START..END "
        "(inclusive) or last-N-days",
        "Day to fetch (UTC), YYYY-MM-DD, yesterday, latest (newest with a report), START..END "
        "or last-N-days.",
        default="latest",
    ),
    Option(
        "if_not_available",
        "when a day has no report: error, warn or skip",
        'What a day without a report does, "error", "warn" or "skip"; empty means error for '
        "one day and skip for ranges.",
        shown="error for one day, skip for ranges",
        metavar="POLICY",
        commands=("fetch",),
    ),
    Option(
        "api_url",
        "API base URL, for GHE.com data residency or the demo stand-in",
        "GitHub API base URL; the default suits GitHub.com, and GHE.com data residency when run "
        "there.",
        default=DEFAULT_API_URL,
        env=("GITHUB_API_URL",),
        action_default="${{ github.api_url }}",
        commands=("fetch",),
    ),
    Option(
        "api_version",
        "X-GitHub-Api-Version header",
        "The X-GitHub-Api-Version header sent with every API request.",
        default=DEFAULT_API_VERSION,
        parse=api_version,
        commands=("fetch",),
    ),
    Option(
        "output_dir",
        "folder the files go to",
        "Archive folder; a day's files and manifest go to <path>/orgs/<org>/<report>/<day>/ "
        "(or enterprises/<slug>/...).",
        default=DEFAULT_OUTPUT_DIR,
        input="path",
        action_default="${{ runner.temp }}/copilot-usage-metrics",
        metavar="DIR",
        default_for=(("demo", "copilot-usage-demo"),),
    ),
    Option(
        "retries",
        "retries of a failed request or download",
        "How many times a failed API request or download is retried.",
        default="5",
        parse=whole(0, 20),
        metavar="N",
    ),
    Option(
        "max_wait",
        "longest rate-limit wait accepted, in seconds",
        "Longest rate-limit wait, in seconds, the action accepts before failing with the time "
        "to retry.",
        default="300",
        parse=seconds(3600.0),
        metavar="SECONDS",
    ),
    Option(
        "concurrency",
        "downloads at once",
        "How many report files are downloaded at once.",
        default="4",
        parse=whole(1, 32),
        metavar="N",
    ),
    Option(
        "timeout",
        "seconds a request may stall before it is retried",
        "Seconds a request or download may stall (or run slower than 1 KiB/s) before it is "
        "retried.",
        default="30",
        parse=seconds(600.0, positive=True),
        metavar="SECONDS",
    ),
    Option(
        "max_file_size",
        "largest file kept: bytes, or a number with KiB, MiB or GiB",
        "Largest report file kept, in bytes or with a KiB, MiB or GiB suffix; a larger body is "
        "refused as it streams.",
        default="16GiB",
        parse=parse_size,
        metavar="SIZE",
    ),
    Option(
        "deadline",
        "seconds the whole run may take",
        "Seconds the whole fetch may take, requests, retries and downloads included, before it "
        "stops with an error.",
        default=f"{DEFAULT_DEADLINE:g}",
        parse=seconds(MAX_DEADLINE, positive=True),
        metavar="SECONDS",
    ),
    Option(
        "lock_wait",
        "seconds to wait for another run writing into the same organization's or enterprise's "
        "folder",
        "Seconds to wait for another run that writes into the same org's or enterprise's folder "
        "under path, then fail.",
        default="600",
        parse=seconds(86400.0),
        metavar="SECONDS",
    ),
    Option(
        "inactive_days",
        "copilot-seats: a seat with no activity for this many days (and assigned as long ago) "
        "is inactive",
        "With copilot-seats and in the history, a seat with no activity for this many days, and "
        "assigned as long ago, is inactive.",
        default=str(DEFAULT_INACTIVE_DAYS),
        parse=whole(1, MAX_INACTIVE_DAYS),
        metavar="N",
        commands=_SEATS,
        help_for=(
            ("history", _HISTORY_DAYS),
            ("publish-history", _HISTORY_DAYS),
        ),
    ),
    Option(
        "seat_price",
        "copilot-seats: USD a seat costs a month, for the cost of inactive seats",
        "With copilot-seats and in the history, USD a seat costs a month, for inactive seats' "
        f"cost; empty means list price ({_PRICES}).",
        shown="list price: "
        + ", ".join(f"{plan.title()} {p:g}" for plan, p in LIST_PRICES.items()),
        parse=optional_price,
        metavar="USD",
        commands=_SEATS,
        help_for=(
            ("history", _HISTORY_PRICE),
            ("publish-history", _HISTORY_PRICE),
        ),
    ),
    Option(
        "credit_pool",
        "AI credits a seat adds to the monthly pool, for cost beyond the pool",
        "AI credits each seat adds to the monthly pool (empty for GitHub's, 1900 Business or "
        "3900 Enterprise).",
        shown="Business 1900, Enterprise 3900",
        parse=optional_credits,
        metavar="CREDITS",
        commands=_SEATS,
    ),
    Option(
        "job_summary",
        "write the job summary: files and usage numbers",
        "Write the job summary (files, usage headline, breakdowns and charts); outputs are set "
        "either way.",
        default="true",
        shown="on",
        parse=flag,
        flag="--summary",
        switch=True,
    ),
    Option(
        "show_repositories",
        "show the names of private and internal repositories (repos-1-day) in the summary "
        "and on the history page; public ones are always named",
        "Name private and internal repositories in the summary, page and CSV (else counted by "
        "visibility; public are named).",
        default="false",
        shown="off",
        parse=flag,
        switch=True,
        commands=(*_RUN, "summarize", "history", "publish-history"),
    ),
    Option(
        "format",
        "ndjson: the files as GitHub serves them; csv: also flattened CSV tables beside them",
        "ndjson keeps the files as GitHub serves them; csv also writes flattened CSV tables "
        "beside them.",
        default="ndjson",
        parse=report_format,
        field="report_format",
        metavar="FORMAT",
        commands=(*_RUN, "summarize"),
        help_for=(
            ("summarize", "ndjson: print only; csv: also write CSV tables beside the files"),
        ),
    ),
)

#: The action's inputs that are no option of a command here, and what reads each one.
ACTION_ONLY_INPUTS = {
    "upload-artifact": "the action's upload steps (actions/upload-artifact)",
    "artifact-name": "the action's upload steps (actions/upload-artifact)",
    "retention-days": "the action's upload steps (actions/upload-artifact)",
    "overwrite": "the action's upload steps (actions/upload-artifact)",
    "history-branch": "publish-history (INPUT_HISTORY_BRANCH)",
    "history-token": "publish-history (INPUT_HISTORY_TOKEN)",
    "history-per-user": "publish-history (INPUT_HISTORY_PER_USER)",
    "warehouse": "the action's warehouse steps (the warehouse command, then its upload)",
}

_BY_NAME = {o.name: o for o in OPTIONS}


def option(name: str) -> Option:
    """The row of ``name`` (``max_wait``)."""
    return _BY_NAME[name]


def options_of(command: str) -> tuple[Option, ...]:
    """The rows ``command`` takes, in the table's order."""
    return tuple(o for o in OPTIONS if command in o.commands)
