"""The demo's stand-in: every report kind of both demo scopes, served from ``data``.

``demo_standin(today)`` is a ``StandIn`` holding the demo's history up to the day
before yesterday, as ``demo`` and ``serve-demo`` serve it and the tests fetch it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

from . import data
from .data import DEMO_ENTERPRISE, DEMO_ORG
from .seats import demo_books
from .server import Fault, Lazy, StandIn

__all__ = ["DEMO_TOKEN", "demo_standin"]

DEMO_TOKEN = "demo-token-not-a-secret"  # noqa: S105 - the stand-in's dummy credential
#: The answer of the ``forbidden`` scenario to every API request.
_FORBIDDEN = Fault(
    status=403,
    headers=(("Content-Type", "application/json"),),
    body=json.dumps(
        {"message": "Resource not accessible by personal access token", "status": "403"}
    ).encode(),
)
#: Each scope the demo serves: its name in ``data``, login or slug, aggregate, API prefix.
_SCOPES: tuple[tuple[data.ScopeName, str, str, Literal["orgs", "enterprises"]], ...] = (
    ("org", DEMO_ORG, "organization", "orgs"),
    ("enterprise", DEMO_ENTERPRISE, "enterprise", "enterprises"),
)


def demo_standin(today: date, *, scenario: str = "ok") -> StandIn:
    """A stand-in serving the demo's history up to the day before yesterday.

    Every report kind of both scopes: the one-day kinds for each day of
    ``data.history`` (a gap day answers 404, as does yesterday, which GitHub has not
    readied yet), the 28-day kinds as the window ending on the newest day;
    ``users-1-day`` split over two or three files and ``users-28-day`` over three,
    as GitHub splits a large report.
    In the ``forbidden`` scenario every API request is refused with a 403, as
    GitHub refuses a token that lacks the "Organization Copilot metrics" permission.
    """
    standin = StandIn(token=DEMO_TOKEN)
    if scenario == "forbidden":
        standin.api_fault_always = _FORBIDDEN
    newest = data.newest_day(today)
    standin.seat_books.update(demo_books(today))
    standin.credit_owners.update(
        {f"organizations/{DEMO_ORG}": "org", f"enterprises/{DEMO_ENTERPRISE}": "enterprise"}
    )
    for scope, name, aggregate, prefix in _SCOPES:
        add = functools.partial(standin.add_report, name, scope=prefix)
        for day in data.history(today):
            add(
                day, [(_file(1), _lazy(data.aggregate_file, scope, day))],
                kind=f"{aggregate}-1-day",
            )  # fmt: skip
            parts = data.users_parts(scope, day)
            add(
                day,
                [
                    (_file(n + 1, "ndjson"), _lazy(data.users_file, scope, day, n, parts))
                    for n in range(parts)
                ],
                kind="users-1-day",
            )
            add(
                day, [(_file(1, "ndjson"), _lazy(data.user_teams_file, scope, day))],
                kind="user-teams-1-day",
            )  # fmt: skip
            add(
                day, [(_file(1, "ndjson"), _lazy(data.repos_file, scope, day))],
                kind="repos-1-day",
            )  # fmt: skip
        start = newest - timedelta(days=27)
        add(
            newest, [(_file(1), _lazy(data.rolling_file, scope, newest, today))],
            kind=f"{aggregate}-28-day", start=start,
        )  # fmt: skip
        parts = data.USERS_28_DAY_PARTS
        add(
            newest,
            [
                (
                    _file(n + 1),
                    _lazy(data.rolling_file, scope, newest, today, users=True, part=n, parts=parts),
                )
                for n in range(parts)
            ],
            kind="users-28-day",
            start=start,
        )
    return standin


def _file(n: int, extension: str = "json") -> str:
    return f"copilot-usage-report-{n}.{extension}"


def _lazy(make: Callable[..., bytes], *args: object, **kwargs: object) -> Lazy:
    return Lazy(lambda: make(*args, **kwargs))
