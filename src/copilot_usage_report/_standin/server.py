"""A loopback stand-in for GitHub's API and its report storage, on two origins.

The demo, the integration tests and the benchmarks all run the real CLI against
it. It binds 127.0.0.1 only, answers each request on its own thread, and can be
told to misbehave (``Fault``) the way GitHub and cloud storage do: error
statuses, rate limits, dropped connections, short bodies, expired signatures.
It records every request, so tests can check what was sent where.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, quote, urlsplit

from .credits import credit_answer
from .seats import SeatBook, seat_answer

__all__ = ["Fault", "Generated", "Lazy", "RecordedRequest", "StandIn"]


@dataclass(frozen=True)
class Generated:
    """A body made as it is sent (a large file never sits in memory), of a known size.

    Served with its ``Content-Length``, as a blob store serves a file; a bare chunk
    generator is sent chunked instead.
    """

    chunks: Callable[[], Iterable[bytes]]
    size: int

    def __call__(self) -> Iterable[bytes]:
        return self.chunks()


@dataclass(frozen=True)
class Lazy:
    """A body made when it is first asked for, then served with its ``Content-Length``.

    Lets a stand-in hold a long history (the demo's) without making every file up front.
    """

    make: Callable[[], bytes]


Body = bytes | Lazy | Callable[[], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class Fault:
    """One misbehaviour, used for the next matching request instead of the normal answer.

    ``status`` answers with that status, headers and body. ``drop`` closes the
    connection without answering; ``truncate`` announces the full length and
    sends half; ``delay`` waits before answering normally (or with ``status``).
    """

    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    action: Literal["answer", "drop", "truncate"] = "answer"
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the stand-in saw it."""

    origin: Literal["api", "storage"]
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float


@dataclass
class _Report:
    files: list[tuple[str, Body]]
    day_field: date
    start: date | None = None
    #: ``orgs`` or ``enterprises``: the one API prefix it answers on (None: either).
    scope: str | None = None


@dataclass
class StandIn:
    """Two loopback HTTP servers playing GitHub's API and its storage host.

    ``reports`` maps ``(org, kind, day)`` to ``[(file name, bytes or a chunk
    generator), …]``. Use as a context manager, or ``start()`` and ``close()``.
    """

    token: str | None = "ghp_standin_token"  # noqa: S105 - a dummy credential for loopback
    link_ttl: float = 3600.0
    no_report_status: int = 404
    gzip_storage: bool = False
    api_delay: float = 0.0
    storage_delay: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)
    api_faults: deque[Fault] = field(default_factory=deque)
    storage_faults: deque[Fault] = field(default_factory=deque)
    #: The answer to every API request once ``api_faults`` is empty (a standing fault,
    #: such as a token that lacks the permission); None answers normally.
    api_fault_always: Fault | None = None
    _reports: dict[tuple[str, str, str], _Report] = field(default_factory=dict)
    _secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    _servers: list[ThreadingHTTPServer] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: dict[str, int] = field(default_factory=lambda: {"api": 0, "storage": 0})
    max_in_flight: dict[str, int] = field(default_factory=lambda: {"api": 0, "storage": 0})
    #: Every link list the API handed out, in order, exactly as sent.
    issued: list[list[str]] = field(default_factory=list)
    #: Seat lists by ``orgs/<org>`` or ``enterprises/<slug>`` (``seats.SeatBook``).
    seat_books: dict[str, SeatBook] = field(default_factory=dict)
    #: The scopes whose AI-credit billing usage is served, by ``organizations/<org>`` or
    #: ``enterprises/<slug>`` (lower case), to the demo's scope (``credits``).
    credit_owners: dict[str, Literal["org", "enterprise"]] = field(default_factory=dict)

    # -- set-up -------------------------------------------------------------------------

    def add_report(
        self,
        org: str,
        day: date,
        files: list[tuple[str, Body]],
        *,
        kind: str = "organization-1-day",
        start: date | None = None,
        scope: Literal["orgs", "enterprises"] | None = None,
    ) -> None:
        """Serve ``files`` as the ``kind`` report of ``org`` (or enterprise) for ``day``.

        A 28-day kind is served at its ``…/latest`` endpoint as the window
        ``start`` to ``day``. With ``scope``, only under that API prefix.
        """
        key = "latest" if kind.endswith("-28-day") else day.isoformat()
        self._reports[(org.lower(), kind, key)] = _Report(files, day, start, scope)

    def start(self) -> StandIn:
        """Bind both servers to ephemeral loopback ports and serve in daemon threads."""
        for role in ("api", "storage"):
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, role))
            server.daemon_threads = True
            self._servers.append(server)
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()
        return self

    def close(self) -> None:
        """Stop both servers and free their ports."""
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def api_url(self) -> str:
        """Base URL of the API origin."""
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def storage_url(self) -> str:
        """Base URL of the storage origin."""
        return f"http://127.0.0.1:{self._servers[1].server_address[1]}"

    def of(self, origin: str) -> list[RecordedRequest]:
        """Requests one origin received, in order."""
        with self._lock:
            return [r for r in self.requests if r.origin == origin]

    # -- links ----------------------------------------------------------------------------

    def sign(self, path: str, expiry: datetime) -> str:
        """A signed link to ``path`` on the storage origin, valid until ``expiry``."""
        se = expiry.strftime("%Y-%m-%dT%H:%M:%SZ")
        sig = hmac.new(self._secret, f"{path}\n{se}".encode(), hashlib.sha256).hexdigest()
        return f"{self.storage_url}{path}?se={quote(se)}&sp=r&sig={sig}"

    def links_for(
        self, org: str, kind: str, day: str, *, scope: str | None = None
    ) -> list[str] | None:
        """The signed links the API hands out for a report, or None if there is none."""
        report = self._reports.get((org.lower(), kind, day))
        if report is None or (scope is not None and report.scope not in (None, scope)):
            return None
        expiry = datetime.now(UTC) + timedelta(seconds=self.link_ttl)
        folder = report.day_field.isoformat()
        return [
            self.sign(f"/reports/{quote(org.lower())}/{kind}/{folder}/{_segment(name)}", expiry)
            for name, _ in report.files
        ]

    def _verify(self, path: str, query: dict[str, list[str]]) -> bool:
        se = query.get("se", [""])[0]
        sig = query.get("sig", [""])[0]
        good = hmac.new(self._secret, f"{path}\n{se}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, sig):
            return False
        try:
            expiry = datetime.strptime(se, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return False
        return expiry > datetime.now(UTC)

    def _file(self, path: str) -> Body | None:
        from urllib.parse import unquote

        parts = path.split("/")
        if len(parts) != 6 or parts[1] != "reports":
            return None
        _, _, org, kind, day, name = parts
        report = self._reports.get((unquote(org), kind, day)) or self._reports.get(
            (unquote(org), kind, "latest")
        )
        if report is None or report.day_field.isoformat() != day:
            return None
        wanted = unquote(name)
        return next((body for n, body in report.files if n == wanted), None)


def _segment(name: str) -> str:
    """One percent-encoded path segment; dots too, so a name like '..' stays a name."""
    return quote(name, safe="").replace(".", "%2E") if set(name) <= {"."} else quote(name, safe="")


def _handler(standin: StandIn, role: Literal["api", "storage"]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; with Nagle's algorithm the body would
        # wait for the client's delayed ACK (40 ms a response on Linux), which no real host adds.
        disable_nagle_algorithm = True
        server_version = "standin"
        sys_version = ""
        timeout = 30

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read the recorded requests instead."""

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            record = RecordedRequest(
                origin=role,
                method="GET",
                path=parts.path,
                query=query,
                headers={k.lower(): v for k, v in self.headers.items()},
                at=time.monotonic(),
            )
            with standin._lock:
                standin.requests.append(record)
                standin._in_flight[role] += 1
                standin.max_in_flight[role] = max(
                    standin.max_in_flight[role], standin._in_flight[role]
                )
                faults = standin.api_faults if role == "api" else standin.storage_faults
                fault = faults.popleft() if faults else None
                if fault is None and role == "api":
                    fault = standin.api_fault_always
            try:
                delay = standin.api_delay if role == "api" else standin.storage_delay
                if fault is not None and fault.delay:
                    delay += fault.delay
                if delay:
                    time.sleep(delay)
                if fault is not None and fault.action == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault is not None and fault.status is not None:
                    self._send(fault.status, fault.body, dict(fault.headers))
                    return
                if role == "api":
                    self._api(parts.path, query)
                else:
                    truncate = fault is not None and fault.action == "truncate"
                    self._storage(parts.path, query, truncate=truncate)
            finally:
                with standin._lock:
                    standin._in_flight[role] -= 1

        def _send(
            self,
            status: int,
            body: bytes,
            headers: dict[str, str] | None = None,
            *,
            truncate: bool = False,
        ) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if status not in (204, 304):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if truncate:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if status not in (204, 304):
                self.wfile.write(body)

        def _json(self, status: int, data: object) -> None:
            self._send(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

        def _api(self, path: str, query: dict[str, list[str]]) -> None:
            expected = f"Bearer {standin.token}" if standin.token else None
            if expected is not None and self.headers.get("Authorization") != expected:
                self._json(401, {"message": "Bad credentials", "status": "401"})
                return
            if (seats := seat_answer(standin.seat_books, standin.api_url, path, query)) is not None:
                self._send(*seats)
                return
            if (credits := credit_answer(standin.credit_owners, path, query)) is not None:
                self._send(*credits)
                return
            segments = path.strip("/").split("/")
            rolling = len(segments) == 7 and segments[6] == "latest"
            if (
                len(segments) not in (6, 7)
                or (len(segments) == 7 and not rolling)
                or segments[0] not in ("orgs", "enterprises")
                or segments[2:5] != ["copilot", "metrics", "reports"]
            ):
                self._json(404, {"message": "Not Found", "status": "404"})
                return
            org, kind = segments[1], segments[5]
            day = "latest" if rolling else query.get("day", [""])[0]
            links = standin.links_for(org, kind, day, scope=segments[0])
            if links is None:
                status = standin.no_report_status
                if status == 204:
                    self._send(204, b"")
                else:
                    self._json(status, {"message": "Not Found", "status": str(status)})
                return
            with standin._lock:
                standin.issued.append(links)
            if rolling:
                report = standin._reports[(org.lower(), kind, "latest")]
                start = report.start or report.day_field - timedelta(days=27)
                self._json(
                    200,
                    {
                        "download_links": links,
                        "report_start_day": start.isoformat(),
                        "report_end_day": report.day_field.isoformat(),
                    },
                )
                return
            self._json(200, {"download_links": links, "report_day": day})

        def _storage(self, path: str, query: dict[str, list[str]], *, truncate: bool) -> None:
            if not standin._verify(path, query):
                self._send(
                    403,
                    b"<Error><Code>AuthenticationFailed</Code></Error>",
                    {"Content-Type": "application/xml"},
                )
                return
            body = standin._file(path)
            if body is None:
                self._send(404, b"<Error><Code>BlobNotFound</Code></Error>")
                return
            if isinstance(body, Lazy):
                body = body.make()
            if callable(body):
                self._stream(body)
                return
            headers = {"Content-Type": "application/x-ndjson"}
            if standin.gzip_storage:
                body = gzip.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(200, body, headers, truncate=truncate)

        def _stream(self, chunks: Callable[[], Iterable[bytes]]) -> None:
            """A generated body: with its length if it is ``Generated``, else chunked."""
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            if isinstance(chunks, Generated):
                self.send_header("Content-Length", str(chunks.size))
                self.end_headers()
                for chunk in chunks():
                    self.wfile.write(chunk)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in chunks():
                if chunk:
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")

    return Handler
