"""A report split over several files is one report: the history is the same however it is cut."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import sqlite3
import tempfile
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._standin import data
from copilot_usage_report.history import build

TODAY = date(2026, 12, 3)
NEWEST = data.newest_day(TODAY)
DAYS = (NEWEST - timedelta(days=1), NEWEST)
#: The demo organization's reports: (report, folder day, its one file as GitHub could serve it).
REPORTS: tuple[tuple[str, date, bytes], ...] = (
    *(("organization-1-day", d, data.aggregate_file("org", d)) for d in DAYS),
    *(("users-1-day", d, data.users_file("org", d, 0, 1)) for d in DAYS),
    *(("user-teams-1-day", d, data.user_teams_file("org", d)) for d in DAYS),
    ("organization-28-day", NEWEST, data.rolling_file("org", NEWEST, TODAY)),
    ("users-28-day", NEWEST, data.rolling_file("org", NEWEST, TODAY, users=True)),
)
#: Every table the page is drawn from, without the provenance columns (file and folder ids).
TABLES = {
    "days": "SELECT * FROM days ORDER BY scope, day",
    "breakdowns": "SELECT * FROM breakdowns ORDER BY scope, day, dimension, key, key2",
    "teams": "SELECT * FROM teams ORDER BY scope, day, slug",
    "users": "SELECT * FROM users ORDER BY scope, day, user_id",
    "coverage": "SELECT DISTINCT c.scope, c.day, c.grain, c.status, f.folder FROM coverage c "
    "JOIN folders f USING (folder_id) ORDER BY 1, 2, 3, 4, 5",
}


def _records(one: bytes) -> tuple[dict[str, Any] | None, list[Any]]:
    """The file's wrapper (``None`` for NDJSON) and its records, in order."""
    text = one.decode()
    if text.lstrip().startswith("{") and "\n{" not in text.strip():
        document = json.loads(text)
        if "day_totals" in document:
            return document, document["day_totals"]
    return None, [json.loads(line) for line in text.splitlines() if line.strip()]


def _cut(one: bytes, cuts: list[int]) -> list[bytes]:
    """The file's records in ``len(cuts) + 1`` files, cut before each index in ``cuts``."""
    wrapper, records = _records(one)
    bounds = [0, *sorted(cuts), len(records)]
    parts = [records[a:b] for a, b in itertools.pairwise(bounds)]
    if wrapper is None:
        return [b"".join(json.dumps(r).encode() + b"\n" for r in part) for part in parts]
    return [json.dumps({**wrapper, "day_totals": part}).encode() for part in parts]


def _archive(root: Path, splits: list[list[int]]) -> Path:
    for (report, day, one), cuts in zip(REPORTS, splits, strict=True):
        folder = root / "orgs" / data.DEMO_ORG / report / day.isoformat()
        folder.mkdir(parents=True)
        extension = "ndjson" if _records(one)[0] is None else "json"
        entries = []
        for n, part in enumerate(_cut(one, cuts), start=1):
            name = f"copilot-usage-report-{n}.{extension}"
            (folder / name).write_bytes(part)
            entries.append(
                {"name": name, "size": len(part), "sha256": hashlib.sha256(part).hexdigest()}
            )
        manifest = {
            "report": report,
            "day": day.isoformat(),
            "scope": {"kind": "organization", "name": data.DEMO_ORG},
            "files": entries,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest))
    return root


def _history(splits: list[list[int]]) -> dict[str, Any]:
    """What a user sees of the archive cut so: the tables, the page and the CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        result = build([_archive(Path(tmp) / "a", splits)], Path(tmp) / "site")
        seen: dict[str, Any] = {
            "page": result.page.read_bytes(),
            "csv": result.csv.read_bytes(),
            "skipped": result.skipped,
        }
        with closing(sqlite3.connect(result.database or "")) as db:
            for table, sql in TABLES.items():
                cursor = db.execute(sql)
                names = [c[0] for c in cursor.description]
                keep = [i for i, n in enumerate(names) if not n.endswith(("_id",))]
                seen[table] = [tuple(row[i] for i in keep) for row in cursor]
        return seen


@functools.cache
def _whole() -> dict[str, Any]:
    return _history([[] for _ in REPORTS])


@st.composite
def _splits(draw: st.DrawFn) -> list[list[int]]:
    """For each report, 0 to 4 cut points among its records (so 1 to 5 files)."""
    return [
        draw(st.lists(st.integers(0, len(_records(one)[1])), min_size=0, max_size=4))
        for _, _, one in REPORTS
    ]


def test_the_whole_reports_hold_what_the_property_compares() -> None:
    """The one-file history has users, teams, 28-day days and both grains' coverage."""
    whole = _whole()
    assert whole["skipped"] == ()
    assert len(whole["days"]) >= 25 and len(whole["teams"]) >= 8
    assert len({row[1] for row in whole["users"]}) >= 25
    assert {row[2] for row in whole["coverage"]} == {"aggregate", "users", "user-teams"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_splits())
def test_any_split_gives_the_same_history(splits: list[list[int]]) -> None:
    """Any report's records cut into 1 to 5 files: the same rows, page and CSV as one file."""
    assert _history(splits) == _whole()
