"""Whatever the network sends: one line and an exit code, bounded memory, disk and time, no leak.

Each test is one hostile behaviour of a real server on 127.0.0.1 (``_hostile``),
met by the real CLI in a subprocess inside a workflow step's environment; its
own peak RSS is the kernel's (``_measure``). Bodies that would be huge are refused
early, so each case sends at most a few dozen MiB.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from ._hostile import (
    TOKEN,
    Connection,
    Hostile,
    Result,
    assert_contained,
    assert_failed_cleanly,
    assert_no_secret,
    links_answer,
    run_cli,
)

MiB = 1024 * 1024
#: The peak RSS the issue allows, whatever the body.
RSS_BOUND = 200 * MiB
GOOD = b'{"user_id": 1, "day": "2026-11-20"}\n{"user_id": 2, "day": "2026-11-20"}\n'

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="peak RSS is ru_maxrss in KiB, as Linux gives it"
)


def _server(storage, api=None, **kwargs) -> Hostile:
    server = Hostile(routes={}, **kwargs)
    server.routes["/orgs/"] = api or links_answer(server.link())
    server.routes["/files/"] = storage
    return server


def _fetch(tmp_path: Path, server: Hostile, *args: str, **kwargs) -> Result:
    try:
        return run_cli(tmp_path, "--api-url", server.url, "--retries", "0", *args, **kwargs)
    finally:
        server.close()


def _stream(piece: bytes, *, headers: dict[str, str] | None = None):
    """Storage that sends ``piece`` again and again, with no Content-Length, until stopped."""

    def behaviour(c: Connection) -> None:
        if c.head(200, headers):
            while c.send(piece):
                pass

    return behaviour


# -- memory and size ---------------------------------------------------------------------


def test_a_body_without_newline_is_refused_at_the_line_bound_in_bounded_memory(tmp_path):
    """Endless bytes with no newline: refused once the line passes 64 MiB; RSS stays bounded."""
    server = _server(_stream(b"x" * MiB))
    result = _fetch(tmp_path, server)
    assert_failed_cleanly(tmp_path, result, 1, "line 1 is longer than 64 MiB")
    assert result.peak_rss < RSS_BOUND, result.peak_rss
    assert server.sent_total < 100 * MiB


def test_one_huge_document_is_refused_at_the_document_bound_in_bounded_memory(tmp_path):
    """A pretty-printed document past 64 MiB is refused while it streams, not loaded whole."""
    piece = b'  "k": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],\n' * 8192

    def storage(c: Connection) -> None:
        if c.head(200) and c.send(b"{\n"):
            while c.send(piece):
                pass

    server = _server(storage)
    result = _fetch(tmp_path, server)
    assert_failed_cleanly(tmp_path, result, 1, "larger than 64 MiB")
    assert result.peak_rss < RSS_BOUND, result.peak_rss


def test_deep_nesting_is_a_format_error_in_bounded_memory(tmp_path):
    """A record nesting millions of arrays deep is a format error, not a RecursionError."""
    depth = 4 * MiB
    body = b'{"a": ' + b"[" * depth + b"]" * depth + b"}\n"
    server = _server(lambda c: c.answer(200, body))
    result = _fetch(tmp_path, server)
    assert_failed_cleanly(tmp_path, result, 1, "nests deeper than any report record")
    assert result.peak_rss < RSS_BOUND, result.peak_rss


def test_max_file_size_refuses_an_endless_body_early(tmp_path):
    """Past --max-file-size the download stops: the server sent little more than the bound."""
    server = _server(_stream(GOOD * 1000))
    result = _fetch(tmp_path, server, "--max-file-size", "1MiB")
    line = assert_failed_cleanly(tmp_path, result, 1, "report.ndjson", "max-file-size", "1 MiB")
    assert "the max-file-size input" in line
    assert server.sent_total < 16 * MiB
    assert result.outputs["error-type"] == "TooLargeError"


def test_an_announced_size_past_the_bound_is_refused_before_the_body(tmp_path):
    """A Content-Length past max-file-size is refused before any of the body is read."""

    def storage(c: Connection) -> None:
        if c.head(200, {"Content-Length": str(100 * MiB)}):
            c.send(GOOD)

    result = _fetch(tmp_path, _server(storage), "--max-file-size", "64KiB")
    assert_failed_cleanly(tmp_path, result, 1, "announced 104857600 bytes", "64 KiB")


def test_a_decompression_bomb_is_refused(tmp_path):
    """A gzip body inflating over 100-fold past 64 MiB is refused, not written out."""
    bomb = gzip.compress(b"x" * (160 * MiB), compresslevel=9)
    assert len(bomb) < 1 * MiB
    server = _server(
        lambda c: c.answer(200, bomb, {"Content-Encoding": "gzip"}),
    )
    result = _fetch(tmp_path, server)
    assert_failed_cleanly(tmp_path, result, 1, "decompression bomb")
    assert result.peak_rss < RSS_BOUND, result.peak_rss


def test_a_well_compressed_good_file_is_kept(tmp_path):
    """The bounds refuse nothing honest: a gzip-encoded report is saved, decoded, exit 0."""
    body = gzip.compress(GOOD)
    server = _server(lambda c: c.answer(200, body, {"Content-Encoding": "gzip"}))
    result = _fetch(tmp_path, server, "--max-file-size", "1KiB")
    assert result.code == 0, result.log
    (saved,) = (tmp_path / "out").rglob("report.ndjson")
    assert saved.read_bytes() == GOOD
    assert_no_secret(tmp_path, result)
    assert_contained(tmp_path)


# -- time ----------------------------------------------------------------------------------


def test_a_dripping_body_counts_as_stalled(tmp_path):
    """One byte every 0.1 s restarts any read timeout; below 1 KiB/s for --timeout it stalls."""

    def storage(c: Connection) -> None:
        if c.head(200):
            for _ in range(300):
                if not c.send(b" "):
                    return
                time.sleep(0.1)

    result = _fetch(tmp_path, _server(storage), "--timeout", "1")
    assert_failed_cleanly(tmp_path, result, 1, "stalled", "the timeout input")
    assert result.seconds < 20


def test_the_deadline_ends_a_run_against_a_silent_server(tmp_path):
    """Headers, then nothing: --deadline ends the run, exit 1, no partial file."""

    def storage(c: Connection) -> None:
        if c.head(200):
            c.send(b'{"a": ')
            time.sleep(20)

    result = _fetch(tmp_path, _server(storage), "--deadline", "2", "--timeout", "60")
    line = assert_failed_cleanly(tmp_path, result, 1, "deadline of 2 s", "the deadline input")
    assert "stopped" in line and line.count("the deadline input") == 1, line
    assert result.outputs["error-type"] == "DeadlineError"
    assert result.seconds < 15


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("server_kind", ["stalled", "flowing"])
def test_a_signal_stops_the_run_within_two_seconds(tmp_path, signum, code, server_kind):
    """SIGINT or SIGTERM mid-download, stalled or flowing: exit 130/143 within 2 s of the
    signal's delivery, no partial file.

    The signal goes once the transfer is under way on both ends: the server has sent body
    bytes, and the CLI holds its partial file (flowing: with bytes in it). The 2 s run from the
    moment it is sent to the moment the CLI is reaped; an idle machine takes about 0.1 s.
    """
    body_sent = threading.Event()

    def storage(c: Connection) -> None:
        if not c.head(200):
            return
        if server_kind == "stalled":
            if c.send(b'{"a": 1}\n'):
                body_sent.set()
            time.sleep(20)
            return
        for _ in range(2000):
            if not c.send(b'{"a": 1}\n' * 10000):
                return
            body_sent.set()
            time.sleep(0.01)

    server = _server(storage)

    def downloading() -> bool:
        partials = [p.stat().st_size for p in (tmp_path / "out").rglob(".*.part")]
        written = any(partials) if server_kind == "flowing" else bool(partials)
        return body_sent.is_set() and written

    result = _fetch(tmp_path, server, "--timeout", "60", send=(signum, downloading))
    assert result.code == code, result.log
    assert result.signalled_after is not None, result.log
    assert result.signalled_after < 2.0, result.signalled_after
    assert "Traceback" not in result.log
    assert "no partial file" in result.stderr
    assert_no_secret(tmp_path, result)
    assert_contained(tmp_path)
    assert list((tmp_path / "out").rglob("*.ndjson")) == []


# -- every failure is ours ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("storage", "fragments", "error_type"),
    [
        (
            lambda c: c.answer(200, os.urandom(4096), {"Content-Encoding": "gzip"}),
            ("does not decode",),
            "ReportFormatError",
        ),
        (
            lambda c: c.answer(302, b"", {"Location": c.path}),
            ("redirected", "more than 5 times"),
            "DownloadError",
        ),
    ],
    ids=["gzip-garbage", "redirect-loop"],
)
def test_storage_failures_are_one_line(tmp_path, storage, fragments, error_type):
    """Undecodable bodies and redirect loops are our errors, one line, exit 1."""
    result = _fetch(tmp_path, _server(storage))
    assert_failed_cleanly(tmp_path, result, 1, "report.ndjson", *fragments)
    if error_type:
        assert result.outputs["error-type"] == error_type


@pytest.mark.parametrize("bad", ["\t", "\x00", "\x7f", " "])
def test_a_link_with_a_control_character_is_refused_unfetched(tmp_path, bad):
    """A tab, NUL, DEL or space in a link is an unsafe link, refused before any request."""
    server = _server(lambda c: c.answer(200, GOOD))
    server.routes["/orgs/"] = links_answer(f"{server.url}/files/re{bad}port.ndjson?sig=x")
    result = _fetch(tmp_path, server)
    assert_failed_cleanly(tmp_path, result, 1, "control character")
    assert not any(p.startswith("/files/") for p in server.requests)


def _api(status: int, body: bytes, headers: dict[str, str] | None = None):
    return lambda c: c.answer(status, body, headers)


@pytest.mark.parametrize(
    ("api", "fragments", "error_type"),
    [
        (_api(429, b"{}", {"Retry-After": "\u00b2"}), ("rate limit",), "RateLimitedError"),
        (_api(429, b"{}", {"Retry-After": "9" * 30}), ("rate limit",), "RateLimitedError"),
        (
            _api(403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "inf"}),
            ("rate limit",),
            "RateLimitedError",
        ),
        (
            _api(403, b"{}", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e300"}),
            ("rate limit",),
            "RateLimitedError",
        ),
        (
            _api(403, b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
            ("HTTP 403",),
            "AccessDeniedError",
        ),
        (
            _api(200, os.urandom(2048), {"Content-Encoding": "gzip"}),
            ("does not decode",),
            "ReportFormatError",
        ),
        (
            _api(401, json.dumps({"message": f"Bad token {TOKEN} (echoed)"}).encode()),
            ("HTTP 401", "***"),
            "BadCredentialsError",
        ),
        (
            _api(403, json.dumps({"message": f"no access for {TOKEN}"}).encode()),
            ("HTTP 403", "***"),
            "AccessDeniedError",
        ),
    ],
    ids=[
        "retry-after-superscript",
        "retry-after-30-digits",
        "reset-inf",
        "reset-1e300",
        "error-body-deep",
        "api-gzip-garbage",
        "401-echoes-token",
        "403-echoes-token",
    ],
)
def test_api_answers_are_one_line(tmp_path, api, fragments, error_type):
    """Odd headers, deep or undecodable bodies and echoed tokens: one line, no leak, exit 1."""
    result = _fetch(tmp_path, _server(lambda c: c.answer(200, GOOD), api=api))
    assert_failed_cleanly(tmp_path, result, 1, *fragments)
    assert result.outputs["error-type"] == error_type


def test_a_huge_valid_retry_after_fails_at_once_naming_both_numbers(tmp_path):
    """Retry-After of 30 nines is a wait past max-wait: one request, an error within a second."""
    asked = "9" * 30
    server = _server(lambda c: c.answer(200, GOOD), api=_api(429, b"{}", {"Retry-After": asked}))
    try:
        result = run_cli(tmp_path, "--api-url", server.url)  # retries as by default (5)
    finally:
        server.close()
    line = assert_failed_cleanly(tmp_path, result, 1, asked, "max-wait input (300 s)")
    assert "did not wait" in line
    # the interpreter's start, then no wait: far below the 300 s max-wait (loose: a loaded box)
    assert result.seconds < 10, result.seconds
    assert [p for p in server.requests if p.startswith("/orgs/")] == [server.requests[0]]
    assert "Retrying" not in result.log


def test_an_unreadable_retry_after_waits_the_default_and_says_so(tmp_path):
    """A Retry-After that is no number nor date: the message says so and names the default."""
    api = _api(429, b"{}", {"Retry-After": "soon"})
    result = _fetch(tmp_path, _server(lambda c: c.answer(200, GOOD), api=api), "--max-wait", "30")
    assert_failed_cleanly(tmp_path, result, 1, "could not be read", "default wait of 60 s")


def test_a_refused_connection_is_called_refused(tmp_path):
    """Nothing listening: "refused the connection", after no retry note with --retries 0."""
    server = Hostile(routes={}, lifetime=0.5)
    server.close()
    time.sleep(0.6)
    result = run_cli(tmp_path, "--api-url", server.url, "--retries", "0")
    assert_failed_cleanly(tmp_path, result, 1, "refused the connection")
    assert "Retrying" not in result.log


def test_a_dripping_api_answer_counts_as_stalled(tmp_path):
    """The API's answer is paced like a download: a drip below 1 KiB/s is unreachable, exit 1."""

    def api(c: Connection) -> None:
        if c.head(200, {"Content-Type": "application/json"}):
            for _ in range(300):
                if not c.send(b" "):
                    return
                time.sleep(0.1)

    result = _fetch(tmp_path, _server(lambda c: c.answer(200, GOOD), api=api), "--timeout", "1")
    assert_failed_cleanly(tmp_path, result, 1, "answered too slowly", "the timeout input")
    assert result.outputs["error-type"] == "ApiUnreachableError"
