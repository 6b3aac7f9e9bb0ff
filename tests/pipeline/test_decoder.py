"""The second process of a fetch: what its worker adds up equals what ``summarize`` reads, its
refusals are the check's, a worker gone leaves the check to the fetch, and it dies with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import summarize_paths
from copilot_usage_report._pipeline.decoder import Decoder, RemoteTally
from copilot_usage_report._pipeline.onepass import FetchTally, summarize_fetch
from copilot_usage_report._transfer.content import ContentCheck
from copilot_usage_report._transfer.download import Download, download_one, make_storage_client


def _users(n: int, pad: int = 800) -> bytes:
    rows = (
        {"user_id": i, "day": "2026-11-20", "used_chat": i % 3 == 0, "p": "x" * pad}
        for i in range(n)
    )
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _client(body: bytes) -> httpx.Client:
    def answer(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(body), headers={"content-length": str(len(body))}
        )

    return make_storage_client(transport=httpx.MockTransport(answer))


def _fetch(decoder: Decoder, body: bytes, folder: Path, name: str = "a.ndjson"):
    def sink(path: Path) -> RemoteTally | FetchTally | None:
        return decoder.sink("users-1-day", path)

    return download_one(_client(body), Download("https://s.test/a", name), folder, records=sink)


def test_the_worker_adds_up_what_summarize_reads(tmp_path: Path):
    body = _users(3000) + b'{"day": "2026-11-20", "daily_active_users": 7}\n'
    with Decoder() as decoder:
        saved = _fetch(decoder, body, tmp_path)
    assert isinstance(saved.decoded, RemoteTally)
    assert isinstance(saved.decoded.result, FetchTally)  # the worker's, sent back
    assert saved.records == 3001 and saved.size == len(body)
    assert summarize_fetch([saved]).metrics() == summarize_paths([saved.path]).metrics()


@pytest.mark.parametrize(
    "body",
    [
        _users(1500) + b"not json\n" + _users(10),
        b"{" * 200_000,  # nested too deep, as a document
        _users(2) + b"x" * (3 << 20),  # a damaged last line, after a MiB batch
    ],
)
def test_the_worker_refuses_as_the_check_does(tmp_path: Path, body: bytes):
    here = ContentCheck()
    try:
        here.feed(body)
        here.finish(lambda: body)
    except ReportFormatError as exc:
        expected = exc.message
    else:  # pragma: no cover - each body is refused
        raise AssertionError("the check accepted the body")
    (tmp_path / "out").mkdir()
    with Decoder() as decoder, pytest.raises(ReportFormatError) as caught:
        _fetch(decoder, body, tmp_path / "out")
    assert caught.value.message.endswith(expected)
    assert not (tmp_path / "out" / "a.ndjson").exists()
    assert list((tmp_path / "out").iterdir()) == []  # no partial file left


def test_a_worker_gone_leaves_the_check_to_the_fetch(tmp_path: Path):
    """Killed before the download: the file is checked and added up here, the same numbers."""
    body = _users(2500)
    with Decoder() as decoder:
        assert decoder._process is not None
        decoder._process.kill()
        decoder._process.wait()
        first = _fetch(decoder, body, tmp_path, "a.ndjson")  # the worker's end seen meanwhile
        second = _fetch(decoder, body, tmp_path, "b.ndjson")
    for saved in (first, second):
        assert saved.records == 2500
        assert summarize_fetch([saved]).metrics() == summarize_paths([saved.path]).metrics()


def test_the_worker_dies_with_the_fetch(tmp_path: Path):
    """The fetch killed outright (no clean-up of its own): its worker ends within a second."""
    script = textwrap.dedent(
        """
        import time
        from copilot_usage_report._pipeline.decoder import Decoder
        decoder = Decoder()
        decoder.start()
        print(decoder._process.pid, flush=True)
        time.sleep(60)
        """
    )
    fetch = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert fetch.stdout is not None
        worker = int(fetch.stdout.readline())
        os.kill(worker, 0)  # running
        fetch.kill()
        fetch.wait(timeout=5)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            try:
                os.kill(worker, 0)
            except ProcessLookupError:
                break
            # a zombie until its parent (init) reaps it: it has exited
            status = Path(f"/proc/{worker}/status")
            if status.exists() and "zombie" in status.read_text():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the worker outlived the fetch by more than a second")
    finally:
        fetch.kill()
        fetch.wait(timeout=5)
        if fetch.stdout is not None:
            fetch.stdout.close()
