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
from datetime import date, timedelta
from pathlib import Path
from typing import Literal, cast

from ._bounds import DEFAULT_MAX_FILE_SIZE
from ._errors import InputError, UnsafeLinkError
from ._kinds import AGGREGATE, ReportKind, Scope, parse_kinds
from ._links import check_url

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_API_VERSION",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_OUTPUT_DIR",
    "FIRST_ORG_REPORT_DAY",
    "FIRST_REPORT_DAY",
    "LATEST_LOOKBACK_DAYS",
    "RawInputs",
    "Settings",
    "build_settings",
    "parse_day",
    "parse_flag",
    "parse_format",
    "parse_seconds",
    "parse_size",
    "testing_mode",
]

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_API_VERSION = "2026-03-10"
DEFAULT_OUTPUT_DIR = "copilot-usage-metrics"
#: The first day GitHub has any usage-metrics report for (enterprise scope).
FIRST_REPORT_DAY = date(2025, 10, 10)
#: The first day GitHub has organization reports for.
FIRST_ORG_REPORT_DAY = date(2025, 12, 12)
#: ``latest`` asks for yesterday, then each day before it, this many days back at most.
LATEST_LOOKBACK_DAYS = 4

NotAvailable = Literal["error", "warn", "skip"]
ReportFormat = Literal["ndjson", "csv"]
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_ENTERPRISE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,59}")
_ORG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
# ASCII digits only, wherever a number or a date is read: ``\d`` and ``int()`` also take
# other scripts' digits (fullwidth digits, for one), which then fail where the value is used.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LAST_N = re.compile(r"last-([0-9]{1,4})-days?")
_WHOLE = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
_SIZE = re.compile(r"([0-9]{1,16})\s*(KiB|MiB|GiB|B)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "kib": 1024, "mib": 1024**2, "gib": 1024**3}
#: The smallest and largest max-file-size accepted.
MIN_FILE_SIZE = 1024
MAX_FILE_SIZE = 1024**4
#: The whole run's deadline, by default and at most (seconds).
DEFAULT_DEADLINE = 3600.0
MAX_DEADLINE = 7 * 24 * 3600.0
#: The longest range accepted: GitHub keeps one year.
MAX_RANGE_DAYS = 366
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


def parse_day(
    text: str, *, today: date, first_day: date = FIRST_ORG_REPORT_DAY
) -> tuple[str, tuple[date, ...]]:
    """Turn a day input into its spelling and its days, oldest first (``latest``: newest first).

    ``latest`` gives the days to try, yesterday and the days before it (GitHub
    readies a day within two full UTC days). ``YYYY-MM-DD``, ``yesterday``,
    ``START..END`` (inclusive) and ``last-N-days`` give the days to fetch, each a
    past day inside the window GitHub keeps for the scope (``first_day`` on).
    """
    spec = text.strip().lower()
    if spec == "latest":
        days = tuple(today - timedelta(days=n) for n in range(1, LATEST_LOOKBACK_DAYS + 1))
        return "latest", days
    if spec == "yesterday":
        return "yesterday", (_check_day(today - timedelta(days=1), today, first_day),)
    if match := _LAST_N.fullmatch(spec):
        count = int(match.group(1))
        if not 1 <= count <= MAX_RANGE_DAYS:
            raise InputError(f"day {_show(text)}: N must be from 1 to {MAX_RANGE_DAYS}.")
        # Relative to today, so it is clipped to the days GitHub keeps: last-365-days means
        # "everything still there", not an error about the days it no longer has.
        start = max(today - timedelta(days=count), first_day, _one_year_before(today))
        return spec, _days_between(start, today - timedelta(days=1), today, first_day, text)
    if ".." in spec:
        start_text, _, end_text = spec.partition("..")
        start = _parse_iso(start_text.strip(), text, today)
        end = _parse_iso(end_text.strip(), text, today)
        if end < start:
            raise InputError(f"day range {_show(text)} ends before it starts.")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise InputError(
                f"day range {_show(text)} spans more than {MAX_RANGE_DAYS} days, more than "
                "GitHub keeps."
            )
        return f"{start}..{end}", _days_between(start, end, today, first_day, text)
    day = _check_day(_parse_iso(spec, text, today), today, first_day)
    return day.isoformat(), (day,)


def _parse_iso(spec: str, text: str, today: date) -> date:
    if not _DAY.fullmatch(spec):
        raise InputError(
            f"day {_show(text)} is not a date: use YYYY-MM-DD (for example "
            f"{(today - timedelta(days=2)).isoformat()}), 'yesterday', 'latest', "
            "START..END or last-N-days."
        )
    try:
        return date.fromisoformat(spec)
    except ValueError:
        raise InputError(f"day {_show(text)} is not a calendar date (YYYY-MM-DD).") from None


def _days_between(
    start: date, end: date, today: date, first_day: date, text: str
) -> tuple[date, ...]:
    """Every day from ``start`` to ``end``, each checked; a range may not reach today."""
    _check_day(start, today, first_day)
    _check_day(end, today, first_day)
    return tuple(start + timedelta(days=n) for n in range((end - start).days + 1))


def _check_day(day: date, today: date, first_day: date) -> date:
    """A day GitHub can have a report for: past, not before ``first_day``, within a year."""
    if day > today:
        raise InputError(
            f"day {day} is in the future (today is {today} in UTC); GitHub has no report for it."
        )
    if day == today:
        raise InputError(
            f"day {day} is today (UTC) and has not ended: GitHub readies a day's report within "
            "two full UTC days after it ends. Use 'latest' for the newest available day."
        )
    if day < FIRST_REPORT_DAY:
        raise InputError(
            f"day {day} is before {FIRST_REPORT_DAY}, the first day GitHub has Copilot usage "
            "metrics reports for."
        )
    if day < first_day:
        raise InputError(
            f"day {day} is before {first_day}, the first day GitHub has organization reports for."
        )
    oldest = _one_year_before(today)
    if day < oldest:
        raise InputError(
            f"day {day} is older than GitHub's one-year history: the oldest day available "
            f"today is {oldest}."
        )
    return day


def _one_year_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _show(value: str, limit: int = 40) -> str:
    """A user value quoted for an error message: one line, bounded, control characters escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)


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
                f"enterprise {_show(slug)} is not a slug GitHub allows: letters, digits and "
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
            f"organization {_show(org)} is not a name GitHub allows: letters, digits and single "
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
        raise InputError(f"output folder {_show(str(path), 200)} exists and is not a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise InputError(
            f"output folder {_show(str(path), 200)} cannot be written: {exc.strerror or exc}."
        ) from None
    return path, not existed


def _int(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if not _WHOLE.fullmatch(text.strip()):
        raise InputError(f"{name} {_show(text)} is not a whole number (digits 0-9).")
    value = int(text.strip())
    if not low <= value <= high:
        raise InputError(f"{name} must be from {low} to {high}, not {value}.")
    return value


def parse_seconds(name: str, text: str, *, high: float) -> float:
    """A number of seconds written in ASCII digits (``30``, ``0.5``), from 0 to ``high``."""
    if not _DECIMAL.fullmatch(text.strip()):
        raise InputError(f"{name} {_show(text)} is not a number of seconds (digits 0-9).")
    value = float(text.strip())
    if not 0 <= value <= high:
        raise InputError(f"{name} must be from 0 to {high:g} seconds, not {text.strip()}.")
    return value


def parse_size(name: str, text: str) -> int:
    """A size in bytes: ``1048576``, or a number with ``KiB``, ``MiB`` or ``GiB`` (``16GiB``).

    ASCII digits only; from ``MIN_FILE_SIZE`` to ``MAX_FILE_SIZE``.
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise InputError(
            f"{name} {_show(text)} is not a size: bytes, or a number with KiB, MiB or GiB "
            "(for example 16GiB)."
        )
    value = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()]
    if not MIN_FILE_SIZE <= value <= MAX_FILE_SIZE:
        raise InputError(f"{name} must be from 1KiB to 1024GiB, not {text.strip()}.")
    return value


def _seconds(name: str, text: str | None, default: float, high: float) -> float:
    if text is None:
        return default
    value = parse_seconds(name, text, high=high)
    if not 0 <= value <= high:
        raise InputError(f"{name} must be from 0 to {high:g} seconds, not {text.strip()}.")
    return value


def parse_flag(name: str, text: str | None, *, default: bool) -> bool:
    """A yes/no input: true/false, yes/no, on/off or 1/0 in any case; ``None`` is the default."""
    if text is None:
        return default
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{name} {_show(text)} must be true or false.")


def parse_format(text: str | None) -> ReportFormat:
    """The ``format`` input: ``ndjson`` (the default, files as GitHub serves them) or ``csv``."""
    value = (text or "ndjson").strip().lower()
    if value == "csv":
        return "csv"
    if value == "ndjson":
        return "ndjson"
    raise InputError(
        f"format {_show(text or '')} must be ndjson (the files as GitHub serves them) or csv "
        "(also flattened CSV tables beside them)."
    )


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
    day_spec, days = parse_day(day_text or "latest", today=today, first_day=scope.first_day)
    policy_text = (
        raw.if_not_available
        if raw.if_not_available is not None
        else _env(env, "INPUT_IF_NOT_AVAILABLE")
    )
    is_range = ".." in day_spec or day_spec.startswith("last-")
    policy = (policy_text or ("skip" if is_range else "error")).strip().lower()
    if policy not in ("error", "warn", "skip"):
        raise InputError(
            f"if-not-available {_show(policy_text or '')} must be error, warn or skip."
        )
    token = _check_token(
        raw.token if raw.token is not None else _env(env, "INPUT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")
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
    if not _DAY.fullmatch(api_version):
        raise InputError(
            f"api-version {_show(api_version)} is not a GitHub API version (YYYY-MM-DD, "
            f"for example {DEFAULT_API_VERSION})."
        )
    retries = _int(
        "retries", raw.retries if raw.retries is not None else _env(env, "INPUT_RETRIES"), 5, 0, 20
    )
    max_wait = _seconds(
        "max-wait",
        raw.max_wait if raw.max_wait is not None else _env(env, "INPUT_MAX_WAIT"),
        300.0,
        3600.0,
    )
    concurrency = _int(
        "concurrency",
        raw.concurrency if raw.concurrency is not None else _env(env, "INPUT_CONCURRENCY"),
        4,
        1,
        32,
    )
    timeout = _seconds(
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
    deadline = _seconds(
        "deadline",
        raw.deadline if raw.deadline is not None else _env(env, "INPUT_DEADLINE"),
        DEFAULT_DEADLINE,
        MAX_DEADLINE,
    )
    if deadline == 0:
        raise InputError("deadline must be more than 0 seconds.")
    lock_wait = _seconds(
        "lock-wait",
        raw.lock_wait if raw.lock_wait is not None else _env(env, "INPUT_LOCK_WAIT"),
        600.0,
        86400.0,
    )
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
    )
