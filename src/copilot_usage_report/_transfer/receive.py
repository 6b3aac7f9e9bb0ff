"""One body from a storage host, streamed inside its bounds, every failure one of ours.

``receive`` is the network half of a download (``download`` keeps the file
half: the temporary file, the writer thread, the content check, the rename). It
reads raw socket chunks, inflates them here in bounded steps (``_core.bounds.Inflater``),
and refuses the body as soon as it passes ``max-file-size``, inflates like a
decompression bomb, or stalls below the floor rate; a stop (``CANCEL``) ends it at
the next chunk. Every httpx failure becomes one of our errors, with the link's
query string cut.
"""

from __future__ import annotations

import errno
from collections.abc import Callable

import httpx

from .._core import (
    Inflater,
    Pace,
    TransferBounds,
    UndecodableBody,
    check_cancel,
    human_size,
    redact,
    redact_text,
)
from .._errors import (
    DownloadError,
    IncompleteDownloadError,
    LinkExpiredError,
    ReportFormatError,
    TooLargeError,
)

__all__ = ["MAX_REDIRECTS", "announced", "receive"]

#: Redirects followed for one link at most (httpx's own default is 20).
MAX_REDIRECTS = 5


class _StorageUnavailable(DownloadError):
    """A 5xx or 429 from the storage host: worth another try."""


def receive(
    client: httpx.Client,
    url: str,
    name: str,
    bounds: TransferBounds,
    sink: Callable[[bytes], None],
) -> tuple[int, int | None]:
    """GET ``url`` and hand its decoded body to ``sink`` in pieces, inside ``bounds``.

    Returns the bytes received on the wire and the ``Content-Length`` announced
    (``None`` when absent or not plain digits). Every failure is one of our
    errors naming ``name``; ``_StorageUnavailable`` is the one worth a retry
    besides ``IncompleteDownloadError``.
    """
    where = redact(url)
    size = 0
    try:
        with client.stream("GET", url) as response:
            _check_status(response, name, where)
            expected = announced(response.headers.get("content-length"))
            inflater = Inflater(response.headers.get("content-encoding"))
            if expected is not None and not inflater.encoded and expected > bounds.max_file_size:
                raise _too_large(name, expected, bounds, announced=True)
            pace = Pace(bounds.timeout)
            # Raw socket reads (64 KiB at most), inflated here in bounded steps.
            for raw in response.iter_raw():
                check_cancel()
                wire = response.num_bytes_downloaded
                if not pace.update(wire):
                    raise IncompleteDownloadError(
                        f"{name}: the download from {where} stalled (less than 1 KiB/s for "
                        f"{bounds.timeout:g} s, --timeout)."
                    )
                for chunk in inflater.feed(raw):
                    size += len(chunk)
                    _bound(name, bounds, size, wire, inflater.encoded)
                    sink(chunk)
            inflater.finish()
            return response.num_bytes_downloaded, expected
    except UndecodableBody as exc:
        raise ReportFormatError(
            f"{name}: the storage host sent a body its Content-Encoding does not decode "
            f"({exc}; {where})."
        ) from None
    except httpx.TimeoutException:
        raise IncompleteDownloadError(
            f"{name}: the storage host timed out (nothing for {bounds.timeout:g} s, --timeout)."
        ) from None
    except httpx.ConnectError as exc:
        if _refused(exc):
            raise IncompleteDownloadError(
                f"{name}: the storage host {where} refused the connection."
            ) from None
        raise IncompleteDownloadError(
            f"{name}: the storage host {where} could not be reached ({_reason(exc)})."
        ) from None
    except httpx.TooManyRedirects:
        raise DownloadError(
            f"{name}: the storage host redirected {where} more than {MAX_REDIRECTS} times; "
            "the link leads nowhere."
        ) from None
    except httpx.DecodingError:
        raise ReportFormatError(
            f"{name}: the storage host sent a body its Content-Encoding does not decode ({where})."
        ) from None
    except httpx.TransportError as exc:
        raise IncompleteDownloadError(
            f"{name}: the download from {where} broke off ({_reason(exc)})."
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise DownloadError(f"{name}: the download from {where} failed ({_reason(exc)}).") from None
    except ReportFormatError as exc:
        if exc.message.startswith(f"{name}:"):
            raise
        raise ReportFormatError(f"{name}: {exc.message}") from None


def _bound(name: str, bounds: TransferBounds, size: int, wire: int, encoded: bool) -> None:
    """Refuse a body that passed max-file-size, or inflated like a decompression bomb."""
    if size > bounds.max_file_size:
        raise _too_large(name, size, bounds)
    if encoded and bounds.inflation_refused(size, wire):
        raise TooLargeError(
            f"{name}: the {human_size(wire)} the storage host sent inflated to more than "
            f"{human_size(size)}, over 100 times its size: a decompression bomb, refused. No "
            "report compresses that well."
        )


def announced(value: str | None) -> int | None:
    """A ``Content-Length`` of plain ASCII digits, or ``None``."""
    if value is None:
        return None
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 30:
        return None
    return int(value)


def _too_large(
    name: str, size: int, bounds: TransferBounds, *, announced: bool = False
) -> TooLargeError:
    said = f"announced {size} bytes" if announced else "sent more"
    return TooLargeError(
        f"{name}: the storage host {said} than --max-file-size allows "
        f"({human_size(bounds.max_file_size)}); the download was refused. Raise --max-file-size "
        "if a report file really is this large."
    )


def _refused(exc: Exception) -> bool:
    """True when the connection was refused (ECONNREFUSED), wherever httpx keeps the cause."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            break
        if isinstance(seen, ConnectionRefusedError) or getattr(seen, "errno", None) == (
            errno.ECONNREFUSED
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return "refused" in str(exc).lower()


def _reason(exc: Exception) -> str:
    """httpx's words for a failure, one bounded line with no query string."""
    text = " ".join(redact_text(str(exc)).split())[:200]
    return text or type(exc).__name__


def _check_status(response: httpx.Response, name: str, where: str) -> None:
    status = response.status_code
    if status == 200:
        return
    if status in (400, 401, 403):
        raise LinkExpiredError(
            f"{name}: the storage host refused the signed link {where} (HTTP {status}); "
            "it has probably expired."
        )
    if status == 429 or status >= 500:
        raise _StorageUnavailable(f"{name}: the storage host answered HTTP {status}.")
    raise DownloadError(f"{name}: the storage host answered HTTP {status} for {where}.")
