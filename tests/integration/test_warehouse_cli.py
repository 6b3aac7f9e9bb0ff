"""``copilot-usage-report warehouse`` run as a runner runs it, and the fetch that never needs it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.warehouse._archive import ndjson, user

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = datetime.now(UTC).date() - timedelta(days=3)
EXTRAS = ("pyarrow", "duckdb", "pyspark")


def _fetch_env(standin, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": DAY.isoformat(),
        "INPUT_REPORT": "users-1-day",
        **extra,
    }


def _fetched(standin, run_cli, tmp_path: Path, **extra: str):
    records = ndjson([user(i, DAY.isoformat()) for i in range(1, 6)])
    standin.add_report("my-org", DAY, [("users.ndjson", records)], kind="users-1-day")
    return run_cli("fetch", env=_fetch_env(standin, tmp_path, **extra), actions=True)


def test_a_fetch_never_imports_the_warehouse_extra(standin, run_cli, tmp_path):
    """pyarrow (and the engines) are the warehouse's alone: the fetch's import log has none."""
    run = _fetched(standin, run_cli, tmp_path, PYTHONPROFILEIMPORTTIME="1")
    assert run.code == 0, run.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in run.everything.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert {"httpx", "msgspec", "copilot_usage_report._pipeline.job"} <= imported
    assert not {m for m in imported if m.split(".")[0] in EXTRAS}
    assert not {m for m in imported if m.startswith("copilot_usage_report.warehouse")}


def test_the_command_converts_a_fetched_archive_and_a_rerun_writes_nothing(
    standin, run_cli, tmp_path
):
    """The real CLI writes the day's partition, then finds it unchanged; a bad folder warns."""
    assert _fetched(standin, run_cli, tmp_path).code == 0
    archive, dataset = tmp_path / "out", tmp_path / "dataset"
    first = run_cli("warehouse", str(archive), "--out", str(dataset))
    assert first.code == 0, first.stderr
    assert "1 partition(s) written" in first.stdout
    part = dataset / "users" / "scope=org-my-org" / f"day={DAY.isoformat()}" / "part-0.parquet"
    assert part.is_file()
    again = run_cli("warehouse", str(archive), "--out", str(dataset), actions=True)
    assert again.code == 0, again.stderr
    assert (
        "0 partition(s) written" in again.stdout and "1 report folder(s) unchanged" in again.stdout
    )
    folder = archive / "orgs" / "my-org" / "users-1-day" / DAY.isoformat()
    (folder / "users.ndjson").write_bytes(b"{}\n")
    warned = run_cli("warehouse", str(archive), "--out", str(dataset), actions=True)
    assert warned.code == 0, warned.stderr
    lines = [ln for ln in warned.everything.splitlines() if "Left out of the warehouse" in ln]
    assert len(lines) == 1 and "users.ndjson" in lines[0]
    assert part.is_file()  # the partition of the good content stays


def test_a_missing_archive_is_bad_input(run_cli, tmp_path):
    """No such folder: one line naming it, exit 2, nothing written."""
    run = run_cli("warehouse", str(tmp_path / "nope"), "--out", str(tmp_path / "dataset"))
    assert run.code == 2
    assert "nope is not a folder" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "dataset").exists()


def test_the_action_writes_the_warehouse_only_when_asked(standin, tmp_path):
    """action.yml run as the runner runs it: ``warehouse: true`` installs the extra from the
    hash-pinned requirements (uv recorded here, not run) and writes ``<path>/warehouse/``, which
    the warehouse upload sends; left at its default, neither step runs."""
    from ._composite import run_action

    records = ndjson([user(i, DAY.isoformat()) for i in range(1, 4)])
    standin.add_report("my-org", DAY, [("users.ndjson", records)], kind="users-1-day")
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "uv.log"
    (fake / "uv").write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n')
    (fake / "uv").chmod(0o755)
    root = Path(__file__).resolve().parents[2]
    env = {
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_ACTION_PATH": str(root),
        "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    inputs = {
        "org": "my-org",
        "token": TOKEN,
        "api-url": standin.api_url,
        "day": DAY.isoformat(),
        "report": "users-1-day",
        "path": str(tmp_path / "archive"),
    }
    plain = run_action(inputs, workdir=tmp_path, env=env)
    assert plain.step("fetch").outcome == "success", plain.step("fetch").stderr
    assert plain.step("warehouse").outcome == "skipped"
    assert plain.step("upload-warehouse").outcome == "skipped"
    assert not log.exists() and not (tmp_path / "archive" / "warehouse").exists()
    asked = run_action({**inputs, "warehouse": "true"}, workdir=tmp_path, env=env)
    step = asked.step("warehouse")
    assert step.outcome == "success", step.stderr
    assert asked.step("upload-warehouse").outcome == "success"
    installed = log.read_text()
    assert "--require-hashes --no-build" in installed
    assert f"{root}/requirements/warehouse.txt" in installed
    part = tmp_path / "archive" / "warehouse" / "users" / "scope=org-my-org"
    assert (part / f"day={DAY.isoformat()}" / "part-0.parquet").is_file()
    assert "1 partition(s) written" in step.stdout


def test_an_interrupt_stops_a_conversion_within_two_seconds_and_leaves_no_file(tmp_path):
    """SIGINT while Arrow's reader and the Parquet writer are at work (a partition is being
    written aside): exit 130 within 2 s of the signal, one line, no file of the partition."""
    import signal
    import subprocess
    import time

    from tests.warehouse._archive import put_report

    from .conftest import SCRIPT

    day = DAY.isoformat()
    line = ndjson([user(1, day, padding="x" * 2000)])
    records = b"".join(
        line.replace(b'"user_id": 1,', f'"user_id": {i},'.encode()) for i in range(1, 150_001)
    )
    archive, dataset = tmp_path / "archive", tmp_path / "dataset"
    put_report(archive, "users-1-day", day, {"users.ndjson": records})
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONUTF8": "1"}
    proc = subprocess.Popen(
        [str(SCRIPT), "warehouse", str(archive), "--out", str(dataset)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(dataset.rglob(".*.part")) and proc.poll() is None:
        assert time.monotonic() < deadline, "no partition was being written"
        time.sleep(0.005)
    assert proc.poll() is None, "the conversion ended before the signal: make the report larger"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    after = time.monotonic() - sent
    assert proc.returncode == 130, stderr
    assert after < 2.0, after
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert [p for p in dataset.rglob("*") if p.is_file() and "users" in p.parts] == []
