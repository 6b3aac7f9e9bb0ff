"""Trust the archive: whose data a folder holds, one run per folder, every completed day kept.

Each case drives the real CLI as a subprocess against the loopback stand-in.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._archive.lock import scope_lock
from copilot_usage_report._archive.store import scope_folder
from copilot_usage_report._core.kinds import Scope
from copilot_usage_report._standin.server import Fault, StandIn

from ._common import (
    DAY,
    FILES,
    TOKEN,
    archive_files,
    assert_no_leak,
    assert_saved_exactly,
    env,
    folder,
    indexes,
    serve,
)
from .conftest import SCRIPT, parse_outputs

TODAY = datetime.now(UTC).date()
BODY = b'{"user_id": 1}\n'


def _days(n: int) -> list[date]:
    """``n`` consecutive past days, oldest first, ending three days ago."""
    return [DAY - timedelta(days=n - 1 - i) for i in range(n)]


def _org_folder(out: Path, org: str, day: date, kind: str = "organization-1-day") -> Path:
    return out / "orgs" / org / kind / day.isoformat()


def _links_body(standin: StandIn, day_served: date, report_day: str) -> Fault:
    """A 200 answer listing the files of ``day_served`` but naming ``report_day``."""
    links = standin.links_for("my-org", "organization-1-day", day_served.isoformat())
    body = json.dumps({"download_links": links, "report_day": report_day}).encode()
    return Fault(status=200, body=body, headers=(("Content-Type", "application/json"),))


# -- whose data ------------------------------------------------------------------------------


def test_a_second_organization_gets_its_own_folder_and_its_own_outputs(standin, run_cli, tmp_path):
    """Two organizations, one path, one day: each is asked for and saved apart."""
    standin.add_report("octo-demo", DAY, [("a.ndjson", b'{"org": "octo"}\n')])
    standin.add_report("some-other-org", DAY, [("a.ndjson", b'{"org": "other"}\n')])
    base = env(standin, tmp_path)
    first = run_cli("fetch", env={**base, "INPUT_ORG": "Octo-Demo"}, actions=True)
    second = run_cli("fetch", env={**base, "INPUT_ORG": "some-other-org"}, actions=True)
    assert first.code == 0 and second.code == 0, first.stderr + second.stderr
    assert len(standin.of("api")) == 2  # the second run asked GitHub for its own data
    out = tmp_path / "out"
    mine = _org_folder(out, "some-other-org", DAY)
    assert second.outputs["path"] == str(mine)
    assert json.loads(second.outputs["files"]) == [str(mine / "a.ndjson")]
    assert (mine / "a.ndjson").read_bytes() == b'{"org": "other"}\n'
    # GitHub treats names case-insensitively: Octo-Demo is saved as octo-demo
    assert (_org_folder(out, "octo-demo", DAY) / "a.ndjson").read_bytes() == b'{"org": "octo"}\n'
    assert second.outputs["artifact-name"] == f"copilot-usage-metrics-some-other-org-{DAY}"


def test_a_forbidden_token_for_another_organization_is_tried_and_fails(standin, run_cli, tmp_path):
    """Data of one organization on disk never answers for another: its 403 is reported."""
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    standin.api_faults.append(Fault(status=403, body=b'{"message": "Forbidden"}'))
    run = run_cli("fetch", env=env(standin, tmp_path, INPUT_ORG="other-org"), actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "AccessDeniedError"
    assert "file-count" not in run.outputs


def test_a_folder_of_another_api_is_an_error_naming_both(run_cli, tmp_path):
    """The same organization name on another API (GHE.com vs github.com) is another
    organization: its folder is not reused, and nothing is asked before saying so."""
    with StandIn(token=TOKEN) as first, StandIn(token=TOKEN) as second:
        serve(first)
        serve(second)
        assert run_cli("fetch", env=env(first, tmp_path)).code == 0
        run = run_cli("fetch", env=env(second, tmp_path), actions=True)
        assert run.code == 1
        assert run.outputs["error-type"] == "OutputError"
        message = run.outputs["error"]
        assert first.api_url.rstrip("/") in message and second.api_url.rstrip("/") in message
        assert str(folder(tmp_path)) in message
        assert second.requests == []
        assert "Traceback" not in run.everything


def test_a_folder_whose_manifest_names_another_report_or_day_is_an_error(
    standin, run_cli, tmp_path
):
    """A manifest copied into the wrong folder is never taken for this run's data."""
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    manifest_path = folder(tmp_path) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for field, value in (("report_day", "2026-01-01"), ("report", "users-1-day")):
        manifest_path.write_text(json.dumps({**manifest, field: value}))
        run = run_cli("fetch", env=env(standin, tmp_path))
        assert run.code == 1
        assert value in run.stderr and "organization-1-day" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1
    assert len(standin.of("api")) == 1


def test_summarize_still_reads_the_older_layout(run_cli, tmp_path):
    """<path>/<report>/<day>/ with a version 1 manifest (org, no scope) is still summarised."""
    old = tmp_path / "old" / "organization-1-day" / str(DAY)
    old.mkdir(parents=True)
    record = {"day": str(DAY), "daily_active_users": 7, "monthly_active_users": 9}
    body = (json.dumps(record) + "\n").encode()
    (old / "r.ndjson").write_bytes(body)
    (old / "stray.json").write_text("{not a report")  # not in the manifest: not read
    (old / "manifest.json").write_text(
        json.dumps(
            {
                "tool": "copilot-usage-report 0.9",
                "org": "my-org",
                "report": "organization-1-day",
                "report_day": str(DAY),
                "files": [
                    {
                        "name": "r.ndjson",
                        "size": len(body),
                        "sha256": hashlib.sha256(body).hexdigest(),
                        "link": "https://x/r.ndjson",
                    }
                ],
            }
        )
    )
    run = run_cli("summarize", "--json", str(tmp_path / "old"))
    assert run.code == 0, run.stderr
    (day,) = json.loads(run.stdout)["days"]
    assert day["daily_active_users"] == 7


# -- manifests are checked like links ----------------------------------------------------------


def test_a_manifest_naming_a_path_outside_its_folder_is_not_trusted(standin, run_cli, tmp_path):
    """``../../outside/x.ndjson`` with a matching hash is ignored: the day is fetched again,
    and --format csv writes nothing outside the output folder."""
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    decoy = b'{"day": "%s", "daily_active_users": 1}\n' % str(DAY).encode()
    (outside / "x.ndjson").write_bytes(decoy)
    where = folder(tmp_path)
    manifest = json.loads((where / "manifest.json").read_text())
    escape = "../../../../../outside/x.ndjson"
    assert (where / escape).resolve() == (outside / "x.ndjson").resolve()
    manifest["files"] = [
        {"name": escape, "size": len(decoy), "sha256": hashlib.sha256(decoy).hexdigest()}
        | {"link": "https://x/x.ndjson"}
    ]
    (where / "manifest.json").write_text(json.dumps(manifest))
    run = run_cli("fetch", env=env(standin, tmp_path, INPUT_FORMAT="csv"), actions=True)
    assert run.code == 0, run.stdout + run.stderr
    assert len(standin.of("api")) == 2  # not taken as complete on disk
    assert len(standin.of("storage")) == 2 * len(FILES)
    assert sorted(p.name for p in outside.iterdir()) == ["x.ndjson"]
    assert str(outside) not in run.outputs["files"]
    rewritten = json.loads((where / "manifest.json").read_text())
    assert [f["name"] for f in rewritten["files"]] == [name for name, _ in FILES]


# -- one run per folder ----------------------------------------------------------------------


def test_a_run_waits_a_bounded_time_then_names_the_holder(standin, run_cli, tmp_path):
    """While another process holds the scope's lock, a run fails after --lock-wait with one
    line naming that process, sends nothing, and leaves the holder's files alone."""
    serve(standin)
    scope_dir = scope_folder(tmp_path / "out", Scope("org", "my-org"))
    with scope_lock(scope_dir, wait=0):
        run = run_cli("fetch", "--lock-wait", "0.3", env=env(standin, tmp_path), actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "OutputError"
    assert f"process {os.getpid()}" in run.outputs["error"]
    assert str(scope_dir) in run.outputs["error"]
    assert standin.requests == []
    (index,) = indexes(tmp_path / "out")  # the run that could not start says so too
    assert index["status"] == "failed" and index["error"]["type"] == "OutputError"
    assert index["failed"] == [{"report": "organization-1-day", "day": str(DAY)}]
    # released: the next run goes ahead
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0


def _popen(standin: StandIn, tmp_path: Path, days: str) -> subprocess.Popen[str]:
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "COPILOT_USAGE_REPORT_TESTING": "1",
        **env(standin, tmp_path, INPUT_DAY=days),
    }
    if os.name == "nt":
        full_env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
    return subprocess.Popen(
        [str(SCRIPT), "fetch"],
        env=full_env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_into_one_folder_both_succeed(standin, tmp_path):
    """Two fetches of overlapping ranges started together: one waits for the other, neither
    removes the other's files, and every day is saved once, whole."""
    days = _days(4)
    for day in days:
        standin.add_report("my-org", day, [("a.ndjson", BODY * 50), ("b.ndjson", BODY)])
    standin.storage_delay = 1.0  # each run is still downloading when the other starts
    first = _popen(standin, tmp_path, f"{days[0]}..{days[2]}")
    second = _popen(standin, tmp_path, f"{days[1]}..{days[3]}")
    results = [p.communicate(timeout=120) for p in (first, second)]
    for proc, (_, stderr) in zip((first, second), results, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
    out = tmp_path / "out"
    for day in days:
        where = _org_folder(out, "my-org", day)
        assert (where / "a.ndjson").read_bytes() == BODY * 50
        assert json.loads((where / "manifest.json").read_text())["report_day"] == str(day)
    assert len(archive_files(out)) == 3 * len(days)  # two files and a manifest a day
    assert [i["status"] for i in indexes(out)] == ["complete", "complete"]
    # One ran after the other: the second found the two shared days complete on disk.
    assert len(standin.of("api")) == len(days)
    assert len(standin.of("storage")) == 2 * len(days)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_run_leaves_no_stale_lock_and_its_temporary_files_go(standin, run_cli, tmp_path):
    """A run killed mid-download holds nothing: the next one takes the lock at once (no wait
    allowed), removes the dead run's temporary file and saves the day."""
    import signal
    import time

    serve(standin)
    standin.storage_delay = 60.0
    victim = _popen(standin, tmp_path, str(DAY))
    where = folder(tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not list(where.glob(".*.part")) and time.monotonic() < deadline:
            assert victim.poll() is None
            time.sleep(0.05)
        partials = list(where.glob(".*.part"))
        assert partials and all(f".{victim.pid}-" in p.name for p in partials)  # name the writer
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=30)
    standin.storage_delay = 0.0
    run = run_cli("fetch", "--lock-wait", "0", env=env(standin, tmp_path))
    assert run.code == 0, run.stderr
    assert "removed temporary files an interrupted run left behind" in run.stdout + run.stderr
    assert not list(where.glob(".*.part"))
    assert_saved_exactly(tmp_path)


def test_a_range_whose_days_all_answer_one_report_day_saves_it_once(standin, run_cli, tmp_path):
    """GitHub answering the same report_day for every day of a range: saved once, each
    differing answer a warning annotation, no file removed under a running download."""
    days = _days(3)
    answered = days[0] - timedelta(days=1)
    standin.add_report("my-org", answered, list(FILES))
    for _ in days:
        standin.api_faults.append(_links_body(standin, answered, answered.isoformat()))
    run = run_cli(
        "fetch", env=env(standin, tmp_path, INPUT_DAY=f"{days[0]}..{days[-1]}"), actions=True
    )
    assert run.code == 0, run.stdout + run.stderr
    warnings = [ln for ln in run.stderr.splitlines() if "title=Report day differs" in ln]
    assert len(warnings) == 3
    assert all(str(answered) in ln for ln in warnings)
    assert json.loads(run.outputs["days"]) == [str(answered)]
    assert run.outputs["file-count"] == str(len(FILES))
    where = _org_folder(tmp_path / "out", "my-org", answered)
    assert sorted(p.name for p in where.iterdir()) == sorted(
        [name for name, _ in FILES] + ["manifest.json"]
    )


@pytest.mark.parametrize(
    ("report_day", "why"),
    [
        (str(TODAY + timedelta(days=1)), "has not ended yet"),
        (str(TODAY), "has not ended yet"),
        ("2024-06-01", "before 2025-12-12"),
    ],
)
def test_an_impossible_report_day_is_a_format_error(standin, run_cli, tmp_path, report_day, why):
    """A report_day in the future, or before GitHub's first day, is refused; nothing saved."""
    serve(standin)
    standin.api_faults.append(_links_body(standin, DAY, report_day))
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "ReportFormatError"
    assert report_day in run.outputs["error"] and why in run.outputs["error"]
    assert archive_files(tmp_path / "out") == []
    assert standin.of("storage") == []


# -- every completed day is kept -------------------------------------------------------------


def test_a_failure_part_way_keeps_every_completed_day(standin, run_cli, tmp_path):
    """Day 3 of 4 answers 500 after every retry: days 1 and 2 keep their manifests, the index
    says what was saved and what failed, the outputs let the action upload them, and the
    rerun asks only for what is missing."""
    days = _days(4)
    for day in days:
        standin.add_report("my-org", day, list(FILES))
    standin.api_faults.extend([Fault(), Fault(), Fault(status=500, body=b"{}")])
    args = ("fetch", "--retries", "0")
    span = f"{days[0]}..{days[-1]}"
    run = run_cli(*args, env=env(standin, tmp_path, INPUT_DAY=span), actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "ServerError"
    out = tmp_path / "out"
    for day in days[:2]:
        manifest = json.loads((_org_folder(out, "my-org", day) / "manifest.json").read_text())
        assert [f["name"] for f in manifest["files"]] == [name for name, _ in FILES]
    assert not _org_folder(out, "my-org", days[2]).exists()
    (index,) = indexes(out)
    assert index["status"] == "failed" and index["error"]["type"] == "ServerError"
    assert [r["report_day"] for r in index["reports"]] == [str(d) for d in days[:2]]
    assert [f["day"] for f in index["failed"]] == [str(d) for d in days[2:]]
    # the action uploads what was saved: the outputs describe it, with the index
    assert run.outputs["file-count"] == str(2 * len(FILES))
    uploads = run.outputs["upload-paths"].splitlines()
    assert uploads[-1] == run.outputs["index"] and len(uploads) == 3
    # download-links holds the signed links, by design; nothing else does
    assert_no_leak(run.everything.replace(run.outputs["download-links"], ""))

    asked = len(standin.of("api"))
    rerun = run_cli(*args, env=env(standin, tmp_path, INPUT_DAY=span))
    assert rerun.code == 0, rerun.stderr
    assert [r.query["day"][0] for r in standin.of("api")[asked:]] == [str(d) for d in days[2:]]
    assert len(indexes(out)) == 2


# -- every write failure is an OutputError ---------------------------------------------------


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    mount = shutil.which("mount")
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or mount is None:
        return False
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _run_limited(args: list[str], run_env: dict[str, str], limit: int | None, cwd: Path):
    """The CLI in a subprocess, its file size limited to ``limit`` bytes when given."""

    def cap() -> None:  # pragma: no cover - runs in the child
        import resource

        assert limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [str(SCRIPT), *args],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), **run_env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=cap if limit is not None else None,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="tmpfs and RLIMIT_FSIZE are POSIX")
def test_a_full_disk_is_one_line_and_leaves_no_partial_file(standin, tmp_path):
    """The disk fills during a download: exit 1, one line with the path and the system's
    reason, no traceback, no temporary or partial file."""
    big = b'{"user_id": 1, "pad": "%s"}\n' % (b"x" * 1000)
    standin.add_report("my-org", DAY, [("small.ndjson", BODY), ("big.ndjson", big * 2048)])
    disk = tmp_path / "disk"
    mounted = _mount_tmpfs(disk, "512k")
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    run_env = {
        **env(standin, tmp_path),
        "INPUT_OUTPUT_DIR": str(disk / "out"),
        "INPUT_CONCURRENCY": "1",
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "COPILOT_USAGE_REPORT_TESTING": "1",
    }
    try:
        proc = _run_limited(["fetch"], run_env, None if mounted else 512 * 1024, tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        result = parse_outputs(outputs.read_text())
        assert result["error-type"] == "OutputError"
        reason = "No space left on device" if mounted else "File too large"
        assert reason in result["error"] and "big.ndjson" in result["error"]
        leftovers = [p.name for p in (disk / "out").rglob("*") if p.is_file()]
        assert not [n for n in leftovers if n.endswith(".part") or n == "big.ndjson"]
    finally:
        if mounted:
            subprocess.run([shutil.which("umount") or "/bin/umount", str(disk)], check=False)


@pytest.mark.parametrize("in_the_way", ["manifest.json", "a.ndjson"])
def test_a_folder_in_the_way_of_a_file_is_an_output_error(standin, run_cli, tmp_path, in_the_way):
    """A directory where a file or the manifest must go: one line with the path and reason."""
    standin.add_report("my-org", DAY, [("a.ndjson", BODY)])
    (folder(tmp_path) / in_the_way).mkdir(parents=True)
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 1
    assert run.outputs["error-type"] == "OutputError"
    assert str(folder(tmp_path) / in_the_way) in run.outputs["error"]
    if sys.platform.startswith("linux"):
        assert run.outputs["error"].endswith(": Is a directory.")
    assert "Traceback" not in run.everything
    assert not [p for p in folder(tmp_path).iterdir() if p.name.endswith(".part")]


def test_a_run_that_saved_nothing_leaves_only_its_own_records(standin, run_cli, tmp_path):
    """A failed run with nothing saved leaves the scope's lock and its index, nothing else: a
    caller that made the folder for it may remove it whole (``nothing_archived``)."""
    from copilot_usage_report._pipeline.results import nothing_archived

    run = run_cli("fetch", env=env(standin, tmp_path))
    assert run.code == 1
    out = tmp_path / "out"
    assert nothing_archived(out)
    assert [i["status"] for i in indexes(out)] == ["failed"]
    serve(standin)
    assert run_cli("fetch", env=env(standin, tmp_path)).code == 0
    assert not nothing_archived(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="remounts a tmpfs read-only")
def test_a_scope_folder_the_run_may_not_write_is_one_line_before_any_request(standin, tmp_path):
    """The organization's folder is read-only (as a permission refusal would be): one
    OutputError line with the path and the system's reason, nothing asked of GitHub, and
    the run's index (elsewhere in the archive) says so."""
    serve(standin)
    out = tmp_path / "out"
    out.mkdir()
    if not _mount_tmpfs(out / "orgs", "1m"):
        pytest.skip("mounting a tmpfs needs root")
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    run_env = {
        **env(standin, tmp_path),
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "COPILOT_USAGE_REPORT_TESTING": "1",
    }
    try:
        remount = [shutil.which("mount") or "/bin/mount", "-o", "remount,ro", str(out / "orgs")]
        subprocess.run(remount, check=True)
        proc = _run_limited(["fetch"], run_env, None, tmp_path)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        result = parse_outputs(outputs.read_text())
        assert result["error-type"] == "OutputError"
        assert result["error"] == f"cannot write {out / 'orgs' / 'my-org'}: Read-only file system."
        assert standin.requests == []
        (index,) = indexes(out)
        assert index["error"]["message"] == result["error"]
    finally:
        subprocess.run([shutil.which("umount") or "/bin/umount", str(out / "orgs")], check=False)
