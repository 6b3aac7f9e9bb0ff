"""What a URL may be before we talk to it, and how it may be shown or stored.

Signed download links carry their signature in the query string. Nothing that
leaves this process (log lines, errors, the manifest) holds a query string:
``redact`` is the one place that turns a link into printable text.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from .._errors import UnsafeLinkError, scrub

__all__ = ["check_url", "is_expired", "redact", "redact_text", "safe_file_name"]

_MAX_NAME = 120
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
_URL_IN_TEXT = re.compile(r"(https?://[^\s?#'\"<>]+)\?[^\s'\"<>]*")


def is_loopback_host(host: str) -> bool:
    """True only for names and addresses that cannot leave this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, *, what: str) -> str:
    """Accept https URLs (and http to loopback) without embedded credentials.

    Raises ``UnsafeLinkError`` before anything is sent, so a refused URL is never
    contacted. A space or control character anywhere (tab, NUL, DEL, a line break)
    is refused too: parsers disagree on them. Returns the URL unchanged.
    """
    if _CONTROL.search(url):
        raise UnsafeLinkError(
            f"The {what} {redact(_CONTROL.sub('?', url))!r} holds a space or a control "
            "character; it was not fetched."
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        raise UnsafeLinkError(f"The {what} {redact(url)!r} is not a valid URL.") from None
    if parts.username is not None or parts.password is not None:
        raise UnsafeLinkError(
            f"The {what} {redact(url)} carries credentials in the URL; it was not fetched."
        )
    if not host:
        raise UnsafeLinkError(f"The {what} {redact(url)!r} has no host; it was not fetched.")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and is_loopback_host(host):
        return url
    raise UnsafeLinkError(
        f"The {what} {redact(url)} is not https (plain http is accepted only for loopback "
        "hosts); it was not fetched."
    )


def redact(url: str) -> str:
    """The URL without query string, fragment or credentials: safe to print and store."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact_text(text: str) -> str:
    """Strip query strings from every URL inside free text (e.g. an httpx error message)."""
    return _URL_IN_TEXT.sub(r"\1?…", text)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: two URLs share an origin when these are equal."""
    parts = urlsplit(url)
    port = parts.port
    if port is None:
        port = {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def safe_file_name(url: str, *, fallback: str) -> str:
    """A base name that cannot leave the folder it is joined to, whatever the link says.

    The last path segment is URL-decoded once, then cut at any slash or backslash
    the decoding revealed, stripped of control characters and leading dots, reduced
    to ``[A-Za-z0-9._-]`` and bounded in length (keeping the extension). A name
    with nothing left, or one Windows reserves, becomes ``fallback``.
    """
    path = urlsplit(url).path
    segment = unquote(path.rsplit("/", 1)[-1], errors="replace")
    segment = re.split(r"[/\\]", segment)[-1]
    segment = unicodedata.normalize("NFKC", segment)
    segment = "".join(ch for ch in segment if ch.isprintable())
    name = _UNSAFE_CHARS.sub("_", segment).lstrip("._").rstrip("_")
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: _MAX_NAME - len(ext) - 1] + "." + ext
        else:
            name = name[:_MAX_NAME]
    if not name or set(name) <= {"."} or name.split(".")[0].lower() in _WINDOWS_RESERVED:
        return fallback
    if scrub(name) != name:  # a link that names the token gets no file named after it
        return fallback
    return name


def expires_at(url: str) -> datetime | None:
    """The expiry a signed link announces in its query, if it uses a form we know.

    Azure SAS (``se=``), S3 presigned (``X-Amz-Date`` + ``X-Amz-Expires``), GCS v4
    (``X-Goog-Date`` + ``X-Goog-Expires``) and CloudFront / GCS v2 (``Expires=``
    as a Unix time). Unknown forms give ``None``: the storage host's answer decides.
    """
    query = dict(parse_qsl(urlsplit(url).query))
    try:
        if "se" in query:
            return datetime.fromisoformat(query["se"].replace("Z", "+00:00")).astimezone(UTC)
        for prefix in ("X-Amz", "X-Goog"):
            if f"{prefix}-Date" in query and f"{prefix}-Expires" in query:
                signed = datetime.strptime(query[f"{prefix}-Date"], "%Y%m%dT%H%M%SZ")
                return signed.replace(tzinfo=UTC) + timedelta(
                    seconds=int(query[f"{prefix}-Expires"])
                )
        if "Expires" in query:
            return datetime.fromtimestamp(int(query["Expires"]), tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def is_expired(url: str, *, now: datetime | None = None) -> bool:
    """True when the link's own expiry time has already passed."""
    expiry = expires_at(url)
    if expiry is None:
        return False
    return expiry <= (now or datetime.now(UTC))
