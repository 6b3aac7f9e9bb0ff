"""The usage summary from outside: ``summarize`` on files on disk, and what ``fetch`` adds."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._standin import StandIn

TOKEN = "ghp_TESTTOKEN1234567890"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "metrics"
DAY = datetime.now(UTC).date() - timedelta(days=3)
HEADLINE = (
    "| Metric | Value |\n"
    "| --- | ---: |\n"
    "| Daily active users | 42 |\n"
    "| Weekly active users | 58 |\n"
    "| Monthly active users | 77 |\n"
)


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A folder holding the aggregate, per-user and user-teams example files of one day."""
    folder = tmp_path / "artifact" / "2026-11-20"
    folder.mkdir(parents=True)
    for name in ("organization-1-day.ndjson", "users-1-day.ndjson", "user-teams-1-day.ndjson"):
        shutil.copy(FIXTURES / name, folder)
    return folder


def _aggregate(day: str) -> bytes:
    record = json.loads((FIXTURES / "organization-1-day.ndjson").read_text())
    record["day"] = day
    return json.dumps(record, indent=2).encode()


def _env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": DAY.isoformat(),
        **extra,
    }


def test_summarize_prints_the_markdown_and_sets_outputs(run_cli, reports):
    """Markdown on stdout, the metric outputs in a step, and no login anywhere."""
    run = run_cli("summarize", str(reports.parent), actions=True)
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("## Copilot usage on 2026-11-20\n\n" + HEADLINE)
    assert "| Daily active chat users | 2 |\n" in run.stdout
    assert "### Users by team\n" in run.stdout
    assert run.stdout.endswith(
        "Read 3 file(s): 1 aggregate day record(s), 3 per-user record(s), 4 user-team record(s).\n"
    )
    for login in ("alice", "bob", "carol"):
        assert login not in run.stdout
    assert run.outputs["daily-active-users"] == "42"
    assert run.outputs["weekly-active-users"] == "58"
    assert run.outputs["monthly-active-users"] == "77"
    assert run.outputs["acceptance-rate"] == "28.96"
    assert json.loads(run.outputs["metrics"])["code_generation_activity_count"] == 998
    assert run.summary == ""  # stdout is the summary; the step decides where it goes
    assert not list(reports.glob("*.csv"))


def test_summarize_json_prints_the_metrics(run_cli, reports):
    """--json prints the metrics object instead of Markdown."""
    run = run_cli("summarize", "--json", str(reports / "organization-1-day.ndjson"))
    assert run.code == 0, run.stderr
    metrics = json.loads(run.stdout)
    assert metrics["day"] == "2026-11-20"
    assert metrics["acceptance_rate"] == 28.96
    assert metrics["daily_active_chat_users"] is None


def test_summarize_csv_writes_tables_beside_the_files(run_cli, reports):
    """--format csv writes the tables beside the files and names each on stderr."""
    run = run_cli("summarize", "--format", "csv", str(reports))
    assert run.code == 0, run.stderr
    written = sorted(p.name for p in reports.glob("*.csv"))
    assert written == sorted(
        [
            "totals.csv",
            "by_ide.csv",
            "by_feature.csv",
            "by_language.csv",
            "by_model.csv",
            "users.csv",
            "user_teams.csv",
        ]
    )
    assert run.stderr.count("Wrote ") == 7
    assert run.stdout.startswith("## Copilot usage on 2026-11-20\n")


def test_summarize_names_the_file_and_line_of_a_bad_record(run_cli, tmp_path):
    """A wrong type in a used field exits 1 with one line naming file, line and field."""
    path = tmp_path / "users.ndjson"
    path.write_text(
        '{"user_id": 1, "day": "2026-11-20"}\n'
        '{"user_id": 2, "day": "2026-11-20", "code_acceptance_activity_count": "7"}\n'
    )
    run = run_cli("summarize", str(path))
    assert run.code == 1
    (line,) = run.stderr.splitlines()
    assert line.startswith("copilot-usage-report: error: ")
    assert f"{path}, line 2: field code_acceptance_activity_count" in line
    assert run.stdout == ""
    in_actions = run_cli("summarize", str(path), actions=True)
    assert in_actions.code == 1
    assert any(ln.startswith("::error") for ln in in_actions.stdout.splitlines())
    assert "Traceback" not in in_actions.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "does not exist"),
        (["--format", "xlsx", "."], "must be ndjson"),
        (["."], "no report file"),
    ],
)
def test_summarize_refuses_bad_input_with_exit_2(run_cli, args, message):
    """A missing path, an unknown format or a folder without reports exits 2."""
    run = run_cli("summarize", *args)
    assert run.code == 2
    assert message in run.stderr


def test_fetch_adds_the_usage_summary_outputs_and_csv(standin, run_cli, tmp_path):
    """A fetch with format csv writes tables beside the file, usage outputs and summary."""
    standin.add_report("my-org", DAY, [("report.json", _aggregate(DAY.isoformat()))])
    run = run_cli("fetch", env=_env(standin, tmp_path, INPUT_FORMAT="csv"), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    folder = tmp_path / "out" / "orgs" / "my-org" / "organization-1-day" / DAY.isoformat()
    assert (folder / "totals.csv").read_text().splitlines()[1].startswith(f"{DAY},42,58,77,")
    assert (folder / "by_model.csv").is_file()
    assert f"## Copilot usage on {DAY}\n\n{HEADLINE}" in run.summary
    assert "```mermaid\npie showData\n" in run.summary
    assert run.summary.index("report.json") < run.summary.index("## Copilot usage on")
    assert run.outputs["daily-active-users"] == "42"
    assert run.outputs["acceptance-rate"] == "28.96"
    assert json.loads(run.outputs["metrics"])["day"] == DAY.isoformat()
    assert json.loads(run.outputs["files"]) == [str(folder / "report.json")]
    assert "Wrote 5 CSV table(s) beside the files." in run.stdout


def test_fetch_without_summary_still_sets_outputs(standin, run_cli, tmp_path):
    """--no-summary leaves the job summary empty; the outputs are set; no CSV by default."""
    standin.add_report("my-org", DAY, [("report.json", _aggregate(DAY.isoformat()))])
    run = run_cli("fetch", "--no-summary", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert run.summary == ""
    assert run.outputs["monthly-active-users"] == "77"
    assert not list((tmp_path / "out").rglob("*.csv"))
    again = run_cli("fetch", env=_env(standin, tmp_path, INPUT_JOB_SUMMARY="false"), actions=True)
    assert again.code == 0 and again.summary == ""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("INPUT_FORMAT", "xlsx", "format 'xlsx' must be"), ("INPUT_JOB_SUMMARY", "maybe", "true or")],
)
def test_fetch_refuses_bad_summary_inputs_before_any_request(
    standin, run_cli, tmp_path, name, value, message
):
    """A bad format or job-summary input exits 2 and sends nothing."""
    run = run_cli("fetch", env=_env(standin, tmp_path, **{name: value}))
    assert run.code == 2
    assert message in run.stderr
    assert standin.of("api") == []


def test_fetch_keeps_the_files_when_the_records_cannot_be_summarised(standin, run_cli, tmp_path):
    """Records of the wrong shape only warn: the files are saved and the fetch succeeds."""
    body = b'{"user_id": 1, "day": "2026-11-20", "used_chat": "yes"}\n'
    standin.add_report("my-org", DAY, [("users.ndjson", body)])
    run = run_cli("fetch", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    warning = [ln for ln in run.stdout.splitlines() if ln.startswith("::warning")]
    assert len(warning) == 1
    assert "title=No usage summary" in warning[0]
    assert "line 1: field used_chat" in warning[0]
    assert "metrics" not in run.outputs
    assert run.outputs["file-count"] == "1"
    assert "## Copilot usage on" not in run.summary


def test_demo_shows_the_full_summary(run_cli, tmp_path):
    """The demo prints the usage outputs and the whole summary: headline, chart, breakdowns."""
    run = run_cli("demo", "--output-dir", str(tmp_path / "demo"))
    assert run.code == 0, run.stderr
    assert "  daily-active-users = 42\n" in run.stdout
    assert "  acceptance-rate = 28.96\n" in run.stdout
    assert "## Copilot usage on " in run.stdout
    for section in ("### Activity by feature", "### By IDE", "### By language", "### By model"):
        assert section in run.stdout
