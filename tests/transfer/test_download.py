"""Downloads: verified before they get their name, retried when cut off, expiry detected."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import threading
from pathlib import Path
from typing import IO, cast

import httpx
import pytest

from copilot_usage_report._errors import (
    DownloadError,
    IncompleteDownloadError,
    LinkExpiredError,
    OutputError,
    ReportFormatError,
    UnsafeLinkError,
)
from copilot_usage_report._transfer import download
from copilot_usage_report._transfer import writer as writer_module
from copilot_usage_report._transfer.download import (
    Download,
    download_all,
    download_one,
    make_storage_client,
)

BODY = b'{"user_id": 1}\n{"user_id": 2}\n'


class Script:
    """A transport answering from a list of handlers, one per request, recording requests."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _ok(body: bytes, length: int | None = None) -> httpx.Response:
    """A 200 whose body streams like a real one (so received bytes are counted)."""
    size = len(body) if length is None else length
    return httpx.Response(200, stream=httpx.ByteStream(body), headers={"content-length": str(size)})


def _client(script: Script) -> httpx.Client:
    return make_storage_client(transport=httpx.MockTransport(script))


def test_saves_verified_file_without_auth(tmp_path: Path):
    """The file lands under its name with its SHA-256; the request carries no Authorization."""
    script = Script(_ok(BODY))
    saved = download_one(_client(script), Download("https://s.test/a?sig=1", "a.ndjson"), tmp_path)
    assert (tmp_path / "a.ndjson").read_bytes() == BODY
    assert saved.size == len(BODY) and saved.records == 2
    assert "authorization" not in script.requests[0].headers


def test_short_body_is_fetched_again(tmp_path: Path):
    """A body shorter than its Content-Length is discarded and fetched again from scratch."""
    short = _ok(BODY, length=len(BODY) + 10)
    script = Script(short, httpx.ReadError("reset"), _ok(BODY))
    download_one(_client(script), Download("https://s.test/a", "a.ndjson"), tmp_path, retries=3)
    assert (tmp_path / "a.ndjson").read_bytes() == BODY
    assert len(script.requests) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ndjson"]


def test_retries_are_bounded_and_leave_nothing(tmp_path: Path):
    """Repeated storage failures end in an error and leave no file at all."""
    script = Script(*[httpx.Response(503)] * 3)
    with pytest.raises(DownloadError, match=r"HTTP 503"):
        download_one(_client(script), Download("https://s.test/a", "a.ndjson"), tmp_path, retries=2)
    assert list(tmp_path.iterdir()) == []
    script = Script(*[httpx.ReadError("reset")] * 2)
    with pytest.raises(IncompleteDownloadError):
        download_one(_client(script), Download("https://s.test/a", "a.ndjson"), tmp_path, retries=1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("status", [400, 401, 403])
def test_refused_signature_is_expiry_and_not_retried(tmp_path: Path, status: int):
    """400, 401 and 403 from storage mean the link expired; asked once, no file left."""
    script = Script(httpx.Response(status, content=b"<Error/>"))
    with pytest.raises(LinkExpiredError):
        download_one(_client(script), Download("https://s.test/a?sig=S", "a.ndjson"), tmp_path)
    assert len(script.requests) == 1 and list(tmp_path.iterdir()) == []


def test_link_past_its_expiry_is_not_requested(tmp_path: Path):
    """A link whose own expiry has passed raises LinkExpiredError without a request."""
    script = Script()
    url = "https://s.test/a?se=2020-01-01T00%3A00%3A00Z&sig=S"
    with pytest.raises(LinkExpiredError) as info:
        download_one(_client(script), Download(url, "a.ndjson"), tmp_path)
    assert script.requests == [] and "sig=S" not in str(info.value)


def test_damaged_content_is_not_saved(tmp_path: Path):
    """A body that is not JSON is refused and leaves no file."""
    script = Script(_ok(b"<html>oops</html>"))
    with pytest.raises(ReportFormatError, match=r"a\.ndjson"):
        download_one(_client(script), Download("https://s.test/a", "a.ndjson"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_redirect_to_plain_http_is_refused(tmp_path: Path):
    """A storage redirect to a non-loopback http URL is refused before it is followed."""
    script = Script(httpx.Response(302, headers={"location": "http://evil.test/a"}))
    with pytest.raises(UnsafeLinkError):
        download_one(_client(script), Download("https://s.test/a", "a.ndjson"), tmp_path)
    assert len(script.requests) == 1


def test_batch_collects_expired_links_and_saves_the_rest(tmp_path: Path):
    """In a batch, expired links are returned for renewal while the others are saved."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(403)
        return _ok(BODY)

    client = make_storage_client(transport=httpx.MockTransport(handler))
    items = [
        Download("https://s.test/new", "new.ndjson"),
        Download("https://s.test/old", "old.ndjson"),
    ]
    batch = download_all(client, items, tmp_path, concurrency=2)
    assert set(batch.saved) == {"new.ndjson"}
    assert [d.name for d in batch.expired] == ["old.ndjson"]


class _Chunks(httpx.SyncByteStream):
    """A body delivered in many small chunks, as a socket delivers it."""

    def __init__(self, body: bytes, size: int) -> None:
        self.body, self.size = body, size

    def __iter__(self):
        for start in range(0, len(self.body), self.size):
            yield self.body[start : start + self.size]


def test_a_body_of_many_blocks_is_written_and_hashed_in_order(tmp_path: Path):
    """A body larger than the writer's blocks lands byte for byte, with its own SHA-256."""
    line = b'{"user_id": 1, "user_login": "J\xc3\xbcrgen", "pad": "' + b"x" * 900 + b'"}\n'
    body = line * 4000  # about 3.7 MB: several writer blocks, chunks cut lines anywhere
    answer = httpx.Response(
        200, stream=_Chunks(body, 65_521), headers={"content-length": str(len(body))}
    )
    saved = download_one(
        _client(Script(answer)), Download("https://s.test/a?sig=1", "a.ndjson"), tmp_path
    )
    assert (tmp_path / "a.ndjson").read_bytes() == body
    assert saved.sha256 == hashlib.sha256(body).hexdigest()
    assert saved.records == 4000


def test_a_failed_write_is_an_output_error_and_leaves_nothing(tmp_path: Path, monkeypatch):
    """A disk that fills up mid-file stops the download with OutputError; no file is left."""
    import copilot_usage_report._archive.store as store

    real = store.partial_file

    class Full:
        def __init__(self, handle):
            self.handle, self.name = handle, handle.name

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.handle, name)

    @contextlib.contextmanager
    def full_disk(folder, name):
        with real(folder, name) as (handle, temp):
            yield Full(handle), temp

    monkeypatch.setattr(download, "partial_file", full_disk)
    body = b'{"user_id": 1}\n' * 200_000  # 3 MB: the writer gets blocks while data arrives
    answer = httpx.Response(
        200, stream=_Chunks(body, 65_536), headers={"content-length": str(len(body))}
    )
    with pytest.raises(OutputError, match="No space left on device"):
        download_one(
            _client(Script(answer)), Download("https://s.test/a?sig=1", "a.ndjson"), tmp_path
        )
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "download-writer"]


def test_any_write_failure_ends_the_writer_and_reaches_the_caller(tmp_path: Path):
    """A write that raises something other than OSError (a bug) is raised to the caller, and
    the writer thread still ends: no caller waits on a queue no one empties."""

    class Broken:
        name = str(tmp_path / "x.part")

        def write(self, data):
            raise ValueError("write to closed file")

        def flush(self):
            pass

    writer = writer_module.BodyWriter(cast("IO[bytes]", Broken()), "x.ndjson")
    with pytest.raises(ValueError, match="closed file"):
        for _ in range(64):  # far more blocks than the queue holds
            writer.put(b"x" * writer_module._BLOCK_BYTES)
        writer.finish()
    writer.close()
    assert not writer._thread.is_alive()
