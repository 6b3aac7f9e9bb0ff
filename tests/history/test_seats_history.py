"""The seats in the history: rows per seat and per day, and the numbers derived from them.

The archive is written here by hand (three snapshots, one aggregate day, one per-user day),
and every expected number is worked out below from the seats as written, not by the tool.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import statistics
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report.history import build
from tests.history import _browser

REFERENCE = Path(__file__).parents[1] / "fixtures" / "reference"
D1, D2, D3 = "2026-10-01", "2026-10-15", "2026-11-20"


def _seat(uid: int, assigned: str, last: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "created_at": f"{assigned}T09:00:00Z",
        "pending_cancellation_date": extra.get("pending"),
        "last_activity_at": f"{last}T10:00:00Z" if last else None,
        "last_activity_editor": "vscode" if last else None,
        "plan_type": extra.get("plan", "business"),
        "assignee": {"login": f"login-{uid}", "id": uid},
        "assigning_team": {"slug": extra["team"], "name": extra["team"]}
        if "team" in extra
        else None,
    }


U1 = ("2026-09-01", "2026-11-19")  # assigned before the archive's span, active
U6 = dict(pending="2026-12-01")
SNAPSHOTS = {
    D1: [
        _seat(1, *U1),
        _seat(2, "2026-10-01", None),
        _seat(6, "2026-09-15", "2026-09-20"),
        _seat(7, "2026-09-15", "2026-10-01", plan="enterprise", team="core"),
    ],
    D2: [
        _seat(1, *U1),
        _seat(2, "2026-10-01", "2026-10-10"),
        _seat(3, "2026-10-02", None),
        _seat(4, "2026-10-14", "2026-10-14"),
        _seat(6, "2026-09-15", "2026-09-20"),
        _seat(7, "2026-09-15", "2026-10-01", plan="enterprise", team="core"),
    ],
    D3: [
        _seat(1, *U1),
        _seat(2, "2026-10-01", "2026-10-10"),
        _seat(3, "2026-10-02", None),
        _seat(5, "2026-11-10", "2026-11-12"),
        _seat(6, "2026-09-15", "2026-09-20", **U6),
        _seat(7, "2026-09-15", "2026-10-01", plan="enterprise", team="core"),
    ],
}
#: The per-user report: user 2 was active on 2026-10-05, before the seat's first activity.
USERS_DAY = "2026-10-05"
DAU = 3


def _folder(root: Path, report: str, day: str, files: dict[str, bytes], **extra: Any) -> None:
    folder = root / "orgs" / "acme" / report / day
    folder.mkdir(parents=True)
    entries = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        entries.append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
             "link": "https://api.github.com/x", "records": data.count(b"\n")}
        )  # fmt: skip
    manifest = {
        "manifest_version": 2, "tool": "hand", "scope": {"kind": "org", "name": "acme"},
        "report": report, "report_day": day, "api_origin": "https://api.github.com",
        "files": entries, **extra,
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _snapshot(root: Path, day: str, seats: list[dict[str, Any]]) -> None:
    lines = b"".join(json.dumps(s).encode() + b"\n" for s in seats)
    _folder(
        root, "copilot-seats", day, {"seats.ndjson": lines},
        taken_at=f"{day}T12:00:00Z", total_seats=len(seats), pages=1,
    )  # fmt: skip


def _archive(root: Path) -> Path:
    for day, seats in SNAPSHOTS.items():
        _snapshot(root, day, seats)
    org = json.loads((REFERENCE / "example-organization-1-day.ndjson").read_text().splitlines()[0])
    org |= {"day": D3, "daily_active_users": DAU}
    _folder(root, "organization-1-day", D3, {"org.ndjson": json.dumps(org).encode() + b"\n"})
    user = json.loads((REFERENCE / "example-users-1-day.ndjson").read_text().splitlines()[0])
    user |= {"day": USERS_DAY, "user_id": 2, "user_login": "login-2"}
    _folder(root, "users-1-day", USERS_DAY, {"users.ndjson": json.dumps(user).encode() + b"\n"})
    return root


def _expected() -> dict[str, Any]:
    """The derived numbers, worked out from ``SNAPSHOTS`` alone."""
    first_seen: dict[int, str] = {}
    first_activity: dict[int, str] = {}
    assigned: dict[int, str] = {}
    for day, seats in sorted(SNAPSHOTS.items()):
        for s in seats:
            uid = s["assignee"]["id"]
            first_seen.setdefault(uid, day)
            assigned.setdefault(uid, s["created_at"][:10])
            if s["last_activity_at"]:
                first_activity.setdefault(uid, s["last_activity_at"][:10])
    first_used = dict(first_activity)
    first_used[2] = min(first_used[2], USERS_DAY)
    span = min(D1, USERS_DAY)
    newest = date.fromisoformat(D3)
    inside = [u for u in assigned if assigned[u] >= span]
    waits = [
        (date.fromisoformat(first_used[u]) - date.fromisoformat(assigned[u])).days
        for u in inside
        if u in first_used
    ]
    base = [u for u in inside if date.fromisoformat(assigned[u]) <= newest - timedelta(30)]
    activated = [
        u
        for u in base
        if u in first_used
        and (date.fromisoformat(first_used[u]) - date.fromisoformat(assigned[u])).days <= 30
    ]
    reclaim = []
    for s in SNAPSHOTS[D3]:
        last = s["last_activity_at"]
        idle = last is None or date.fromisoformat(last[:10]) <= newest - timedelta(30)
        old = date.fromisoformat(s["created_at"][:10]) <= newest - timedelta(30)
        if idle and old and not s["pending_cancellation_date"]:
            reclaim.append(s)
    price = {"business": 19, "enterprise": 39}
    return {
        "median": statistics.median(waits),
        "activation": round(100 * len(activated) / len(base), 1),
        "reclaimable": len(reclaim),
        "cost": sum(price[s["plan_type"]] for s in reclaim),
        "utilisation": round(100 * DAU / len(SNAPSHOTS[D3]), 1),
        "first_used": first_used,
        "first_seen": first_seen,
    }


@pytest.fixture
def built(tmp_path: Path):
    archive = _archive(tmp_path / "archive")
    result = build([archive], tmp_path / "site")
    return archive, result, sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")


def test_one_row_per_seat_and_per_day(built):
    """Seats are rows of their own (first seen, removed, last seen); each snapshot a day row."""
    _, _, db = built
    want = _expected()
    rows = {
        r[0]: r[1:]
        for r in db.execute(
            "SELECT user_id, first_seen, last_seen, removed, first_used, user_login FROM seats"
        )
    }
    assert set(rows) == {1, 2, 3, 4, 5, 6, 7}
    for uid, (seen, _, _, used, login) in rows.items():
        assert seen == want["first_seen"][uid] and used == want["first_used"].get(uid)
        assert login is None  # no login unless asked
    assert rows[4][1:3] == (D2, D3)  # last seen on D2, gone on D3
    assert all(r[2] is None for u, r in rows.items() if u != 4)
    days = db.execute("SELECT day, total_seats, added, removed FROM seat_days ORDER BY day")
    assert days.fetchall() == [(D1, 4, 4, 0), (D2, 6, 2, 0), (D3, 6, 1, 1)]


def test_derived_numbers_match_a_count_by_hand(built, tmp_path):
    """Utilisation, median days to first use, activation rate, reclaimable seats and cost."""
    _, _, db = built
    from copilot_usage_report.history._seatview import read_seat_views

    view = read_seat_views(db, logins=False)["orgs/acme"]
    want = _expected()
    assert view.median_days_to_first_use == want["median"]
    assert view.activation_rate == want["activation"]
    assert (view.reclaimable, view.reclaimable_cost) == (want["reclaimable"], want["cost"])
    assert view.utilisation == want["utilisation"]
    # user 2: idle 41 days; user 3: never used; user 7: idle 50 days (team core)
    assert dict(((r[0], r[1]), r[2:]) for r in view.inactive.rows) == {
        ("(no team)", "business"): (1, 0, 0, 0, 1, 2),
        ("core", "enterprise"): (1, 0, 0, 0, 0, 1),
    }
    csv_lines = (tmp_path / "site" / "seats.csv").read_text().splitlines()
    assert len(csv_lines) == 1 + len(SNAPSHOTS[D3]) and "login" not in csv_lines[0]


def test_an_unchanged_day_adds_a_row_of_totals_only(built, tmp_path):
    """A fourth snapshot equal to the third changes no seat row; a rebuild reads nothing."""
    archive, _, db = built
    before = db.execute("SELECT * FROM seats ORDER BY scope, user_key").fetchall()
    _snapshot(archive, "2026-11-21", SNAPSHOTS[D3])
    again = build([archive], tmp_path / "site")
    assert again.added == 1
    db = sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")
    assert db.execute("SELECT * FROM seats ORDER BY scope, user_key").fetchall() == before
    assert db.execute("SELECT COUNT(*) FROM seat_days").fetchone()[0] == 4
    assert build([archive], tmp_path / "site").added == 0


def test_an_earlier_day_arriving_late_gives_the_rows_of_a_first_build(built, tmp_path):
    """A snapshot older than the newest applied rebuilds the scope: same rows as from scratch."""
    archive, _, _ = built
    _snapshot(archive, "2026-10-20", SNAPSHOTS[D2])
    build([archive], tmp_path / "site")
    fresh = build([archive], tmp_path / "fresh")
    assert fresh.database is not None
    rows = [
        sqlite3.connect(fresh.database).execute("SELECT * FROM seats ORDER BY user_key").fetchall()
    ]
    late = sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")
    assert late.execute("SELECT * FROM seats ORDER BY user_key").fetchall() == rows[0]


def test_logins_only_when_asked(tmp_path):
    """``--show-logins`` puts logins in the seats table, seats.csv and the inactive table."""
    archive = _archive(tmp_path / "archive")
    build([archive], tmp_path / "site", show_logins=True)
    text = (tmp_path / "site" / "index.html").read_text()
    assert "login-3" in text and "login-7" in text
    assert (tmp_path / "site" / "seats.csv").read_text().startswith("scope,login,")


def test_an_archive_without_seats_has_no_seat_tables(tmp_path):
    """Without snapshots the database, the files and the page are as they were."""
    archive = _archive(tmp_path / "archive")
    for day in SNAPSHOTS:
        for path in (archive / "orgs" / "acme" / "copilot-seats" / day).iterdir():
            path.unlink()
        (archive / "orgs" / "acme" / "copilot-seats" / day).rmdir()
    build([archive], tmp_path / "site")
    db = sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert not {"seats", "seat_days", "users_by_user"} & tables
    assert not (tmp_path / "site" / "seats.csv").exists()
    assert "Seats" not in (tmp_path / "site" / "index.html").read_text()


@pytest.mark.skipif(_browser.chromium() is None, reason="needs Debian's chromium")
def test_the_seats_section_in_chromium(built, tmp_path):
    """The page's Seats section renders in Chromium with no console message, login-free."""
    _, result, _ = built
    loaded = _browser.load(result.page, tmp_path)
    assert loaded.console == []
    assert 'data-chart="seats"' in loaded.dom and 'data-table="inactive-seats"' in loaded.dom
    cost = _expected()["cost"]
    assert "Reclaimable seats" in loaded.dom and f"{cost} USD a month at list price" in loaded.dom
    assert "login-" not in loaded.dom


def test_snapshots_as_the_history_branch_keeps_them_give_the_same_rows(built, tmp_path):
    """On the branch a seat list is per-user data, gzip-compressed: the same rows come of it."""
    from copilot_usage_report.history._stage import is_per_user

    assert is_per_user("copilot-seats")  # kept on the branch only with history-per-user
    archive, _, db = built
    plain = db.execute("SELECT * FROM seats ORDER BY user_key").fetchall()
    for day in SNAPSHOTS:
        folder = archive / "orgs" / "acme" / "copilot-seats" / day
        data = (folder / "seats.ndjson").read_bytes()
        packed = gzip.compress(data, mtime=0)
        (folder / "seats.ndjson").unlink()
        (folder / "seats.ndjson.gz").write_bytes(packed)
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"] = [
            {"name": "seats.ndjson.gz", "size": len(packed),
             "sha256": hashlib.sha256(packed).hexdigest()}
        ]  # fmt: skip
        (folder / "manifest.json").write_text(json.dumps(manifest))
    result = build([archive], tmp_path / "branch")
    assert result.database is not None
    db = sqlite3.connect(result.database)
    assert db.execute("SELECT * FROM seats ORDER BY user_key").fetchall() == plain


def _inactive_by_hand(seats: list[dict[str, Any]], day: str, days: int) -> list[dict[str, Any]]:
    """The seats of a snapshot taken at ``day`` 12:00 UTC idle and assigned ``days`` days."""
    since = datetime.fromisoformat(f"{day}T12:00:00+00:00") - timedelta(days=days)

    def when(text: str | None) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else since

    return [
        s for s in seats if when(s["last_activity_at"]) <= since and when(s["created_at"]) <= since
    ]


@pytest.mark.parametrize(("days", "price"), [(5, None), (30, 10.5), (45, None), (200, 7.0)])
def test_the_threshold_and_price_apply_without_reading_a_snapshot_again(
    built, tmp_path, days, price
):
    """Another inactive-days or seat-price reads no snapshot again; seat_days.inactive, the
    inactive and reclaimable seats and their cost follow it, as counted by hand."""
    archive, _, _ = built
    again = build([archive], tmp_path / "site", inactive_days=days, seat_price=price)
    assert again.added == 0
    db = sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")
    stored = db.execute("SELECT day, inactive, inactive_days FROM seat_days ORDER BY day")
    assert stored.fetchall() == [
        (day, len(_inactive_by_hand(seats, day, days)), days) for day, seats in SNAPSHOTS.items()
    ]
    from copilot_usage_report.history._seatview import read_seat_views

    view = read_seat_views(db, logins=False, inactive_days=days, seat_price=price)["orgs/acme"]
    inactive = _inactive_by_hand(SNAPSHOTS[D3], D3, days)
    reclaim = [s for s in inactive if not s["pending_cancellation_date"]]
    list_price = {"business": 19, "enterprise": 39}
    cost = sum(list_price[s["plan_type"]] if price is None else price for s in reclaim)
    assert (view.inactive_seats, view.reclaimable) == (len(inactive), len(reclaim))
    assert view.reclaimable_cost == pytest.approx(cost)
    page = (tmp_path / "site" / "index.html").read_text()
    assert f"no activity for {days}+ days" in page
    basis = "at list price" if price is None else f"at {price:g} USD a seat"
    assert f"{cost:,.0f} USD a month {basis}" in page


def test_the_inactive_table_groups_from_the_threshold_on():
    """The days-since-last-activity groups begin at inactive-days and skip those below it."""
    from copilot_usage_report.history._seatview import buckets

    never = "never used"
    assert buckets(30) == ("30-59 days", "60-89 days", "90-179 days", "180+ days", never)
    assert buckets(7) == ("7-59 days", "60-89 days", "90-179 days", "180+ days", never)
    assert buckets(100) == ("100-179 days", "180+ days", never)
    assert buckets(180) == ("180+ days", never)
    assert buckets(365) == ("365+ days", never)


def test_a_database_without_seat_idle_has_its_seat_tables_rebuilt(built, tmp_path):
    """A database written before seat_idle existed gets the rows a first build gives."""
    archive, _, db = built
    want = {
        t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3").fetchall()  # noqa: S608
        for t in ("seats", "seat_days", "seat_idle")
    }
    db.execute("DROP TABLE seat_idle")
    db.execute("ALTER TABLE seat_days DROP COLUMN inactive_days")
    db.commit()
    db.close()
    again = build([archive], tmp_path / "site")
    assert again.added == len(SNAPSHOTS)
    db = sqlite3.connect(tmp_path / "site" / "copilot-usage.sqlite")
    for table, rows in want.items():
        assert db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall() == rows  # noqa: S608
