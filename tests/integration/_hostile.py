"""Small hostile servers on loopback, and the real CLI run against them with its peak memory.

``Hostile`` is one raw-socket server playing both GitHub's API and the storage
host: the API answers a link list pointing back at it (with a signature in the
query), and each path is answered by a behaviour given by the test, written byte
by byte (no HTTP library between the test and the wire). It listens on
127.0.0.1 only, accepts a bounded number of connections, sends a bounded number
of bytes per connection and stops by itself after ``lifetime`` seconds.

``run_cli`` starts the console script as a subprocess with its output in files
(no pipe can fill) and takes its peak RSS from the kernel when it is reaped
(``_measure``: ``ru_maxrss``); it can send it a signal once a condition holds,
and times the exit from that signal.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.app.test_workflow_commands import assert_canonical

from ._measure import run_measured
from .conftest import SCRIPT, parse_outputs

TOKEN = "ghp_HOSTILETOKEN0123456789abcdef"
SIGNATURE = "SIGNATURE0123456789abcdef"
DAY = (datetime.now(UTC).date() - timedelta(days=3)).isoformat()
#: What a behaviour may send on one connection at most.
MAX_SEND = 160 * 1024 * 1024

Behaviour = Callable[["Connection"], None]


@dataclass
class Connection:
    """One accepted connection: its request line and headers, and how to answer."""

    sock: socket.socket
    server: Hostile
    method: str
    path: str
    headers: dict[str, str]
    sent: int = 0

    def send(self, data: bytes) -> bool:
        """Send bytes within the bounds; False once the client is gone or a bound is reached."""
        if self.sent + len(data) > MAX_SEND or time.monotonic() > self.server.ends:
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        self.server.sent_total += len(data)
        return True

    def head(self, status: int, headers: dict[str, str] | None = None) -> bool:
        """A status line and headers, with ``Connection: close``."""
        lines = [f"HTTP/1.1 {status} X"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        lines += ["Connection: close", "", ""]
        return self.send("\r\n".join(lines).encode("latin-1"))

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A whole answer with its Content-Length."""
        if self.head(status, {"Content-Length": str(len(body)), **(headers or {})}):
            self.send(body)


@dataclass
class Hostile:
    """A loopback server whose answers are the test's behaviours, by path prefix."""

    routes: dict[str, Behaviour]
    lifetime: float = 60.0
    max_connections: int = 20
    ends: float = field(init=False, default=0.0)
    sent_total: int = field(init=False, default=0)
    requests: list[str] = field(init=False, default_factory=list)
    seen: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.ends = time.monotonic() + self.lifetime
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def link(self, name: str = "report.ndjson") -> str:
        """A signed link to ``/files/<name>`` on this server."""
        return f"{self.url}/files/{name}?sp=r&sig={SIGNATURE}"

    def _serve(self) -> None:
        accepted = 0
        with self._listener:
            while accepted < self.max_connections and time.monotonic() < self.ends:
                try:
                    sock, _ = self._listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                accepted += 1
                threading.Thread(target=self._handle, args=(sock,), daemon=True).start()

    def _handle(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(5.0)
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < 65536:
                    chunk = sock.recv(4096)
                    if not chunk:
                        return
                    data += chunk
            except OSError:
                return
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, path, _ = [*head[0].split(" "), "", ""][:3]
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            self.requests.append(path)
            self.seen.set()
            connection = Connection(sock, self, method, path, headers)
            for prefix, behaviour in self.routes.items():
                if path.startswith(prefix):
                    behaviour(connection)
                    break
            else:
                connection.answer(404, b'{"message": "Not Found"}')
            time.sleep(0.05)  # let the last bytes leave before the close

    def close(self) -> None:
        self.ends = 0.0
        self._thread.join(timeout=5)


def links_answer(*links: str) -> Behaviour:
    """The API's 200: the given links for the day."""
    body = json.dumps({"download_links": list(links), "report_day": DAY}).encode()
    return lambda c: c.answer(200, body, {"Content-Type": "application/json"})


@dataclass
class Result:
    """A finished run: exit code, output, workflow files, peak RSS, and its duration."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    #: The kernel's peak resident set of the CLI process, in bytes (``ru_maxrss``).
    peak_rss: int
    seconds: float
    #: Seconds from the moment the signal was sent to the moment the CLI was reaped.
    signalled_after: float | None = None

    @property
    def log(self) -> str:
        """stdout and stderr without the mask registrations (lines the runner consumes)."""
        lines = (self.stdout + self.stderr).splitlines()
        return "\n".join(ln for ln in lines if not ln.startswith("::add-mask::"))


def run_cli(
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 90.0,
    send: tuple[int, Callable[[], bool]] | None = None,
) -> Result:
    """Run ``fetch`` as a workflow step would; ``send`` signals it once a condition holds."""
    out = tmp_path / "github_output"
    summary = tmp_path / "step_summary"
    stdout, stderr = tmp_path / ".stdout", tmp_path / ".stderr"
    for path in (out, summary):
        path.write_text("")
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "COPILOT_USAGE_REPORT_TESTING": "1",
        "PYTHONUTF8": "1",
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(out),
        "GITHUB_STEP_SUMMARY": str(summary),
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_DAY": DAY,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        **(env or {}),
    }
    with stdout.open("wb") as o, stderr.open("wb") as e:
        measured = run_measured(
            [str(SCRIPT), "fetch", *args],
            env=full_env,
            cwd=tmp_path,
            stdout=o,
            stderr=e,
            timeout=timeout,
            send=send,
        )
    return Result(
        code=measured.code,
        stdout=stdout.read_text(errors="replace"),
        stderr=stderr.read_text(errors="replace"),
        outputs=parse_outputs(out.read_text()),
        summary=summary.read_text(),
        peak_rss=measured.peak_rss,
        seconds=measured.seconds,
        signalled_after=measured.signalled_after,
    )


def everything_written(tmp_path: Path, result: Result) -> str:
    """Every text the run left for a person or a later step: log, outputs, summary, files."""
    texts = [result.log, result.summary]
    texts += [v for k, v in result.outputs.items() if k != "download-links"]
    out = tmp_path / "out"
    if out.exists():
        texts += [p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file()]
    return "\n".join(texts)


def assert_contained(tmp_path: Path) -> None:
    """Nothing outside the output folder (and the runner's files), nothing partial inside it."""
    allowed = {"out", "github_output", "step_summary", ".stdout", ".stderr"}
    assert {p.name for p in tmp_path.iterdir()} <= allowed, sorted(tmp_path.iterdir())
    out = tmp_path / "out"
    if out.exists():
        hidden = [
            p
            for p in out.rglob("*")
            if (p.name.startswith(".") and p.name != ".lock") or p.suffix == ".part"
        ]
        assert hidden == [], hidden


def assert_failed_cleanly(tmp_path: Path, result: Result, code: int, *fragments: str) -> str:
    """Exit ``code``, one ``::error`` line holding ``fragments``, the error outputs and summary,
    no traceback, no secret anywhere, nothing partial, nothing outside the output folder.

    Returns the error line.
    """
    assert result.code == code, result.log
    assert "Traceback" not in result.log, result.log
    errors = [ln for ln in result.log.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1, result.log
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    if code != 130 and code != 143:
        assert result.outputs.get("error-type"), result.outputs
        assert result.outputs.get("error") and "\n" not in result.outputs["error"]
        assert result.summary.strip()
    assert_no_secret(tmp_path, result)
    assert_contained(tmp_path)
    # No report file was kept: nothing a failed run saved looks valid.
    out = tmp_path / "out"
    kept = [p for p in out.rglob("*.ndjson")] if out.exists() else []
    assert kept == [], kept
    return errors[0]


def assert_no_secret(tmp_path: Path, result: Result) -> None:
    """Neither the token nor the signature in anything the run wrote; every workflow command
    canonical, on stderr only (stdout is the command's own output)."""
    assert not [ln for ln in result.stdout.splitlines() if ln.startswith("::")]
    for line in result.stderr.splitlines():
        if line.startswith("::"):
            assert_canonical(line)
    text = everything_written(tmp_path, result)
    assert TOKEN not in text
    assert SIGNATURE not in text
