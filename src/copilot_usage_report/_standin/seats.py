"""The stand-in's Copilot seat lists and billing, and the demo's seats behind them.

``SeatBook`` is one scope's seat list as the stand-in serves it at
``/<orgs|enterprises>/<name>/copilot/billing/seats``: ``page_size`` seats a page (at
most the ``per_page`` asked), each page's ``Link`` header naming the next and the last,
as GitHub's do. Tests bend it: ``link`` replaces the ``Link`` of a page (a loop, another
host), ``before_page`` changes the list between pages (seats added while it is read).

``demo_books(today)`` are the demo's seats, consistent with its per-user reports
(``people``): each of the 30 users of ``octo-demo`` holds a seat assigned before their
first day of use, last active on their last active day; a few seats are the list's
own (assigned last week, never used, idle since before the reports' history, pending
cancellation). The enterprise seats its users through ``octo-demo`` and
``octo-demo-labs``; five users hold a seat through both, so they appear twice and
count once in ``total_seats``. Deterministic per calendar day.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from .people import TEAM_IDS, TEAMS, USERS, _active, _User

__all__ = ["SeatBook", "demo_books", "seat_answer"]

Seat = dict[str, Any]
Answer = tuple[int, bytes, dict[str, str]]


@dataclass
class SeatBook:
    """One scope's seats as served: the list, its ``total_seats`` and the billing object."""

    seats: list[Seat]
    #: ``None``: the distinct assignees, as GitHub counts.
    total_seats: int | None = None
    billing: dict[str, Any] | None = None
    page_size: int = 100
    #: ``(api_url, path, page, pages) -> Link header`` instead of GitHub's (tests only).
    link: Callable[[str, str, int, int], str | None] | None = None
    #: Called with the page number before each page is answered (tests only).
    before_page: Callable[[SeatBook, int], None] | None = None
    #: The pages asked, in order.
    asked: list[int] = field(default_factory=list)
    _counted: tuple[tuple[int, int], int] | None = field(default=None, repr=False)

    def total(self) -> int:
        """``total_seats``: as set, else the distinct assignees (counted once per list)."""
        if self.total_seats is not None:
            return self.total_seats
        key = (id(self.seats), len(self.seats))
        if self._counted is None or self._counted[0] != key:
            users = {s["assignee"]["id"] for s in self.seats if s.get("assignee")}
            self._counted = (key, len(users))
        return self._counted[1]


def seat_answer(
    books: dict[str, SeatBook], api_url: str, path: str, query: dict[str, list[str]]
) -> Answer | None:
    """The answer to a seats or billing request, or ``None`` when ``path`` is neither."""
    parts = path.strip("/").split("/")
    if len(parts) < 4 or parts[2:4] != ["copilot", "billing"] or len(parts) > 5:
        return None
    book = books.get(f"{parts[0]}/{parts[1].lower()}")
    if len(parts) == 4:
        if book is None or book.billing is None or parts[0] != "orgs":
            return _json(404, {"message": "Not Found", "status": "404"})
        return _json(200, book.billing)
    if parts[4] != "seats" or book is None:
        return _json(404, {"message": "Not Found", "status": "404"})
    size = max(1, min(book.page_size, _number(query, "per_page", 50)))
    page = max(1, _number(query, "page", 1))
    book.asked.append(page)
    if book.before_page is not None:
        book.before_page(book, page)
    pages = max(1, -(-len(book.seats) // size))
    chunk = book.seats[(page - 1) * size : page * size]
    status, body, headers = _json(200, {"total_seats": book.total(), "seats": chunk})
    make = book.link or _github_link
    link = make(api_url, path, page, pages)
    if link:
        headers["Link"] = link
    return status, body, headers


def _github_link(api_url: str, path: str, page: int, pages: int) -> str | None:
    """GitHub's ``Link``: ``next`` and ``last`` while there are more pages."""
    if page >= pages:
        return None
    url = f"{api_url}{path}?per_page=100&page="
    return f'<{url}{page + 1}>; rel="next", <{url}{pages}>; rel="last"'


def _number(query: dict[str, list[str]], name: str, default: int) -> int:
    text = query.get(name, [""])[0]
    return int(text) if text.isdigit() and len(text) < 7 else default


def _json(status: int, data: object) -> Answer:
    return status, json.dumps(data).encode(), {"Content-Type": "application/json"}


# -- the demo's seats ----------------------------------------------------------------------


def _stamp(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).isoformat() + "Z"


def _last_active(user: _User, today: date) -> date | None:
    """The user's last day of use up to the newest report day (none before ``since``)."""
    day = today - timedelta(days=2)
    while day >= user.since:
        if _active(user, day):
            return day
        day -= timedelta(days=1)
    return None


def _team(user_index: int) -> dict[str, Any] | None:
    for name, members in TEAMS.items():
        if user_index in members:
            return {"id": TEAM_IDS[name], "slug": name, "name": name.title()}
    return None


def _seat(
    login: str,
    uid: int,
    created: date,
    last: date | None,
    *,
    team: dict[str, Any] | None = None,
    pending: date | None = None,
    editor: str = "vscode/1.96.0/copilot/1.250.0",
    plan: str = "business",
    org: str | None = None,
) -> Seat:
    seat: Seat = {
        "created_at": _stamp(created, 9),
        "updated_at": _stamp(created, 9),
        "pending_cancellation_date": pending.isoformat() if pending else None,
        "last_activity_at": _stamp(last, 10 + uid % 8, uid % 60) if last else None,
        "last_activity_editor": editor if last else None,
        "last_authenticated_at": _stamp(last, 9, uid % 60) if last else None,
        "plan_type": plan,
        "assignee": {"login": login, "id": uid, "type": "User", "site_admin": False},
        "assigning_team": team,
    }
    if org is not None:
        seat["organization"] = {"login": org, "id": 4242 if org == "octo-demo" else 4243}
    return seat


def _user_seat(n: int, user: _User, today: date, as_of: date, **extra: Any) -> Seat | None:
    """The user's seat as of ``as_of`` (``None`` before it was assigned)."""
    editor = {"vscode": "vscode/1.96.0/copilot/1.250.0", "intellij": "JetBrains-IU/243.1"}
    created = user.since - timedelta(days=3 + n % 20)
    if created > as_of:
        return None
    return _seat(
        user.login,
        user.id,
        created,
        _last_active(user, as_of),
        team=_team(n),
        editor=editor.get(user.ide, f"{user.ide}/1.0/copilot/1.0"),
        pending=_next_month(today) if n == 4 and as_of >= today - timedelta(days=10) else None,
        **extra,
    )


def _next_month(today: date) -> date:
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _extras(today: date, as_of: date, **extra: Any) -> list[Seat]:
    """Seats of people the reports never saw: new, never used, idle, leaving."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    leaving = _next_month(today) if as_of >= ago(10) else None
    made = [
        ("newbie-one-octo", 390001, ago(5), None, None),
        ("newbie-two-octo", 390002, ago(3), ago(1), None),
        ("ghost-one-octo", 390003, ago(90), None, None),
        ("ghost-two-octo", 390004, ago(45), None, None),
        ("idle-one-octo", 390005, ago(200), ago(150), None),
        ("idle-two-octo", 390006, ago(260), ago(135), None),
        ("leaving-octo", 390007, ago(300), ago(140), leaving),
    ]
    return [
        _seat(login, uid, created, last if last and last <= as_of else None, pending=p, **extra)
        for login, uid, created, last, p in made
        if created <= as_of
    ]


def demo_books(today: date, as_of: date | None = None) -> dict[str, SeatBook]:
    """The demo's seat lists by ``orgs/<org>`` and ``enterprises/<slug>``, as GitHub would
    have listed them on ``as_of`` (default: today)."""
    day = as_of or today
    org_seats = [_user_seat(n, u, today, day) for n, u in enumerate(USERS[:30])]
    org_seats += _extras(today, day)
    enterprise = [
        _user_seat(n, u, today, day, org="octo-demo" if n < 30 else "octo-demo-labs")
        for n, u in enumerate(USERS)
    ]
    enterprise += [  # five of octo-demo's users hold a seat through octo-demo-labs too
        _user_seat(n, u, today, day, org="octo-demo-labs")
        for n, u in enumerate(USERS[:30])
        if n >= 25
    ]
    enterprise += _extras(today, day, org="octo-demo")
    org = [s for s in org_seats if s is not None]
    month = _stamp(day - timedelta(days=28), 0)
    active = sum(1 for s in org if (s["last_activity_at"] or "") >= month)
    billing = {
        "seat_breakdown": {
            "total": len(org),
            "added_this_cycle": sum(1 for s in org if s["created_at"] >= month),
            "pending_invitation": 0,
            "pending_cancellation": sum(1 for s in org if s["pending_cancellation_date"]),
            "active_this_cycle": active,
            "inactive_this_cycle": len(org) - active,
        },
        "seat_management_setting": "assign_selected",
        "ide_chat": "enabled",
        "platform_chat": "enabled",
        "cli": "enabled",
        "public_code_suggestions": "block",
        "plan_type": "business",
    }
    return {
        "orgs/octo-demo": SeatBook(org, billing=billing),
        "enterprises/octo-demo-enterprise": SeatBook(
            [s for s in enterprise if s is not None], page_size=25
        ),
    }


def book_lines(book: SeatBook) -> bytes:
    """The seats of a book as the archive keeps them: one JSON document a line."""
    return b"".join(json.dumps(seat).encode() + b"\n" for seat in book.seats)
