"""The bounds of a transfer and the parsers of what servers and users send, under any input.

Property tests give every header parser (``Retry-After``, ``x-ratelimit-reset``,
``Content-Length``) and every input parser arbitrary Unicode: each returns a value
inside its bounds or ``None`` / one ``InputError``, never another exception.
"""

from __future__ import annotations

import gzip
import time
import zlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._core.bounds import Inflater, Pace, UndecodableBody, human_size
from copilot_usage_report._core.links import check_url, safe_file_name
from copilot_usage_report._core.settings import (
    RawInputs,
    build_settings,
    parse_day,
    parse_seconds,
    parse_size,
)
from copilot_usage_report._errors import InputError, UnsafeLinkError, add_secret, scrub
from copilot_usage_report._github.ratelimit import (
    MAX_WAIT_SECONDS,
    parse_ratelimit_reset,
    parse_retry_after,
)
from copilot_usage_report._transfer.receive import announced as _announced

NOW = 1_800_000_000.0
TODAY = date(2026, 11, 25)
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: Digits of other scripts, signs, exponents, words: what a server or a user may send.
numberish = st.text(
    alphabet=st.sampled_from("0123456789\uff10\uff11\uff12\uff13²³٣.-+eEinfaNINF _,:")
    | st.characters(),
    max_size=40,
)


@SETTINGS
@given(value=numberish)
def test_retry_after_is_bounded_seconds_or_none(value):
    """Any Retry-After: seconds from 0 to a year, or None; never an exception."""
    wait = parse_retry_after(value, NOW)
    assert wait is None or 0 <= wait <= MAX_WAIT_SECONDS


@SETTINGS
@given(value=numberish)
def test_ratelimit_reset_is_bounded_seconds_or_none(value):
    """Any x-ratelimit-reset: seconds from 1 to a year, or None."""
    wait = parse_ratelimit_reset(value, NOW)
    assert wait is None or 1 <= wait <= MAX_WAIT_SECONDS


@SETTINGS
@given(value=numberish)
def test_content_length_is_ascii_digits_or_none(value):
    """Any Content-Length: a whole number written in ASCII digits, or None."""
    length = _announced(value)
    assert length is None or (length >= 0 and value.strip().isascii())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("\u00b2", None),
        ("\uff19", None),
        ("9" * 30, MAX_WAIT_SECONDS),  # a valid number of seconds, past any max-wait
        ("inf", None),
        ("1e300", None),
        ("-5", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("99999999999", MAX_WAIT_SECONDS),
    ],
)
def test_retry_after_examples(value, expected):
    """The forms GitHub sends, and the ones a broken proxy might."""
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    "value", ["inf", "1e300", "nan", "-1", "\uff11\uff18\uff10\uff10", "1800000000.5"]
)
def test_ratelimit_reset_refuses_what_is_not_a_unix_time(value):
    """Only plain ASCII digits are a reset time."""
    assert parse_ratelimit_reset(value, NOW) is None


def test_ratelimit_reset_counts_from_now():
    """A reset a minute away is a wait of a minute and one second."""
    assert parse_ratelimit_reset(str(int(NOW) + 60), NOW) == 61.0


@SETTINGS
@given(text=st.text(max_size=30))
def test_any_size_text_is_a_bounded_size_or_input_error(text):
    """max-file-size: bytes from 1 KiB to 1 TiB, or one InputError."""
    try:
        size = parse_size("max-file-size", text)
    except InputError as exc:
        assert "\n" not in exc.message
    else:
        assert 1024 <= size <= 1024**4


@pytest.mark.parametrize(
    ("text", "size"),
    [("16GiB", 16 * 1024**3), ("1 MiB", 1024**2), ("2048", 2048), ("4kib", 4096)],
)
def test_sizes(text, size):
    assert parse_size("max-file-size", text) == size


@pytest.mark.parametrize("text", ["", "\uff11MiB", "1.5GiB", "1e9", "-1", "1TB", "512", "2TiB"])
def test_bad_sizes(text):
    with pytest.raises(InputError, match="max-file-size"):
        parse_size("max-file-size", text)


@SETTINGS
@given(text=st.text(max_size=30))
def test_any_seconds_text_is_bounded_or_input_error(text):
    """Seconds: ASCII digits with an optional fraction, within the bound, or one InputError."""
    try:
        value = parse_seconds("timeout", text, high=600)
    except InputError:
        pass
    else:
        assert 0 <= value <= 600


@SETTINGS
@given(
    day=st.text(max_size=30),
    api_version=st.text(max_size=20),
    size=st.none() | st.text(max_size=20),
    deadline=st.none() | st.text(max_size=20),
    retries=st.none() | st.text(alphabet="0123456789\uff10\uff11٣²", max_size=4),
)
def test_any_unicode_inputs_give_settings_or_one_input_error(
    tmp_path_factory, day, api_version, size, deadline, retries
):
    """Arbitrary Unicode in the day, api-version, sizes and numbers: Settings or InputError."""
    raw = RawInputs(
        day=day,
        api_version=api_version,
        max_file_size=size,
        deadline=deadline,
        retries=retries,
        output_dir=str(tmp_path_factory.mktemp("out")),
    )
    env = {"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x"}
    try:
        settings_ = build_settings(raw, today=TODAY, env=env)
    except InputError as exc:
        assert "\n" not in exc.message
    else:
        assert settings_.api_version.isascii()
        assert all(ch.isascii() for ch in settings_.day_spec)
        assert settings_.deadline > 0 and settings_.max_file_size >= 1024


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("api_version", "\uff12\uff10\uff12\uff16-03-10", "api-version"),
        ("day", "\uff12\uff10\uff12\uff16-11-20", "not a date"),
        ("day", "", "--day is empty"),
        ("retries", "\uff13", "whole number"),
        ("deadline", "0", "more than 0"),
        ("deadline", "inf", "deadline"),
        ("max_file_size", "16 GB", "max-file-size"),
    ],
)
def test_input_gaps_are_input_errors(tmp_path, field, value, message):
    """Full-width digits, an empty day and odd numbers are exit-2 input errors."""
    env = {"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x"}
    raw = RawInputs(output_dir=str(tmp_path), **{field: value})
    with pytest.raises(InputError, match=message):
        build_settings(raw, today=TODAY, env=env)


def test_an_empty_day_input_is_an_input_error_too(tmp_path):
    """``day: ''`` in a workflow is refused like ``--day ''``, naming the input."""
    env = {"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x", "INPUT_DAY": " "}
    with pytest.raises(InputError, match="the day input is empty"):
        build_settings(RawInputs(output_dir=str(tmp_path)), today=TODAY, env=env)


def test_parse_day_needs_ascii_digits():
    with pytest.raises(InputError):
        parse_day("last-\uff13-days", today=TODAY)


# -- inflation, pace, scrubbing ----------------------------------------------------------


def _inflate(inflater: Inflater, body: bytes, step: int = 4096) -> bytes:
    out = b"".join(
        piece for i in range(0, len(body), step) for piece in inflater.feed(body[i : i + step])
    )
    inflater.finish()
    return out


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("identity", lambda b: b),
        (None, lambda b: b),
    ],
)
def test_inflater_decodes_what_it_asks_for(coding, encode):
    body = b'{"a": 1}\n' * 5000
    assert _inflate(Inflater(coding), encode(body)) == body


def test_inflater_yields_bounded_pieces_of_a_bomb():
    """A megabyte of gzip inflating to 200 MiB comes out one MiB at a time, never at once."""
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024))
    pieces = Inflater("gzip").feed(bomb)
    sizes = [len(next(pieces)) for _ in range(5)]
    assert max(sizes) <= 1024 * 1024


@pytest.mark.parametrize(
    ("coding", "body"),
    [("gzip", b"not gzip at all"), ("gzip", gzip.compress(b"x" * 1000)[:-8]), ("br", b"")],
)
def test_inflater_refuses_garbage_cut_bodies_and_unknown_codings(coding, body):
    with pytest.raises(UndecodableBody):
        _inflate(Inflater(coding), body)


def test_pace_tells_a_drip_from_a_slow_transfer(monkeypatch):
    """Below 1 KiB/s over a whole window is stalled; above it, however slow, is not."""
    clock = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    drip, slow = Pace(2.0), Pace(2.0)
    for received in range(1, 11):
        clock[0] += 0.5
        assert slow.update(received * 1500)
        if not drip.update(received):
            break
    assert clock[0] == 2.0  # the drip stalled once its first window ended


def test_scrub_hides_secrets_and_query_strings():
    add_secret("ghp_scrubthis0123456789")
    text = "token ghp_scrubthis0123456789 at https://h.example/f.ndjson?sig=abc&se=1 said"
    assert scrub(text) == "token *** at https://h.example/f.ndjson?… said"
    assert scrub(text, queries=False).endswith("?sig=abc&se=1 said")
    assert safe_file_name("https://h/ghp_scrubthis0123456789.ndjson", fallback="f") == "f"


@pytest.mark.parametrize("bad", ["\t", "\x00", "\x7f", "\n", " ", "\x85"])
def test_links_with_control_characters_are_unsafe(bad):
    with pytest.raises(UnsafeLinkError, match="control character"):
        check_url(f"https://h.example/a{bad}b.ndjson?sig=x", what="download link")


def test_human_sizes():
    assert [human_size(n) for n in (16 * 1024**3, 1024, 1536, 100)] == [
        "16 GiB",
        "1 KiB",
        "1.5 KiB",
        "100 bytes",
    ]


@SETTINGS
@given(text=st.text(max_size=20))
def test_any_lifetime_is_positive_finite_seconds_or_a_usage_error(text):
    """serve-demo --lifetime: a positive, finite number of seconds, or argparse's usage error."""
    import argparse
    import math

    from copilot_usage_report._app.cli import _lifetime

    try:
        value = _lifetime(text)
    except argparse.ArgumentTypeError:
        pass
    else:
        assert 0 < value < math.inf
