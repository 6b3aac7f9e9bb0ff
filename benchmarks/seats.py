"""Benchmark of the seat list (issue 23): 100,000 seats fetched, and kept for a year.

Run ``uv run python benchmarks/seats.py`` (about two minutes; ``--seats N``, ``--delay S``).

- S1: ``fetch --report copilot-seats`` of 100,000 seats (1,000 pages of 100) from the
  loopback stand-in answering each page after 50 ms, the CLI in a child process. Target:
  the whole fetch within 1.1x of 1,000 x 50 ms (the pages are read one at a time, as
  GitHub asks, so their waits add up; the reference is that sum), and CPU per page under
  2 ms: the child's CPU time (user + system) less that of a one-page fetch (start-up,
  imports), over the pages.
- S2: adding one day's snapshot of those 100,000 seats to a year of history (364 days
  already in the database), ``history`` in a child process. Target: under 5 s, and the
  database grows by under 1 MB when nothing changed. The year is made the quick way: the
  first day through ``build`` itself, the next 363 as the rows ``build`` adds for an
  unchanged day (one ``seat_days`` row; ``tests/history/test_seats_history.py`` checks that
  an unchanged day adds exactly that), each day's ``seats.ndjson`` a hard link of the one
  file with its own manifest, so the year costs one file's disk space.

Samples go to ``benchmarks/results/seats-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TOKEN = "ghp_BENCHSEATS1234567890"  # noqa: S105 - a dummy credential for loopback


def _seats(count: int, today: date) -> list[dict[str, Any]]:
    rng = random.Random(23)  # noqa: S311 - made-up data, not secrets
    teams = [f"team-{n}" for n in range(20)]
    seats = []
    for n in range(count):
        assigned = today - timedelta(days=rng.randint(1, 700))
        idle = rng.random()
        last = None if idle < 0.1 else today - timedelta(days=rng.randint(0, 120))
        seats.append(
            {
                "created_at": f"{assigned}T09:00:00Z",
                "updated_at": f"{assigned}T09:00:00Z",
                "pending_cancellation_date": None if n % 50 else f"{today.replace(day=1)}",
                "last_activity_at": f"{last}T10:{n % 60:02d}:00Z" if last else None,
                "last_activity_editor": "vscode/1.96.0/copilot/1.250.0" if last else None,
                "last_authenticated_at": f"{last}T09:00:00Z" if last else None,
                "plan_type": "business" if n % 10 else "enterprise",
                "assignee": {"login": f"user-{n}", "id": 10_000_000 + n, "type": "User"},
                "assigning_team": {"slug": teams[n % 20]} if n % 3 else None,
            }
        )
    return seats


def _cli() -> str:
    return str(Path(sys.executable).with_name("copilot-usage-report"))


def _fetch(api_url: str, out: Path) -> tuple[float, float]:
    """One ``fetch --report copilot-seats`` in a child: its wall and CPU seconds."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(out),
        "GH_TOKEN": TOKEN,
        "GITHUB_API_URL": api_url,
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [_cli(), "fetch", "--org", "bench", "--report", "copilot-seats", "--output-dir", str(out)],
        env=env, capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def s1(root: Path, count: int, delay: float) -> dict[str, Any]:
    from copilot_usage_report._standin.seats import SeatBook
    from copilot_usage_report._standin.server import StandIn

    today = datetime.now(UTC).date()
    seats = _seats(count, today)
    with StandIn(token=TOKEN, api_delay=delay) as standin:
        standin.seat_books["orgs/bench"] = SeatBook(seats[:100], billing={})
        for attempt in range(2):  # the first warms the file cache; the second is measured
            _, one_cpu = _fetch(standin.api_url, root / f"one-{attempt}")
        book = SeatBook(seats, billing={"seat_breakdown": {}})
        standin.seat_books["orgs/bench"] = book
        wall, cpu = _fetch(standin.api_url, root / "out")
        pages = len(book.asked)
    reference = pages * delay
    per_page = (cpu - one_cpu) / max(1, pages - 1)
    return {
        "pages": pages,
        "wall_s": round(wall, 3),
        "reference_s": round(reference, 3),
        "ratio": round(wall / reference, 3),
        "cpu_s": round(cpu, 3),
        "one_page_cpu_s": round(one_cpu, 3),
        "cpu_per_page_ms": round(1000 * per_page, 3),
        "met": wall <= 1.1 * reference and per_page < 0.002,
    }


def _day_folder(archive: Path, day: date, source: Path, template: dict[str, Any]) -> None:
    folder = archive / "orgs" / "bench" / "copilot-seats" / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "seats.ndjson"
    if not target.exists():
        os.link(source, target)
    manifest = {**template, "report_day": day.isoformat(), "taken_at": f"{day}T12:00:00Z"}
    manifest["files"] = [f for f in template["files"] if f["name"] == "seats.ndjson"]
    (folder / "manifest.json").write_text(json.dumps(manifest))


_BUILD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from copilot_usage_report.history import build
result = build([Path(sys.argv[1])], Path(sys.argv[2]))
print(time.perf_counter() - start, result.added)
"""


def s2(root: Path) -> dict[str, Any]:
    from copilot_usage_report.history import build

    (snapshot,) = (root / "out" / "orgs" / "bench" / "copilot-seats").iterdir()
    template = json.loads((snapshot / "manifest.json").read_text())
    source = snapshot / "seats.ndjson"
    archive, site = root / "archive", root / "site"
    newest = date.fromisoformat(template["report_day"])
    first = newest - timedelta(days=364)
    _day_folder(archive, first, source, template)
    build([archive], site)  # the first day, through the builder itself
    db_path = site / "copilot-usage.sqlite"
    db = sqlite3.connect(db_path)
    row = db.execute("SELECT * FROM seat_days WHERE day = ?", (first.isoformat(),)).fetchone()
    with db:
        for back in range(363, 0, -1):
            day = newest - timedelta(days=back)
            _day_folder(archive, day, source, template)
            values = list(row)
            values[1], values[6] = day.isoformat(), f"{day}T12:00:00Z"
            values[-2] = values[-1] = 0  # none added, none removed
            marks = ", ".join("?" * len(values))
            db.execute(f"INSERT INTO seat_days VALUES ({marks})", values)  # noqa: S608
    db.execute("VACUUM")
    db.close()
    _day_folder(archive, newest, source, template)
    before = db_path.stat().st_size
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, str(archive), str(site)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    seconds, added = (float(v) for v in done.stdout.split())
    growth = db_path.stat().st_size - before
    days = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM seat_days").fetchone()[0]
    return {
        "days_in_database": days,
        "added_files": int(added),
        "add_day_s": round(seconds, 3),
        "growth_bytes": growth,
        "database_bytes": db_path.stat().st_size,
        "met": seconds < 5.0 and growth < 1_000_000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seats", type=int, default=100_000)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seats-bench-") as tmp:
        root = Path(tmp)
        first = s1(root, args.seats, args.delay)
        print(
            f"S1 fetch of {args.seats:,} seats, {first['pages']} pages at {args.delay * 1000:g} "
            f"ms: {first['wall_s']} s against {first['reference_s']} s "
            f"({first['ratio']}x, target <= 1.1x); CPU {first['cpu_per_page_ms']} ms a page "
            f"(target < 2 ms) {'met' if first['met'] else 'MISSED'}"
        )
        second = s2(root)
        print(
            f"S2 one more day of {args.seats:,} seats onto {second['days_in_database'] - 1} "
            f"days: {second['add_day_s']} s (target < 5 s); database +{second['growth_bytes']:,} "
            f"bytes (target < 1 MB) {'met' if second['met'] else 'MISSED'}"
        )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"seats-{stamp}.json").write_text(
        json.dumps({"S1": first, "S2": second, "seats": args.seats}, indent=2) + "\n"
    )
    return 0 if first["met"] and second["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
