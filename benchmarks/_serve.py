"""Child process: serve the benchmark's reports from a ``StandIn`` on 127.0.0.1.

Run as ``python _serve.py SPEC_JSON``. The spec names the reports (org, days,
report ``kind``, files by their sizes, or ``paths`` of files to serve as they
are), the delays, an optional wire speed (``rate``, bytes a second that all
downloads at once share, as a runner's network link) and an optional ``tls``
certificate and key: the storage origin then speaks https, as every real
download host does. It prints one JSON line (the API and storage URLs, the
token and each day's signed links), then serves until its stdin closes (the
parent exits or closes it) or ``lifetime`` seconds pass, whichever comes first:
it always stops by itself.

The server lives in its own process so it never shares a GIL (or a core's
time slice accounting) with the client being measured.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import repeated

from copilot_usage_report._standin.server import Generated, StandIn

TOKEN = "bench-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential


class Wire:
    """A link of ``rate`` bytes a second that every download at once shares.

    Each chunk books the wire from when it is free (or now, when it is idle) for
    ``len(chunk) / rate`` seconds and waits for its turn: N downloads at once get
    about ``rate / N`` each, and an idle wire saves no credit for a later burst.
    """

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self._free = 0.0
        self._lock = threading.Lock()

    def turn(self, size: int) -> float:
        """The monotonic time a chunk of ``size`` bytes may go."""
        with self._lock:
            start = max(time.monotonic(), self._free)
            self._free = start + size / self.rate
        return start

    def paced(self, chunks: Callable[[], Iterable[bytes]]) -> Callable[[], Iterator[bytes]]:
        """The same body, sent when the wire gives each chunk its turn."""

        def slow() -> Iterator[bytes]:
            for chunk in chunks():
                ahead = self.turn(len(chunk)) - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
                yield chunk

        return slow


def from_file(path: Path) -> Callable[[], Iterator[bytes]]:
    """A file's bytes in 1 MiB chunks, read again for every download."""

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk

    return chunks


@dataclass
class TlsStandIn(StandIn):
    """The stand-in with its storage origin behind TLS: the links it signs say https."""

    certificate: tuple[str, str] | None = None

    def start(self) -> TlsStandIn:
        super().start()
        if self.certificate is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.certificate)
            storage = self._servers[1]
            storage.socket = context.wrap_socket(storage.socket, server_side=True)
        return self

    @property
    def storage_url(self) -> str:
        url = super().storage_url
        return url.replace("http://", "https://", 1) if self.certificate else url


def main() -> None:
    spec = json.loads(sys.argv[1])
    tls = spec.get("tls")
    standin = TlsStandIn(
        token=TOKEN,
        api_delay=float(spec.get("api_delay", 0.0)),
        storage_delay=float(spec.get("storage_delay", 0.0)),
        certificate=(str(tls[0]), str(tls[1])) if tls else None,
    )
    org = spec["org"]
    kind = str(spec.get("kind", "organization-1-day"))
    rate = float(spec.get("rate", 0.0))
    wire = Wire(rate) if rate else None
    sizes: dict[str, int] = {}
    for day in spec["days"]:
        files: list[tuple[str, bytes | Callable[[], Iterable[bytes]]]] = []
        bodies: list[tuple[Callable[[], Iterator[bytes]], int]] = [
            (from_file(Path(p)), Path(p).stat().st_size) for p in spec.get("paths", [])
        ] + [repeated(int(size), seed=index) for index, size in enumerate(spec.get("files", []), 1)]
        for index, (chunks, exact) in enumerate(bodies, start=1):
            # Sent with its Content-Length, as a blob store sends a file.
            body = Generated(wire.paced(chunks) if wire else chunks, exact)
            name = f"copilot-usage-report-{index}.ndjson"
            sizes[name] = exact
            files.append((name, body))
        standin.add_report(org, date.fromisoformat(day), files, kind=kind)
    lifetime = float(spec.get("lifetime", 900.0))
    with standin:
        links = {day: standin.links_for(org, kind, day) for day in spec["days"]}
        print(
            json.dumps(
                {
                    "api_url": standin.api_url,
                    "storage_url": standin.storage_url,
                    "token": TOKEN,
                    "links": links,
                    "sizes": sizes,
                }
            ),
            flush=True,
        )
        # Serve until the parent closes our stdin (or exits), or the lifetime ends.
        reader = threading.Thread(target=sys.stdin.read, daemon=True)
        reader.start()
        reader.join(lifetime)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
