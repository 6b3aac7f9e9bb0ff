"""Links are checked before use, shown without signatures, and named safely."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copilot_usage_report._core.links import (
    check_url,
    expires_at,
    is_expired,
    redact,
    redact_text,
    safe_file_name,
)
from copilot_usage_report._errors import UnsafeLinkError


def test_redact_drops_query_fragment_and_credentials():
    """A redacted link keeps scheme, host, port and path only."""
    assert (
        redact("https://u:p@host.example:8443/a/b.ndjson?sig=SECRET&se=1#frag")
        == "https://host.example:8443/a/b.ndjson"
    )


def test_redact_text_strips_every_query_in_free_text():
    """Query strings inside an error message are elided."""
    text = "failed for url 'https://h/x.ndjson?sig=SECRET' and http://127.0.0.1:1/y?a=b now"
    out = redact_text(text)
    assert "SECRET" not in out and "a=b" not in out
    assert "https://h/x.ndjson" in out and "http://127.0.0.1:1/y" in out


@pytest.mark.parametrize(
    "url",
    [
        "https://copilot-reports.github.com/x?sig=1",
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://[::1]:8/x",
    ],
)
def test_accepted_links(url):
    """https anywhere and http on loopback are accepted unchanged."""
    assert check_url(url, what="link") == url


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x",
        "ftp://h/x",
        "https://user:pw@h/x",
        "https:///x",
        "file:///etc/passwd",
        "http://10.0.0.1/x",
        "javascript:alert(1)",
    ],
)
def test_refused_links(url):
    """Anything else is refused, and the message holds no query string."""
    with pytest.raises(UnsafeLinkError) as info:
        check_url(url + "?sig=SECRET", what="link")
    assert "SECRET" not in str(info.value)


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://h/a/copilot-usage-report-1.ndjson?sig=x", "copilot-usage-report-1.ndjson"),
        ("https://h/a/..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("https://h/a/..%5C..%5Cwin.ini", "win.ini"),
        ("https://h/a/%2Fabs%2Fpath.ndjson", "path.ndjson"),
        ("https://h/a/..", "fallback.ndjson"),
        ("https://h/a/...", "fallback.ndjson"),
        ("https://h/a/", "fallback.ndjson"),
        ("https://h/a/nul%00byte.ndjson", "nulbyte.ndjson"),
        ("https://h/a/CON.ndjson", "fallback.ndjson"),
        ("https://h/a/.hidden", "hidden"),
        ("https://h/a/sp%20ace.ndjson", "sp_ace.ndjson"),
    ],
)
def test_safe_file_name(url, name):
    """Names are reduced to one safe path segment; nothing is left to escape the folder."""
    assert safe_file_name(url, fallback="fallback.ndjson") == name


def test_long_names_keep_their_extension():
    """A very long name is cut to a bounded length, keeping its extension."""
    name = safe_file_name("https://h/" + "a" * 500 + ".ndjson", fallback="f")
    assert len(name) <= 120 and name.endswith(".ndjson")


def test_expiry_forms():
    """Azure, S3 and Unix-time expiry parameters are read; unknown forms give None."""
    assert expires_at("https://h/x?se=2026-01-01T00%3A00%3A00Z") == datetime(2026, 1, 1, tzinfo=UTC)
    assert expires_at("https://h/x?X-Amz-Date=20260101T000000Z&X-Amz-Expires=60") == datetime(
        2026, 1, 1, 0, 1, tzinfo=UTC
    )
    assert expires_at("https://h/x?Expires=0") == datetime(1970, 1, 1, tzinfo=UTC)
    assert expires_at("https://h/x?sig=1") is None
    assert expires_at("https://h/x?se=garbage") is None
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert is_expired("https://h/x?se=2026-01-01T00:00:00Z", now=now)
    assert not is_expired("https://h/x?se=2027-01-01T00:00:00Z", now=now)
