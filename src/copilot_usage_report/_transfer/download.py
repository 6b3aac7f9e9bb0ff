"""Signed report links to verified files on disk, several at a time.

The storage client holds no token and never gets one: the links carry their own
signature. Bodies stream to a temporary file in bounded chunks while their
SHA-256 and their JSON framing are checked; the final name appears only when the
whole body arrived, matches its announced size and parses.

Each download runs on two threads: the caller's receives and checks the JSON
(work that holds the GIL), a writer thread writes and hashes (system calls and
SHA-256, which release it), so the two overlap on two cores. Files are not
fsynced: a rename makes a file whole or absent for any reader, and after an OS
crash a rerun hashes every kept file against its manifest and fetches what does
not match (``_pipeline.run._reusable``), so forcing every byte to disk first (a quarter to
a half more time for a download on a fast link) would buy nothing.

Whatever the storage host sends, a download stays inside its ``TransferBounds``
(``_core.bounds``; the network half is ``receive``): refused as soon as it passes
``max-file-size`` or inflates like a decompression bomb, retried when it stalls
below the floor rate, and stopped at its next chunk when the run stops. Every
failure the host can cause is one of our errors, one line, with the link's
query string cut.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import stamina

from .._archive import partial_file
from .._core import (
    ACCEPT_ENCODING,
    TransferBounds,
    check_cancel,
    check_url,
    is_expired,
    redact,
    tls_context,
)
from .._errors import (
    DownloadError,
    IncompleteDownloadError,
    LinkExpiredError,
    ReportFormatError,
)
from .content import ContentCheck, RecordSink
from .filecheck import FileCheck
from .receive import MAX_REDIRECTS, _StorageUnavailable, receive
from .writer import BodyWriter as _Writer

__all__ = [
    "Download",
    "DownloadBatch",
    "RecordSink",
    "SavedFile",
    "SinkFactory",
    "StorageClient",
    "abandon",
    "download_all",
    "download_one",
    "make_storage_client",
]

Log = Callable[[str], None]
#: The sink that decodes a file's records while it downloads, made afresh for each attempt
#: from the file's final path (``None``: the file is only checked here); a ``FileCheck``
#: checks and decodes it elsewhere, from the file as it is written.
SinkFactory = Callable[[Path], RecordSink | FileCheck | None]


@dataclass(frozen=True, slots=True)
class Download:
    """One file to fetch: its link (with signature) and the safe name it gets."""

    url: str
    name: str


@dataclass(frozen=True, slots=True)
class SavedFile:
    """A verified file in its final place."""

    name: str
    path: Path
    size: int
    sha256: str
    records: int
    #: True when an earlier run's identical file was kept and nothing was downloaded.
    reused: bool = False
    #: The sink that decoded the file's records while it arrived (the attempt that succeeded).
    decoded: RecordSink | FileCheck | None = field(default=None, compare=False, repr=False)


def _refuse_unsafe(request: httpx.Request) -> None:
    """Checked before every request, redirects included: only https (or loopback http)."""
    check_url(str(request.url), what="download link")


class StorageClient(httpx.Client):
    """An httpx client for signed links that carries the bounds every download through it keeps."""

    def __init__(self, *, bounds: TransferBounds, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.bounds = bounds


def make_storage_client(
    *,
    concurrency: int = 4,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 60.0,
    user_agent: str = "copilot-usage-report",
    max_file_size: int | None = None,
) -> StorageClient:
    """The client for signed links: no token, no auth, redirects checked hop by hop."""
    bounds = TransferBounds(timeout=timeout)
    if max_file_size is not None:
        bounds = TransferBounds(max_file_size=max_file_size, timeout=timeout)
    return StorageClient(
        bounds=bounds,
        headers={"User-Agent": user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(timeout, connect=10.0),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        transport=transport,
        # A given transport (a test's) needs no TLS context; ours shares the run's one.
        verify=tls_context() if transport is None else True,
        trust_env=False,
        event_hooks={"request": [_refuse_unsafe]},
    )


def _retryable(exc: Exception) -> bool:
    return isinstance(exc, IncompleteDownloadError | _StorageUnavailable)


def download_one(
    client: httpx.Client,
    item: Download,
    folder: Path,
    *,
    retries: int = 5,
    log: Log | None = None,
    records: SinkFactory | None = None,
) -> SavedFile:
    """Fetch one link into ``folder/item.name``, from scratch on each attempt.

    With ``records``, each attempt's records go to a new sink of its own (an attempt cut off
    leaves its sink behind), and the saved file carries the one that saw the whole body.

    Raises ``LinkExpiredError`` at once (no retry) when the link's expiry has
    passed or the storage host refuses its signature: the caller asks GitHub for
    fresh links instead.
    """
    check_url(item.url, what="download link")
    if is_expired(item.url):
        raise LinkExpiredError(
            f"the download link for {item.name} ({redact(item.url)}) expired before it was used."
        )
    bounds = client.bounds if isinstance(client, StorageClient) else TransferBounds()
    for attempt in stamina.retry_context(
        on=_retryable,
        attempts=retries + 1,
        timeout=None,
        wait_initial=0.5,
        wait_max=10.0,
    ):
        with attempt:
            try:
                return _fetch(client, item, folder, bounds, records)
            except DownloadError as exc:
                # Said only when another attempt follows, and each fact once.
                if log is not None and _retryable(exc) and attempt.num <= retries:
                    log(f"{exc.message} Downloading it again (retry {attempt.num} of {retries}).")
                raise
    raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover


_IN_FLIGHT: set[Path] = set()
_IN_FLIGHT_LOCK = threading.Lock()


def abandon() -> None:
    """Remove the temporary file of every download still running: the process is ending.

    Called when a stop's grace period ends with a download blocked on a stalled
    server; a download that ends by itself removes its own.
    """
    with _IN_FLIGHT_LOCK:
        paths = list(_IN_FLIGHT)
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _fetch(
    client: httpx.Client,
    item: Download,
    folder: Path,
    bounds: TransferBounds,
    records: SinkFactory | None = None,
) -> SavedFile:
    check_cancel()
    decoded = None if records is None else records(folder / item.name)
    elsewhere = decoded if isinstance(decoded, FileCheck) else None
    on_written = None if elsewhere is None else elsewhere.written
    done = False
    with (
        partial_file(folder, item.name) as (handle, temp),
        _Writer(handle, item.name, on_written) as writer,
    ):
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT.add(temp)
        try:
            check = ContentCheck(None if elsewhere is not None else decoded)  # type: ignore[arg-type]
            sink = _sink(writer, check, elsewhere, temp)
            received, expected = receive(client, item.url, item.name, bounds, sink)
            if expected is not None and expected != received:
                raise IncompleteDownloadError(
                    f"{item.name}: received {received} bytes of the {expected} announced."
                )
            sha256 = writer.finish()
            handle.close()
            check_cancel()
            try:
                if elsewhere is None:
                    check.finish(temp.read_bytes)
                    size, count = check.size, check.records
                else:
                    size, count = received, elsewhere.finish(received)
            except ReportFormatError as exc:
                raise ReportFormatError(
                    f"{item.name} from {redact(item.url)}: {exc.message}"
                ) from None
            final = folder / item.name
            temp.replace(final)
            done = True
        finally:
            with _IN_FLIGHT_LOCK:
                _IN_FLIGHT.discard(temp)
            if elsewhere is not None and not done:
                elsewhere.abandon()
    return SavedFile(
        name=item.name,
        path=final,
        size=size,
        sha256=sha256,
        records=count,
        decoded=decoded,
    )


def _sink(
    writer: _Writer, check: ContentCheck, elsewhere: FileCheck | None, temp: Path
) -> Callable[[bytes], None]:
    """What each chunk of the body goes to: the writer, then the check here, or (a check
    done elsewhere, from the file) only the question whether it refused the file already."""
    if elsewhere is None:

        def sink(chunk: bytes) -> None:
            writer.put(chunk)  # first, so the write and hash overlap the check
            check.feed(chunk)

        return sink
    elsewhere.start(temp)

    def remote(chunk: bytes) -> None:
        writer.put(chunk)
        refused = elsewhere.refused()
        if refused is not None:
            raise refused

    return remote


@dataclass(frozen=True, slots=True)
class DownloadBatch:
    """What a batch ended with: files saved, and links that expired (to be fetched anew)."""

    saved: dict[str, SavedFile]
    expired: tuple[Download, ...]


def download_all(
    client: httpx.Client,
    items: Sequence[Download],
    folder: Path,
    *,
    concurrency: int,
    retries: int = 5,
    log: Log | None = None,
    records: SinkFactory | None = None,
) -> DownloadBatch:
    """Fetch every item, at most ``concurrency`` at once.

    Expired links are collected, not raised, so one fresh link list can serve
    them all. Any other failure stops new downloads, lets running ones finish
    (their temporary files are removed) and is raised.
    """
    for item in items:  # refuse the whole list before fetching any of it
        check_url(item.url, what="download link")
    saved: dict[str, SavedFile] = {}
    expired: list[Download] = []
    if not items:
        return DownloadBatch(saved, ())
    with ThreadPoolExecutor(
        max_workers=max(1, min(concurrency, len(items))), thread_name_prefix="download"
    ) as pool:
        futures: dict[Future[SavedFile], Download] = {
            pool.submit(
                download_one, client, item, folder, retries=retries, log=log, records=records
            ): item
            for item in items
        }
        pending = set(futures)
        failure: BaseException | None = None
        while pending and failure is None:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                exc = future.exception()
                if exc is None:
                    result = future.result()
                    saved[result.name] = result
                elif isinstance(exc, LinkExpiredError):
                    expired.append(futures[future])
                elif failure is None:
                    failure = exc
        if failure is not None:
            for future in pending:
                future.cancel()
            wait(pending)
            raise failure
    return DownloadBatch(saved, tuple(expired))
