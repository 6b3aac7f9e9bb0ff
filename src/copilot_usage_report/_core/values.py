"""Input values read from text: days and ranges, sizes, seconds, whole numbers, flags, formats.

Each parser takes what a person typed (an option or an environment variable),
accepts ASCII digits only, and raises one ``InputError`` line naming the input
and what it accepts. The table of options (``options``) names one parser for each
input (``whole``, ``seconds``, ``flag``... at the end of this module), and
``settings`` builds the run's ``Settings`` with them; the CLI reuses them for its
own options (``serve-demo --lifetime``) and ``publish-history`` for its flags.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

from .._errors import InputError

__all__ = [
    "API_VERSION",
    "DEFAULT_API_VERSION",
    "FIRST_ORG_REPORT_DAY",
    "FIRST_REPORT_DAY",
    "LATEST_LOOKBACK_DAYS",
    "MAX_FILE_SIZE",
    "MAX_RANGE_DAYS",
    "MIN_FILE_SIZE",
    "Parser",
    "ReportFormat",
    "api_version",
    "flag",
    "optional_credits",
    "optional_price",
    "optional_whole",
    "parse_day",
    "parse_flag",
    "parse_format",
    "parse_seconds",
    "parse_size",
    "report_format",
    "seconds",
    "show",
    "whole",
]

#: The first day GitHub has any usage-metrics report for (enterprise scope).
FIRST_REPORT_DAY = date(2025, 10, 10)
#: The first day GitHub has organization reports for.
FIRST_ORG_REPORT_DAY = date(2025, 12, 12)
#: ``latest`` asks for yesterday, then each day before it, this many days back at most.
LATEST_LOOKBACK_DAYS = 4
#: The longest range accepted: GitHub keeps one year.
MAX_RANGE_DAYS = 366
#: The smallest and largest max-file-size accepted.
MIN_FILE_SIZE = 1024
MAX_FILE_SIZE = 1024**4

ReportFormat = Literal["ndjson", "csv"]
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
# ASCII digits only, wherever a number or a date is read: ``\d`` and ``int()`` also take
# other scripts' digits (fullwidth digits, for one), which then fail where the value is used.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: A GitHub API version is spelled as a day: ``YYYY-MM-DD``.
API_VERSION = _DAY
#: The API version sent unless another is asked for.
DEFAULT_API_VERSION = "2026-03-10"
_LAST_N = re.compile(r"last-([0-9]{1,4})-days?")
_WHOLE = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,9})?")
_SIZE = re.compile(r"([0-9]{1,16})\s*(KiB|MiB|GiB|B)?", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "kib": 1024, "mib": 1024**2, "gib": 1024**3}


def parse_day(
    text: str, *, today: date, first_day: date = FIRST_ORG_REPORT_DAY, months_kept: int = 0
) -> tuple[str, tuple[date, ...]]:
    """Turn a day input into its spelling and its days, oldest first (``latest``: newest first).

    ``latest`` gives the days to try, yesterday and the days before it (GitHub
    readies a day within two full UTC days). ``YYYY-MM-DD``, ``yesterday``,
    ``START..END`` (inclusive) and ``last-N-days`` give the days to fetch, each a
    past day inside the window GitHub keeps for the scope (``first_day`` on).
    With ``months_kept`` (a billing kind's ``ReportKind.months_kept``), the window is
    instead the last ``months_kept`` months, whatever the metrics reports' first day.
    """
    if months_kept:
        return _parse_kept(text, today, months_kept)
    spec = text.strip().lower()
    if spec == "latest":
        days = tuple(today - timedelta(days=n) for n in range(1, LATEST_LOOKBACK_DAYS + 1))
        return "latest", days
    if spec == "yesterday":
        return "yesterday", (_check_day(today - timedelta(days=1), today, first_day),)
    if match := _LAST_N.fullmatch(spec):
        count = int(match.group(1))
        if not 1 <= count <= MAX_RANGE_DAYS:
            raise InputError(f"day {show(text)}: N must be from 1 to {MAX_RANGE_DAYS}.")
        # Relative to today, so it is clipped to the days GitHub keeps: last-365-days means
        # "everything still there", not an error about the days it no longer has.
        start = max(today - timedelta(days=count), first_day, _one_year_before(today))
        return spec, _days_between(start, today - timedelta(days=1), today, first_day, text)
    if ".." in spec:
        start_text, _, end_text = spec.partition("..")
        start = _parse_iso(start_text.strip(), text, today)
        end = _parse_iso(end_text.strip(), text, today)
        if end < start:
            raise InputError(f"day range {show(text)} ends before it starts.")
        if (end - start).days + 1 > MAX_RANGE_DAYS:
            raise InputError(
                f"day range {show(text)} spans more than {MAX_RANGE_DAYS} days, more than "
                "GitHub keeps."
            )
        return f"{start}..{end}", _days_between(start, end, today, first_day, text)
    day = _check_day(_parse_iso(spec, text, today), today, first_day)
    return day.isoformat(), (day,)


def _parse_iso(spec: str, text: str, today: date) -> date:
    if not _DAY.fullmatch(spec):
        raise InputError(
            f"day {show(text)} is not a date: use YYYY-MM-DD (for example "
            f"{(today - timedelta(days=2)).isoformat()}), 'yesterday', 'latest', "
            "START..END or last-N-days."
        )
    try:
        return date.fromisoformat(spec)
    except ValueError:
        raise InputError(f"day {show(text)} is not a calendar date (YYYY-MM-DD).") from None


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
    oldest = _one_year_before(today)
    if day < first_day and first_day >= oldest:  # the scope's start is the bound, not the year
        scope = "organization " if first_day == FIRST_ORG_REPORT_DAY else ""
        raise InputError(
            f"day {day} is before {first_day}, the first day GitHub has {scope}Copilot usage "
            f"metrics reports for: ask for {first_day} or later."
        )
    if day < oldest:
        raise InputError(
            f"day {day} is older than GitHub's one-year history: the oldest day available "
            f"today is {oldest}."
        )
    return day


def _parse_kept(text: str, today: date, months: int) -> tuple[str, tuple[date, ...]]:
    """``parse_day`` for a kind GitHub keeps ``months`` months of (a billing kind)."""
    oldest = _months_before(today, months)
    longest = (today - oldest).days
    spec = text.strip().lower()
    if spec == "latest":
        return "latest", (today - timedelta(days=1),)
    if spec == "yesterday":
        return "yesterday", (today - timedelta(days=1),)
    if match := _LAST_N.fullmatch(spec):
        count = int(match.group(1))
        if not 1 <= count <= longest:
            raise InputError(f"day {show(text)}: N must be from 1 to {longest}.")
        start = max(today - timedelta(days=count), oldest)
        end = today - timedelta(days=1)
        return spec, tuple(start + timedelta(days=n) for n in range((end - start).days + 1))
    if ".." in spec:
        start_text, _, end_text = spec.partition("..")
        start = _kept_day(_parse_iso(start_text.strip(), text, today), today, oldest, months)
        end = _kept_day(_parse_iso(end_text.strip(), text, today), today, oldest, months)
        if end < start:
            raise InputError(f"day range {show(text)} ends before it starts.")
        return f"{start}..{end}", tuple(
            start + timedelta(days=n) for n in range((end - start).days + 1)
        )
    day = _kept_day(_parse_iso(spec, text, today), today, oldest, months)
    return day.isoformat(), (day,)


def _kept_day(day: date, today: date, oldest: date, months: int) -> date:
    """A past day no older than the ``months`` months GitHub keeps (``oldest`` on)."""
    if day >= today:
        raise InputError(
            f"day {day} is not over yet (today is {today} in UTC): ask for a day before today, "
            "or 'latest' for yesterday."
        )
    if day < oldest:
        raise InputError(
            f"day {day} is older than the {months} months GitHub keeps this report for: the "
            f"oldest day available today is {oldest}."
        )
    return day


def _months_before(today: date, months: int) -> date:
    """The same day of the month ``months`` months before ``today`` (the month's last day
    when that month is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _one_year_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def show(value: str, limit: int = 40) -> str:
    """A user value quoted for an error message: one line, bounded, control characters escaped."""
    shown = value if len(value) <= limit else value[:limit] + "…"
    return repr(shown)


def optional_whole(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    if not _WHOLE.fullmatch(text.strip()):
        raise InputError(f"{name} {show(text)} is not a whole number (digits 0-9).")
    value = int(text.strip())
    if not low <= value <= high:
        raise InputError(f"{name} must be from {low} to {high}, not {value}.")
    return value


def parse_seconds(name: str, text: str, *, high: float) -> float:
    """A number of seconds written in ASCII digits (``30``, ``0.5``), from 0 to ``high``."""
    if not _DECIMAL.fullmatch(text.strip()):
        raise InputError(f"{name} {show(text)} is not a number of seconds (digits 0-9).")
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
            f"{name} {show(text)} is not a size: bytes, or a number with KiB, MiB or GiB "
            "(for example 16GiB)."
        )
    value = int(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()]
    if not MIN_FILE_SIZE <= value <= MAX_FILE_SIZE:
        raise InputError(f"{name} must be from 1KiB to 1024GiB, not {text.strip()}.")
    return value


_PRICE = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,2})?")


def parse_price(text: str) -> float:
    """``seat-price``: USD a seat a month in ASCII digits (``19``, ``39.5``), at most 999999."""
    if not _PRICE.fullmatch(text.strip()):
        raise InputError(
            f"seat-price {show(text)} is not a price in USD: digits, with up to two decimals "
            "(for example 19 or 39.50)."
        )
    return float(text.strip())


def parse_flag(name: str, text: str | None, *, default: bool) -> bool:
    """A yes/no input: true/false, yes/no, on/off or 1/0 in any case; ``None`` is the default."""
    if text is None:
        return default
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InputError(f"{name} {show(text)} must be true or false.")


def parse_format(text: str | None) -> ReportFormat:
    """The ``format`` input: ``ndjson`` (the default, files as GitHub serves them) or ``csv``."""
    value = (text or "ndjson").strip().lower()
    if value == "csv":
        return "csv"
    if value == "ndjson":
        return "ndjson"
    raise InputError(
        f"format {show(text or '')} must be ndjson (the files as GitHub serves them) or csv "
        "(also flattened CSV tables beside them)."
    )


# -- parsers of one input each, as the table of options (``options``) names them ------------
#: Reads one input's text (never ``None``: the table's default is text too) under its name.
Parser = Callable[[str, str], object]


def whole(low: int, high: int) -> Callable[[str, str], int]:
    """A whole number from ``low`` to ``high`` (``retries``, ``concurrency``)."""

    def parse(name: str, text: str) -> int:
        return optional_whole(name, text, low, low, high)

    return parse


def seconds(high: float, *, positive: bool = False) -> Callable[[str, str], float]:
    """Seconds from 0 (or more than 0, when ``positive``) to ``high``."""

    def parse(name: str, text: str) -> float:
        value = parse_seconds(name, text, high=high)
        if positive and value == 0:
            raise InputError(f"{name} must be more than 0 seconds.")
        return value

    return parse


def flag(name: str, text: str) -> bool:
    """A yes/no input (``job-summary``)."""
    return parse_flag(name, text, default=False)


def report_format(name: str, text: str) -> ReportFormat:
    """The ``format`` input."""
    return parse_format(text)


def optional_price(name: str, text: str) -> float | None:
    """``seat-price``: a price, or ``None`` (the plan's list price) when left empty."""
    return None if not text.strip() else parse_price(text)


def optional_credits(name: str, text: str) -> int | None:
    """``credit-pool``: AI credits a seat adds to the monthly pool, or ``None`` (the plan's)."""
    return None if not text.strip() else optional_whole(name, text, 0, 0, 10_000_000)


def api_version(name: str, text: str) -> str:
    """An ``X-GitHub-Api-Version``: a day, ``YYYY-MM-DD``."""
    value = text.strip()
    if not API_VERSION.fullmatch(value):
        raise InputError(
            f"{name} {show(value)} is not a GitHub API version (YYYY-MM-DD, for example "
            f"{DEFAULT_API_VERSION})."
        )
    return value
