"""Many records in one file: memory and messages bounded by the kinds, never by the count.

A storage server on loopback (``_hostile``) sends one aggregate record of a day again and
again, generated while it is sent (nothing of it is written but the CLI's own archive).
The real CLI fetches it as a workflow step would; its peak RSS, log and job summary are
read: at 50 MB and at 500 MB alike the peak stays under ``RSS_BOUND`` and grows by less
than ``RSS_GROWTH`` between them, and the replaced records are three notes and one count.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ._hostile import DAY, Connection, Hostile, links_answer, run_cli

MB = 1000 * 1000
FIXTURES = Path(__file__).parents[1] / "fixtures"
#: Half the bound the project promises for any body (200 MB); the run reads at about 60 MB.
RSS_BOUND = 100 * 1024 * 1024
#: What ten times the records may add to the peak: buffers, not one byte per record.
RSS_GROWTH = 16 * 1024 * 1024

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="peak RSS is read from /proc (Linux)"
)


def _record() -> bytes:
    """The sample aggregate record of ``DAY``, its breakdowns cut to one entry (about 3 KB)."""
    text = (FIXTURES / "metrics" / "organization-1-day.ndjson").read_text()
    record = {k: v[:1] if isinstance(v, list) else v for k, v in json.loads(text).items()}
    return json.dumps({**record, "day": DAY}, separators=(",", ":")).encode() + b"\n"


def _repeating(line: bytes, count: int):
    """Storage answering ``count`` copies of ``line``, with their Content-Length, made as sent."""

    def behaviour(c: Connection) -> None:
        if not c.head(200, {"Content-Length": str(len(line) * count)}):
            return
        block, left = line * 1024, count
        try:
            while left and time.monotonic() < c.server.ends:
                n = min(left, 1024)
                c.sock.sendall(block if n == 1024 else line * n)
                left -= n
        except OSError:
            return

    return behaviour


def _fetch_repeated(tmp_path: Path, size: int):
    line = _record()
    count = size // len(line)
    tmp_path.mkdir()
    server = Hostile(routes={}, lifetime=240, max_connections=4)
    server.routes["/orgs/"] = links_answer(server.link("big.ndjson"))
    server.routes["/files/"] = _repeating(line, count)
    try:
        result = run_cli(tmp_path, "--api-url", server.url, "--retries", "0", timeout=240)
    finally:
        server.close()
    for saved in (tmp_path / "out").rglob("big.ndjson"):
        saved.unlink()  # 500 MB of disk, given back at once
    return result, count


def test_repeated_records_cost_bounded_memory_and_a_few_lines(tmp_path):
    """50 MB and 500 MB of one record repeated: the same peak RSS, three notes and a count."""
    small, _ = _fetch_repeated(tmp_path / "small", 50 * MB)
    large, count = _fetch_repeated(tmp_path / "large", 500 * MB)
    for result in (small, large):
        assert result.code == 0, result.log[-2000:]
        assert result.peak_rss < RSS_BOUND, result.peak_rss
    assert large.peak_rss - small.peak_rss < RSS_GROWTH, (small.peak_rss, large.peak_rss)
    notes = [ln for ln in large.log.splitlines() if "title=Usage summary::" in ln]
    assert len(notes) == 4, notes
    assert [n.split(", line ")[1].split(":")[0] for n in notes[:3]] == ["2", "3", "4"]
    more = f"… and {count - 4:,} more aggregate records for {DAY} replaced earlier ones."
    assert notes[3].endswith(more), notes[3]
    assert len(large.log.splitlines()) < 30, large.log
    assert more in large.summary
    assert len(large.summary) < 64 * 1024
    assert sum(map(len, large.outputs.values())) < 64 * 1024
