"""A new user's first hour, through the real CLI: the demo stand-in serves every report kind
of both scopes, serve-demo hands its settings to a shell and stops on request, messages use
the reader's spelling, runs of missing days are one line, and a failed run leaves no empty
folder behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._app.demo import DEMO_ENTERPRISE, DEMO_ORG, DEMO_TOKEN, demo_standin
from copilot_usage_report._core.kinds import KINDS
from copilot_usage_report._standin import data
from copilot_usage_report._standin.server import StandIn

from .. import _docs as docs

TODAY = datetime.now(UTC).date()
#: A day of the history with every report (the newest days never have a gap).
DAY = data.newest_day(TODAY) - timedelta(days=3)
GAP = next(d for d in (TODAY - timedelta(days=n) for n in range(12, 122)) if data.is_gap(d, TODAY))


@pytest.fixture(scope="module")
def demo() -> Iterator[StandIn]:
    """The demo's stand-in, as serve-demo runs it."""
    with demo_standin(TODAY) as standin:
        yield standin


def _env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "GH_TOKEN": DEMO_TOKEN,
        "GITHUB_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        **extra,
    }


def _records(path: Path) -> list[dict[str, Any]]:
    text = path.read_text("utf-8")
    if path.suffix == ".ndjson":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    document = json.loads(text)
    return list(document["day_totals"])


def _folders(out: Path) -> dict[str, list[Path]]:
    """Report name -> its day folders, whatever the archive layout above them."""
    found: dict[str, list[Path]] = {}
    for manifest in sorted(out.rglob("manifest.json")):
        found.setdefault(manifest.parent.parent.name, []).append(manifest.parent)
    return found


@pytest.mark.parametrize(
    ("scope", "name"), [("org", DEMO_ORG), ("enterprise", DEMO_ENTERPRISE)], ids=["org", "ent"]
)
def test_every_report_kind_of_both_scopes_through_the_cli(demo, run_cli, tmp_path, scope, name):
    """Each kind GitHub offers for the scope is fetched, saved and holds records of its shape."""
    kinds = [k.name for k in KINDS[scope]]
    option = "--org" if scope == "org" else "--enterprise"
    run = run_cli(
        "fetch", option, name, "--report", ",".join(kinds), "--day", DAY.isoformat(),
        env=_env(demo, tmp_path),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    folders = _folders(tmp_path / "out")
    assert sorted(folders) == sorted(kinds)
    for kind in kinds:
        (folder,) = folders[kind]
        files = sorted(p for p in folder.iterdir() if p.name != "manifest.json")
        records = [r for f in files for r in _records(f)]
        assert records, kind
        if kind.endswith("-28-day"):
            assert folder.name == data.newest_day(TODAY).isoformat()
            assert len({r["day"] for r in records}) >= 25  # 28 days less any gap
            if kind == "users-28-day":
                assert len(files) == data.USERS_28_DAY_PARTS  # split, as GitHub splits it
                assert all("user_id" in r for r in records)
            continue
        assert folder.name == DAY.isoformat()
        assert {r["day"] for r in records} == {DAY.isoformat()}
        if kind in ("organization-1-day", "enterprise-1-day"):
            (record,) = records
            assert record["daily_active_users"] > 0
            assert {"totals_by_ide", "totals_by_feature", "pull_requests", "totals_by_cli"} <= set(
                record
            )
        elif kind == "users-1-day":
            # A report split over several files, as GitHub does: two or three in the demo.
            assert len(files) == data.users_parts(scope, DAY) >= 2
            assert all({"user_id", "user_login", "totals_by_feature"} <= set(r) for r in records)
        elif kind == "user-teams-1-day":
            slugs = {r["slug"] for r in records}
            assert len(slugs) >= 4
            for slug in slugs:  # GitHub leaves out teams of fewer than five seated users
                assert sum(r["slug"] == slug for r in records) >= 5
        elif kind == "repos-1-day":
            assert all("pull_requests" in r for r in records)


def test_the_aggregate_agrees_with_the_users_rows(demo, run_cli, tmp_path):
    """The day's totals are the sum of its users' rows, as a history dashboard expects."""
    run = run_cli(
        "fetch", "--org", DEMO_ORG, "--report", "organization-1-day,users-1-day",
        "--day", DAY.isoformat(), env=_env(demo, tmp_path),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    folders = _folders(tmp_path / "out")
    (total,) = _records(next(folders["organization-1-day"][0].glob("*.json")))
    users = [r for f in folders["users-1-day"][0].glob("*.ndjson") for r in _records(f)]
    assert total["daily_active_users"] == len(users)
    for count in ("code_generation_activity_count", "loc_added_sum"):
        assert total[count] == sum(u[count] for u in users)


def test_a_gap_day_is_not_available_in_the_readers_spelling(demo, run_cli, tmp_path):
    """The same error says --day latest at a terminal and day: latest inside Actions."""
    env = _env(demo, tmp_path, INPUT_ORG=DEMO_ORG)
    here = run_cli("fetch", "--day", GAP.isoformat(), env=env)
    assert here.code == 1
    assert "--day latest" in here.stderr and "day: latest" not in here.stderr
    there = run_cli("fetch", env=env | {"INPUT_DAY": GAP.isoformat()}, actions=True)
    assert there.code == 1
    assert there.outputs["error-type"] == "ReportNotAvailableError"
    assert "day: latest" in there.outputs["error"] and "--day" not in there.outputs["error"]
    assert "day: latest" in there.summary and "--day" not in there.summary


def test_a_failed_fetch_leaves_no_empty_output_folder(demo, run_cli, tmp_path):
    """The folder the run made is gone after a failure; one that existed before is kept."""
    env = _env(demo, tmp_path, INPUT_ORG=DEMO_ORG)
    run = run_cli("fetch", "--day", GAP.isoformat(), env=env)
    assert run.code == 1
    # Nothing but the run's own records: its index (which says what failed) and the lock.
    kept = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*"))
    files = [p for p in kept if (tmp_path / "out" / p).is_file()]
    assert [p.name for p in files] == [".lock", "index.json"], kept
    (index,) = (tmp_path / "out").glob("runs/*/index.json")
    assert json.loads(index.read_text())["status"] == "failed"
    shutil.rmtree(tmp_path / "out")
    (tmp_path / "out").mkdir()
    run = run_cli("fetch", "--day", GAP.isoformat(), env=env)
    assert run.code == 1
    assert (tmp_path / "out").is_dir()


def test_runs_of_missing_days_are_one_line_each(demo, run_cli, tmp_path):
    """A range over the gaps says each run of missing days once, at the terminal and in the
    summary, with its length."""
    first, newest = data.history(TODAY)[0], data.newest_day(TODAY)
    gaps = [
        first + timedelta(days=n)
        for n in range((newest - first).days)
        if data.is_gap(first + timedelta(days=n), TODAY)
    ]
    run = run_cli(
        "fetch", "--org", DEMO_ORG, "--day", f"{first}..{newest}",
        env=_env(demo, tmp_path), actions=False,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    lines = [ln for ln in run.stdout.splitlines() if ln.startswith("No ")]
    runs = [g for g in gaps if g - timedelta(days=1) not in gaps]
    assert len(lines) == len(runs) >= 3
    assert any(
        re.fullmatch(r"No organization-1-day report for \S+\.\.\S+: 3 days\.", ln) for ln in lines
    )
    assert "skipped" not in run.stderr
    (saved,) = [ln for ln in run.stdout.splitlines() if ln.startswith("Saved")]  # one line, too
    assert saved.startswith(f"Saved {len(data.history(TODAY))} day(s) of the organization-1-day")
    summary = run_cli(
        "fetch", "--org", DEMO_ORG, "--day", f"{first}..{newest}",
        env=_env(demo, tmp_path), actions=True,
    ).summary  # fmt: skip
    assert summary.count("| `organization-1-day` |") == len(runs)
    assert "| 3 |" in summary


def test_serve_demo_env_exports_what_fetch_reads_and_stop_ends_it(run_cli, tmp_path):
    """eval "$(serve-demo --env)" points fetch at the stand-in; --stop ends that server."""
    runtime = {"XDG_RUNTIME_DIR": str(tmp_path)}
    started = run_cli("serve-demo", "--env", "--lifetime", "120", env=runtime)
    assert started.code == 0, started.stderr
    (line,) = started.stdout.splitlines()
    assert line.startswith("export ")
    exports = dict(item.split("=", 1) for item in line.removeprefix("export ").split())
    assert exports["GH_TOKEN"] == DEMO_TOKEN
    assert exports["ORG"] == DEMO_ORG and exports["ENTERPRISE"] == DEMO_ENTERPRISE
    assert exports["GITHUB_API_URL"].startswith("http://127.0.0.1:")
    try:
        again = run_cli("serve-demo", "--env", "--lifetime", "120", env=runtime)
        assert again.stdout == started.stdout  # the running one is reused, not a second one
        fetched = run_cli("fetch", "--org", exports["ORG"], env=exports | runtime)
        assert fetched.code == 0, fetched.stderr
    finally:
        stopped = run_cli("serve-demo", "--stop", env=runtime)
    assert stopped.code == 0
    assert "Stopped the demo stand-in" in stopped.stderr
    after = run_cli("fetch", "--org", exports["ORG"], env=exports | runtime)
    assert after.code == 1 and "error:" in after.stderr  # nothing answers any more
    assert run_cli("serve-demo", "--stop", env=runtime).stderr.startswith("No demo stand-in")


def _check_readme(tmp_path: Path, stdout: str, stderr: str) -> None:
    assert "Stopped the demo stand-in" in stderr
    folders = _folders(tmp_path / "copilot-usage-metrics")
    assert {"organization-1-day", "enterprise-1-day", "enterprise-28-day"} <= set(folders)
    teams = _folders(tmp_path / "teams")
    assert len(teams["user-teams-1-day"]) >= 80
    assert "Copilot usage" in stdout  # the summary of the teams folder


def _check_metrics(tmp_path: Path, stdout: str, stderr: str) -> None:
    assert "Stopped the demo stand-in" in stderr
    assert "Copilot usage" in stdout
    metrics = json.loads((tmp_path / "metrics.json").read_text("utf-8"))
    assert metrics["days"] and metrics["days"][-1]["teams"]
    assert list((tmp_path / "copilot-usage-metrics").rglob("totals.csv"))


def _check_history(tmp_path: Path, stdout: str, stderr: str) -> None:
    for name in ("copilot-usage.sqlite", "daily.csv", "index.html"):
        assert (tmp_path / "site" / name).is_file(), name
    assert len(_folders(tmp_path / "demo-history")["users-1-day"]) >= 20


def _check_seats(tmp_path: Path, stdout: str, stderr: str) -> None:
    assert "Stopped the demo stand-in" in stderr
    for scope in ("orgs/octo-demo", "enterprises/octo-demo-enterprise"):
        (day,) = (tmp_path / "seats" / scope / "copilot-seats").iterdir()
        assert (day / "seats.ndjson").stat().st_size > 0 and (day / "manifest.json").is_file()


def _check_warehouse(tmp_path: Path, stdout: str, stderr: str) -> None:
    days = len(_folders(tmp_path / "demo-history")["users-1-day"])
    assert (
        len(list((tmp_path / "warehouse" / "users").glob("scope=*/day=*/part-0.parquet"))) == days
    )
    assert "0 partition(s) written" in stdout  # the second run
    monthly = (tmp_path / "monthly.txt").read_text("utf-8")
    assert "accepted_completions" in monthly and "octo" in monthly


#: What each page's terminal examples leave behind, beyond running without an error.
_PAGE_CHECKS = {
    "README.md": _check_readme,
    "docs/metrics.md": _check_metrics,
    "docs/history.md": _check_history,
    "docs/seats.md": _check_seats,
    "docs/warehouse.md": _check_warehouse,
}
_RUNNABLE_PAGES = [docs.name(p) for p in docs.pages() if docs.runnable(p.read_text("utf-8"))]


def test_the_pages_with_terminal_examples_are_the_ones_checked():
    """README.md and the docs pages that have terminal examples each have a check of their own,
    and every terminal block of every page is either run or says why not."""
    assert sorted(_RUNNABLE_PAGES) == sorted(_PAGE_CHECKS)
    for page in docs.pages():
        left = docs.unmarked(page.read_text("utf-8"))
        assert not left, (docs.name(page), [b.code.splitlines()[0] for b in left])


@pytest.mark.parametrize("page", _RUNNABLE_PAGES)
def test_terminal_blocks_run_as_written(run_cli, tmp_path, page):
    """The doc test: a page's terminal examples, run by bash as written, all succeed."""
    text = (docs.ROOT / page).read_text("utf-8")
    blocks = docs.runnable(text)
    assert len(blocks) >= (4 if page == "README.md" else 1)
    script = tmp_path / "page.sh"
    script.write_text("set -euo pipefail\n" + "\n".join(map(docs.commands, blocks)), "utf-8")
    from .conftest import SCRIPT

    env = {
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash on this machine")
    full = {"HOME": str(tmp_path), "COPILOT_USAGE_REPORT_TESTING": "1", "PYTHONUTF8": "1"} | env
    try:
        proc = subprocess.run(
            [bash, str(script)], cwd=tmp_path, env=full, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip
    finally:
        run_cli("serve-demo", "--stop", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _PAGE_CHECKS[page](tmp_path, proc.stdout, proc.stderr)
    _run_sql_and_python(text, tmp_path, full)


def _run_sql_and_python(text: str, folder: Path, env: dict[str, str]) -> None:
    """The page's ```sql blocks against the database its terminal blocks left in ``folder``,
    the one the text before the block names (``sqlite3 PATH``; each statement answers at least
    one row), and its ```python blocks with the project's Python there (each prints something)."""
    import sqlite3
    import subprocess
    import sys

    for block in docs.runnable(text, docs.AFTER):
        if block.language == "sql":
            *_, named = re.findall(r"sqlite3 (\S+\.sqlite)", text[: block.start])
            database = folder / named
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
                for statement in docs.statements(block):
                    assert db.execute(statement).fetchall(), statement
        else:
            script = folder / "block.py"
            script.write_text(block.code, "utf-8")
            proc = subprocess.run(
                [sys.executable, str(script)], cwd=folder, capture_output=True,
                env=env | {k: v for k, v in os.environ.items() if k == "SYSTEMROOT"},
                text=True, timeout=60, check=False,
            )  # fmt: skip
            assert proc.returncode == 0 and proc.stdout.strip(), proc.stderr[-3000:]


def test_sql_and_python_blocks_are_run_after_the_terminal_blocks():
    """Some pages' SQL and Python examples are in runnable sections, and the SQL splits into
    whole statements."""
    found = {
        (page, b.language)
        for page in _RUNNABLE_PAGES
        for b in docs.runnable((docs.ROOT / page).read_text("utf-8"), docs.AFTER)
    }
    assert {("docs/history.md", "sql"), ("docs/metrics.md", "python")} <= found
    block = docs.Block("sql", "-- one\nselect 1;\n-- two\nselect 'a;b'\n  from t;\n", 0)
    assert docs.statements(block) == ["select 1;", "select 'a;b'\n  from t;"]


def test_each_scope_answers_only_under_its_own_api_prefix(demo):
    """The enterprise's reports are not an organization's, and the other way round."""
    day = DAY.isoformat()
    assert demo.links_for(DEMO_ENTERPRISE, "users-1-day", day, scope="enterprises")
    assert demo.links_for(DEMO_ENTERPRISE, "users-1-day", day, scope="orgs") is None
    assert demo.links_for(DEMO_ORG, "users-1-day", day, scope="orgs")
    assert demo.links_for(DEMO_ORG, "users-1-day", day, scope="enterprises") is None


def test_demo_archive_fetches_the_history_with_the_real_pipeline(tmp_path):
    """The helper the dashboard's demo builds on: days of three reports, gaps skipped."""
    from copilot_usage_report._app.demo import demo_archive

    result = demo_archive(tmp_path / "archive", days=12)
    expected = [d for d in data.history(TODAY) if d >= data.newest_day(TODAY) - timedelta(12)]
    assert list(result.days) == expected
    assert {r.report for r in result.reports} == {
        "organization-1-day",
        "users-1-day",
        "user-teams-1-day",
    }
    assert len(_folders(tmp_path / "archive")["users-1-day"]) == len(expected)


def test_a_warning_is_in_the_readers_spelling_too(demo, run_cli, tmp_path):
    """Under if-not-available warn, the warning names the option as the reader types it."""
    env = _env(demo, tmp_path, INPUT_ORG=DEMO_ORG, INPUT_IF_NOT_AVAILABLE="warn")
    # A gap and the day before it: something is found, so the gap is a warning, not a failure.
    before = next(
        GAP - timedelta(days=n)
        for n in range(1, 9)
        if not data.is_gap(GAP - timedelta(days=n), TODAY)
    )
    days = f"{before}..{GAP}"
    here = run_cli("fetch", "--day", days, env=env)
    assert here.code == 0, here.stderr
    warnings = [ln for ln in here.stderr.splitlines() if ln.startswith("warning:")]
    assert any("--day latest" in w for w in warnings), warnings
    there = run_cli("fetch", env=env | {"INPUT_DAY": days}, actions=True)
    annotations = [ln for ln in there.stderr.splitlines() if ln.startswith("::warning")]
    assert any("day: latest" in a for a in annotations), annotations
    assert not any("--day" in a for a in annotations), annotations
