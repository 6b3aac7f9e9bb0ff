"""Child process: serve the benchmark's reports from a ``StandIn`` on 127.0.0.1.

Run as ``python _serve.py SPEC_JSON``. The spec names the reports (org, days,
files with their sizes), the delays and an optional wire speed (``rate``,
bytes a second per download). It prints one JSON line (the API and
storage URLs, the token and each day's signed links), then serves until its
stdin closes (the parent exits or closes it) or ``lifetime`` seconds pass,
whichever comes first: it always stops by itself.

The server lives in its own process so it never shares a GIL (or a core's
time slice accounting) with the client being measured.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import repeated

from copilot_usage_report._standin import Generated, StandIn

TOKEN = "bench-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential


def paced(chunks: Callable[[], Iterator[bytes]], rate: float) -> Callable[[], Iterator[bytes]]:
    """The same body, sent no faster than ``rate`` bytes a second: a wire of that speed.

    Each download paces itself from its own first byte, so several at once each
    get ``rate`` (a per-connection limit, as a storage host's is).
    """

    def slow() -> Iterator[bytes]:
        start = time.monotonic()
        sent = 0
        for chunk in chunks():
            ahead = start + sent / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
            yield chunk
            sent += len(chunk)

    return slow


def main() -> None:
    spec = json.loads(sys.argv[1])
    standin = StandIn(
        token=TOKEN,
        api_delay=float(spec.get("api_delay", 0.0)),
        storage_delay=float(spec.get("storage_delay", 0.0)),
    )
    org = spec["org"]
    rate = float(spec.get("rate", 0.0))
    sizes: dict[str, int] = {}
    for day in spec["days"]:
        files: list[tuple[str, bytes | Callable[[], Iterable[bytes]]]] = []
        for index, size in enumerate(spec["files"], start=1):
            chunks, exact = repeated(int(size), seed=index)
            # Sent with its Content-Length, as a blob store sends a file.
            body = Generated(paced(chunks, rate) if rate else chunks, exact)
            name = f"copilot-usage-report-{index}.ndjson"
            sizes[name] = exact
            files.append((name, body))
        standin.add_report(org, date.fromisoformat(day), files)
    lifetime = float(spec.get("lifetime", 900.0))
    with standin:
        links = {day: standin.links_for(org, "organization-1-day", day) for day in spec["days"]}
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
