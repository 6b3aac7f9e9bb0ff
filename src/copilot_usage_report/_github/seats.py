"""GitHub's Copilot seat list: its pages, read one at a time along their ``Link`` headers.

``GET /orgs/{org}/copilot/billing/seats`` (or ``/enterprises/{slug}/…``) answers
``{"total_seats": N, "seats": [...]}`` a hundred seats a page. Each page's ``Link``
header names the next (resolved against the page's own URL, as RFC 8288 says); it is
followed only when it stays on the API origin and the endpoint and names a page not read
yet. What the pages show bounds the reading, whatever ``total_seats`` claims: a page
holding more seats than asked for is refused, an empty page ends the list, and the pages
stay within what the smallest ``total_seats`` of the pages needs (never more than
``MAX_SEATS``, plus ``PAGE_MARGIN``): anything else is a ``SeatPagingError``, and the
token never goes anywhere the ``Link`` points off the origin. Each seat goes to the
caller's sink as the bytes GitHub sent (one NDJSON line) the moment its page is read, and
is not kept here: only its assignee is read, to count the distinct users ``total_seats``
counts (an enterprise lists a user once per organization or team that seats them).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import msgspec

from .._core import Scope, billing_path, origin, redact
from .._errors import AccessDeniedError, ReportFormatError, SeatPagingError
from .api import RetryPolicy, _github_message, get_answer

__all__ = ["MAX_SEATS", "PAGE_MARGIN", "PER_PAGE", "SeatList", "read_billing", "read_seats"]

PER_PAGE = 100
#: Pages past ``total_seats / PER_PAGE`` a list may take (seats added while it is read).
PAGE_MARGIN = 3
#: The most seats a list is read for, whatever its ``total_seats`` claims (a claim beyond it
#: is not trusted): 10,000 pages of 100.
MAX_SEATS = 1_000_000
_NEXT = re.compile(r'<([^<>\s]{1,4096})>\s*;[^,]*?\brel="?next"?', re.IGNORECASE)

Log = Callable[[str], None]
Sink = Callable[[bytes], None]


class _User(msgspec.Struct):
    login: str | None = None
    id: int | None = None


class _Seat(msgspec.Struct):
    assignee: _User | None = None


class _Page(msgspec.Struct):
    total_seats: int
    seats: list[msgspec.Raw]


class _Assignees(msgspec.Struct):
    seats: list[_Seat]


_PAGE = msgspec.json.Decoder(_Page)
_ASSIGNEES = msgspec.json.Decoder(_Assignees)


@dataclass(frozen=True, slots=True)
class SeatList:
    """One complete reading of the seat list (its seats went to the sink, one line each)."""

    total_seats: int
    #: Seat objects read (each handed to the sink once).
    records: int
    pages: int
    #: Distinct assignees (by id, else login): what ``total_seats`` counts.
    distinct: int


def read_seats(
    client: httpx.Client,
    scope: Scope,
    *,
    policy: RetryPolicy,
    sink: Sink,
    log: Log | None = None,
) -> SeatList:
    """Every page of the scope's seat list, in order, each seat to ``sink`` as it arrives;
    errors are ours, in one line."""
    path = f"{scope.prefix}/copilot/billing/seats"
    base = str(client.base_url.join(path))
    url: str = path
    params: dict[str, str] | None = {"per_page": str(PER_PAGE), "page": "1"}
    seen: set[str] = {"1"}
    users: set[int | str] = set()
    nameless = records = pages = 0
    total: int | None = None
    claimed = MAX_SEATS
    while True:
        status, headers, body, where = get_answer(
            client, url, params=params, policy=policy, log=log, too_large=_TOO_LARGE
        )
        if status != 200:
            raise _refused(scope, status, body, client)
        page, assignees = _decode(body, where)
        del body
        pages += 1
        if len(page.seats) > PER_PAGE:
            raise SeatPagingError(
                f"page {pages} of the seat list ({redact(where)}) holds {len(page.seats)} "
                f"seats, more than the {PER_PAGE} asked for (per_page={PER_PAGE}); GitHub's "
                "API never sends more, so the list was not read further."
            )
        if total is None:
            total = page.total_seats
        # The smallest claim of any page bounds the pages; none beyond MAX_SEATS is trusted.
        claimed = min(claimed, page.total_seats)
        for raw in page.seats:
            line = bytes(raw)
            if b"\n" in line or b"\r" in line:  # pretty-printed: one line, the same content
                line = _one_line(line)
            sink(line)
        records += len(page.seats)
        for seat in assignees:
            user = seat.assignee
            if user is None:
                continue
            key = user.id if user.id is not None else user.login
            if key is None or key == "":
                nameless += 1  # a seat of nobody named: a user of its own, as it is counted
            elif isinstance(key, str) and len(key) > 256:  # no GitHub login is this long
                users.add(hashlib.sha256(key.encode()).hexdigest())
            else:
                users.add(key)
        following = _next_link(headers.get("link", ""))
        if following is None or not page.seats:  # the last page, or one past the end
            return SeatList(total, records, pages, len(users) + nameless)
        bound = -(-max(claimed, 1) // PER_PAGE) + PAGE_MARGIN
        following = urljoin(where, following)
        number = _check_next(following, base, seen, pages, bound)
        seen.add(number)
        url, params = following, None


_TOO_LARGE = (
    f"a seat list page holds at most {PER_PAGE} seats, well under a MiB, so it was refused. "
    "Check that the api-url input names GitHub's API (a proxy may rewrite the answer), then "
    "rerun"
)


def read_billing(
    client: httpx.Client, scope: Scope, *, policy: RetryPolicy, log: Log | None = None
) -> bytes | str:
    """The organization's Copilot billing object (compact JSON), or why it was not read."""
    status, _, body, where = get_answer(
        client, billing_path(scope), params=None, policy=policy, log=log
    )
    if status != 200:
        message = _github_message(body)
        return f"HTTP {status}{': ' + message if message else ''}"
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return f"the answer from {redact(where)} is not a JSON object"
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def _decode(body: bytes, where: str) -> tuple[_Page, list[_Seat]]:
    """The page with each seat's bytes, and each seat's assignee; one line if it is neither."""
    try:
        page = _PAGE.decode(body)
        assignees = _ASSIGNEES.decode(body).seats
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ReportFormatError(
            f"GitHub's seat list page from {redact(where)} is not the documented body "
            f'{{"total_seats": N, "seats": [...]}} of seat objects: {exc}.'
        ) from None
    if page.total_seats < 0:
        raise ReportFormatError(f"GitHub's seat list from {redact(where)} has total_seats < 0.")
    return page, assignees


def _one_line(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()


def _next_link(header: str) -> str | None:
    match = _NEXT.search(header)
    return match.group(1) if match else None


def _check_next(link: str, base: str, seen: set[str], pages: int, bound: int) -> str:
    """The page number a ``next`` link names, once it is found safe to follow."""
    shown = redact(link)
    if origin(link) != origin(base):
        raise SeatPagingError(
            f"the seat list's next page is on another host ({shown}); the token is never "
            "sent there, so the list stopped being read."
        )
    parts = urlsplit(link)
    if parts.path.rstrip("/") != urlsplit(base).path.rstrip("/"):
        raise SeatPagingError(
            f"the seat list's next page ({shown}) is not on the seat list's endpoint."
        )
    number = dict(parse_qsl(parts.query)).get("page", "")
    if not number.isdigit() or len(number) > 9:
        raise SeatPagingError(f"the seat list's next page ({shown}) names no page number.")
    number = str(int(number))
    if number in seen:
        raise SeatPagingError(
            f"the seat list's Link header leads back to page {number}, already read; the "
            "list would never end."
        )
    if pages >= bound:
        raise SeatPagingError(
            f"the seat list runs past {bound} pages, more than its total_seats needs at "
            f"{PER_PAGE} a page (never more than {MAX_SEATS:,} seats are read); it was not "
            "read further."
        )
    return number


def _token_kind(client: httpx.Client) -> str:
    """What kind of token the client holds, from its prefix (never the token itself)."""
    token = client.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if token.startswith("github_pat_"):
        return "fine-grained"
    if token.startswith(("ghp_", "gho_")):
        return "classic"
    if token.startswith(("ghs_", "ghu_")):
        return "app"
    return "unknown"


_ORG_NEEDS = {
    "fine-grained": 'this fine-grained token needs the organization permission "GitHub '
    'Copilot Business" (read) or "Administration" (read)',
    "classic": "this classic token needs the manage_billing:copilot or read:org scope",
    "app": 'this GitHub App token needs the organization permission "GitHub Copilot '
    'Business" (read) or "Administration" (read)',
    "unknown": 'a fine-grained token or GitHub App needs the organization permission "GitHub '
    'Copilot Business" (read) or "Administration" (read); a classic token needs '
    "manage_billing:copilot or read:org",
}
_ENTERPRISE_NEEDS = {
    "fine-grained": "this is a fine-grained token, which GitHub refuses for an enterprise's "
    "seats: use a classic token with manage_billing:copilot or read:enterprise",
    "app": "this is a GitHub App token, which GitHub refuses for an enterprise's seats: use "
    "a classic token with manage_billing:copilot or read:enterprise",
    "classic": "this classic token needs the manage_billing:copilot or read:enterprise scope",
    "unknown": "only a classic token with manage_billing:copilot or read:enterprise may read "
    "them (fine-grained and GitHub App tokens are refused)",
}


def _refused(scope: Scope, status: int, body: bytes, client: httpx.Client) -> AccessDeniedError:
    message = _github_message(body)
    said = f": {message}" if message else ""
    kind = _token_kind(client)
    if scope.kind == "enterprise":
        who = "only enterprise owners and billing managers may read an enterprise's seats"
        needs = _ENTERPRISE_NEEDS[kind]
    else:
        who = "only organization owners may read its Copilot seats"
        needs = _ORG_NEEDS[kind]
    missing = (
        f" (a 404 also means the {scope.label.split()[0]} does not exist for this token or "
        "has no Copilot subscription)"
        if status == 404
        else ""
    )
    return AccessDeniedError(
        f"GitHub refused the seat list of {scope.label} (HTTP {status}{said}){missing}: "
        f"{who}, and {needs}.",
        status=status,
        hint=f"The token's owner must be an owner; {needs}. Store it in the token input's "
        "secret and rerun.",
    )
