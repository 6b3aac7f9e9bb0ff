"""The gate where a report folder enters the history: whatever a folder holds, it is used whole
or skipped with one warning naming it, and the rest of the history is built."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._archive import MAX_INTEGER
from copilot_usage_report._standin.synthetic import write_archive
from copilot_usage_report.history import build

from ._archive import dump

START = date(2026, 3, 1)
DAYS = 3
POISON = b'"__poison__"'


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copilot_usage_report", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _reseal(folder: Path) -> None:
    """The manifest's sizes and hashes made to agree with the files again."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a record that holds a value (not a container)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _slots(v, (*path, k))]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _slots(v, (*path, i))]
    return [path]


def _poison(file: Path, record_no: int, slot: tuple[Any, ...], raw: bytes) -> None:
    """One record's value at ``slot`` replaced by the JSON text ``raw``, the other lines as they
    were."""
    lines = file.read_bytes().splitlines()
    record = json.loads(lines[record_no])
    holder = record
    for key in slot[:-1]:
        holder = holder[key]
    holder[slot[-1]] = "__poison__"
    lines[record_no] = json.dumps(record).encode().replace(POISON, raw)
    file.write_bytes(b"\n".join(lines) + b"\n")
    _reseal(file.parent)


def _archive(root: Path) -> Path:
    write_archive(root, start=START, days=DAYS, users=3)
    return root


big = st.integers(min_value=2**63, max_value=2**200).flatmap(lambda n: st.sampled_from([n, -n]))
bad_day = st.one_of(
    st.sampled_from(["2026-02-30", "2026-13-01", "yesterday", "", "2026-3-1", "20260301"]),
    st.sampled_from([None, 20260301, True, [], {}]),
).map(lambda v: json.dumps(v).encode())
other_day = st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(
    lambda d: json.dumps(d.isoformat()).encode()
)
deep = st.integers(min_value=200, max_value=20_000).map(lambda n: b"[" * n + b"]" * n)


@st.composite
def poisons(draw: st.DrawFn) -> tuple[str, int, str, bytes]:
    """A report of the middle day, and what to put where in one of its records."""
    report = draw(st.sampled_from(["organization-1-day", "users-1-day", "user-teams-1-day"]))
    kind = draw(st.sampled_from(["integer", "bad day", "other day", "deep"]))
    raw = {"integer": big.map(lambda n: str(n).encode()), "bad day": bad_day}.get(
        kind, other_day if kind == "other day" else deep
    )
    return report, draw(st.integers(0, 2)), kind, draw(raw)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(poison=poisons(), where=st.randoms(use_true_random=False))
def test_a_poisoned_record_skips_its_folder_alone(
    tmp_path_factory: pytest.TempPathFactory, poison: tuple[str, int, str, bytes], where: Any
) -> None:
    """Any field of a record beyond the database's range, a bad or another day, or nesting
    thousands deep: one warning naming the folder, the history of the rest as without it."""
    report, record_no, kind, raw = poison
    root = tmp_path_factory.mktemp("gate")
    day = (START.replace(day=START.day + 1)).isoformat()
    _archive(root / "a")
    folder = root / "a" / "orgs" / "octo-demo" / report / day
    [file] = folder.glob("*.ndjson")
    records = [json.loads(line) for line in file.read_bytes().splitlines()]
    record_no = min(record_no, len(records) - 1)
    if kind in ("bad day", "other day"):
        slot: tuple[Any, ...] = ("day",)
        if kind == "other day" and raw == json.dumps(day).encode():
            raw = b'"2030-01-01"'
    else:
        slot = where.choice(_slots(records[record_no]))
    _poison(file, record_no, slot, raw)

    result = build([root / "a"], root / "site")
    assert len(result.skipped) == 1, result.skipped
    assert str(folder) in result.skipped[0]

    _archive(root / "b")
    clean = root / "b" / "orgs" / "octo-demo" / report / day
    for item in clean.iterdir():
        item.unlink()
    clean.rmdir()
    expected = build([root / "b"], root / "site-b")
    assert result.days == expected.days >= DAYS - 1
    assert dump(result.database) == dump(expected.database)


def test_a_poisoned_folder_through_the_cli(tmp_path: Path) -> None:
    """The real command: exit 0, one warning line naming the folder, its day not in the CSV."""
    archive = _archive(tmp_path / "a")
    day = "2026-03-02"
    folder = archive / "orgs" / "octo-demo" / "organization-1-day" / day
    [file] = folder.glob("*.ndjson")
    _poison(file, 0, ("code_generation_activity_count",), str(2**64).encode())
    run = _cli("history", str(archive), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("\n") == 1 and str(folder) in run.stderr, run.stderr
    assert "integer beyond" in run.stderr and "Traceback" not in run.stderr
    assert run.stdout.startswith("History: 2 day(s) of orgs/octo-demo")
    assert day not in (tmp_path / "site" / "daily.csv").read_text()
    again = _cli("history", str(archive), "--out", str(tmp_path / "site"))
    assert again.returncode == 0 and again.stderr.count("\n") == 1, again.stderr


def _entry_case(folder: Path, case: str, outside: Path) -> None:
    """The manifest's first file replaced by a link, a FIFO or a folder; or named twice."""
    manifest = json.loads((folder / "manifest.json").read_text())
    first = manifest["files"][0]
    path = folder / first["name"]
    data = path.read_bytes()
    if case == "twice":
        manifest["files"].append(dict(first))
        (folder / "manifest.json").write_text(json.dumps(manifest))
        return
    path.unlink()
    if case == "link outside":
        outside.write_bytes(data)
        path.symlink_to(outside)
    elif case == "link inside":
        (folder / "copy.ndjson").write_bytes(data)
        path.symlink_to("copy.ndjson")
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "folder":
        path.mkdir()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("case", ["link outside", "link inside", "fifo", "folder", "twice"])
def test_an_entry_that_is_not_a_regular_file_once(tmp_path: Path, case: str) -> None:
    """Links (wherever they point), FIFOs (no waiting), folders and a name listed twice: the
    folder is skipped with one warning naming it, the other days are built."""
    archive = _archive(tmp_path / "a")
    folder = archive / "orgs" / "octo-demo" / "organization-1-day" / "2026-03-02"
    _entry_case(folder, case, tmp_path / "outside.ndjson")
    run = _cli("history", str(archive), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("\n") == 1 and str(folder) in run.stderr, run.stderr
    assert run.stdout.startswith("History: 2 day(s) of orgs/octo-demo")


def _seat_folder(archive: Path, day: str, instant: str, taken: str) -> Path:
    folder = archive / "orgs" / "octo-demo" / "copilot-seats" / day
    folder.mkdir(parents=True)
    seat = {"assignee": {"login": "a", "id": 1}, "created_at": instant, "last_activity_at": instant}
    (folder / "seats.ndjson").write_text(json.dumps(seat) + "\n")
    manifest = {
        "scope": {"kind": "org", "name": "octo-demo"},
        "report": "copilot-seats",
        "report_day": day,
        "taken_at": taken,
        "total_seats": 1,
        "files": [{"name": "seats.ndjson", "size": 0, "sha256": ""}],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _reseal(folder)
    return folder


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_seat_folders_at_the_ends_of_the_calendar(tmp_path: Path, day: str) -> None:
    """A seat list dated 0001-01-01 or 9999-12-31, or taken then, is refused by name; seats
    active or assigned then are counted; the page is built."""
    archive = _archive(tmp_path / "a")
    _seat_folder(archive, day, f"{day}T00:00:00Z", f"{day}T12:00:00Z")
    taken = _seat_folder(archive, "2026-03-02", "2026-03-01T00:00:00Z", f"{day}T12:00:00Z")
    _seat_folder(archive, "2026-03-03", f"{day}T00:00:00Z", "2026-03-03T12:00:00Z")
    run = _cli("history", str(archive), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    lines = sorted(run.stderr.splitlines(), key=lambda line: "taken_at" in line)
    assert len(lines) == 2 and "between" in lines[0] and f"/{day}/" in lines[0], run.stderr
    assert str(taken) in lines[1] and "taken_at" in lines[1], run.stderr
    assert (tmp_path / "site" / "index.html").stat().st_size > 0
    assert (tmp_path / "site" / "seats.csv").read_text().count("\n") >= 2


@pytest.mark.parametrize(
    "manifest_text",
    [
        b'{"scope": {"kind": "org", "name": "octo-demo"}, "x": ' + b"[" * 50_000 + b"]" * 50_000,
        None,
    ],
)
def test_a_manifest_beyond_bounds(tmp_path: Path, manifest_text: bytes | None) -> None:
    """A manifest nested thousands deep, or with a seat total beyond the database's range: one
    warning naming it, never an internal error."""
    archive = _archive(tmp_path / "a")
    folder = archive / "orgs" / "octo-demo" / "organization-1-day" / "2026-03-02"
    if manifest_text is None:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["total_seats"] = 2**70
        (folder / "manifest.json").write_text(json.dumps(manifest))
    else:
        (folder / "manifest.json").write_bytes(manifest_text + b"}")
    run = _cli("history", str(archive), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("\n") == 1 and str(folder) in run.stderr, run.stderr


def test_a_folder_without_reports_is_an_input_error(tmp_path: Path) -> None:
    """History over a folder holding no report folder: exit 2, one line saying what to name."""
    (tmp_path / "empty").mkdir()
    run = _cli("history", str(tmp_path / "empty"), "--out", str(tmp_path / "site"))
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and "no report folder" in run.stderr
    assert "--output-dir" in run.stderr and not (tmp_path / "site").exists()


@pytest.mark.parametrize("report", ["organization-1-day", "users-1-day"])
def test_values_inside_the_bound_whose_sum_is_not(tmp_path: Path, report: str) -> None:
    """Two breakdown items, or two users, each at the bound: their sum would pass it, so the
    folder is skipped with one reason, and the rest is built."""
    archive = _archive(tmp_path / "a")
    folder = archive / "orgs" / "octo-demo" / report / "2026-03-02"
    [file] = folder.glob("*.ndjson")
    records = [json.loads(line) for line in file.read_bytes().splitlines()]
    name = "code_generation_activity_count"
    for holder in records[0]["totals_by_ide"][:2] if report.startswith("org") else records[:2]:
        holder[name] = MAX_INTEGER
    file.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in records))
    _reseal(folder)
    result = build([archive], tmp_path / "site")
    assert len(result.skipped) == 1 and str(folder) in result.skipped[0], result.skipped
    assert "sum beyond" in result.skipped[0]
    assert result.days == (DAYS - 1 if report.startswith("org") else DAYS)


def test_a_database_built_before_the_gate_is_rebuilt(tmp_path: Path) -> None:
    """A database without the gate's mark (built by an earlier version, whose rows may be of
    folders the gate refuses) is built again from the archive, not updated."""
    archive = _archive(tmp_path / "a")
    first = build([archive], tmp_path / "site")
    with closing(sqlite3.connect(first.database or "")) as db, db:
        db.execute("DELETE FROM meta WHERE key = 'gate'")
        db.execute("UPDATE days SET daily_active_users = -1")
    again = build([archive], tmp_path / "site")
    assert dump(again.database) == dump(first.database)
    assert again.added == first.added > 0
