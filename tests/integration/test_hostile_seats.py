"""Seat list servers that over-fill pages or never end, met by the real CLI on loopback.

Each server is ``_hostile.Hostile`` (raw sockets); the CLI's peak RSS is the kernel's
(``_measure``) and the requests it made are counted by the server. What the pages show
bounds the reading, whatever ``total_seats`` claims, and the seats are written as they
arrive: the peak does not grow with the list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ._hostile import Connection, Hostile, Result, assert_no_secret, run_cli

MiB = 1024 * 1024
SEATS_PATH = "/orgs/my-org/copilot/billing/seats"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="peak RSS is ru_maxrss in KiB, as Linux gives it"
)

#: ``page -> (total_seats, seats, whether a next page is named)``.
Pages = Callable[[int], tuple[int, list[dict[str, object]], bool]]


def _seat(uid: int, pad: int = 0) -> dict[str, object]:
    seat: dict[str, object] = {
        "created_at": "2026-01-05T10:00:00Z",
        "last_activity_at": None,
        "plan_type": "business",
        "assignee": {"login": f"user-{uid}", "id": uid, "type": "User"},
    }
    if pad:
        seat["padding"] = "x" * pad
    return seat


def _seat_server(pages: Pages, max_connections: int) -> Hostile:
    def answer(c: Connection) -> None:
        query = parse_qs(urlsplit(c.path).query)
        number = int(query.get("page", ["1"])[0])
        total, seats, more = pages(number)
        body = json.dumps({"total_seats": total, "seats": seats}).encode()
        headers = {"Content-Type": "application/json"}
        if more:
            following = f"{server.url}{SEATS_PATH}?per_page=100&page={number + 1}"
            headers["Link"] = f'<{following}>; rel="next"'
        c.answer(200, body, headers)

    def no_billing(c: Connection) -> None:
        c.answer(404, b'{"message": "Not Found"}')

    server = Hostile(
        {SEATS_PATH: answer, "/orgs/my-org/copilot/billing": no_billing},
        max_connections=max_connections,
    )
    return server


def _fetch(tmp_path: Path, server: Hostile) -> Result:
    today = datetime.now(UTC).date().isoformat()
    try:
        return run_cli(
            tmp_path,
            "--api-url",
            server.url,
            "--retries",
            "0",
            "--report",
            "copilot-seats",
            env={"INPUT_DAY": today},
        )
    finally:
        server.close()


def _seat_pages(server: Hostile) -> int:
    return sum(1 for path in server.requests if path.startswith(SEATS_PATH))


def _error_line(result: Result) -> str:
    errors = [ln for ln in result.log.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1, result.log
    assert "Traceback" not in result.log
    return errors[0]


def test_a_page_of_more_seats_than_asked_is_refused_at_once(tmp_path):
    """20,000 seats a page under an absurd ``total_seats``: refused at the first page, in one
    line, without the list growing in memory."""
    server = _seat_server(
        lambda n: (10**15, [_seat(n * 100_000 + i) for i in range(20_000)], True), 40
    )
    result = _fetch(tmp_path, server)
    assert result.code == 1, result.log
    line = _error_line(result)
    assert "holds 20000 seats, more than the 100 asked for" in line, line
    assert result.outputs["error-type"] == "SeatPagingError"
    assert _seat_pages(server) == 1
    assert_no_secret(tmp_path, result)
    assert not list((tmp_path / "out").rglob("seats.ndjson"))


def test_empty_pages_forever_end_at_the_first(tmp_path):
    """A ``next`` link on every page and an absurd ``total_seats``: the first empty page ends
    the list (read twice, as users and ``total_seats`` differ), not the deadline."""
    server = _seat_server(lambda n: (10**15, [_seat(n)] if n < 3 else [], True), 40)
    result = _fetch(tmp_path, server)
    assert result.code == 0, result.log
    assert _seat_pages(server) == 2 * 3  # pages 1-3, twice
    kept = next((tmp_path / "out").rglob("seats.ndjson")).read_bytes().splitlines()
    assert [json.loads(line)["assignee"]["id"] for line in kept] == [1, 2]


def test_full_pages_past_total_seats_stop_at_the_margin(tmp_path):
    """Full pages forever past a ``total_seats`` of 250: three pages and the margin of three."""
    server = _seat_server(lambda n: (250, [_seat(n * 1000 + i) for i in range(100)], True), 40)
    result = _fetch(tmp_path, server)
    assert result.code == 1, result.log
    assert "runs past 6 pages" in _error_line(result)
    assert _seat_pages(server) == 6


def _run_of(tmp_path: Path, pages: int) -> Result:
    """A list of ``pages`` full pages of 38 KB seats (3.6 MiB a page), honestly counted."""
    total = pages * 100

    def page(n: int) -> tuple[int, list[dict[str, object]], bool]:
        return total, [_seat(n * 1000 + i, pad=38_000) for i in range(100)], n < pages

    server = _seat_server(page, pages + 5)
    result = _fetch(tmp_path, server)
    assert result.code == 0, result.log
    assert _seat_pages(server) == pages
    kept = next((tmp_path / "out").rglob("seats.ndjson"))
    assert kept.stat().st_size > pages * 100 * 38_000
    assert int(result.outputs["seats-total"]) == total
    return result


def test_peak_memory_does_not_grow_with_the_list(tmp_path):
    """Two pages or fifty (7 MiB or 180 MiB of seats): the fetch's peak RSS is the same within
    a few pages, as each page is written and counted when it arrives."""
    (tmp_path / "small").mkdir()
    (tmp_path / "large").mkdir()
    small = _run_of(tmp_path / "small", 2)
    large = _run_of(tmp_path / "large", 50)
    assert large.peak_rss - small.peak_rss < 40 * MiB, (small.peak_rss, large.peak_rss)
