"""Repositories (``repos-1-day``) through the real CLI: fetch's summary, summarize, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from copilot_usage_report._standin.server import StandIn

from .._repos import FILES, INTERNAL, PRIVATE, PUBLIC, ndjson

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = datetime.now(UTC).date() - timedelta(days=3)


def _serve(standin: StandIn) -> None:
    """The hand-written rows of every day, as one day split over files."""
    files = [
        (f"copilot-usage-report-{n}.ndjson", ndjson([{**r, "day": DAY.isoformat()} for r in rows]))
        for n, rows in enumerate(FILES.values(), 1)
    ]
    standin.add_report("my-org", DAY, list(files), kind="repos-1-day")


def _env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": DAY.isoformat(),
        "INPUT_REPORT": "repos-1-day",
        **extra,
    }


def test_fetch_summary_counts_private_repositories_unless_asked(
    standin: StandIn, run_cli: Any, tmp_path: Path
) -> None:
    """The job summary's Repositories section names a public repository, counts private and
    internal ones by visibility, and names them with show-repositories."""
    _serve(standin)
    run = run_cli("fetch", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert f"### Repositories, {DAY.isoformat()}" in run.summary
    assert PUBLIC in run.summary
    assert PRIVATE not in run.everything and INTERNAL not in run.everything
    assert "Names of 1 private and 1 internal repositories are left out" in run.summary
    # corp-tools twice in the day (files 3 and 4): the later row wins, as for aggregates
    assert "| internal | 1 | 0 | 5 | 0 | 1 | 0 |" in run.summary
    shown = run_cli(
        "fetch", env=_env(standin, tmp_path, INPUT_SHOW_REPOSITORIES="true"), actions=True
    )
    assert shown.code == 0, shown.stderr
    assert PRIVATE in shown.summary and INTERNAL in shown.summary


def test_summarize_and_history_follow_show_repositories(
    standin: StandIn, run_cli: Any, tmp_path: Path
) -> None:
    """``summarize FILE`` and ``history`` leave private names out unless
    ``--show-repositories``; the history's CSV and page alike."""
    _serve(standin)
    assert run_cli("fetch", env=_env(standin, tmp_path)).code == 0
    (folder,) = (tmp_path / "out" / "orgs" / "my-org" / "repos-1-day").iterdir()
    files = sorted(str(p) for p in folder.glob("*.ndjson"))
    hidden = run_cli("summarize", *files)
    assert hidden.code == 0, hidden.stderr
    assert PUBLIC in hidden.stdout and PRIVATE not in hidden.stdout
    shown = run_cli("summarize", "--show-repositories", *files)
    assert PRIVATE in shown.stdout and INTERNAL in shown.stdout
    site = tmp_path / "site"
    run = run_cli("history", str(tmp_path / "out"), "--out", str(site))
    assert run.code == 0, run.stderr
    for name in ("index.html", "repositories.csv", "review_times.csv"):
        text = (site / name).read_text()
        assert PRIVATE not in text and INTERNAL not in text, name
    run = run_cli("history", str(tmp_path / "out"), "--out", str(site), "--show-repositories")
    assert run.code == 0, run.stderr
    assert PRIVATE in (site / "index.html").read_text()
    assert INTERNAL in (site / "repositories.csv").read_text()
    lines = (site / "repositories.csv").read_text().splitlines()
    assert len(lines) == 1 + 3  # one row per repository of the day, whatever the files
    assert lines[0].startswith("scope,day,repo_id,repo_owner_name,repo_name,repo_visibility,")
