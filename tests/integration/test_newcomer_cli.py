"""A newcomer's first hour, through the real CLI: the README's examples as written warn of
nothing that is not wrong, and every message names what the reader can act on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._app.demo import DEMO_ENTERPRISE, DEMO_TOKEN, demo_standin
from copilot_usage_report._standin.server import Fault, StandIn

TODAY = datetime.now(UTC).date()


@pytest.fixture(scope="module")
def demo() -> Iterator[StandIn]:
    """The demo's stand-in, as serve-demo runs it."""
    with demo_standin(TODAY) as standin:
        yield standin


def _env(standin: StandIn) -> dict[str, str]:
    return {"GH_TOKEN": DEMO_TOKEN, "GITHUB_API_URL": standin.api_url}


def _days(run: Any) -> dict[str, dict[str, Any]]:
    assert run.code == 0, run.stderr
    return {d["day"]: d for d in json.loads(run.stdout)["days"]}


def _shift(path: Path, day: str, by: int) -> None:
    """Change ``day``'s daily_active_users in a report file by ``by`` (its hash is not kept)."""
    document = json.loads(path.read_text("utf-8"))
    for record in document["day_totals"]:
        if record["day"] == day:
            record["daily_active_users"] += by
    path.write_text(json.dumps(document), "utf-8")


def test_readme_enterprise_example_warns_nothing_and_the_1_day_report_counts(
    demo, run_cli, tmp_path
):
    """Both enterprise reports of the README, fetched together, give no warning; the day's
    numbers are the 1-day report's whichever order the files are read in."""
    run = run_cli(
        "fetch", "--enterprise", DEMO_ENTERPRISE,
        "--report", "enterprise-1-day,enterprise-28-day", env=_env(demo),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    scope = tmp_path / "copilot-usage-metrics" / "enterprises" / DEMO_ENTERPRISE
    (one_day,) = (scope / "enterprise-1-day").iterdir()
    (rolling,) = (scope / "enterprise-28-day").iterdir()
    day = one_day.name
    for file in rolling.glob("*.json"):
        if file.name != "manifest.json":
            _shift(file, day, 1000)  # the 28-day report now disagrees about the day
    alone = _days(run_cli("summarize", str(one_day), "--json"))[day]
    for order in ((one_day, rolling), (rolling, one_day)):
        both = run_cli("summarize", *map(str, order), "--json")
        assert "warning" not in both.stderr, both.stderr
        assert _days(both)[day] == alone
    archive = run_cli("summarize", str(tmp_path / "copilot-usage-metrics"), "--json")
    assert _days(archive)[day] == alone


def test_demo_with_both_organization_reports_warns_nothing(run_cli, tmp_path):
    """``demo --report organization-1-day,organization-28-day`` is no conflict: no warning."""
    run = run_cli("demo", "--report", "organization-1-day,organization-28-day")
    assert run.code == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    assert "replaces the earlier" not in run.stdout + run.stderr


def test_serve_demo_stop_stops_every_stand_in_it_started(run_cli, tmp_path):
    """Two stand-ins running: one ``--stop`` ends both and says so; the next finds none."""
    runtime = {"XDG_RUNTIME_DIR": str(tmp_path)}
    started = [run_cli("serve-demo", "--lifetime", "60", env=runtime) for _ in range(2)]
    urls = [run.stdout.strip() for run in started]
    try:
        assert all(run.code == 0 for run in started), [run.stderr for run in started]
        assert len(set(urls)) == 2
        stopped = run_cli("serve-demo", "--stop", env=runtime)
        assert stopped.code == 0, stopped.stderr
        assert "Stopped 2 demo stand-ins" in stopped.stderr
        assert all(url in stopped.stderr for url in urls)
        for url in urls:  # nothing answers any more
            fetch = run_cli(
                "fetch", "--org", "octo-demo", env={"GH_TOKEN": DEMO_TOKEN, "GITHUB_API_URL": url}
            )
            assert fetch.code == 1, fetch.stderr
        again = run_cli("serve-demo", "--stop", env=runtime)
        assert again.stderr.startswith("No demo stand-in"), again.stderr
    finally:
        run_cli("serve-demo", "--stop", env=runtime)


STALE = "ghp_STALETOKEN1234567890"


@pytest.mark.parametrize(
    ("where", "args", "env", "actions", "named"),
    [
        ("GH_TOKEN", (), {"GH_TOKEN": STALE}, False, "environment variable GH_TOKEN"),
        ("GITHUB_TOKEN", (), {"GITHUB_TOKEN": STALE}, False, "environment variable GITHUB_TOKEN"),
        ("--token", ("--token", STALE), {}, False, "It came from --token"),
        ("input", (), {"INPUT_TOKEN": STALE}, True, "It came from the token input of the action"),
    ],
    ids=["GH_TOKEN", "GITHUB_TOKEN", "option", "input"],
)
def test_a_stale_token_names_where_it_came_from_and_what_to_do(
    standin, run_cli, tmp_path, where, args, env, actions, named
):
    """A 401 names the token's source (variable, option or input) and how to renew it."""
    standin.api_faults.append(Fault(status=401, body=b'{"message": "Bad credentials"}'))
    run = run_cli(
        "fetch", "--org", "my-org", "--retries", "0", *args,
        env={"GITHUB_API_URL": standin.api_url, "INPUT_OUTPUT_DIR": str(tmp_path / "o"), **env},
        actions=actions,
    )  # fmt: skip
    assert run.code == 1, run.stderr
    (line,) = [ln for ln in run.stderr.splitlines() if "HTTP 401" in ln]
    assert named in line
    if where in ("GH_TOKEN", "GITHUB_TOKEN"):
        assert "gh auth refresh -s read:org" in line and f"set {where} to a new token" in line
    assert "read:org" in line  # the permission a new token needs
    assert STALE not in run.everything


def test_a_day_before_the_organization_start_names_that_start(run_cli, tmp_path):
    """``--org … --day 2025-01-01`` names the earliest day one can ask for, not 2025-10-10."""
    try:
        year = TODAY.replace(year=TODAY.year - 1)
    except ValueError:  # 29 February
        year = TODAY.replace(year=TODAY.year - 1, day=28)
    earliest = max(date(2025, 12, 12), year)
    run = run_cli("fetch", "--org", "my-org", "--day", "2025-01-01", "--token", "x")
    assert run.code == 2, run.stderr
    assert earliest.isoformat() in run.stderr
    assert "2025-10-10" not in run.stderr


def test_summarize_csv_writes_only_tables_with_rows_and_says_so_once(demo, run_cli, tmp_path):
    """Seven days of the three per-day organization reports: no all-zero or header-only table,
    the teams table has the join's numbers, and one line says what was written."""
    run = run_cli(
        "fetch", "--org", "octo-demo", "--day", "last-7-days",
        "--report", "organization-1-day,users-1-day,user-teams-1-day", env=_env(demo),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    out = tmp_path / "copilot-usage-metrics"
    run = run_cli("summarize", "--format", "csv", str(out))
    assert run.code == 0, run.stderr
    tables = sorted(out.rglob("*.csv"))
    (line,) = run.stderr.splitlines()
    assert line.startswith(f"Wrote {len(tables)} CSV table(s) (") and str(out) in line
    for table in tables:
        assert len(table.read_text("utf-8").splitlines()) > 1, table  # rows, not a header alone
    team_folders = sorted((out / "orgs" / "octo-demo" / "user-teams-1-day").iterdir())
    assert team_folders
    for folder in team_folders:
        assert sorted(p.name for p in folder.glob("*.csv")) == ["teams.csv", "user_teams.csv"]
        rows = (folder / "teams.csv").read_text("utf-8").splitlines()[1:]
        assert any(int(row.split(",")[5]) > 0 for row in rows)  # active_users of the join


def _action_outputs() -> list[str]:
    import yaml

    action = Path(__file__).parents[2] / "action.yml"
    return list(yaml.safe_load(action.read_text("utf-8"))["outputs"])


def test_the_shared_table_of_outputs_is_action_yml_s():
    """``ACTION_OUTPUTS`` is action.yml's outputs, in its order; each unset one says when."""
    from copilot_usage_report._app.action_outputs import ACTION_OUTPUTS, SET_ELSEWHERE

    assert list(ACTION_OUTPUTS) == _action_outputs()
    assert set(SET_ELSEWHERE) <= set(ACTION_OUTPUTS)


def test_the_demo_lists_exactly_the_outputs_action_yml_exposes(run_cli, tmp_path):
    """The demo's "Step outputs" names each output of action.yml once, and no other."""
    run = run_cli("demo")
    assert run.code == 0, run.stderr
    block = run.stdout.split("\nStep outputs", 1)[1].split("\nJob summary", 1)[0]
    named: list[str] = []
    for line in block.splitlines():
        if line.startswith("  "):
            head = line.strip().split(" = ", 1)[0].split(": set ", 1)[0]
            named += [n.strip() for n in head.split(",")]
    assert sorted(named) == sorted(_action_outputs())
    assert "upload-paths" not in block and "artifact-name" not in block


def test_a_failed_history_step_sets_the_action_s_error_outputs(standin, tmp_path):
    """action.yml run as the runner runs it: the fetch succeeds, the history step fails (its git
    host refuses), and the action's ``error`` and ``error-type`` say why, as docs/errors.md says."""
    from ._common import DAY, FILES
    from ._composite import run_action
    from ._gitserver import require_git

    require_git()
    standin.add_report("my-org", DAY, list(FILES))
    run = run_action(
        {
            "org": "my-org",
            "token": "ghp_TESTTOKEN1234567890",
            "api-url": standin.api_url,
            "day": DAY.isoformat(),
            "path": str(tmp_path / "archive"),
            "history-branch": "copilot-usage",
            "history-token": "ghs_HISTORYTOKEN0123456789abcdef",
        },
        workdir=tmp_path,
        env={
            "RUNNER_TEMP": str(tmp_path),
            "GITHUB_SERVER_URL": "http://127.0.0.1:9",  # nothing listens: git cannot clone
            "GITHUB_REPOSITORY": "octo/metrics",
        },
    )
    assert run.step("fetch").outcome == "success", run.step("fetch").stderr
    history = run.step("history")
    assert history.outcome == "failure", history.stderr
    assert run.outcome == "failure"
    assert run.outputs["error-type"] == "HistoryBranchError"
    assert run.outputs["error"] == history.outputs["error"] != ""
    assert "history" in run.outputs["error"].lower()
