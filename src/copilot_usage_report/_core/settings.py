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
from typing import Literal, cast

from .._errors import InputError, UnsafeLinkError
from .bounds import DEFAULT_MAX_FILE_SIZE
from .kinds import AGGREGATE, ReportKind, Scope, parse_kinds, seat_day
from .links import check_url
from .values import (
    API_VERSION,
    ReportFormat,
    optional_seconds,
    optional_whole,
    parse_day,
    parse_flag,
    parse_format,
    parse_price,
    parse_seconds,
    parse_size,
    show,
)

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_API_VERSION",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_OUTPUT_DIR",
    "RawInputs",
    "Settings",
    "build_settings",
    "parse_day",
    "parse_seconds",
    "parse_size",
    "testing_mode",
]

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_API_VERSION = "2026-03-10"
DEFAULT_OUTPUT_DIR = "copilot-usage-metrics"

NotAvailable = Literal["error", "warn", "skip"]
_ENTERPRISE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,59}")
_ORG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
#: The whole run's deadline, by default and at most (seconds).
DEFAULT_DEADLINE = 3600.0
MAX_DEADLINE = 7 * 24 * 3600.0
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: safe in a header


@dataclass(frozen=True, slots=True)
class RawInputs:
    """Values as given on the command line; ``None`` means "not given, look in the env"."""

    org: str | None = None
    enterprise: str | None = None
    report: str | None = None
    if_not_available: str | None = None
    day: str | None = None
    token: str | None = None
    api_url: str | None = None
    api_version: str | None = None
    output_dir: str | None = None
    retries: str | None = None
    max_wait: str | None = None
    concurrency: str | None = None
    timeout: str | None = None
    job_summary: str | None = None
    format: str | None = None
    max_file_size: str | None = None
    deadline: str | None = None
    lock_wait: str | None = None
    inactive_days: str | None = None
    seat_price: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a fetch needs, validated. Build it with ``build_settings``."""

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
    api_url: str
    api_version: str
    output_dir: Path
    retries: int
    max_wait: float
    concurrency: int
    #: Seconds without progress before a request counts as timed out (then retried).
    timeout: float
    #: Write the job summary (files and usage numbers); outputs are written either way.
    job_summary: bool = True
    #: ``ndjson``: the files as GitHub serves them; ``csv``: also flattened CSVs beside them.
    report_format: ReportFormat = "ndjson"
    #: True when validating the inputs made ``output_dir``: a failed run removes it if empty.
    created_output_dir: bool = False
    #: Bytes one saved file may hold at most; a larger body is refused as it streams.
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    #: Seconds the whole run may take, requests, retries and downloads included.
    deadline: float = DEFAULT_DEADLINE
    #: Seconds to wait for another run that holds the scope folder's lock.
    lock_wait: float = 600.0
    #: ``copilot-seats``: days without activity (and since assignment) that make a seat inactive.
    inactive_days: int = 30
    #: ``copilot-seats``: USD a seat costs a month; ``None``: the plan's list price.
    seat_price: float | None = None
    #: Where the token came from: ``--token``, or the variable (``INPUT_TOKEN``, ``GH_TOKEN``…).
    token_source: str = ""

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


def _env(env: Mapping[str, str], *names: str) -> str | None:
    """The first of ``names`` set to a non-empty value (a composite action passes '' for unset)."""
    for name in names:
        value = env.get(name)
        if value is not None and value.strip() != "":
            return value
    return None


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
            "no token given (or it is empty): pass --token or set GITHUB_TOKEN or GH_TOKEN (in "
            "a workflow, the token input), holding a token that may read the organization's "
            "Copilot metrics."
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

    An option given on the command line wins over its environment variable. The
    output folder is created (and probed for writing) only after every other
    input passed, so a bad input leaves nothing behind.
    """
    env = os.environ if env is None else env
    scope = _check_scope(
        raw.org if raw.org is not None else _env(env, "INPUT_ORG"),
        raw.enterprise if raw.enterprise is not None else _env(env, "INPUT_ENTERPRISE"),
    )
    try:
        kinds = parse_kinds(
            (raw.report if raw.report is not None else _env(env, "INPUT_REPORT")) or AGGREGATE,
            scope.kind,
        )
    except ValueError as exc:
        raise InputError(f"{exc}.") from None
    day_text = raw.day if raw.day is not None else _env(env, "INPUT_DAY")
    if raw.day is not None and not raw.day.strip():
        raise InputError(
            "--day is empty: give a day (YYYY-MM-DD, yesterday, latest, START..END or "
            "last-N-days), or leave the option out for latest."
        )
    if raw.day is None and "INPUT_DAY" in env and not env["INPUT_DAY"].strip():
        raise InputError(
            "the day input is empty: give a day (YYYY-MM-DD, yesterday, latest, START..END or "
            "last-N-days), or leave the input out for latest."
        )
    seat_day(day_text or "latest", kinds, today)
    days: tuple[date, ...]
    if any(k.seats for k in kinds) and all(k.seats for k in kinds):
        day_spec, days = "latest", (today,)  # the seat list is today's, asked with no day
    else:
        day_spec, days = parse_day(day_text or "latest", today=today, first_day=scope.first_day)
    policy_text = (
        raw.if_not_available
        if raw.if_not_available is not None
        else _env(env, "INPUT_IF_NOT_AVAILABLE")
    )
    is_range = ".." in day_spec or day_spec.startswith("last-")
    policy = (policy_text or ("skip" if is_range else "error")).strip().lower()
    if policy not in ("error", "warn", "skip"):
        raise InputError(f"if-not-available {show(policy_text or '')} must be error, warn or skip.")
    token_names = ("INPUT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")
    token = _check_token(raw.token if raw.token is not None else _env(env, *token_names))
    token_source = (
        "--token" if raw.token is not None else next(n for n in token_names if _env(env, n))
    )
    api_url = _check_api_url(
        raw.api_url
        if raw.api_url is not None
        else _env(env, "INPUT_API_URL", "GITHUB_API_URL") or DEFAULT_API_URL
    )
    api_version = (
        raw.api_version
        if raw.api_version is not None
        else _env(env, "INPUT_API_VERSION") or DEFAULT_API_VERSION
    ).strip()
    if not API_VERSION.fullmatch(api_version):
        raise InputError(
            f"api-version {show(api_version)} is not a GitHub API version (YYYY-MM-DD, "
            f"for example {DEFAULT_API_VERSION})."
        )
    retries = optional_whole(
        "retries", raw.retries if raw.retries is not None else _env(env, "INPUT_RETRIES"), 5, 0, 20
    )
    max_wait = optional_seconds(
        "max-wait",
        raw.max_wait if raw.max_wait is not None else _env(env, "INPUT_MAX_WAIT"),
        300.0,
        3600.0,
    )
    concurrency = optional_whole(
        "concurrency",
        raw.concurrency if raw.concurrency is not None else _env(env, "INPUT_CONCURRENCY"),
        4,
        1,
        32,
    )
    timeout = optional_seconds(
        "timeout",
        raw.timeout if raw.timeout is not None else _env(env, "INPUT_TIMEOUT"),
        30.0,
        600.0,
    )
    if timeout == 0:
        raise InputError("timeout must be more than 0 seconds.")
    job_summary = parse_flag(
        "job-summary",
        raw.job_summary if raw.job_summary is not None else _env(env, "INPUT_JOB_SUMMARY"),
        default=True,
    )
    report_format = parse_format(
        raw.format if raw.format is not None else _env(env, "INPUT_FORMAT")
    )
    size_text = (
        raw.max_file_size if raw.max_file_size is not None else _env(env, "INPUT_MAX_FILE_SIZE")
    )
    max_file_size = (
        DEFAULT_MAX_FILE_SIZE if size_text is None else parse_size("max-file-size", size_text)
    )
    deadline = optional_seconds(
        "deadline",
        raw.deadline if raw.deadline is not None else _env(env, "INPUT_DEADLINE"),
        DEFAULT_DEADLINE,
        MAX_DEADLINE,
    )
    if deadline == 0:
        raise InputError("deadline must be more than 0 seconds.")
    lock_wait = optional_seconds(
        "lock-wait",
        raw.lock_wait if raw.lock_wait is not None else _env(env, "INPUT_LOCK_WAIT"),
        600.0,
        86400.0,
    )
    inactive_days = optional_whole(
        "inactive-days", raw.inactive_days or _env(env, "INPUT_INACTIVE_DAYS"), 30, 1, 365
    )
    price_text = raw.seat_price or _env(env, "INPUT_SEAT_PRICE")
    seat_price = None if price_text is None else parse_price(price_text)
    output_dir, created = _check_output_dir(
        raw.output_dir
        if raw.output_dir is not None
        else _env(env, "INPUT_OUTPUT_DIR") or default_output_dir
    )
    return Settings(
        scope=scope,
        kinds=kinds,
        days=days,
        day_spec=day_spec,
        if_not_available=cast(NotAvailable, policy),
        token=token,
        token_source=token_source,
        api_url=api_url,
        api_version=api_version,
        output_dir=output_dir,
        retries=retries,
        max_wait=max_wait,
        concurrency=concurrency,
        timeout=timeout,
        job_summary=job_summary,
        report_format=report_format,
        created_output_dir=created,
        max_file_size=max_file_size,
        deadline=deadline,
        lock_wait=lock_wait,
        inactive_days=inactive_days,
        seat_price=seat_price,
    )
