"""Inputs, from options or the environment, turned into one frozen ``Settings`` value.

This is the only module that reads the process environment for inputs: every
value is checked here, once, and a bad one becomes an ``InputError`` (exit 2)
before any request is sent. Nothing downstream re-validates or reads ``os.environ``.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

from .._errors import InputError, UnsafeLinkError
from .bounds import DEFAULT_MAX_FILE_SIZE
from .kinds import ReportKind, Scope, parse_kinds, today_only_day
from .links import check_url
from .options import (
    DEFAULT_API_URL,
    DEFAULT_DEADLINE,
    DEFAULT_OUTPUT_DIR,
    OPTIONS,
    Option,
    option,
    options_of,
)
from .values import DEFAULT_API_VERSION, ReportFormat, parse_day, parse_seconds, parse_size, show

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_API_VERSION",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_OUTPUT_DIR",
    "MISSING_CREDENTIAL",
    "RawInputs",
    "Settings",
    "build_settings",
    "command_options",
    "kind_modules",
    "parse_day",
    "parse_seconds",
    "parse_size",
    "testing_mode",
]

NotAvailable = Literal["error", "warn", "skip"]
_ENTERPRISE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,59}")
_ORG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: safe in a header
_NAMES = frozenset(o.name for o in OPTIONS)
#: What to do without a token, at a terminal: GH_TOKEN first, --token last. ``_app.spelling``
#: says it the workflow's way (the token input) when the message is read in Actions.
MISSING_CREDENTIAL = (
    'set GH_TOKEN, for example export GH_TOKEN="$(gh auth token)" (GITHUB_TOKEN is read when '
    "GH_TOKEN is not set), or, last, pass --token (its value lands in the shell history)"
)


class RawInputs:
    """Values as given on the command line, by option name (``options.OPTIONS``).

    A name left out, or given as ``None``, means "not given, look in the environment".
    Its repr names the options given, never their values (one may be the token).
    """

    __slots__ = ("_given",)

    def __init__(self, **given: str | None) -> None:
        unknown = sorted(set(given) - _NAMES)
        if unknown:
            raise TypeError(f"no option named {', '.join(unknown)} in the table of options")
        self._given = {name: value for name, value in given.items() if value is not None}

    def get(self, name: str) -> str | None:
        """The value given for ``name``, or ``None``."""
        return self._given.get(name)

    def __repr__(self) -> str:
        return f"RawInputs(given={sorted(self._given)})"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a fetch needs, validated. Build it with ``build_settings``.

    Each field from ``api_version`` on is one row of the table of options
    (``options.OPTIONS``), read by the row's parser in ``build_settings``' one loop: a new
    option is a row there and a field here. The fields above are checked together.
    """

    scope: Scope
    #: The reports to fetch, each for every day.
    kinds: tuple[ReportKind, ...]
    #: For ``latest``, the days to try, newest first; otherwise every day to fetch.
    days: tuple[date, ...]
    #: How the day was asked for: an ISO day, ``yesterday``, ``latest``, a range, ``last-N-days``.
    day_spec: str
    #: What a day without a report does to the run: ``error``, ``warn`` or ``skip``.
    if_not_available: NotAvailable
    token: str = field(repr=False)
    #: Where the token came from, for messages about it: the variable (``GH_TOKEN``,
    #: ``GITHUB_TOKEN``, ``INPUT_TOKEN``: the action's token input) or ``--token``.
    token_source: str
    api_url: str
    output_dir: Path
    #: True when validating the inputs made ``output_dir``: a failed run removes it if empty.
    created_output_dir: bool
    api_version: str
    retries: int
    max_wait: float
    concurrency: int
    #: Seconds without progress before a request counts as timed out (then retried).
    timeout: float
    #: Bytes one saved file may hold at most; a larger body is refused as it streams.
    max_file_size: int
    #: Seconds the whole run may take, requests, retries and downloads included.
    deadline: float
    #: Seconds to wait for another run that holds the scope folder's lock.
    lock_wait: float
    #: ``copilot-seats``: days without activity (and since assignment) that make a seat inactive.
    inactive_days: int
    #: ``copilot-seats``: USD a seat costs a month; ``None``: the plan's list price.
    seat_price: float | None
    #: AI credits a seat adds to the monthly pool; ``None``: the plan's (``CREDIT_POOLS``).
    credit_pool: int | None
    #: Write the job summary (files and usage numbers); outputs are written either way.
    job_summary: bool
    #: ``ndjson``: the files as GitHub serves them; ``csv``: also flattened CSVs beside them.
    report_format: ReportFormat
    #: Name private and internal repositories in the summary and the history page.
    show_repositories: bool

    @property
    def is_latest(self) -> bool:
        """True when several days may be tried (``latest``)."""
        return self.day_spec == "latest"

    @property
    def is_range(self) -> bool:
        """True when the input named several days (a range or ``last-N-days``)."""
        return ".." in self.day_spec or self.day_spec.startswith("last-")

    @property
    def org(self) -> str:
        """The organization login or enterprise slug, for messages and manifests."""
        return self.scope.name


def testing_mode(env: Mapping[str, str] | None = None) -> bool:
    """True when ``COPILOT_USAGE_REPORT_TESTING=1``: retries happen without waiting.

    The test suite sets it for the CLI it runs as a subprocess, so retry cases
    cost no wall time; it turns waits off (``stamina.set_testing``), never retries.
    """
    return (os.environ if env is None else env).get("COPILOT_USAGE_REPORT_TESTING") == "1"


def kind_modules(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The modules named by ``COPILOT_USAGE_REPORT_KIND_MODULES`` (comma-separated), which
    register kinds of their own (``_app/kinds.py``); only with ``COPILOT_USAGE_REPORT_TESTING=1``.

    For the tests: a toy kind, defined and registered in a test's own module, runs through the
    real CLI without an edit to the package. A user never needs it.
    """
    env = os.environ if env is None else env
    if not testing_mode(env):
        return ()
    text = env.get("COPILOT_USAGE_REPORT_KIND_MODULES", "")
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _given(option: Option, raw: RawInputs, env: Mapping[str, str]) -> tuple[str | None, str]:
    """The one fallback: the option as given (even empty), else the first of its variables set
    to a non-empty value (a composite action passes '' for unset); and where it came from."""
    text = raw.get(option.name)
    if text is not None:
        return text, option.flag
    for name in option.variables:
        value = env.get(name)
        if value is not None and value.strip() != "":
            return value, name
    return None, ""


def _read(option: Option, text: str | None) -> object:
    """``text``, or the option's default when not given, read by the option's parser."""
    text = option.default if text is None else text
    if text is None or option.parse is None:
        return None
    return option.parse(option.input or option.name, text)


def _check_scope(org: str | None, enterprise: str | None) -> Scope:
    """Exactly one of an organization and an enterprise, each a name GitHub allows."""
    if org is not None and enterprise is not None:
        raise InputError(
            "both an organization and an enterprise were given: name one of them (--org or "
            "--enterprise)."
        )
    if enterprise is not None:
        slug = enterprise.strip()
        if not _ENTERPRISE.fullmatch(slug):
            raise InputError(
                f"enterprise {show(slug)} is not a slug GitHub allows: letters, digits and "
                "single hyphens, not starting or ending with a hyphen, at most 60 characters."
            )
        return Scope("enterprise", slug)
    return Scope("org", _check_org(org))


def _check_org(org: str | None) -> str:
    if org is None:
        raise InputError(
            "no organization given: pass --org ORG or --enterprise SLUG, or set INPUT_ORG "
            "(the org input of the action)."
        )
    org = org.strip()
    if not _ORG.fullmatch(org):
        raise InputError(
            f"organization {show(org)} is not a name GitHub allows: letters, digits and single "
            "hyphens, not starting or ending with a hyphen, at most 39 characters."
        )
    return org


def _check_token(token: str | None) -> str:
    if token is None or not token.strip():
        raise InputError(
            f"no token given (or it is empty): {MISSING_CREDENTIAL}; the token must be able to "
            "read the organization's Copilot metrics."
        )
    token = token.strip()
    if not _TOKEN.fullmatch(token):
        # Never echo the value: it may be a real secret with a stray character.
        raise InputError(
            "the token contains spaces, line breaks or non-ASCII characters; check the secret "
            "the token input reads."
        )
    return token


def _check_api_url(api_url: str) -> str:
    api_url = api_url.strip().rstrip("/")
    try:
        check_url(api_url, what="API URL")
    except UnsafeLinkError as exc:
        raise InputError(exc.message.replace("it was not fetched", "nothing was sent")) from None
    if "?" in api_url or "#" in api_url:
        raise InputError("the API URL must not hold a query string or fragment.")
    return api_url


def _check_output_dir(text: str) -> tuple[Path, bool]:
    """The output folder, made if need be, and whether this call made it."""
    path = Path(text).expanduser()
    existed = path.exists()
    if existed and not path.is_dir():
        raise InputError(f"output folder {show(str(path), 200)} exists and is not a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise InputError(
            f"output folder {show(str(path), 200)} cannot be written: {exc.strerror or exc}."
        ) from None
    return path, not existed


def build_settings(
    raw: RawInputs,
    *,
    today: date,
    env: Mapping[str, str] | None = None,
    default_output_dir: str = DEFAULT_OUTPUT_DIR,
) -> Settings:
    """Validate every input; the first bad one raises ``InputError`` naming it.

    An option given on the command line wins over its environment variables, read
    in the table's order (``GH_TOKEN`` before ``GITHUB_TOKEN``). The output folder
    is created (and probed for writing) only after every other input passed, so a
    bad input leaves nothing behind.
    """
    env = os.environ if env is None else env
    rows = options_of("fetch")
    given = {o.name: _given(o, raw, env) for o in rows}
    text = {name: value for name, (value, _) in given.items()}
    scope = _check_scope(text["org"], text["enterprise"])
    try:
        kinds = parse_kinds(cast(str, _default(text, "report")), scope.kind)
    except ValueError as exc:
        raise InputError(f"{exc}.") from None
    day_spec, days = _days(raw, env, text, kinds, scope, today)
    policy = _policy(text["if_not_available"], day_spec)
    token = _check_token(text["token"])
    api_url = _check_api_url(cast(str, _default(text, "api_url")))
    # The one loop: every row with a parser of its own, its default read as a given value is.
    values = {o.field: _read(o, text[o.name]) for o in rows if o.parse is not None}
    output_dir, created = _check_output_dir(
        default_output_dir if text["output_dir"] is None else text["output_dir"]
    )
    return Settings(
        scope=scope,
        kinds=kinds,
        days=days,
        day_spec=day_spec,
        if_not_available=policy,
        token=token,
        token_source=given["token"][1],
        api_url=api_url,
        output_dir=output_dir,
        created_output_dir=created,
        **cast("dict[str, Any]", values),
    )


def command_options(
    command: str, raw: RawInputs, *, env: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The table's rows with a parser that ``command`` takes (``history``' ``inactive_days``
    and ``seat_price``), by ``Settings`` field: given, else (with ``env``) the variables, else
    the default, read as ``build_settings`` reads them; a bad one raises ``InputError``."""
    rows = [o for o in options_of(command) if o.parse is not None]
    return {o.field: _read(o, _given(o, raw, env or {})[0]) for o in rows}


def _default(text: Mapping[str, str | None], name: str) -> str | None:
    """The text given for ``name``, or the table's default."""
    value = text[name]
    return option(name).default if value is None else value


def _days(
    raw: RawInputs,
    env: Mapping[str, str],
    text: Mapping[str, str | None],
    kinds: tuple[ReportKind, ...],
    scope: Scope,
    today: date,
) -> tuple[str, tuple[date, ...]]:
    """The day's spelling and its days; an empty day is refused, not read as the default."""
    if raw.get("day") is not None and not cast(str, raw.get("day")).strip():
        raise InputError(
            "--day is empty: give a day (YYYY-MM-DD, yesterday, latest, START..END or "
            "last-N-days), or leave the option out for latest."
        )
    if raw.get("day") is None and "INPUT_DAY" in env and not env["INPUT_DAY"].strip():
        raise InputError(
            "the day input is empty: give a day (YYYY-MM-DD, yesterday, latest, START..END or "
            "last-N-days), or leave the input out for latest."
        )
    day_text = cast(str, _default(text, "day"))
    today_only_day(day_text, kinds, today)
    if all(k.today_only for k in kinds):
        return "latest", (today,)  # a snapshot of today (the seat list), asked with no day
    # A run of kinds kept longer than the metrics reports (billing) may ask their whole window.
    kept = min(k.months_kept for k in kinds) if kinds else 0
    return parse_day(day_text, today=today, first_day=scope.first_day, months_kept=kept)


def _policy(text: str | None, day_spec: str) -> NotAvailable:
    """``if-not-available``: given, or error for one day and skip for a range."""
    is_range = ".." in day_spec or day_spec.startswith("last-")
    policy = ("skip" if is_range else "error") if text is None else text.strip().lower()
    if policy not in ("error", "warn", "skip"):
        raise InputError(f"if-not-available {show(text or '')} must be error, warn or skip.")
    return cast(NotAvailable, policy)
