"""The usage summary from outside: ``summarize`` on files on disk, and what ``fetch`` adds."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._standin.server import StandIn

TOKEN = "ghp_TESTTOKEN1234567890"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "metrics"
DAY = datetime.now(UTC).date() - timedelta(days=3)
HEADLINE = (
    "| Metric | Value |\n"
    "| --- | ---: |\n"
    "| Daily active users | 42 |\n"
    "| Weekly active users | 58 |\n"
    "| Total (monthly) active users | 77 |\n"
)
#: GitHub's code completion acceptance rate of the fixture: the code_completion feature only.
RATE = str(round(100 * 210 / 640, 2))


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
    assert "| Users with `used_chat` (per-user rows) | 2 |\n" in run.stdout
    assert "| Code completion acceptance rate | 32.8% |\n" in run.stdout
    assert "| `backend` | 2 | 2 | 62 | 49 | 12 | 102 |\n" in run.stdout  # alice + carol
    assert "### Teams on 2026-11-20\n" in run.stdout
    assert run.stdout.endswith(
        "Read 3 file(s): 1 aggregate day record(s), 3 per-user record(s), 4 user-team record(s).\n"
    )
    for login in ("alice", "bob", "carol"):
        assert login not in run.stdout
    assert run.outputs["daily-active-users"] == "42"
    assert run.outputs["weekly-active-users"] == "58"
    assert run.outputs["monthly-active-users"] == "77"
    assert run.outputs["acceptance-rate"] == RATE == "32.81"
    assert json.loads(run.outputs["metrics"])["days"][0]["code_generation_activity_count"] == 998
    assert run.summary == ""  # stdout is the summary; the step decides where it goes
    assert not list(reports.glob("*.csv"))


def test_summarize_json_prints_the_metrics(run_cli, reports):
    """--json prints the metrics object instead of Markdown."""
    run = run_cli("summarize", "--json", str(reports / "organization-1-day.ndjson"))
    assert run.code == 0, run.stderr
    metrics = json.loads(run.stdout)
    (day,) = metrics["days"]
    assert day["day"] == "2026-11-20"
    assert day["code_completion_acceptance_rate"] == float(RATE)
    assert day["code_completions_suggested"] == 640
    assert "daily_active_chat_users" not in day  # not a GitHub field, so not a name we use


def test_summarize_csv_writes_tables_beside_the_files(run_cli, reports):
    """--format csv writes the tables beside the files and says so in one line on stderr."""
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
            "teams.csv",
            "users.csv",
            "user_teams.csv",
        ]
    )
    (line,) = [ln for ln in run.stderr.splitlines() if ln.startswith("Wrote ")]
    assert line.startswith("Wrote 8 CSV table(s) (") and f"in {reports}." in line
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
    assert any(ln.startswith("::error") for ln in in_actions.stderr.splitlines())
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
    assert (
        (folder / "totals.csv").read_text().splitlines()[1].startswith(f"{DAY},999,13213,42,58,77,")
    )
    assert (folder / "by_model.csv").is_file()
    assert f"## Copilot usage on {DAY}\n\n{HEADLINE}" in run.summary
    assert "```mermaid\npie showData\n" in run.summary
    assert run.summary.index("report.json") < run.summary.index("## Copilot usage on")
    assert run.outputs["daily-active-users"] == "42"
    assert run.outputs["acceptance-rate"] == RATE
    assert json.loads(run.outputs["metrics"])["days"][0]["day"] == DAY.isoformat()
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
    body = b'{"user_id": 1, "day": "%s", "used_chat": "yes"}\n' % DAY.isoformat().encode()
    standin.add_report("my-org", DAY, [("users.ndjson", body)])
    run = run_cli("fetch", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    warning = [ln for ln in run.stderr.splitlines() if ln.startswith("::warning")]
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
    from copilot_usage_report._standin import data as _demodata

    newest = _demodata.newest_day(datetime.now(UTC).date())
    record = json.loads(_demodata.aggregate_file("org", newest))["day_totals"][0]
    assert f"  daily-active-users = {record['daily_active_users']}\n" in run.stdout
    # GitHub's code completion acceptance rate: the code_completion feature's accepted / shown.
    (completion,) = [f for f in record["totals_by_feature"] if f["feature"] == "code_completion"]
    expected = (
        100
        * completion["code_acceptance_activity_count"]
        / completion["code_generation_activity_count"]
    )
    rate = re.search(r"^  acceptance-rate = ([\d.]+)$", run.stdout, re.M)
    assert rate is not None and abs(float(rate.group(1)) - expected) < 0.01
    assert "## Copilot usage on " in run.stdout
    for section in ("### Activity by feature", "### By IDE", "### By language", "### By model"):
        assert section in run.stdout


def test_fetch_warns_naming_a_file_with_no_record_it_recognises(standin, run_cli, tmp_path):
    """A saved file holding no usage record is a warning naming it, never a silent skip."""
    other = b'{"note": "no usage record here"}\n'
    standin.add_report(
        "my-org", DAY, [("report.json", _aggregate(DAY.isoformat())), ("other.ndjson", other)]
    )
    run = run_cli("fetch", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("::warning")]
    assert len(warnings) == 1
    assert "title=Not summarised" in warnings[0]
    assert "other.ndjson" in warnings[0] and "no Copilot usage record" in warnings[0]
    assert run.outputs["daily-active-users"] == "42"
    assert run.outputs["file-count"] == "2"


def test_summarize_says_when_a_later_record_replaces_an_earlier_one(run_cli, tmp_path):
    """Two aggregate records of one organization's day: the later wins, and stderr says so."""
    first = json.loads((FIXTURES / "organization-1-day.ndjson").read_text())
    later = {**first, "daily_active_users": 43}
    path = tmp_path / "twice.ndjson"
    path.write_text(json.dumps(first) + "\n" + json.dumps(later) + "\n")
    run = run_cli("summarize", "--json", str(path))
    assert run.code == 0
    assert json.loads(run.stdout)["days"][0]["daily_active_users"] == 43
    (note,) = run.stderr.splitlines()
    assert f"{path}, line 2" in note and "the later wins" in note


def test_fetch_of_a_repos_report_neither_summarises_nor_warns(standin, run_cli, tmp_path):
    """Per-repository rows are no kind the summary reads: the fetch stays quiet about them."""
    row = {"day": DAY.isoformat(), "repository_id": 5, "code_generation_activity_count": 7}
    standin.add_report("my-org", DAY, [("r.ndjson", json.dumps(row).encode())], kind="repos-1-day")
    run = run_cli("fetch", env=_env(standin, tmp_path, INPUT_REPORT="repos-1-day"), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert not [ln for ln in run.stderr.splitlines() if ln.startswith("::warning")]
    assert run.outputs["file-count"] == "1"
