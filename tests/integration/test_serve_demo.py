"""serve-demo and the self-test's checks, run here the way the self-test workflow runs them.

Each test starts the stand-in with ``serve-demo`` (detached, as in a workflow
step), runs the fetch the action runs against it with the action's environment,
and hands the step outputs to ``scripts/selftest_check.py``, the script the
workflow's assertion steps call.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .._scripts import load_script
from .conftest import Run

check = load_script("selftest_check")


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # Linux: a zombie has ended; its new parent (a container's init) may not reap it soon
        if Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
            return False
    except OSError:
        pass
    try:  # a finished child of ours that nobody reaped yet is not serving
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return finished == 0


@pytest.fixture
def serve(run_cli) -> Iterator[Callable[..., Run]]:
    """Call ``serve("--scenario", "ok")`` to start a detached stand-in; it is stopped after."""
    pids: list[int] = []

    def start(*args: str) -> Run:
        run = run_cli("serve-demo", "--lifetime", "120", *args, actions=True)
        assert run.code == 0, run.stderr
        pids.append(int(run.outputs["pid"]))
        return run

    yield start
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)


def _action_env(standin: Run, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment the action's fetch step gets, pointed at the served stand-in."""
    return {
        "INPUT_ORG": standin.outputs["org"],
        "INPUT_TOKEN": standin.outputs["token"],
        "INPUT_API_URL": standin.outputs["api-url"],
        "INPUT_OUTPUT_DIR": str(tmp_path / "metrics"),
        "INPUT_DAY": "latest",
        **extra,
    }


def test_serve_demo_prints_its_url_and_sets_outputs(serve):
    """stdout is the API URL alone; the outputs say where, who, with what token, which day."""
    run = serve()
    assert run.stdout.strip() == run.outputs["api-url"]
    assert run.outputs["api-url"].startswith("http://127.0.0.1:")
    assert run.outputs["org"] == "octo-demo"
    assert run.outputs["token"]
    assert run.outputs["scenario"] == "ok"
    assert "stops by itself" in run.stderr
    assert _alive(int(run.outputs["pid"]))


def test_the_action_fetch_against_serve_demo_passes_the_selftest_checks(serve, run_cli, tmp_path):
    """A fetch with the action's env succeeds, and the self-test's output check accepts it."""
    standin = serve()
    run = run_cli("fetch", env=_action_env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    env = {"OUTPUTS": json.dumps(run.outputs), "STANDIN": json.dumps(standin.outputs)}
    assert check.main(["outputs"], env) == 0
    # The artifact check, with the archive on disk standing in for the downloaded artifact.
    archive = Path(run.outputs["index"]).parents[2]
    assert check.main(["artifact", str(archive)], env) == 0


def test_the_output_check_names_the_fact_that_does_not_hold(serve, run_cli, tmp_path, capsys):
    """A wrong total-bytes output fails the check with one ::error:: line naming it."""
    standin = serve()
    run = run_cli("fetch", env=_action_env(standin, tmp_path), actions=True)
    outputs = run.outputs | {"total-bytes": "1"}
    env = {"OUTPUTS": json.dumps(outputs), "STANDIN": json.dumps(standin.outputs)}
    assert check.main(["outputs"], env) == 1
    assert "::error title=Self-test::total-bytes is the files' size" in capsys.readouterr().err


def test_the_artifact_check_catches_a_changed_file(serve, run_cli, tmp_path):
    """A downloaded file that differs from the saved one fails the artifact check."""
    standin = serve()
    run = run_cli("fetch", env=_action_env(standin, tmp_path), actions=True)
    archive = Path(run.outputs["index"]).parents[2]
    copy = tmp_path / "downloaded"
    for path in [*Path(run.outputs["path"]).iterdir(), Path(run.outputs["index"])]:
        target = copy / path.relative_to(archive)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    env = {"OUTPUTS": json.dumps(run.outputs)}
    assert check.main(["artifact", str(copy)], env) == 0
    first = Path(json.loads(run.outputs["files"])[0])
    (copy / first.relative_to(archive)).write_bytes(b"{}")
    assert check.main(["artifact", str(copy)], env) == 1


@pytest.mark.parametrize(
    ("scenario", "day", "code", "error_type"),
    [
        ("forbidden", "latest", 1, "AccessDeniedError"),
        ("ok", "yesterday", 1, "ReportNotAvailableError"),
        ("ok", "2020-01-01", 2, "InputError"),
    ],
    ids=["a-403", "a-day-with-no-report", "a-bad-day"],
)
def test_expected_failures_set_error_outputs_the_failure_check_accepts(
    serve, run_cli, tmp_path, scenario, day, code, error_type
):
    """Each failure the self-test provokes fails the step with the error type it asserts."""
    standin = serve("--scenario", scenario)
    run = run_cli("fetch", env=_action_env(standin, tmp_path, INPUT_DAY=day), actions=True)
    assert run.code == code
    assert run.outputs["error-type"] == error_type
    assert "Traceback" not in run.stderr
    env = {"OUTCOME": "failure", "OUTPUTS": json.dumps(run.outputs)}
    assert check.main(["failure", error_type], env) == 0
    assert check.main(["failure", "SomethingElseError"], env) == 1
    assert check.main(["failure", error_type], env | {"OUTCOME": "success"}) == 1


def test_the_gate_passes_only_when_every_needed_job_succeeded():
    """The gate accepts all-success and refuses a failed, skipped or cancelled job."""
    ok = {"a": {"result": "success", "outputs": {}}, "b": {"result": "success", "outputs": {}}}
    assert check.main(["gate"], {"NEEDS": json.dumps(ok)}) == 0
    for result in ("failure", "skipped", "cancelled"):
        bad = ok | {"b": {"result": result, "outputs": {}}}
        assert check.main(["gate"], {"NEEDS": json.dumps(bad)}) == 1
    assert check.main(["gate"], {"NEEDS": "{}"}) == 1


def test_serve_demo_stops_by_itself_after_its_lifetime(run_cli):
    """A stand-in left running ends when its lifetime is over."""
    run = run_cli("serve-demo", "--lifetime", "0.5", actions=True)
    assert run.code == 0, run.stderr
    pid = int(run.outputs["pid"])
    deadline = time.monotonic() + 20
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)
