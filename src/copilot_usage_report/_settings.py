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

from ._errors import InputError, UnsafeLinkError
from ._links import check_url

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_API_VERSION",
    "DEFAULT_OUTPUT_DIR",
    "FIRST_ORG_REPORT_DAY",
    "FIRST_REPORT_DAY",
    "LATEST_LOOKBACK_DAYS",
    "RawInputs",
    "Settings",
    "build_settings",
    "parse_day",
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

_ORG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces: safe in a header


@dataclass(frozen=True, slots=True)
class RawInputs:
    """Values as given on the command line; ``None`` means "not given, look in the env"."""

    org: str | None = None
    day: str | None = None
    token: str | None = None
    api_url: str | None = None
    api_version: str | None = None
    output_dir: str | None = None
    retries: str | None = None
    max_wait: str | None = None
    concurrency: str | None = None
    timeout: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a fetch needs, validated. Build it with ``build_settings``."""

    org: str
    #: The days to try, in order; the first that has a report is fetched.
    days: tuple[date, ...]
    #: How the day was asked for: an ISO day, ``yesterday`` or ``latest``.
    day_spec: str
    token: str = field(repr=False)
    api_url: str
    api_version: str
    output_dir: Path
    retries: int
    max_wait: float
    concurrency: int
    #: Seconds without progress before a request counts as timed out (then retried).
    timeout: float

    @property
    def is_latest(self) -> bool:
        """True when several days may be tried (``latest``)."""
        return self.day_spec == "latest"


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


def parse_day(text: str, *, today: date) -> tuple[str, tuple[date, ...]]:
    """Turn a day input into its spelling and the days to try, newest first.

    ``latest`` tries yesterday and the days before it (GitHub readies a day
    within two full UTC days); an explicit day must be a past day inside the
    window GitHub keeps.
    """
    spec = text.strip().lower()
    if spec == "latest":
        days = tuple(today - timedelta(days=n) for n in range(1, LATEST_LOOKBACK_DAYS + 1))
        return "latest", days
    if spec == "yesterday":
        return "yesterday", (today - timedelta(days=1),)
    if not _DAY.fullmatch(spec):
        raise InputError(
            f"day {_show(text)} is not a date: use YYYY-MM-DD (for example "
            f"{(today - timedelta(days=2)).isoformat()}), 'yesterday' or 'latest'."
        )
    try:
        day = date.fromisoformat(spec)
    except ValueError:
        raise InputError(f"day {_show(text)} is not a calendar date (YYYY-MM-DD).") from None
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
    if day < FIRST_ORG_REPORT_DAY:
        raise InputError(
            f"day {day} is before {FIRST_ORG_REPORT_DAY}, the first day GitHub has "
            "organization reports for."
        )
    oldest = _one_year_before(today)
    if day < oldest:
        raise InputError(
            f"day {day} is older than GitHub's one-year history: the oldest day available "
            f"today is {oldest}."
        )
    return day.isoformat(), (day,)


def _one_year_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def _show(value: str, limit: int = 40) -> str:
    """A user value quoted for an error message: one line, bounded, control characters escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)


def _check_org(org: str | None) -> str:
    if org is None:
        raise InputError(
            "no organization given: pass --org ORG or set INPUT_ORG (the org input of the action)."
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


def _check_output_dir(text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise InputError(f"output folder {_show(str(path), 200)} exists and is not a folder.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise InputError(
            f"output folder {_show(str(path), 200)} cannot be written: {exc.strerror or exc}."
        ) from None
    return path


def _int(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    try:
        value = int(text.strip())
    except ValueError:
        raise InputError(f"{name} {_show(text)} is not a whole number.") from None
    if not low <= value <= high:
        raise InputError(f"{name} must be from {low} to {high}, not {value}.")
    return value


def _seconds(name: str, text: str | None, default: float, high: float) -> float:
    if text is None:
        return default
    try:
        value = float(text.strip())
    except ValueError:
        raise InputError(f"{name} {_show(text)} is not a number of seconds.") from None
    if not 0 <= value <= high:  # also refuses NaN
        raise InputError(f"{name} must be from 0 to {high:g} seconds, not {text.strip()}.")
    return value


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
    org = _check_org(raw.org if raw.org is not None else _env(env, "INPUT_ORG"))
    day_text = raw.day if raw.day is not None else _env(env, "INPUT_DAY")
    day_spec, days = parse_day(day_text or "latest", today=today)
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
    output_dir = _check_output_dir(
        raw.output_dir
        if raw.output_dir is not None
        else _env(env, "INPUT_OUTPUT_DIR") or default_output_dir
    )
    return Settings(
        org=org,
        days=days,
        day_spec=day_spec,
        token=token,
        api_url=api_url,
        api_version=api_version,
        output_dir=output_dir,
        retries=retries,
        max_wait=max_wait,
        concurrency=concurrency,
        timeout=timeout,
    )
