"""``copilot-usage-report history`` and the demo's dashboard, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from copilot_usage_report._standin.synthetic import write_archive

from ._archive import query


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copilot_usage_report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_history_writes_the_three_files_and_names_a_skipped_one(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", days=10, users=5)
    broken = next((tmp_path / "a/orgs/octo-demo/users-1-day/2026-01-02").glob("*.ndjson"))
    broken.write_bytes(broken.read_bytes()[:-5])
    run = _cli("history", str(tmp_path / "a"), "--out", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("History: 10 day(s) of orgs/octo-demo; 29 new report file(s)")
    assert run.stderr.count("\n") == 1 and str(broken) in run.stderr and "skipped" in run.stderr
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "copilot-usage.sqlite",
        "daily.csv",
        "index.html",
        "pull_requests.csv",  # the aggregate days' pull requests (``history/_value.py``)
    ]
    again = _cli("history", str(tmp_path / "a"), "--out", str(tmp_path / "site"), "--show-logins")
    assert again.returncode == 0, again.stderr
    assert "user00" in (tmp_path / "site" / "index.html").read_text()
    no_users = _cli("history", str(tmp_path / "a"), "--out", str(tmp_path / "site"), "--no-users")
    assert no_users.returncode == 0, no_users.stderr
    assert query(
        tmp_path / "site" / "copilot-usage.sqlite",
        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'",
    ) == [(0,)]


def test_a_missing_archive_is_one_line_and_exit_2(tmp_path: Path) -> None:
    run = _cli("history", str(tmp_path / "nowhere"), "--out", str(tmp_path / "site"))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "does not exist" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()


def test_the_demo_builds_the_dashboard(tmp_path: Path) -> None:
    run = _cli("demo", "--output-dir", str(tmp_path / "demo"))
    assert run.returncode == 0, run.stderr
    page = tmp_path / "demo" / "dashboard" / "index.html"
    assert f"open {page}" in run.stdout
    assert page.is_file() and (tmp_path / "demo" / "dashboard" / "daily.csv").is_file()
