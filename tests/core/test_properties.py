"""Arbitrary input never crashes: it is a valid value or one of our clean errors."""

from __future__ import annotations

import json
import string
from datetime import date
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._archive.store import file_names
from copilot_usage_report._core.links import check_url, redact, safe_file_name
from copilot_usage_report._core.settings import RawInputs, build_settings, parse_day
from copilot_usage_report._errors import (
    ApiError,
    InputError,
    ReportFormatError,
    UnsafeLinkError,
)
from copilot_usage_report._github.api import _interpret
from copilot_usage_report._github.report import parse_report_links
from copilot_usage_report._transfer.content import ContentCheck

TODAY = date(2026, 11, 25)
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

text = st.text(max_size=80)
maybe_text = st.none() | text
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(day=text)
def test_any_day_text_parses_or_is_input_error(day):
    """Any day string gives past days inside GitHub's window, or an InputError."""
    try:
        _, days = parse_day(day, today=TODAY)
    except InputError as exc:
        assert "\n" not in exc.message
    else:
        assert all(date(2025, 10, 10) <= d < TODAY for d in days)


@SETTINGS
@given(
    org=maybe_text,
    token=st.none() | text.map(lambda t: "ghp_" + t),
    api_url=maybe_text,
    retries=maybe_text,
    max_wait=maybe_text,
    concurrency=maybe_text,
    api_version=maybe_text,
    timeout=maybe_text,
)
def test_any_inputs_build_settings_or_input_error(
    tmp_path_factory, org, token, api_url, retries, max_wait, concurrency, api_version, timeout
):
    """Arbitrary strings for every input give valid Settings or one clean InputError."""
    out = tmp_path_factory.mktemp("out")
    raw = RawInputs(
        org=org,
        day="yesterday",
        token=token,
        api_url=api_url,
        retries=retries,
        max_wait=max_wait,
        concurrency=concurrency,
        api_version=api_version,
        output_dir=str(out),
        timeout=timeout,
    )
    try:
        s = build_settings(raw, today=TODAY, env={})
    except InputError as exc:
        assert "\n" not in exc.message
        secret = (token or "").strip()
        others = " ".join(
            str(v) for v in (org, api_url, retries, max_wait, concurrency, api_version, timeout)
        )
        if secret and secret not in others:
            assert secret not in exc.message
    else:
        assert s.api_url.startswith(("https://", "http://"))
        assert 0 <= s.retries <= 20 and 1 <= s.concurrency <= 32


@SETTINGS
@given(body=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_any_body_parses_or_is_format_error(body):
    """Arbitrary bytes or JSON as a 200 body give ReportLinks or a ReportFormatError."""
    try:
        links = parse_report_links(body)
    except ReportFormatError as exc:
        assert "\n" not in exc.message
    else:
        assert isinstance(links.report_day, date)


@SETTINGS
@given(
    links=st.lists(st.text(max_size=60), max_size=5),
    day=st.text(max_size=12) | st.just("2026-11-20"),
    extra=st.dictionaries(st.text(max_size=8), json_values, max_size=3),
)
def test_any_link_list_parses_or_is_format_error(links, day, extra):
    """Link lists of arbitrary strings are validated; unknown fields are ignored."""
    body = json.dumps({**extra, "download_links": links, "report_day": day}).encode()
    try:
        parsed = parse_report_links(body)
    except ReportFormatError:
        return
    assert parsed.download_links == links


@SETTINGS
@given(
    status=st.integers(100, 599),
    body=st.binary(max_size=100),
    headers=st.dictionaries(
        st.sampled_from(["retry-after", "x-ratelimit-remaining", "x-ratelimit-reset", "x-other"]),
        st.text(string.printable, max_size=12),
        max_size=3,
    ),
)
def test_any_answer_maps_to_a_result_or_our_error(status, body, headers):
    """Every status, body and header mix becomes links, None, or one of our errors."""
    clean = {k: v.replace("\n", "").replace("\r", "") for k, v in headers.items()}
    try:
        _interpret(status, httpx.Headers(clean), body, "https://api.test/x?sig=SECRET")
    except (ApiError, ReportFormatError) as exc:
        assert "SECRET" not in exc.message and "\n" not in exc.message


@SETTINGS
@given(url=st.text(max_size=200))
def test_any_url_is_checked_and_redacted_safely(url):
    """check_url accepts or raises UnsafeLinkError; redaction never keeps a query."""
    try:
        check_url(url, what="link")
    except UnsafeLinkError as exc:
        assert "\n" not in exc.message
    shown = redact(url + "?sig=SECRET")
    assert "SECRET" not in shown


@SETTINGS
@given(path=st.lists(st.text(max_size=40), min_size=1, max_size=4))
def test_any_link_path_gives_a_safe_single_segment_name(tmp_path_factory, path):
    """Every name from a link is one segment that stays inside its folder when written."""
    from urllib.parse import quote

    url = "https://h/" + "/".join(quote(p, safe="") for p in path)
    name = safe_file_name(url, fallback="fallback.ndjson")
    assert name and "/" not in name and "\\" not in name and "\0" not in name
    assert not name.startswith(".") and len(name) <= 120
    folder: Path = tmp_path_factory.mktemp("names")
    (folder / name).write_bytes(b"{}")
    assert [p.name for p in folder.iterdir()] == [name]


@SETTINGS
@given(urls=st.lists(st.text(max_size=30).map(lambda s: "https://h/x/" + s), max_size=8))
def test_names_are_unique_case_insensitively(urls):
    """No two links get names that clash, even on a case-insensitive file system."""
    names = file_names(urls)
    assert len({n.lower() for n in names}) == len(names)
    assert "manifest.json" not in {n.lower() for n in names}


@SETTINGS
@given(data=st.binary(max_size=300), cut=st.integers(0, 300))
def test_content_check_never_crashes(data, cut):
    """Any bytes, in any two chunks, verify or raise ReportFormatError."""
    check = ContentCheck()
    try:
        check.feed(data[:cut])
        check.feed(data[cut:])
        check.finish(lambda: data)
    except ReportFormatError as exc:
        assert "\n" not in exc.message
