"""The second process of a fetch: what its worker adds up equals what ``summarize`` reads, its
refusals are the check's, a worker gone or stopped leaves the check to the fetch, and it dies
with it, stopped or not."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import summarize_paths
from copilot_usage_report._pipeline.decode_worker import GROW
from copilot_usage_report._pipeline.decoder import Decoder, RemoteTally
from copilot_usage_report._pipeline.onepass import FetchTally, summarize_fetch
from copilot_usage_report._transfer.content import ContentCheck
from copilot_usage_report._transfer.download import (
    Download,
    SavedFile,
    download_one,
    make_storage_client,
)
from tests.integration._worker import gone, wait_gone, wait_serving


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


def _within(seconds: float, work: Callable[[], object], worker: subprocess.Popen[bytes]) -> None:
    """Run ``work`` on a thread; fail (after freeing the stopped worker) if it takes longer."""
    done = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    if not done.wait(seconds):
        worker.kill()  # frees the blocked fetch, so the test run goes on
        done.wait(10)
        raise AssertionError(f"still waiting on the stopped worker after {seconds} s")
    assert not failure, failure


def test_a_stopped_worker_blocks_no_write(tmp_path: Path):
    """A worker stopped with SIGSTOP fills its pipe: growth frames are skipped, not waited on."""
    with Decoder() as decoder:
        process = decoder._process
        assert process is not None
        os.kill(process.pid, signal.SIGSTOP)

        def flood() -> None:
            for n in range(20_000):  # 13 bytes a frame: four times a 64 KiB pipe
                assert decoder.send(GROW, 1, n)

        _within(10, flood, process)
    assert process.poll() is not None  # killed by close, stopped as it was


def test_a_stopped_worker_is_left_behind_within_the_bound(tmp_path: Path):
    """Stopped mid-fetch: the verdict is awaited for the bound only, then the file is checked
    here (the same numbers) and the worker killed; later files are checked here too."""
    body = _users(2500)
    saved: list[object] = []
    with Decoder(answer_seconds=1.0) as decoder:
        process = decoder._process
        assert process is not None
        os.kill(process.pid, signal.SIGSTOP)

        def both() -> None:
            saved.append(_fetch(decoder, body, tmp_path, "a.ndjson"))
            saved.append(_fetch(decoder, body, tmp_path, "b.ndjson"))

        _within(10, both, process)
        assert process.poll() is not None  # killed as hung, before the fetch ended
    for file in saved:
        assert isinstance(file, SavedFile) and file.records == 2500
        assert summarize_fetch([file]).metrics() == summarize_paths([file.path]).metrics()


@pytest.mark.parametrize("stopped", [False, True], ids=["running", "stopped"])
def test_the_worker_dies_with_the_fetch(tmp_path: Path, stopped: bool):
    """The fetch killed outright (no clean-up of its own): its worker ends within a second,
    also when it was stopped (SIGSTOP) and reads no pipe."""
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
    worker: int | None = None
    try:
        assert fetch.stdout is not None
        worker = int(fetch.stdout.readline())
        wait_serving(worker)  # past its set-up
        if stopped:
            os.kill(worker, signal.SIGSTOP)
        fetch.kill()
        fetch.wait(timeout=5)
        assert wait_gone(worker, 1.5), "the worker outlived the fetch by more than a second"
    finally:
        fetch.kill()
        fetch.wait(timeout=5)
        if fetch.stdout is not None:
            fetch.stdout.close()
        if worker is not None and not gone(worker):
            os.kill(worker, signal.SIGKILL)  # left behind by a failure: not by the next test
