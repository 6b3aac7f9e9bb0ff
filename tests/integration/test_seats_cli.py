"""The seat list (``--report copilot-seats``) through the real CLI against loopback servers.

Pages along ``Link`` headers, a ``Link`` that leaves the origin (the token never follows),
loops or runs long, a list that changes while it is read, 403/404 in each token kind's
words, an enterprise's duplicate seat objects, and a day other than today refused before
any request. Expected numbers are computed here from the seats served, not by the tool.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._standin.seats import SeatBook
from copilot_usage_report._standin.server import Fault, StandIn

CLASSIC = "ghp_SEATSTOKEN1234567890"
FINE = "github_pat_SEATSTOKEN1234567890"
NOW = datetime.now(UTC)
TODAY = NOW.date()


def _stamp(days_ago: float | None) -> str | None:
    if days_ago is None:
        return None
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def seat(uid: int, assigned: float, last: float | None, **extra: Any) -> dict[str, Any]:
    """A seat as GitHub documents it, assigned and last used so many days ago."""
    return {
        "created_at": _stamp(assigned),
        "updated_at": _stamp(assigned),
        "pending_cancellation_date": extra.pop("pending", None),
        "last_activity_at": _stamp(last),
        "last_activity_editor": "vscode/1.96.0" if last is not None else None,
        "last_authenticated_at": _stamp(last),
        "plan_type": extra.pop("plan", "business"),
        "assignee": {"login": f"user-{uid}", "id": uid, "type": "User"},
        "assigning_team": extra.pop("team", None),
        **extra,
    }


def many(count: int) -> list[dict[str, Any]]:
    """``count`` seats of every sort: used lately, idle, never used, new, leaving."""
    seats = []
    for n in range(count):
        last = (None, 2.0, 10.0, 50.0, 200.0)[n % 5]
        assigned = (3.0, 40.0, 100.0, 400.0)[n % 4]
        pending = "2027-01-01" if n % 7 == 0 else None
        seats.append(seat(1000 + n, assigned, last, pending=pending))
    return seats


def fetch(run_cli, api_url: str, tmp_path: Path, *args: str, token: str = CLASSIC, **env: str):
    scope = () if "--enterprise" in args else ("--org", "my-org")
    return run_cli(
        "fetch",
        *scope,
        "--report",
        "copilot-seats",
        "--retries",
        "0",
        *args,
        env={
            "INPUT_TOKEN": token,
            "INPUT_API_URL": api_url,
            "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
            **env,
        },
        actions=True,
    )


def snapshot(tmp_path: Path, scope: str = "orgs/my-org") -> Path:
    return tmp_path / "out" / scope / "copilot-seats" / TODAY.isoformat()


def expected(seats: list[dict[str, Any]], inactive_days: int = 30) -> dict[str, int]:
    """The outputs, counted here: once per assignee, from the served fields."""
    users: dict[int, dict[str, Any]] = {}
    for s in seats:
        users.setdefault(s["assignee"]["id"], s)
    idle_since = NOW - timedelta(days=inactive_days)

    def when(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None

    lately = [when(s["last_activity_at"]) for s in users.values()]
    active = sum(1 for t in lately if t is not None and t > NOW - timedelta(28))
    inactive = 0
    for s in users.values():
        last, assigned = when(s["last_activity_at"]), when(s["created_at"])
        idle = last is None or last <= idle_since
        inactive += idle and assigned is not None and assigned <= idle_since
    return {
        "seats-total": len(users),
        "seats-active": active,
        "seats-inactive": inactive,
        "seats-never-used": sum(1 for s in users.values() if s["last_activity_at"] is None),
        "seats-pending-cancellation": sum(
            1 for s in users.values() if s["pending_cancellation_date"]
        ),
    }


def test_pages_follow_link_and_are_kept_as_sent(run_cli, tmp_path):
    """Three pages along ``Link``: every seat kept byte for byte, the manifest says how many."""
    seats = many(25)
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(seats, page_size=10, billing={"seat_breakdown": {"total": 25}})
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
        origin = standin.api_url
    assert run.code == 0, run.stderr
    assert book.asked == [1, 2, 3]
    folder = snapshot(tmp_path)
    lines = (folder / "seats.ndjson").read_bytes().splitlines()
    assert lines == [json.dumps(s).encode() for s in seats]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["report"], manifest["report_day"]) == ("copilot-seats", TODAY.isoformat())
    assert (manifest["total_seats"], manifest["pages"]) == (25, 3)
    assert manifest["scope"] == {"kind": "org", "name": "my-org"}
    assert manifest["api_origin"] == origin
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert (entry["size"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert json.loads((folder / "billing.json").read_text()) == {"seat_breakdown": {"total": 25}}
    want = expected(seats)
    assert {name: int(run.outputs[name]) for name in want} == want
    metrics = json.loads(run.outputs["metrics"])["seats"]
    assert metrics["total_seats"] == 25 and metrics["seats_inactive"] == want["seats-inactive"]
    assert metrics["inactive_seats_monthly_cost_usd"] == 19 * want["seats-inactive"]
    assert "### Seats" in run.summary and "at list price" in run.summary
    assert "user-10" not in run.summary + json.dumps(run.outputs)  # no login, unless asked


def test_seat_price_and_inactive_days_change_the_numbers(run_cli, tmp_path):
    """``seat-price`` replaces the list price, ``inactive-days`` the idle threshold."""
    seats = many(20)
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(seats)
        run = fetch(
            run_cli, standin.api_url, tmp_path, INPUT_SEAT_PRICE="10.5", INPUT_INACTIVE_DAYS="5"
        )
    assert run.code == 0, run.stderr
    want = expected(seats, inactive_days=5)
    assert int(run.outputs["seats-inactive"]) == want["seats-inactive"]
    metrics = json.loads(run.outputs["metrics"])["seats"]
    assert metrics["inactive_seats_monthly_cost_usd"] == pytest.approx(
        10.5 * want["seats-inactive"]
    )
    assert metrics["at_list_price"] is False
    assert "at list price" not in run.summary


def _card(page: str, label: str) -> tuple[int, str]:
    """A card of the page's Seats section: its number and its note."""
    found = re.search(
        rf'data-metric="{label}"><div class="muted">{label}</div><div class="v">([0-9,]+)</div>'
        r'<div class="muted">([^<]*)</div>',
        page,
    )
    assert found is not None, label
    return int(found.group(1).replace(",", "")), found.group(2)


def _inactive(seats: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    """The served seats (once per assignee) idle and assigned ``days`` days, counted here."""
    since = NOW - timedelta(days=days)
    users: dict[int, dict[str, Any]] = {}
    for s in seats:
        users.setdefault(s["assignee"]["id"], s)

    def when(text: str | None) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else since

    return [
        s
        for s in users.values()
        if when(s["last_activity_at"]) <= since and when(s["created_at"]) <= since
    ]


def test_every_place_that_counts_inactive_seats_agrees(run_cli, tmp_path):
    """For several inactive-days and seat-prices the fetch's outputs and summary, the history
    database and its page count the same inactive seats at the same price, as counted here;
    the history reads no snapshot again for another threshold."""
    seats = [
        *many(25),
        seat(2001, 120.0, None, plan="enterprise"),
        seat(2002, 60.0, 40.0, plan="enterprise", pending="2027-01-01"),
        seat(2003, 10.0, None, plan="enterprise"),
    ]
    list_price = {"business": 19.0, "enterprise": 39.0}
    history = tmp_path / "history"
    seen: set[int] = set()
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(seats)
        for n, (days, price) in enumerate([(5, ""), (30, "10.5"), (45, ""), (150, "7")]):
            run = fetch(
                run_cli, standin.api_url, tmp_path,
                INPUT_INACTIVE_DAYS=str(days), INPUT_SEAT_PRICE=price,
            )  # fmt: skip
            assert run.code == 0, run.stderr
            inactive = _inactive(seats, days)
            reclaim = [s for s in inactive if not s["pending_cancellation_date"]]

            def cost(of: list[dict[str, Any]], price: str = price) -> float:
                return sum(float(price) if price else list_price[s["plan_type"]] for s in of)

            seen.add(len(inactive))
            assert int(run.outputs["seats-inactive"]) == len(inactive), days
            metrics = json.loads(run.outputs["metrics"])["seats"]
            assert metrics["seats_inactive"] == len(inactive)
            assert metrics["inactive_days"] == days
            assert metrics["inactive_seats_monthly_cost_usd"] == pytest.approx(cost(inactive))
            assert f"Inactive ({days} days or more" in run.summary
            assert f"The {len(inactive)} inactive seat(s) cost" in run.summary

            price_args = ("--seat-price", price) if price else ()
            built = run_cli(
                "history", str(tmp_path / "out"), "--out", str(history),
                "--inactive-days", str(days), *price_args,
            )  # fmt: skip
            assert built.code == 0, built.stderr
            if n:  # another threshold: no snapshot read again
                assert "0 new report file(s) read" in built.stdout, built.stdout
            with sqlite3.connect(history / "copilot-usage.sqlite") as db:
                stored = db.execute("SELECT inactive, inactive_days FROM seat_days").fetchall()
            assert stored == [(len(inactive), days)]
            page = (history / "index.html").read_text("utf-8")
            assert _card(page, "Inactive seats") == (
                len(inactive),
                f"no activity for {days}+ days, assigned as long ago",
            )
            basis = f"at {float(price):g} USD a seat" if price else "at list price"
            assert _card(page, "Reclaimable seats") == (
                len(reclaim),
                f"{cost(reclaim):,.0f} USD a month {basis}",
            )
    assert len(seen) == 4  # each threshold counts other seats


def test_history_refuses_a_bad_threshold_before_writing(run_cli, tmp_path):
    """``history --inactive-days 0`` and ``--seat-price`` of no price exit 2, writing nothing."""
    (tmp_path / "archive").mkdir()
    for flag, value in (("--inactive-days", "0"), ("--seat-price", "ten")):
        run = run_cli(
            "history", str(tmp_path / "archive"), "--out", str(tmp_path / "h"), flag, value
        )
        assert run.code == 2, run.stderr
        assert flag[2:] in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert not (tmp_path / "h").exists()


def test_link_to_another_origin_is_not_followed(run_cli, tmp_path):
    """A ``next`` on another host fails in one line; that host never sees a request."""
    with StandIn(token=CLASSIC) as elsewhere, StandIn(token=CLASSIC) as standin:
        target = f"{elsewhere.api_url}/orgs/my-org/copilot/billing/seats?page=2"
        book = SeatBook(many(15), page_size=10, link=lambda *_: f'<{target}>; rel="next"')
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
        assert elsewhere.requests == []
    assert run.code == 1
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1 and "another host" in errors[0], run.stderr
    assert run.outputs["error-type"] == "SeatPagingError"
    assert not snapshot(tmp_path).exists()


def _endless(api: str, path: str, page: int, pages: int) -> str:
    return f'<{api}{path}?page={page + 1}>; rel="next"'


@pytest.mark.parametrize(
    ("link", "words"),
    [
        (lambda api, path, page, pages: f'<{api}{path}?page=1>; rel="next"', "back to page 1"),
        (_endless, "runs past"),
    ],
    ids=["loop", "endless"],
)
def test_link_that_loops_or_runs_long_fails(run_cli, tmp_path, link, words):
    """A ``Link`` back to a page read, or past ``total_seats``' pages, ends the read."""
    with StandIn(token=CLASSIC) as standin:
        # Full pages past the five seats total_seats claims: one page needed, three more allowed.
        book = SeatBook(many(80), total_seats=5, page_size=10, link=link)
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 1
    assert words in run.outputs["error"], run.outputs
    assert len(book.asked) <= 1 + 3  # the one page total_seats needs, and the margin
    assert not snapshot(tmp_path).exists()


def test_empty_page_ends_the_list(run_cli, tmp_path):
    """A ``next`` link on every page, past the end too: the first empty page ends the list."""
    seats = many(25)
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(seats, total_seats=10**15, page_size=10, link=_endless)
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert book.asked == [1, 2, 3, 4, 1, 2, 3, 4]  # read twice (users against total_seats)
    assert run.code == 0, run.stderr
    lines = (snapshot(tmp_path) / "seats.ndjson").read_bytes().splitlines()
    assert lines == [json.dumps(s).encode() for s in seats]
    assert "read twice" in run.stderr


def test_relative_link_is_followed_on_the_api(run_cli, tmp_path):
    """A relative ``next`` (RFC 8288) is resolved against the page's URL and followed."""

    def relative(api: str, path: str, page: int, pages: int) -> str | None:
        return f'<?per_page=100&page={page + 1}>; rel="next"' if page < pages else None

    seats = many(25)
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(seats, page_size=10, link=relative)
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 0, run.stderr
    assert book.asked == [1, 2, 3]
    lines = (snapshot(tmp_path) / "seats.ndjson").read_bytes().splitlines()
    assert lines == [json.dumps(s).encode() for s in seats]


def test_assignee_id_zero_is_a_user(run_cli, tmp_path):
    """A seat whose assignee ``id`` is 0 is counted like any other: one user, once."""
    seats = [seat(0, 40.0, None), seat(1, 40.0, 2.0)]
    seats[0]["assignee"]["login"] = ""
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(seats, total_seats=2)
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 0, run.stderr
    assert book.asked == [1]  # two users, as total_seats says: not read again
    assert "read twice" not in run.stderr and "changed while" not in run.stderr
    assert int(run.outputs["seats-total"]) == 2
    assert int(run.outputs["seats-never-used"]) == 1


def test_page_over_the_size_bound_says_it_is_a_seat_page(run_cli, tmp_path):
    """A seat page over 4 MiB is refused in one line about seat pages, not link lists."""
    seats = [seat(1, 40.0, 2.0, padding="x" * (4 * 1024 * 1024 + 10))]
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(seats)
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 1
    errors = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    assert len(errors) == 1, run.stderr
    assert "larger than 4 MiB; a seat list page holds at most 100 seats" in errors[0]
    assert "report link list" not in errors[0]
    assert "api-url" in errors[0]
    assert not snapshot(tmp_path).exists()


def test_list_that_changes_while_read_is_read_once_more(run_cli, tmp_path):
    """A mismatch of users and ``total_seats`` reads the list again; the second one is kept."""
    seats = many(20)
    with StandIn(token=CLASSIC) as standin:

        def settle(book: SeatBook, page: int) -> None:
            if book.asked.count(1) == 2:  # the second reading sees the list settled
                book.total_seats = None

        book = SeatBook(seats, page_size=10, total_seats=21, before_page=settle, billing={})
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 0, run.stderr
    assert book.asked == [1, 2, 1, 2]
    assert "::warning" not in run.stderr
    assert json.loads((snapshot(tmp_path) / "manifest.json").read_text())["total_seats"] == 20


def test_list_that_still_differs_is_kept_with_a_warning(run_cli, tmp_path):
    """A second mismatch keeps the list and warns by how much it differs."""
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(many(20), page_size=10, total_seats=23, billing={})
        standin.seat_books["orgs/my-org"] = book
        run = fetch(run_cli, standin.api_url, tmp_path)
    assert run.code == 0, run.stderr
    assert book.asked == [1, 2, 1, 2]
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("::warning")]
    assert len(warnings) == 1 and "(-3)" in warnings[0], run.stderr
    assert len((snapshot(tmp_path) / "seats.ndjson").read_bytes().splitlines()) == 20
    assert run.outputs["seats-total"] == "23"


def test_enterprise_duplicate_seat_objects_count_once(run_cli, tmp_path):
    """A user seated through two organizations has two objects, counted once; no re-read."""
    seats = [
        seat(1, 100, 1, organization={"login": "a"}),
        seat(2, 100, None, organization={"login": "a"}),
        seat(1, 50, 40, organization={"login": "b"}),
        seat(3, 60, 45, organization={"login": "b"}),
    ]
    with StandIn(token=CLASSIC) as standin:
        book = SeatBook(seats, page_size=3)
        standin.seat_books["enterprises/acme"] = book
        run = fetch(run_cli, standin.api_url, tmp_path, "--enterprise", "acme")
    assert run.code == 0, run.stderr
    assert book.asked == [1, 2]
    folder = snapshot(tmp_path, "enterprises/acme")
    assert len((folder / "seats.ndjson").read_bytes().splitlines()) == 4
    assert not (folder / "billing.json").exists()  # an enterprise has no billing object
    assert run.outputs["seats-total"] == "3"
    # user 1: last active a day ago through org a (the latest of both objects): active
    assert run.outputs["seats-active"] == "1"
    assert run.outputs["seats-inactive"] == "2"  # user 2 never used it, user 3 idle 45 days


ORG_403 = [
    (FINE, '"GitHub Copilot Business" (read) or "Administration" (read)'),
    (CLASSIC, "manage_billing:copilot or read:org scope"),
    ("ghs_SEATSAPPTOKEN1234567890", "GitHub App token needs the organization permission"),
]


@pytest.mark.parametrize(("token", "words"), ORG_403, ids=["fine-grained", "classic", "app"])
@pytest.mark.parametrize("status", [403, 404])
def test_refused_organization_seats_name_the_permission(run_cli, tmp_path, token, words, status):
    """403 and 404 name what this kind of token needs, and that only owners may read seats."""
    with StandIn(token=token) as standin:
        body = json.dumps({"message": "Resource not accessible"}).encode()
        standin.api_faults.append(Fault(status=status, body=body))
        run = fetch(run_cli, standin.api_url, tmp_path, token=token)
    assert run.code == 1
    message = run.outputs["error"]
    assert words in message and "only organization owners" in message, message
    assert ("has no Copilot subscription" in message) == (status == 404)
    assert run.outputs["error-type"] == "AccessDeniedError"
    said = [ln for ln in run.stderr.splitlines() if not ln.startswith("::add-mask::")]
    assert token not in "\n".join(said) + run.stdout + json.dumps(run.outputs)


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (FINE, "fine-grained token, which GitHub refuses"),
        ("ghs_SEATSAPPTOKEN1234567890", "GitHub App token, which GitHub refuses"),
        (CLASSIC, "manage_billing:copilot or read:enterprise scope"),
    ],
    ids=["fine-grained", "app", "classic"],
)
def test_refused_enterprise_seats_say_a_classic_token_is_needed(run_cli, tmp_path, token, words):
    """An enterprise's 403 says only a classic token may read its seats."""
    with StandIn(token=token) as standin:
        standin.api_faults.append(Fault(status=403, body=b'{"message": "Forbidden"}'))
        run = fetch(run_cli, standin.api_url, tmp_path, "--enterprise", "acme", token=token)
    assert run.code == 1
    assert words in run.outputs["error"], run.outputs["error"]
    assert "enterprise owners and billing managers" in run.outputs["error"]


@pytest.mark.parametrize("day", ["yesterday", "2026-01-05", "last-7-days"])
def test_a_day_other_than_today_is_refused_before_any_request(run_cli, tmp_path, day):
    """The seat list is today's only: any other day exits 2 saying why, nothing sent."""
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(many(3))
        run = fetch(run_cli, standin.api_url, tmp_path, "--day", day)
        assert standin.requests == []
    assert run.code == 2
    assert "snapshot of today only" in run.outputs["error"], run.outputs
    assert "day: latest" in run.outputs["error"]  # in the workflow's spelling


def test_today_by_its_date_is_accepted(run_cli, tmp_path):
    """Today's date asks for the same snapshot as ``latest``."""
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook(many(3))
        run = fetch(run_cli, standin.api_url, tmp_path, "--day", TODAY.isoformat())
    assert run.code == 0, run.stderr
    assert run.outputs["seats-total"] == "3"


def test_summarize_over_an_archive_holding_a_seat_list_reads_its_reports(run_cli, tmp_path):
    """A seat list beside the usage reports is no report ``summarize`` reads: the archive's
    summary is the reports', exit 0 (it failed as "no Copilot usage record")."""
    day = TODAY - timedelta(days=2)
    record = {
        "day": day.isoformat(),
        "organization_id": "1",
        "daily_active_users": 7,
        "code_generation_activity_count": 3,
    }
    with StandIn(token=CLASSIC) as standin:
        standin.seat_books["orgs/my-org"] = SeatBook([seat(1, 40.0, 2.0)], page_size=10)
        standin.add_report("my-org", day, [("day.ndjson", json.dumps(record).encode() + b"\n")])
        seats = fetch(run_cli, standin.api_url, tmp_path)
        usage = fetch(
            run_cli,
            standin.api_url,
            tmp_path,
            "--report",
            "organization-1-day",
            "--day",
            day.isoformat(),
        )
    assert seats.code == 0, seats.stderr[-2000:]
    assert usage.code == 0, usage.stderr[-2000:]
    summary = run_cli("summarize", str(tmp_path / "out"), "--json")
    assert summary.code == 0, summary.stderr[-2000:]
    assert json.loads(summary.stdout)["days"][0]["daily_active_users"] == 7
