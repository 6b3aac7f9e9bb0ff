"""GitHub's rate-limit signals, read from whatever headers a server (or a proxy) sends.

``Retry-After`` (seconds or an HTTP date) and ``x-ratelimit-reset`` (a Unix time)
are read as ASCII digits only, each wait bounded by ``MAX_WAIT_SECONDS``: a number of
any length is a wait (a 30-digit one is a wait of more than a year, which no max-wait
allows), while other scripts' digits, ``inf`` or ``1e300`` name none and never raise.
``rate_limit`` turns an answer carrying a signal into a ``RateLimitedError`` whose
message says when to retry, with the date when it is not today, or that the header
could not be read (the caller then waits the documented default).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .._errors import RateLimitedError

__all__ = ["MAX_WAIT_SECONDS", "parse_ratelimit_reset", "parse_retry_after", "rate_limit"]

#: A wait a header names is read as at most this (a year): longer is "not today", never retried.
MAX_WAIT_SECONDS = 366 * 24 * 3600.0


def rate_limit(status: int, headers: Mapping[str, str], message: str) -> RateLimitedError | None:
    """A ``RateLimitedError`` when the answer carries a rate-limit signal, else ``None``."""
    now = time.time()
    wait: float | None = None
    secondary = False
    unreadable = ""
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        wait = parse_retry_after(retry_after, now)
        secondary = True
        unreadable = "Retry-After" if wait is None else ""
    elif headers.get("x-ratelimit-remaining", "").strip() == "0" and headers.get(
        "x-ratelimit-reset"
    ):
        wait = parse_ratelimit_reset(headers["x-ratelimit-reset"], now)
        unreadable = "x-ratelimit-reset" if wait is None else ""
    elif "rate limit" in message.lower() or status == 429:
        secondary = True
    else:
        return None
    if wait is not None and wait >= MAX_WAIT_SECONDS:
        asked = (retry_after or "").strip()
        asked = asked if asked.isdigit() and len(asked) <= 40 else f"{MAX_WAIT_SECONDS:.0f}"
        when = f"it asks for a wait of {asked} s, more than a year"
    elif wait is not None:
        when = f"retry after {_moment(now, wait)} (in {wait:.0f} s)"
    elif unreadable:
        when = f"its {unreadable} header could not be read as a time, so retry in a minute or more"
    else:
        when = "retry in a minute or more"
    kind = "secondary rate limit" if secondary else "rate limit"
    said = f": {message}" if message else ""
    return RateLimitedError(
        f"GitHub's {kind} stopped the request (HTTP {status}{said}); {when}.",
        status=status,
        wait_seconds=wait,
        secondary=secondary,
    )


def _moment(now: float, wait: float) -> str:
    """The time ``wait`` seconds from ``now``, in UTC, with its date when it is not today."""
    then = datetime.fromtimestamp(now + wait, tz=UTC)
    today = datetime.fromtimestamp(now, tz=UTC).date()
    return then.strftime("%H:%M:%S UTC" if then.date() == today else "%Y-%m-%d %H:%M:%S UTC")


def _digits(value: str) -> int | None:
    """A whole number of plain ASCII digits, or ``None``; past 12 digits (more than 31,000
    years of seconds, or a Unix time as far) it reads as 10**12."""
    value = value.strip()
    if not value or not value.isascii() or not value.isdigit():
        return None
    return int(value) if len(value) <= 12 else 10**12


def parse_retry_after(value: str, now: float) -> float | None:
    """``Retry-After`` in seconds, from either of its two forms (seconds or an HTTP date).

    Anything else (other digits than ASCII, a sign, an exponent, a date that does not
    parse) is ``None``: no wait could be read. A wait is at most ``MAX_WAIT_SECONDS``
    (a longer one, however many digits it has, is that).
    """
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = _digits(value)
        return None if seconds is None else min(float(seconds), MAX_WAIT_SECONDS)
    if not value.isascii() or len(value) > 64:
        return None
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        wait = moment.timestamp() - now
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(0.0, wait), MAX_WAIT_SECONDS)


def parse_ratelimit_reset(value: str, now: float) -> float | None:
    """Seconds until ``x-ratelimit-reset`` (a Unix time, ASCII digits), plus one; or ``None``."""
    reset = _digits(value)
    if reset is None:
        return None
    return min(max(0.0, reset - now) + 1.0, MAX_WAIT_SECONDS)
