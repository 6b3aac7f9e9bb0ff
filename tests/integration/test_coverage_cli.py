"""Every report, every scope, any range: paths, shapes, layout, policies and resumption."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._core.kinds import KINDS
from copilot_usage_report._standin.server import Fault, StandIn

from ._common import TOKEN, indexes

TODAY = datetime.now(UTC).date()
D = [TODAY - timedelta(days=n) for n in range(0, 12)]  # D[3] is three days ago
BODY = b'{"user_id": 1}\n'


def _env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        **extra,
    }


@pytest.mark.parametrize(
    ("scope", "kind"),
    [(scope, k) for scope, kinds in KINDS.items() for k in kinds],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_each_kind_and_scope(standin, run_cli, tmp_path, scope, kind):
    """Each report of each scope is asked at its path and saved under <kind>/<day>/."""
    name = "my-org" if scope == "org" else "acme-corp"
    standin.add_report(name, D[3], [("part-1.ndjson", BODY)], kind=kind.name)
    option = "--org" if scope == "org" else "--enterprise"
    args = ["fetch", option, name, "--report", kind.name]
    if not kind.rolling:
        args += ["--day", D[3].isoformat()]
    run = run_cli(*args, env=_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    (api,) = standin.of("api")
    prefix = "orgs" if scope == "org" else "enterprises"
    tail = f"{kind.name}/latest" if kind.rolling else kind.name
    assert api.path == f"/{prefix}/{name}/copilot/metrics/reports/{tail}"
    assert api.query == ({} if kind.rolling else {"day": [D[3].isoformat()]})
    folder = tmp_path / "out" / prefix / name / kind.name / D[3].isoformat()
    assert (folder / "part-1.ndjson").read_bytes() == BODY
    assert run.outputs["report-day"] == D[3].isoformat()
    (index,) = indexes(tmp_path / "out")
    assert index["reports"][0]["folder"] == f"{prefix}/{name}/{kind.name}/{D[3].isoformat()}"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["scope"] == {"kind": scope, "name": name}
    assert manifest["report"] == kind.name
    assert manifest["report_day"] == D[3].isoformat()
    if kind.rolling:
        assert index["reports"][0]["report_start_day"] == (D[3] - timedelta(days=27)).isoformat()


def test_default_report_of_an_enterprise_is_its_aggregate(standin, run_cli, tmp_path):
    """organization-1-day, the default, means enterprise-1-day for an enterprise."""
    standin.add_report("acme", D[3], [("a.ndjson", BODY)], kind="enterprise-1-day")
    run = run_cli("fetch", "--enterprise", "acme", "--day", str(D[3]), env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert standin.of("api")[0].path.endswith(
        "/enterprises/acme/copilot/metrics/reports/enterprise-1-day"
    )


def test_enterprise_403_names_enterprise_permissions(standin, run_cli, tmp_path):
    """A 403 on an enterprise report names the enterprise roles and scopes."""
    standin.api_faults.append(Fault(status=403, body=b'{"message": "Forbidden"}'))
    run = run_cli("fetch", "--enterprise", "acme", "--day", str(D[3]), env=_env(standin, tmp_path))
    assert run.code == 1
    assert "View Enterprise Copilot Metrics" in run.stderr
    assert "manage_billing:copilot" in run.stderr and "read:enterprise" in run.stderr


def test_several_kinds_and_a_range(standin, run_cli, tmp_path):
    """A range of days times several kinds fetches each, with list outputs and an index."""
    for day in D[3:6]:
        for kind in ("organization-1-day", "users-1-day"):
            standin.add_report("my-org", day, [(f"{kind}.ndjson", BODY)], kind=kind)
    run = run_cli(
        "fetch",
        "--org",
        "my-org",
        "--report",
        "organization-1-day,users-1-day",
        "--day",
        f"{D[5]}..{D[3]}",
        env=_env(standin, tmp_path),
        actions=True,
    )
    assert run.code == 0, run.stdout + run.stderr
    days = [d.isoformat() for d in (D[5], D[4], D[3])]
    assert json.loads(run.outputs["days"]) == days
    assert json.loads(run.outputs["report-day"]) == days
    assert len(json.loads(run.outputs["path"])) == 6
    assert run.outputs["file-count"] == "6"
    assert json.loads(run.outputs["missing-days"]) == []
    assert run.outputs["artifact-name"] == f"copilot-usage-metrics-my-org-{D[5]}-to-{D[3]}"
    uploads = run.outputs["upload-paths"].splitlines()
    assert len(uploads) == 7 and uploads[-1].endswith("/index.json")
    assert uploads[-1] == run.outputs["index"]
    for kind in ("organization-1-day", "users-1-day"):
        for day_text in days:
            folder = tmp_path / "out" / "orgs" / "my-org" / kind / day_text
            assert (folder / f"{kind}.ndjson").is_file()
    log = run.stdout + run.stderr
    assert log.count("::group::") == 6
    assert log.count("::endgroup::") == 6


def test_last_n_days(standin, run_cli, tmp_path):
    """last-3-days asks for the three days before today, oldest first."""
    for day in D[1:4]:
        standin.add_report("my-org", day, [("a.ndjson", BODY)])
    run = run_cli("fetch", "--org", "my-org", "--day", "last-3-days", env=_env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert [r.query["day"][0] for r in standin.of("api")] == [
        d.isoformat() for d in (D[3], D[2], D[1])
    ]


@pytest.mark.parametrize(("policy", "code"), [("skip", 0), ("warn", 0), ("error", 1), (None, 0)])
def test_missing_days_follow_the_policy(standin, run_cli, tmp_path, policy, code):
    """Days without a report are skipped, warned about or fatal, as the policy says."""
    standin.add_report("my-org", D[5], [("a.ndjson", BODY)])
    standin.add_report("my-org", D[3], [("a.ndjson", BODY)])
    args = ["fetch", "--org", "my-org", "--day", f"{D[5]}..{D[3]}"]
    if policy:
        args += ["--if-not-available", policy]
    run = run_cli(*args, env=_env(standin, tmp_path), actions=True)
    assert run.code == code, run.stdout + run.stderr
    if code == 0:
        assert json.loads(run.outputs["missing-days"]) == [D[4].isoformat()]
        assert json.loads(run.outputs["days"]) == [D[5].isoformat(), D[3].isoformat()]
        assert "Not available" in run.summary and D[4].isoformat() in run.summary
        warnings = [
            ln
            for ln in (run.stdout + run.stderr).splitlines()
            if ln.startswith("::warning title=Report not available")
        ]
        assert len(warnings) == (1 if policy == "warn" else 0)
    else:
        assert any(ln.startswith("::error") and str(D[4]) in ln for ln in run.stderr.splitlines())
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("policy", ["error", "warn", "skip"])
def test_nothing_found_is_a_failure_whatever_the_policy(standin, run_cli, tmp_path, policy):
    """A day or a range with no report at all fails, whatever if-not-available says, and the
    run's index lists every day as missing."""
    for days in (str(D[3]), f"{D[5]}..{D[3]}"):
        args = ["fetch", "--org", "my-org", "--day", days, "--if-not-available", policy]
        run = run_cli(*args, env=_env(standin, tmp_path), actions=True)
        assert run.code == 1, run.stdout + run.stderr
        assert run.outputs["error-type"] == "ReportNotAvailableError"
        assert days in run.outputs["error"] or policy == "error"
        assert "Traceback" not in run.everything
    single, several = indexes(tmp_path / "out")
    assert several["status"] == "failed" and several["reports"] == []
    assert several["error"]["type"] == "ReportNotAvailableError"
    if policy != "error":  # "error" stops at the first missing day
        assert [m["day"] for m in several["missing"]] == [str(d) for d in (D[5], D[4], D[3])]
        assert [m["day"] for m in single["missing"]] == [str(D[3])]


def test_resumed_backfill_fetches_only_what_is_missing(standin, run_cli, tmp_path):
    """A backfill cut off half way asks again only for the days not complete on disk."""
    for day in D[3:8]:
        standin.add_report("my-org", day, [("a.ndjson", BODY), ("b.ndjson", BODY)])
    first = run_cli(
        "fetch", "--org", "my-org", "--day", f"{D[7]}..{D[5]}", env=_env(standin, tmp_path)
    )
    assert first.code == 0, first.stderr
    asked = len(standin.of("api"))
    run = run_cli(
        "fetch",
        "--org",
        "my-org",
        "--day",
        f"{D[7]}..{D[3]}",
        env=_env(standin, tmp_path),
        actions=True,
    )
    assert run.code == 0, run.stderr
    again = [r.query["day"][0] for r in standin.of("api")[asked:]]
    assert again == [D[4].isoformat(), D[3].isoformat()]
    assert json.loads(run.outputs["days"]) == [d.isoformat() for d in reversed(D[3:8])]
    assert run.outputs["file-count"] == "10"


def test_api_calls_are_serial_and_downloads_bounded(standin, run_cli, tmp_path):
    """At the stand-in: never two API requests at once, never more downloads than allowed."""
    standin.api_delay = 0.05
    standin.storage_delay = 0.15
    for day in D[3:9]:
        standin.add_report("my-org", day, [(f"{i}.ndjson", BODY) for i in range(3)])
    run = run_cli(
        "fetch",
        "--org",
        "my-org",
        "--day",
        f"{D[8]}..{D[3]}",
        "--concurrency",
        "2",
        env=_env(standin, tmp_path),
    )
    assert run.code == 0, run.stderr
    assert standin.max_in_flight["api"] == 1
    assert standin.max_in_flight["storage"] == 2
    api = standin.of("api")
    storage = standin.of("storage")
    # downloads overlap later API calls: some download starts before the last API request
    assert min(r.at for r in storage) < api[-1].at


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "a", "--enterprise", "b"], "both an organization and an enterprise"),
        (["--org", "a", "--report", "nope"], "not one an organization has"),
        (["--org", "a", "--report", "enterprise-1-day"], "not one an organization has"),
        (["--org", "a", "--day", "2026-11-20..2026-11-01"], "ends before it starts"),
        (["--org", "a", "--day", "last-0-days"], "N must be"),
        (["--org", "a", "--if-not-available", "maybe"], "must be error, warn or skip"),
        (["--enterprise=-x"], "not a slug GitHub allows"),
    ],
)
def test_bad_coverage_input_exits_2(standin, run_cli, tmp_path, args, message):
    """Contradictory or unknown coverage input is refused before any request."""
    run = run_cli("fetch", *args, env=_env(standin, tmp_path))
    assert run.code == 2, run.stderr
    assert message in run.stderr
    assert standin.requests == []
