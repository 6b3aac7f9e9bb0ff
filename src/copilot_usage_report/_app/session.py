"""One fetch with the real clients: the glue ``fetch`` and ``demo`` share.

Builds the API client (holding the token) and the storage client (holding none),
hooks the storage client's responses so ``Progress`` sees bytes arrive, runs the
pipeline, and removes an output folder the run created and left empty when it fails.
The only place the real clients are made.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import httpx

from .._core import Settings
from .._errors import BadCredentialsError
from .._github import make_api_client
from .._pipeline import OnFailure, RunResult, fetch_reports
from .._transfer import make_storage_client
from .progress import Progress

if TYPE_CHECKING:
    from .._pipeline import Decoder

__all__ = ["remove_if_empty", "run_fetch"]


def run_fetch(
    settings: Settings,
    *,
    progress: Progress,
    user_agent: str,
    tool: str,
    created: Path | None = None,
    on_failure: OnFailure | None = None,
) -> RunResult:
    """Fetch as ``settings`` say; on any failure, remove ``created`` if it archived nothing.

    ``on_failure`` is handed a failed run's partial result (days already saved). Each
    download decodes its records once, as they arrive, into the sums of the usage summary
    (``_pipeline.onepass``), in a second process (``_pipeline.decoder``), unless the summary is
    CSV tables (written from the files on disk).
    """
    if len(settings.kinds) == 1 and not settings.kinds[0].rolling:
        progress.unit = "days"
    decode = settings.report_format != "csv"
    try:
        with (
            _decoder(decode) as decoder,
            make_api_client(
                settings.api_url,
                settings.token,
                api_version=settings.api_version,
                user_agent=user_agent,
                timeout=settings.timeout,
            ) as api,
            make_storage_client(
                concurrency=settings.concurrency,
                user_agent=user_agent,
                timeout=settings.timeout,
                max_file_size=settings.max_file_size,
            ) as storage,
        ):
            storage.event_hooks["response"].append(_counting(progress))
            return fetch_reports(
                settings,
                api,
                storage,
                log=progress.log,
                progress=progress,
                tool=tool,
                on_failure=on_failure,
                records=None if decoder is None else decoder.sink,
            )
    except BadCredentialsError as exc:
        if created is not None:
            remove_if_empty(created)
        raise BadCredentialsError(
            f"{exc.message} {token_advice(settings)}", status=exc.status
        ) from None
    except BaseException:
        if created is not None:
            remove_if_empty(created)
        raise


def token_advice(settings: Settings) -> str:
    """What to do about a token GitHub rejected, naming where it came from."""
    org = settings.scope.kind == "org"
    may = (
        'a fine-grained token with "Organization Copilot metrics" (read), or a classic one '
        "with read:org"
        if org
        else 'a fine-grained token with "Enterprise Copilot metrics" (read), or a classic one '
        "with manage_billing:copilot or read:enterprise"
    )
    source = settings.token_source
    if source.startswith("INPUT_"):
        return (
            "It came from the token input of the action: store a new token "
            f"({may}) in the secret the workflow passes as the token input."
        )
    if source == "--token":
        return f"It came from --token: pass a new token ({may})."
    if source:
        refresh = "read:org" if org else "read:enterprise"
        return (
            f"It came from the environment variable {source}: set {source} to a new token "
            f"({may}), or, if it is the GitHub CLI's, run gh auth refresh -s {refresh} and "
            f'export {source}="$(gh auth token)" again.'
        )
    return f"Give a new token ({may})."


@contextlib.contextmanager
def _decoder(wanted: bool) -> Iterator[Decoder | None]:
    """The second process that checks and adds up the downloads' records (``_pipeline.decoder``),
    started before the first request so its imports overlap the API's answer."""
    if not wanted:
        yield None
        return
    from .._pipeline import Decoder

    with Decoder() as decoder:
        yield decoder


def remove_if_empty(folder: Path) -> bool:
    """Remove ``folder`` and the folders under it when no file is anywhere inside.

    Keeps the invariant "a failed run leaves no empty output folder it made"; a
    folder holding any file (an earlier day, a lock, the failed run's own index,
    which says what failed) is left as it is.
    """
    try:
        if not folder.is_dir() or any(p.is_file() or p.is_symlink() for p in folder.rglob("*")):
            return False
        for sub in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            sub.rmdir()
        folder.rmdir()
    except OSError:
        return False
    return True


def _counting(progress: Progress) -> Callable[[httpx.Response], None]:
    """A response hook that wraps each body so ``progress.transfer`` sees its bytes."""
    keys = itertools.count()

    def hook(response: httpx.Response) -> None:
        if response.status_code != 200:
            return
        name = unquote(urlsplit(str(response.request.url)).path.rsplit("/", 1)[-1])
        length = response.headers.get("content-length")
        total = int(length) if length and length.isdigit() else None
        if isinstance(response.stream, httpx.SyncByteStream):  # always, in a sync client
            response.stream = _Counted(response.stream, progress, next(keys), name, total)

    return hook


class _Counted(httpx.SyncByteStream):
    """A body stream that reports the bytes read so far, and its end."""

    def __init__(
        self, inner: Iterable[bytes], progress: Progress, key: int, name: str, total: int | None
    ) -> None:
        self.inner = inner
        self.progress = progress
        self.key = key
        self.name = name
        self.total = total

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        try:
            for chunk in self.inner:
                received += len(chunk)
                self.progress.transfer(self.key, self.name, received, self.total)
                yield chunk
        finally:
            self.progress.transfer(self.key, self.name, -1, None)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
