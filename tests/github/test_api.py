"""The API client: request shape, every status mapped to our errors, retries by the hook."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import respx

from copilot_usage_report._errors import (
    AccessDeniedError,
    ApiRedirectError,
    ApiUnreachableError,
    BadCredentialsError,
    PolicyDisabledError,
    RateLimitedError,
    ReportFormatError,
    ServerError,
    UnexpectedStatusError,
)
from copilot_usage_report._github.api import (
    MAX_WAIT_SECONDS,
    RetryPolicy,
    backoff_for,
    get_report_links,
    make_api_client,
    report_path,
    too_long,
)

API = "https://api.github.test"
URL = f"{API}/orgs/my-org/copilot/metrics/reports/organization-1-day"
TOKEN = "ghp_UNIT_TOKEN"
POLICY = RetryPolicy(retries=2, max_wait=300)


@pytest.fixture
def client():
    """An API client against a fake host that only respx answers."""
    with make_api_client(API, TOKEN, api_version="2026-03-10", user_agent="cur/test") as c:
        yield c


def _get(client, **kw):
    return get_report_links(
        client,
        report_path("my-org", "organization-1-day"),
        params={"day": "2026-11-20"},
        policy=kw.pop("policy", POLICY),
        **kw,
    )


@respx.mock
def test_request_shape_and_valid_body(client):
    """The request carries the documented headers and query; the body is validated."""
    route = respx.get(URL).respond(
        200,
        json={
            "download_links": ["https://s/a.ndjson?sig=1"],
            "report_day": "2026-11-20",
            "extra": "ignored",
        },
    )
    links = _get(client)
    assert links is not None
    assert links.download_links == ["https://s/a.ndjson?sig=1"]
    assert links.report_day.isoformat() == "2026-11-20"
    request = route.calls.last.request
    assert request.url.params["day"] == "2026-11-20"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == "2026-03-10"
    assert request.headers["user-agent"] == "cur/test"


@respx.mock
@pytest.mark.parametrize("status", [204, 404])
def test_no_report_is_none(client, status):
    """204 and 404 mean no report for the day: None, for the caller to decide."""
    respx.get(URL).respond(status)
    assert _get(client) is None


@respx.mock
@pytest.mark.parametrize(
    ("status", "body", "headers", "error"),
    [
        (401, {"message": "Bad credentials"}, {}, BadCredentialsError),
        (403, {"message": "Must have admin rights"}, {}, AccessDeniedError),
        (403, {"message": "Copilot metrics are disabled by policy"}, {}, PolicyDisabledError),
        (422, {"message": "x"}, {}, PolicyDisabledError),
        (410, {"message": "gone"}, {}, UnexpectedStatusError),
        (418, {}, {}, UnexpectedStatusError),
        (500, {}, {}, ServerError),
        (403, {"message": "You have exceeded a secondary rate limit"}, {}, RateLimitedError),
        (403, {"message": "x"}, {"retry-after": "3"}, RateLimitedError),
        (429, {}, {}, RateLimitedError),
    ],
)
def test_statuses_map_to_errors(client, status, body, headers, error):
    """Each status becomes its own error class, with no token in the message."""
    respx.get(URL).respond(status, json=body, headers=headers)
    with pytest.raises(error) as info:
        _get(client, policy=RetryPolicy(retries=0))
    assert TOKEN not in info.value.message
    assert "\n" not in info.value.message


@respx.mock
def test_primary_rate_limit_reads_the_reset_time(client):
    """x-ratelimit-remaining 0 with a reset time gives the seconds until the reset."""
    reset = int(time.time()) + 120
    respx.get(URL).respond(
        403,
        json={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    with pytest.raises(RateLimitedError) as info:
        _get(client, policy=RetryPolicy(retries=0))
    assert info.value.wait_seconds is not None and 115 <= info.value.wait_seconds <= 122
    assert not info.value.secondary
    assert "retry after" in info.value.message


@respx.mock
def test_transient_failures_are_retried_until_success(client):
    """5xx, 429 and connection errors are retried; the next good answer wins."""
    route = respx.get(URL)
    route.side_effect = [
        httpx.Response(502),
        httpx.ConnectError("refused"),
        httpx.Response(429, headers={"retry-after": "1"}),
        httpx.Response(200, json={"download_links": ["https://s/a"], "report_day": "2026-11-20"}),
    ]
    assert _get(client, policy=RetryPolicy(retries=3)) is not None
    assert route.call_count == 4


@respx.mock
def test_retries_are_bounded(client):
    """After --retries more attempts the last error is raised."""
    route = respx.get(URL).respond(503)
    with pytest.raises(ServerError):
        _get(client, policy=RetryPolicy(retries=2))
    assert route.call_count == 3


@respx.mock
def test_permission_errors_are_not_retried(client):
    """A plain 403 or 404 is answered once, never retried."""
    route = respx.get(URL).respond(403, json={"message": "nope"})
    with pytest.raises(AccessDeniedError):
        _get(client)
    assert route.call_count == 1


@respx.mock
def test_timeout_becomes_unreachable_without_query(client):
    """A timeout is reported as unreachable API, after retries."""
    respx.get(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ApiUnreachableError, match="did not answer in time"):
        _get(client)


@respx.mock
def test_same_origin_redirect_followed_cross_origin_refused(client):
    """A redirect on the API origin is followed; one to another host is refused, token kept home."""
    other = respx.get("https://evil.test/steal").respond(200, json={})
    moved = f"{API}/moved"
    respx.get(URL).respond(301, headers={"location": moved})
    respx.get(moved).respond(
        200, json={"download_links": ["https://s/a"], "report_day": "2026-11-20"}
    )
    assert _get(client) is not None
    respx.get(URL).respond(302, headers={"location": "https://evil.test/steal"})
    with pytest.raises(ApiRedirectError):
        _get(client)
    assert not other.called


@respx.mock
def test_oversized_and_overlong_bodies_are_refused(client):
    """A huge body or a link list beyond the bound is refused clearly."""
    respx.get(URL).respond(200, content=b"x" * (5 * 1024 * 1024))
    with pytest.raises(ReportFormatError, match="larger than"):
        _get(client)
    links = [f"https://s/{i}" for i in range(1001)]
    respx.get(URL).respond(
        200, content=json.dumps({"download_links": links, "report_day": "2026-11-20"}).encode()
    )
    with pytest.raises(ReportFormatError, match="download_links"):
        _get(client)


def _limited(wait: float | None, secondary: bool) -> RateLimitedError:
    return RateLimitedError("limited", status=429, wait_seconds=wait, secondary=secondary)


def test_backoff_hook_decisions():
    """Named waits are honoured exactly, capped by max-wait; secondary limits wait a minute."""
    assert backoff_for(_limited(12.0, True), max_wait=300) == 12.0
    assert backoff_for(_limited(301.0, False), max_wait=300) is False
    assert backoff_for(_limited(None, True), max_wait=300) == 60.0
    assert backoff_for(_limited(None, True), max_wait=30) is False
    assert backoff_for(_limited(None, False), max_wait=300) is True
    assert backoff_for(ServerError("x", status=500), max_wait=300) is True
    assert backoff_for(ApiUnreachableError("x"), max_wait=300) is True
    assert backoff_for(AccessDeniedError("x", status=403), max_wait=300) is False
    assert backoff_for(ValueError("bug"), max_wait=300) is False


def test_a_wait_past_max_wait_or_the_deadline_fails_naming_both(monkeypatch):
    """Too long a wait, the default one included, is the error: the wait and the bound named."""
    policy = RetryPolicy(max_wait=300)
    refused = too_long(_limited(MAX_WAIT_SECONDS, True), policy)
    assert refused is not None
    assert "that wait is longer than --max-wait (300 s)" in refused.message
    default = too_long(_limited(None, True), RetryPolicy(max_wait=30))
    assert default is not None and "the default wait of 60 s" in default.message
    assert too_long(_limited(12.0, True), policy) is None
    soon = RetryPolicy(max_wait=300, deadline=time.monotonic() + 10)
    late = too_long(_limited(None, True), soon)
    assert late is not None and "what is left of --deadline" in late.message
    assert backoff_for(_limited(None, True), max_wait=300, deadline=soon.deadline) is False
    assert too_long(ServerError("x", status=500), soon) is None


def test_backoff_hook_logs_what_it_retries():
    """Each retry decision is logged with the reason and the wait."""
    lines: list[str] = []
    backoff_for(_limited(7.0, True), max_wait=300, log=lines.append)
    assert lines == ["limited Retrying in 7 s."]


@respx.mock
@pytest.mark.parametrize("retries", [0, 1, 2])
def test_a_retry_note_only_when_a_retry_follows(client, retries):
    """One note per retry taken, naming it; none for the last attempt, none with retries 0."""
    respx.get(URL).respond(503)
    lines: list[str] = []
    with pytest.raises(ServerError):
        _get(
            client,
            policy=RetryPolicy(retries=retries, wait_initial=0, wait_max=0),
            log=lines.append,
        )
    assert len(lines) == retries
    for n, line in enumerate(lines, start=1):
        assert line.endswith(f"Retrying (retry {n} of {retries}).")
        assert line.count("HTTP 503") == 1


@respx.mock
def test_an_echoed_token_never_reaches_the_message(client):
    """A 401 whose message quotes the token: the error says *** instead, wherever it goes."""
    from copilot_usage_report._app.workflow import mask

    mask(TOKEN)
    respx.get(URL).respond(401, json={"message": f"Bad credentials: {TOKEN}"})
    with pytest.raises(BadCredentialsError) as info:
        _get(client, policy=RetryPolicy(retries=0))
    assert TOKEN not in info.value.message and "***" in info.value.message


def test_a_wait_beyond_today_names_its_date():
    """The time to retry carries its date when it is not today (UTC)."""
    from copilot_usage_report._github.ratelimit import _moment

    midnight = 1_800_000_000 - 1_800_000_000 % 86400
    assert _moment(midnight + 3600, 60) == "01:01:00 UTC"
    assert _moment(midnight + 3600, 86400).startswith("2027-01-16 01:00:00")
