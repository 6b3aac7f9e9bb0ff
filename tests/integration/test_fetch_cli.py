"""The fetch command driven from outside, as a runner does, against the loopback stand-in."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from copilot_usage_report._standin.server import Fault, StandIn

from .conftest import Run

TOKEN = "ghp_TESTTOKEN1234567890"
TODAY = datetime.now(UTC).date()
DAY = TODAY - timedelta(days=3)
USERS_1 = b'{"user_id": 1, "user_login": "alice", "day": "D"}\n{"user_id": 2, "day": "D"}\n'
USERS_2 = b'{"user_id": 3, "user_login": "carol", "day": "D"}\n'


def _env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        **extra,
    }


def _assert_no_secrets(run: Run, standin: StandIn) -> None:
    assert TOKEN not in run.everything
    log = [ln for ln in (run.stdout + run.stderr).splitlines() if not ln.startswith("::add-mask::")]
    assert "sig=" not in "\n".join(log) + run.summary
    for request in standin.of("storage"):
        assert "authorization" not in request.headers
        assert TOKEN not in json.dumps(request.headers)


def test_fetch_saves_files_byte_exact_with_outputs_and_summary(standin, run_cli, tmp_path):
    """A day's files are saved byte-exact, with manifest, outputs and summary, and no leak."""
    standin.add_report(
        "my-org", DAY, [("copilot-usage-report-1.ndjson", USERS_1), ("part 2.ndjson", USERS_2)]
    )
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    folder = tmp_path / "out" / "orgs" / "my-org" / "organization-1-day" / DAY.isoformat()
    assert (folder / "copilot-usage-report-1.ndjson").read_bytes() == USERS_1
    assert (folder / "part_2.ndjson").read_bytes() == USERS_2
    assert sorted(p.name for p in folder.iterdir()) == [
        "copilot-usage-report-1.ndjson",
        "manifest.json",
        "part_2.ndjson",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["manifest_version"] == 2
    assert manifest["scope"] == {"kind": "org", "name": "my-org"}
    assert manifest["api_origin"] == standin.api_url.rstrip("/")
    assert manifest["report"] == "organization-1-day"
    assert manifest["report_day"] == DAY.isoformat()
    assert [f["sha256"] for f in manifest["files"]] == [
        hashlib.sha256(USERS_1).hexdigest(),
        hashlib.sha256(USERS_2).hexdigest(),
    ]
    assert all("?" not in f["link"] for f in manifest["files"])
    assert TOKEN not in (folder / "manifest.json").read_text()

    outputs = run.outputs
    assert outputs["report-day"] == DAY.isoformat()
    assert outputs["file-count"] == "2"
    assert outputs["total-bytes"] == str(len(USERS_1) + len(USERS_2))
    assert outputs["path"] == str(folder)
    assert json.loads(outputs["files"]) == [
        str(folder / "copilot-usage-report-1.ndjson"),
        str(folder / "part_2.ndjson"),
    ]
    links = json.loads(outputs["download-links"])
    assert links == standin.issued[-1]
    assert "my-org" in run.summary and DAY.isoformat() in run.summary
    assert "part_2.ndjson" in run.summary
    # The runner masks the token from the first line on (stderr: stdout is the command's
    # data); no other line holds it.
    assert run.stderr.splitlines()[0] == f"::add-mask::{TOKEN}"
    _assert_no_secrets(run, standin)


def test_request_shape(standin, run_cli, tmp_path):
    """The API gets the documented path, query and headers; storage gets no token."""
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_2)])
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    (api,) = standin.of("api")
    assert api.path == "/orgs/my-org/copilot/metrics/reports/organization-1-day"
    assert api.query == {"day": [DAY.isoformat()]}
    assert api.headers["accept"] == "application/vnd.github+json"
    assert api.headers["x-github-api-version"] == "2026-03-10"
    assert api.headers["authorization"] == f"Bearer {TOKEN}"
    assert api.headers["user-agent"].startswith("copilot-usage-report/")
    (storage,) = standin.of("storage")
    assert "authorization" not in storage.headers
    assert storage.headers["user-agent"].startswith("copilot-usage-report/")


def test_api_version_option_is_sent(standin, run_cli, tmp_path):
    """--api-version changes the X-GitHub-Api-Version header."""
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_2)])
    run = run_cli(
        "fetch",
        "--day",
        DAY.isoformat(),
        "--api-version",
        "2022-11-28",
        env=_env(standin, tmp_path),
    )
    assert run.code == 0, run.stderr
    assert standin.of("api")[0].headers["x-github-api-version"] == "2022-11-28"


def test_latest_walks_back_to_the_newest_report(standin, run_cli, tmp_path):
    """latest asks yesterday first, then earlier days, and fetches the first with a report."""
    standin.add_report("my-org", TODAY - timedelta(days=3), [("a.ndjson", USERS_2)])
    run = run_cli("fetch", env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    asked = [r.query["day"][0] for r in standin.of("api")]
    assert asked == [(TODAY - timedelta(days=n)).isoformat() for n in (1, 2, 3)]
    assert run.outputs["report-day"] == (TODAY - timedelta(days=3)).isoformat()


def test_latest_with_no_report_names_the_days_tried(standin, run_cli, tmp_path):
    """latest gives up after four days back and names each day it asked for."""
    standin.no_report_status = 204
    run = run_cli("fetch", "--day", "latest", env=_env(standin, tmp_path), actions=True)
    assert run.code == 1
    (line,) = [ln for ln in run.stderr.splitlines() if ln.startswith("::error")]
    for n in range(1, 5):
        assert (TODAY - timedelta(days=n)).isoformat() in line
    assert len(standin.of("api")) == 4
    assert "Traceback" not in run.everything


def test_yesterday_asks_for_yesterday(standin, run_cli, tmp_path):
    """yesterday asks for exactly the previous UTC day."""
    yesterday = TODAY - timedelta(days=1)
    standin.add_report("my-org", yesterday, [("a.ndjson", USERS_2)])
    run = run_cli("fetch", "--day", "yesterday", "--json", env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert json.loads(run.stdout)["report-day"] == yesterday.isoformat()


def test_json_prints_the_outputs_as_one_object(standin, run_cli, tmp_path):
    """--json prints exactly the outputs, as one JSON object, and nothing else on stdout."""
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_2)])
    run = run_cli("fetch", "--day", DAY.isoformat(), "--json", env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {
        "download-links",
        "report-day",
        "files",
        "path",
        "file-count",
        "total-bytes",
    } | set(data) - {"download-links", "report-day", "files", "path", "file-count", "total-bytes"}
    assert data["file-count"] == "1"
    assert json.loads(data["files"])[0].endswith("a.ndjson")


def test_local_run_prints_a_short_result_without_workflow_commands(standin, run_cli, tmp_path):
    """Outside Actions the CLI prints a readable result and no workflow command."""
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_2)])
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 0
    assert "Saved 1 file(s)" in run.stdout
    assert "::" not in run.stdout
    assert run.outputs == {} and run.summary == ""


def test_gzip_content_encoding_is_decoded(standin, run_cli, tmp_path):
    """A gzip-encoded body is saved as the NDJSON it encodes."""
    standin.gzip_storage = True
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_1)])
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    saved = (
        tmp_path / "out" / "orgs" / "my-org" / "organization-1-day" / DAY.isoformat() / "a.ndjson"
    )
    assert saved.read_bytes() == USERS_1


def test_single_json_document_report_is_accepted(standin, run_cli, tmp_path):
    """The aggregate report, one pretty-printed JSON object, verifies and saves."""
    doc = json.dumps({"day": DAY.isoformat(), "daily_active_users": 3}, indent=2).encode()
    standin.add_report("my-org", DAY, [("agg.json", doc)])
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr


def test_tokens_from_gh_token_and_github_token(standin, run_cli, tmp_path):
    """Without --token or INPUT_TOKEN, GH_TOKEN then GITHUB_TOKEN are used (the GitHub CLI's
    order), so a stale GITHUB_TOKEN does not shadow the GH_TOKEN the README exports."""
    standin.add_report("my-org", DAY, [("a.ndjson", USERS_2)])
    env = _env(standin, tmp_path)
    del env["INPUT_TOKEN"]
    run = run_cli("fetch", "--day", DAY.isoformat(), env={**env, "GH_TOKEN": TOKEN})
    assert run.code == 0, run.stderr
    run = run_cli(
        "fetch",
        "--day",
        DAY.isoformat(),
        env={**env, "GH_TOKEN": TOKEN, "GITHUB_TOKEN": "wrong-token"},
    )
    assert run.code == 0, run.stderr
    run = run_cli("fetch", "--day", DAY.isoformat(), env={**env, "GITHUB_TOKEN": TOKEN})
    assert run.code == 0, run.stderr


def test_empty_link_list_is_not_success(standin, run_cli, tmp_path):
    """A 200 with no links is reported as no report files for the day."""
    body = json.dumps({"download_links": [], "report_day": DAY.isoformat()}).encode()
    standin.api_faults.append(Fault(status=200, body=body))
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 1
    assert f"no report files for {DAY}" in run.stderr
    assert "Traceback" not in run.everything


def test_non_https_link_is_refused_before_any_download(standin, run_cli, tmp_path):
    """A plain-http link to a non-loopback host is refused, and nothing is fetched."""
    body = json.dumps(
        {
            "download_links": [
                f"{standin.storage_url}/reports/x/organization-1-day/{DAY}/a.ndjson?sig=1",
                "http://example.com/report.ndjson?sig=secret",
            ],
            "report_day": DAY.isoformat(),
        }
    ).encode()
    standin.api_faults.append(Fault(status=200, body=body))
    run = run_cli("fetch", "--day", DAY.isoformat(), env=_env(standin, tmp_path))
    assert run.code == 1
    assert "not https" in run.stderr
    assert "sig=secret" not in run.everything
    assert standin.of("storage") == []


def test_demo_runs_without_token_or_network(run_cli, tmp_path):
    """The README's demo command fetches the sample report and shows outputs and summary."""
    run = run_cli("demo", "--output-dir", str(tmp_path / "demo"))
    assert run.code == 0, run.stderr
    assert "report-day = " in run.stdout
    assert "## Copilot usage report" in run.stdout
    files = list((tmp_path / "demo" / "orgs" / "octo-demo" / "organization-1-day").glob("*/*.json"))
    assert {f.name for f in files} >= {"manifest.json"}
    assert "sig=" not in run.stdout + run.stderr
