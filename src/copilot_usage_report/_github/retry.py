"""How hard the API client tries: the policy, and the decision to retry an error or not.

``backoff_for`` honours the seconds GitHub names exactly and backs off exponentially from
5xx and transport failures; ``too_long`` turns a wait that ``max-wait`` or the deadline
would not allow into the rate-limit error to fail with at once, naming both numbers.
Nothing here sends a request (``api`` does).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .._errors import ApiUnreachableError, CopilotUsageReportError, RateLimitedError, ServerError
from .ratelimit import MAX_WAIT_SECONDS

__all__ = [
    "SECONDARY_LIMIT_WAIT",
    "Log",
    "RetryPolicy",
    "backoff_for",
    "retry_note",
    "too_long",
]

#: GitHub's guidance for a secondary rate limit that names no time: wait at least a minute.
SECONDARY_LIMIT_WAIT = 60.0

#: Where notes about retries go (one line each).
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: ``retries`` after the first attempt, the longest wait we accept, and
    the run's ``deadline`` (a ``time.monotonic()`` instant) that no wait may pass."""

    retries: int = 5
    max_wait: float = 300.0
    deadline: float | None = None
    wait_initial: float = 1.0
    wait_max: float = 30.0


def backoff_for(
    exc: Exception, *, max_wait: float, deadline: float | None = None, log: Log | None = None
) -> bool | float:
    """Decide from an error whether to retry, and after how many seconds.

    Seconds GitHub named (Retry-After, or the rate-limit reset time) are honoured
    exactly; a secondary limit that names none (or names it unreadably) waits a minute;
    5xx and transport failures back off exponentially (``True``). A wait beyond
    ``max_wait`` or past the ``deadline``, the default one included, and every other
    error, is not retried (``too_long`` words why).
    """
    wait: bool | float
    if isinstance(exc, RateLimitedError):
        wait = _rate_limit_wait(exc)
        if not isinstance(wait, bool) and _beyond(wait, max_wait, deadline):
            return False
    elif isinstance(exc, ServerError | ApiUnreachableError):
        wait = True
    else:
        return False
    if log is not None:
        log(retry_note(exc, wait))
    return wait


def _rate_limit_wait(exc: RateLimitedError) -> bool | float:
    if exc.wait_seconds is not None:
        return exc.wait_seconds
    return SECONDARY_LIMIT_WAIT if exc.secondary else True


def _beyond(wait: float, max_wait: float, deadline: float | None) -> bool:
    return wait > max_wait or (deadline is not None and time.monotonic() + wait > deadline)


def too_long(exc: Exception, policy: RetryPolicy) -> RateLimitedError | None:
    """The rate-limit error to fail with at once when its wait is beyond max-wait or the
    deadline: the message names the wait and the bound it passes. ``None`` otherwise."""
    if not isinstance(exc, RateLimitedError):
        return None
    wait = _rate_limit_wait(exc)
    if isinstance(wait, bool) or not _beyond(wait, policy.max_wait, policy.deadline):
        return None
    if exc.wait_seconds is None:
        named = f"the default wait of {wait:.0f} s"
    elif wait >= MAX_WAIT_SECONDS:
        named = "that wait"
    else:
        named = f"a wait of {wait:.0f} s"
    if wait > policy.max_wait:
        bound = f"--max-wait ({policy.max_wait:g} s)"
    else:
        left = max(0.0, (policy.deadline or 0.0) - time.monotonic())
        bound = f"what is left of --deadline ({left:.0f} s)"
    return RateLimitedError(
        f"{exc.message.rstrip('.')}; {named} is longer than {bound}, so the tool did not wait.",
        status=exc.status or 429,
        wait_seconds=exc.wait_seconds,
        secondary=exc.secondary,
    )


def retry_note(exc: CopilotUsageReportError, wait: bool | float, note: str = "") -> str:
    when = "Retrying" if wait is True else f"Retrying in {float(wait):.0f} s"
    return f"{exc.message} {when}{note}."
