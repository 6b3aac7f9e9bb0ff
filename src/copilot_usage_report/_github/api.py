"""GitHub's REST API: one request at a time, retried where GitHub says it may be.

The API client is the only holder of the token. It never follows a redirect to
another origin (the token would go with it), and every httpx or pydantic error
is translated here into our own error tree, with link query strings removed.

Whatever the API (or a proxy in front of it) sends, an answer is bounded: its
body by ``MAX_BODY_BYTES``, its pace by the floor rate (``_core.bounds.Pace``), and
its headers are read as ASCII digits only, each wait bounded by ``MAX_WAIT_SECONDS``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import date
from urllib.parse import urljoin

import httpx
import stamina

from .._core import (
    ACCEPT_ENCODING,
    Inflater,
    Pace,
    UndecodableBody,
    check_cancel,
    origin,
    redact,
    redact_text,
    tls_context,
)
from .._errors import (
    AccessDeniedError,
    ApiError,
    ApiRedirectError,
    ApiUnreachableError,
    BadCredentialsError,
    PolicyDisabledError,
    ReportFormatError,
    ServerError,
    UnexpectedStatusError,
)
from .ratelimit import MAX_WAIT_SECONDS, parse_ratelimit_reset, parse_retry_after, rate_limit
from .report import ReportLinks, parse_report_links
from .retry import Log, RetryPolicy, backoff_for, retry_note, too_long

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_WAIT_SECONDS",
    "RetryPolicy",
    "backoff_for",
    "get_answer",
    "get_report_links",
    "make_api_client",
    "parse_ratelimit_reset",
    "parse_retry_after",
    "too_long",
]

#: An API body larger than this is refused: a link list is a few kilobytes.
MAX_BODY_BYTES = 4 * 1024 * 1024
_MAX_REDIRECTS = 3
#: Why an answer over ``MAX_BODY_BYTES`` is refused, unless the caller says otherwise.
_LINKS_TOO_LARGE = "a report link list is a few kilobytes, so it was refused"
_ENTERPRISE_HINT = (
    "The token's owner must be an enterprise owner or billing manager, or hold the "
    '"View Enterprise Copilot Metrics" permission. A fine-grained token needs '
    '"Enterprise Copilot metrics" (read); a classic token needs manage_billing:copilot or '
    "read:enterprise."
)

#: One answer as it came: status, headers, body and the URL that gave it.
Answer = tuple[int, httpx.Headers, bytes, str]


def make_api_client(
    api_url: str,
    token: str,
    *,
    api_version: str,
    user_agent: str,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 30.0,
) -> httpx.Client:
    """The one client that carries the token; it follows no redirect by itself."""
    return httpx.Client(
        base_url=api_url.rstrip("/") + "/",
        headers={
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": api_version,
            "Authorization": f"Bearer {token}",
            "User-Agent": user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
        timeout=httpx.Timeout(timeout, connect=10.0),
        follow_redirects=False,
        transport=transport,
        # A given transport (a test's) needs no TLS context; ours shares the run's one.
        verify=tls_context() if transport is None else True,
        trust_env=False,
    )


# GitHub asks integrators not to send concurrent requests; one lock per process
# keeps every API call serial whatever calls it.
_ONE_AT_A_TIME = threading.Lock()


def get_report_links(
    client: httpx.Client,
    path: str,
    *,
    params: dict[str, str] | None = None,
    policy: RetryPolicy,
    log: Log | None = None,
) -> ReportLinks | None:
    """GET a report endpoint; ``None`` when GitHub has no report (204 or 404).

    Retries transient failures as ``backoff_for`` decides; the final failure is
    raised as one of our ``ApiError`` subclasses.
    """
    answer = _retried(lambda: _get_once(client, path, params or {}), policy, log)
    return _interpret(*answer)


def get_answer(
    client: httpx.Client,
    path: str,
    *,
    params: dict[str, str] | None = None,
    policy: RetryPolicy,
    log: Log | None = None,
    too_large: str = _LINKS_TOO_LARGE,
) -> Answer:
    """GET any endpoint, retried as ``get_report_links`` is; 200, 403 and 404 come back as
    they are (the caller words them), every other status raises as it would there.
    ``too_large`` says why a body over ``MAX_BODY_BYTES`` is refused, and what to do."""

    def once() -> Answer:
        answer = _get_once(client, path, params or {}, too_large)
        status, _, _, url = answer
        if status not in (200, 403, 404):
            _interpret(*answer)  # raises: every other status is an error here
            raise UnexpectedStatusError(
                f"GitHub's API answered HTTP {status} for {redact(url)}.", status=status
            )
        return answer

    return _retried(once, policy, log)


def _retried(call: Callable[[], Answer], policy: RetryPolicy, log: Log | None) -> Answer:
    for attempt in stamina.retry_context(
        on=lambda exc: backoff_for(exc, max_wait=policy.max_wait, deadline=policy.deadline),
        attempts=policy.retries + 1,
        timeout=None,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
    ):
        with attempt:
            try:
                answer = call()
                status, headers, body, _ = answer
                if status in (403, 429) and rate_limit(status, headers, _github_message(body)):
                    _interpret(*answer)  # raises the rate limit, which may be retried
                if 500 <= status < 600:
                    _interpret(*answer)  # raises ServerError, retried
                return answer
            except ApiError as exc:
                refused = too_long(exc, policy)
                if refused is not None:
                    raise refused from None
                # A note only when another attempt follows.
                wait = backoff_for(exc, max_wait=policy.max_wait, deadline=policy.deadline)
                if log is not None and wait is not False and attempt.num <= policy.retries:
                    log(retry_note(exc, wait, f" (retry {attempt.num} of {policy.retries})"))
                raise
    raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover


def _get_once(
    client: httpx.Client, path: str, params: dict[str, str], too_large: str = ""
) -> Answer:
    url = str(client.base_url.join(path.lstrip("/")))
    with _ONE_AT_A_TIME:
        for _ in range(_MAX_REDIRECTS + 1):
            status, headers, body = _send(client, url, params, too_large or _LINKS_TOO_LARGE)
            if status not in (301, 302, 303, 307, 308):
                break
            target = urljoin(url, headers.get("location", ""))
            if origin(target) != origin(str(client.base_url)):
                raise ApiRedirectError(
                    f"GitHub's API redirected {redact(url)} to another host "
                    f"({redact(target)}); the token is never sent across hosts, so the "
                    "request stopped there.",
                    status=status,
                )
            url, params = target, {}
        else:
            raise ApiRedirectError(f"GitHub's API redirected {redact(url)} too many times.")
    return status, headers, body, url


def _send(
    client: httpx.Client, url: str, params: dict[str, str], too_large: str
) -> tuple[int, httpx.Headers, bytes]:
    """One request, its body read with a size and a pace bound; transport errors become ours."""
    check_cancel()
    timeout = client.timeout.read or 30.0
    try:
        with client.stream("GET", url, params=params or None) as response:
            chunks: list[bytes] = []
            size = 0
            pace = Pace(timeout)
            inflater = Inflater(response.headers.get("content-encoding"))
            # Raw reads inflated in bounded steps, so a compressed bomb costs no more memory
            # than the size bound.
            for raw in response.iter_raw():
                check_cancel()
                if not pace.update(response.num_bytes_downloaded):
                    raise ApiUnreachableError(
                        f"GitHub's API at {redact(url)} answered too slowly (less than 1 KiB/s "
                        f"for {timeout:g} s, --timeout)."
                    )
                for chunk in inflater.feed(raw):
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise ReportFormatError(
                            f"GitHub's answer from {redact(url)} is larger than "
                            f"{MAX_BODY_BYTES // (1024 * 1024)} MiB; {too_large}."
                        )
                    chunks.append(chunk)
            inflater.finish()
            return response.status_code, response.headers, b"".join(chunks)
    except httpx.TimeoutException:
        raise ApiUnreachableError(
            f"GitHub's API at {redact(url)} did not answer in time."
        ) from None
    except httpx.ConnectError as exc:
        if "refused" in str(exc).lower() or isinstance(exc.__context__, ConnectionRefusedError):
            raise ApiUnreachableError(
                f"GitHub's API at {redact(url)} refused the connection."
            ) from None
        raise ApiUnreachableError(
            f"GitHub's API at {redact(url)} could not be reached: {_reason(exc)}."
        ) from None
    except (httpx.DecodingError, UndecodableBody) as exc:
        raise ReportFormatError(
            f"GitHub's answer from {redact(url)} does not decode as its Content-Encoding says "
            f"({exc})."
        ) from None
    except httpx.TransportError as exc:
        raise ApiUnreachableError(
            f"GitHub's API at {redact(url)} broke off the answer: {_reason(exc)}."
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise ApiError(f"the request to {redact(url)} failed: {_reason(exc)}.") from None


def _reason(exc: Exception) -> str:
    """httpx's words for a failure, one bounded line with no query string."""
    text = " ".join(redact_text(str(exc)).split())[:200]
    return text or type(exc).__name__


def _github_message(body: bytes) -> str:
    """GitHub's ``message`` field, as one bounded line, or ''."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reading
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, str):
        return ""
    text = redact_text(" ".join(message.split()))
    return text[:300]


def _interpret(status: int, headers: httpx.Headers, body: bytes, url: str) -> ReportLinks | None:
    """Map one answer to a result or to our error tree, in one place."""
    message = _github_message(body)
    said = f": {message}" if message else ""
    where = redact(url)
    match status:
        case 200:
            return parse_report_links(body)
        case 204 | 404:
            return None
        case 401:
            raise BadCredentialsError(
                f"GitHub rejected the token (HTTP 401{said}): it is invalid, expired or revoked.",
                status=status,
            )
        case 403 | 429 if (limited := rate_limit(status, headers, message)) is not None:
            raise limited
        case 403 if any(word in message.lower() for word in ("polic", "disabled")):
            raise _policy_disabled(status, said)
        case 403 if "/enterprises/" in where:
            raise AccessDeniedError(
                f"GitHub refused access to {where} (HTTP 403{said}). The token needs an "
                'enterprise owner, a billing manager, or the "View Enterprise Copilot Metrics" '
                'permission: a fine-grained token needs "Enterprise Copilot metrics" (read); a '
                "classic token needs manage_billing:copilot or read:enterprise.",
                status=status,
                hint=_ENTERPRISE_HINT,
            )
        case 403:
            raise AccessDeniedError(
                f"GitHub refused access to {where} (HTTP 403{said}). The token needs an "
                'organization owner, or the "View Organization Copilot Metrics" permission: a '
                'fine-grained token or GitHub App needs the "Organization Copilot metrics" '
                "organization permission (read); a classic token needs read:org.",
                status=status,
            )
        case 422:
            raise _policy_disabled(status, said)
        case 410:
            raise UnexpectedStatusError(
                f"GitHub no longer serves API version used for {where} (HTTP 410{said}); set "
                "api-version to 2026-03-10 or newer.",
                status=status,
            )
        case _ if 500 <= status < 600:
            raise ServerError(
                f"GitHub's API answered HTTP {status} for {where}{said}.", status=status
            )
        case _:
            raise UnexpectedStatusError(
                f"GitHub's API answered HTTP {status} for {where}{said or ' with no message'}.",
                status=status,
            )


def _policy_disabled(status: int, said: str) -> PolicyDisabledError:
    return PolicyDisabledError(
        f"The Copilot usage metrics policy is disabled (HTTP {status}{said}). An enterprise "
        'owner enables "Copilot usage metrics" in the enterprise\'s AI controls (Copilot, '
        "Metrics); without an enterprise, an organization owner enables it in the "
        "organization's Copilot policies.",
        status=status,
    )


def report_path(org: str, kind: str) -> str:
    """The API path of an organization report endpoint."""
    return f"orgs/{org}/copilot/metrics/reports/{kind}"


def day_params(day: date) -> dict[str, str]:
    """The query of a one-day report endpoint."""
    return {"day": day.isoformat()}
