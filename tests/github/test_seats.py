"""The seat list's pages: what the pages show bounds the reading, whatever ``total_seats``
claims; each seat goes to the sink as its page arrives; every user counts, id 0 included."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from copilot_usage_report._core import Scope
from copilot_usage_report._errors import SeatPagingError
from copilot_usage_report._github import RetryPolicy, SeatList, make_api_client, read_seats
from copilot_usage_report._github import seats as seats_module

API = "https://api.test"
POLICY = RetryPolicy(retries=0, max_wait=300)
SCOPE = Scope("org", "my-org")


def _seat(uid: int | None, login: str | None = None) -> dict[str, object]:
    return {"assignee": {"id": uid, "login": login if login is not None else f"u{uid}"}}


Pages = Callable[[int], tuple[int, list[dict[str, object]], bool]]


def _read(pages: Pages, asked: list[int] | None = None) -> tuple[list[bytes], list[int], SeatList]:
    """Read a list whose page ``n`` is ``pages(n)``: (total_seats, seats, has a next link)."""
    asked = [] if asked is None else asked

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        asked.append(number)
        total, seats, more = pages(number)
        link = f"{API}/orgs/my-org/copilot/billing/seats?page={number + 1}"
        headers = {"link": f'<{link}>; rel="next"'}
        body = json.dumps({"total_seats": total, "seats": seats}).encode()
        return httpx.Response(200, stream=httpx.ByteStream(body), headers=headers if more else {})

    got: list[bytes] = []
    with make_api_client(
        API, "ghp_x", api_version="v", user_agent="t", transport=httpx.MockTransport(answer)
    ) as client:
        listing = read_seats(client, SCOPE, policy=POLICY, sink=got.append)
    return got, asked, listing


def test_every_seat_goes_to_the_sink_and_every_user_counts():
    """Seats reach the sink in order, one line each; ids 0 and login-less users count."""
    page = [_seat(0, ""), _seat(1), _seat(None, "someone"), _seat(None, ""), _seat(0, "")]
    got, asked, listing = _read(lambda n: (4, page, False))
    assert got == [json.dumps(s).encode() for s in page]  # as sent
    assert asked == [1]
    assert (listing.records, listing.pages, listing.distinct) == (5, 1, 4)


def test_a_page_with_more_seats_than_asked_is_refused():
    """A page of 101 seats when 100 were asked for ends the reading at that page."""
    with pytest.raises(SeatPagingError, match="holds 101 seats, more than the 100 asked"):
        _read(lambda n: (10**12, [_seat(i) for i in range(101)], True))


def test_an_empty_page_ends_the_list():
    """Pages that name a next one forever end at the first empty page."""
    got, asked, listing = _read(lambda n: (10**15, [_seat(n)] if n < 3 else [], True))
    assert asked == [1, 2, 3]
    assert (len(got), listing.pages) == (2, 3)


def test_no_claim_is_trusted_past_the_cap(monkeypatch: pytest.MonkeyPatch):
    """Full pages forever under an absurd ``total_seats``: the cap bounds the pages read."""
    monkeypatch.setattr(seats_module, "MAX_SEATS", 500)

    def full(n: int) -> tuple[int, list[dict[str, object]], bool]:
        return 10**15, [_seat(n * 1000 + i) for i in range(100)], True

    asked: list[int] = []
    with pytest.raises(SeatPagingError, match="runs past 8 pages"):
        _read(full, asked)
    assert asked == list(range(1, 9))  # 500 seats' 5 pages, and the margin of 3


def test_the_smallest_claim_of_the_pages_bounds_them():
    """A later page's smaller ``total_seats`` is the one the bound uses."""

    def shrinking(n: int) -> tuple[int, list[dict[str, object]], bool]:
        return (10**9 if n == 1 else 150), [_seat(n * 1000 + i) for i in range(100)], True

    asked: list[int] = []
    with pytest.raises(SeatPagingError, match="runs past 5 pages"):
        _read(shrinking, asked)
    assert asked == list(range(1, 6))
