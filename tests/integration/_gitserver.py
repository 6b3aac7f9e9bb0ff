"""A real git server on loopback: ``git http-backend`` run as CGI behind a small HTTP server.

It serves bare repositories under a folder, asks for one Basic token (401
otherwise, as GitHub does), records every request's headers, and can hold the
first push advertisements until two runs ask for one (so two pushes really
race). It listens on 127.0.0.1 only, answers a bounded number of requests,
and stops by itself after its lifetime.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests._tools import require_tool

GIT = shutil.which("git") or "git"


def _backend() -> Path:
    """git http-backend, where this git keeps its helper programs (``git --exec-path``)."""
    try:
        done = subprocess.run(
            [GIT, "--exec-path"], capture_output=True, text=True, check=False, timeout=60
        )
    except OSError:
        return Path("git-http-backend-not-found")
    return Path(done.stdout.strip()) / "git-http-backend"


BACKEND = _backend()


def basic(token: str) -> str:
    """The Authorization value GitHub accepts for a token over git's HTTP protocol."""
    return "Basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode()


class GitServer:
    """``url`` is the server root; ``repository`` names the bare repo (``owner/name``)."""

    def __init__(
        self,
        root: Path,
        token: str,
        *,
        repository: str = "octo-demo/usage",
        lifetime: float = 120.0,
        max_requests: int = 2000,
        read_only_token: str | None = None,
    ) -> None:
        self.root = root
        self.token = token
        #: A token that may fetch but not push (a workflow token with contents: read).
        self.read_only_token = read_only_token
        self.repository = repository
        self.bare = root / f"{repository}.git"
        self.bare.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([GIT, "init", "--quiet", "--bare", str(self.bare)], check=True, timeout=60)
        subprocess.run(
            [GIT, "-C", str(self.bare), "config", "http.receivepack", "true"],
            check=True,
            timeout=60,
        )
        self.requests: list[dict[str, object]] = []
        self.max_requests = max_requests
        self.race: threading.Barrier | None = None
        self._race_left = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True
        self._timer = threading.Timer(lifetime, self._server.shutdown)
        self._timer.daemon = True

    def __enter__(self) -> GitServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def race_next_pushes(self, runs: int = 2, timeout: float = 60.0) -> None:
        """Hold the next ``runs`` push advertisements until all of them have arrived."""
        self.race = threading.Barrier(runs, timeout=timeout)
        self._race_left = runs

    def git(self, *args: str) -> str:
        """Run git in the bare repository (to inspect what landed)."""
        return subprocess.run(
            [GIT, "-C", str(self.bare), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

    def pushes(self) -> list[dict[str, object]]:
        """The receive-pack POSTs (one per push attempt that sent a pack)."""
        return [
            r
            for r in self.requests
            if r["method"] == "POST" and str(r["path"]).endswith("/git-receive-pack")
        ]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_GET(self) -> None:
                self._cgi()

            def do_POST(self) -> None:
                self._cgi()

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _cgi(self) -> None:
                parts = urlsplit(self.path)
                with server._lock:
                    server.requests.append(
                        {
                            "method": self.command,
                            "path": parts.path,
                            "query": parts.query,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                        }
                    )
                    count = len(server.requests)
                    racing = (
                        server.race is not None
                        and server._race_left > 0
                        and parts.query == "service=git-receive-pack"
                    )
                    if racing:
                        server._race_left -= 1
                if count > server.max_requests:
                    self.send_error(503, "too many requests for a test")
                    return
                body = self._body() if self.command == "POST" else b""
                scheme, _, credentials = self.headers.get("Authorization", "").partition(" ")
                pushing = "git-receive-pack" in parts.path + parts.query
                if server.read_only_token and (scheme.lower(), credentials) == (
                    "basic",
                    basic(server.read_only_token).split()[1],
                ):
                    if pushing:
                        self.send_error(403, "Write access to repository not granted.")
                        return
                elif (scheme.lower(), credentials) != ("basic", basic(server.token).split()[1]):
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="test"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if racing and server.race is not None:
                    server.race.wait()
                env = {
                    "PATH": os.environ.get("PATH", ""),
                    "GIT_PROJECT_ROOT": str(server.root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": parts.path,
                    "QUERY_STRING": parts.query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "REMOTE_USER": "x-access-token",
                    "REMOTE_ADDR": "127.0.0.1",
                    "HOME": str(server.root),
                }
                for header in ("Git-Protocol", "Content-Encoding"):
                    if self.headers.get(header):
                        env["HTTP_" + header.upper().replace("-", "_")] = self.headers[header]
                done = subprocess.run(
                    [str(BACKEND)],
                    input=body,
                    env=env,
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                head, _, payload = done.stdout.partition(b"\r\n\r\n")
                if not _:
                    head, _, payload = done.stdout.partition(b"\n\n")
                status, headers = 200, []
                for line in head.decode("latin-1").splitlines():
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def have_git() -> bool:
    """True when git and its http-backend are installed."""
    return shutil.which("git") is not None and BACKEND.is_file()


def require_git() -> None:
    """Skip without git and its http-backend (fail where ``CI`` is set), naming the package."""
    require_tool(have_git(), "git http-backend", "git")
