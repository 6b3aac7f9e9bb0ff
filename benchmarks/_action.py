"""Figures 6, 6w1 and 7: the action's own work, as a workflow runs it.

6: ``fetch`` of a per-user report (download, check, save, summary, outputs; the process
started as the action starts it) against the shell peer, ``curl -o`` then ``jq`` adding up the
same headline numbers (``headline.jq``); both over https when a certificate could be made.
6w1: the same fetch on a wire paced to 1 Gbit/s (a runner's link) against ``curl -o`` alone:
what a user waits for, the summary included, beside what the bytes alone take.
7: the action's start: the install step's own script, read from ``action.yml``, in a fresh
``RUNNER_TEMP`` against a copy of the action's checkout, then ``copilot-usage-report
--version``, with uv's cache warm (the first run warms it). It also measures what compiling
bytecode at install (``UV_COMPILE_BYTECODE=1``) would cost and save, against compiling on
first import as the action does.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import (
    DAY,
    FETCH_PATH,
    HERE,
    MB,
    ORG,
    BenchError,
    Context,
    Figure,
    children_cpu,
    clear,
    cli_env,
    serve,
    sides,
    size_text,
    tail,
    timed,
    verdict,
)
from _data import write_users_report

ROOT = HERE.parent
START_TARGET = 0.6  # s: fresh venv, install, --version
PEER_SPEEDUP = 3.0  # curl + jq / ours, at least
WIRE_LIMIT = 1.25  # ours / curl -o on the paced 1 Gbit/s wire (6w1), at most
WIRE_MBIT = 1000.0  # a runner's link


def _install_script() -> str:
    import yaml

    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    return str(next(s for s in steps if s.get("name") == "Install copilot-usage-report")["run"])


def action_checkout(tmp: Path) -> Path:
    """What a runner downloads as the action: the repository's files, no bytecode."""
    action = tmp / "action"
    shutil.rmtree(action, ignore_errors=True)
    action.mkdir(parents=True)
    for name in ("action.yml", "pyproject.toml"):
        shutil.copy2(ROOT / name, action / name)
    shutil.copytree(ROOT / "requirements", action / "requirements")
    shutil.copytree(
        ROOT / "src", action / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return action


def install_like_action(action: Path, runner_temp: Path, **env: str) -> tuple[Path, float]:
    """Run action.yml's install step; the venv's bin folder and the seconds it took."""
    if shutil.which("uv") is None or shutil.which("bash") is None:
        raise BenchError("the install step needs uv and bash")
    runner_temp.mkdir(parents=True, exist_ok=True)
    for cache in (action / "src").rglob("__pycache__"):  # a fresh checkout has none
        shutil.rmtree(cache)
    seconds, code, err = timed(
        ["bash", "-c", _install_script()],
        env={
            **os.environ,
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_ACTION_PATH": str(action),
            "UV_PYTHON_DOWNLOADS": "never",
            **env,
        },
    )
    if code != 0:
        raise BenchError(f"action.yml's install step failed: {tail(err)}")
    venv = runner_temp / "copilot-usage-report-venv"
    return venv / ("Scripts" if os.name == "nt" else "bin"), seconds


def runtime_venv(tmp: Path) -> Path | None:
    """A venv made by action.yml's install step, its bytecode compiled by a first import."""
    try:
        bin_dir, _ = install_like_action(action_checkout(tmp), tmp / "runtime")
    except BenchError:
        return None
    subprocess.run([str(bin_dir / "python"), "-P", "-c", FETCH_PATH], timeout=120, check=False)
    return bin_dir


def fig_start(ctx: Context) -> Figure:
    fig = Figure("7", "the action's start: fresh venv, hash-pinned wheels, --version (warm cache)")
    action = action_checkout(ctx.tmp)
    runs = ctx.tmp / "starts"

    def start(i: int, **env: str) -> tuple[float, float, float]:
        """Install, then --version: (total, install, --version) seconds."""
        begin = time.perf_counter()
        bin_dir, install = install_like_action(action, runs / str(i), **env)
        version, code, err = timed([str(bin_dir / "copilot-usage-report"), "--version"])
        if code != 0:
            raise BenchError(f"--version failed after the install step: {tail(err)}")
        return time.perf_counter() - begin, install, version

    def first_fetch_import(i: int, **env: str) -> tuple[float, float, float, float]:
        """Install, then the fetch path imported twice: wall seconds of each, and CPU of the
        install and the first import together (steadier than wall time on a busy machine)."""
        cpu = children_cpu()
        bin_dir, install = install_like_action(action, runs / f"c{i}", **env)
        cmd = [str(bin_dir / "python"), "-P", "-c", FETCH_PATH]
        first, _, _ = timed(cmd)
        spent = children_cpu() - cpu
        second, _, _ = timed(cmd)
        return install, first, second, spent

    start(0)  # warms uv's cache
    samples = [start(i) for i in range(1, ctx.startup_runs + 1)]
    total = statistics.median(s[0] for s in samples)
    install = statistics.median(s[1] for s in samples)
    version = statistics.median(s[2] for s in samples)
    lazy = [first_fetch_import(i) for i in range(3)]
    eager = [first_fetch_import(i + 3, UV_COMPILE_BYTECODE="1") for i in range(3)]

    def med(rows: list[tuple[float, float, float, float]], k: int) -> float:
        return statistics.median(r[k] for r in rows)

    ok = total <= START_TARGET
    fig.verdicts = {f"start <= {START_TARGET} s": ok}
    fig.data = {
        "start_s": [s[0] for s in samples],
        "install_s": [s[1] for s in samples],
        "version_s": [s[2] for s in samples],
        "lazy_bytecode": {
            "install_s": med(lazy, 0),
            "first_import_s": med(lazy, 1),
            "later_import_s": med(lazy, 2),
            "install_and_first_import_cpu_s": med(lazy, 3),
        },
        "compiled_at_install": {
            "install_s": med(eager, 0),
            "first_import_s": med(eager, 1),
            "later_import_s": med(eager, 2),
            "install_and_first_import_cpu_s": med(eager, 3),
        },
    }
    fig.line = (
        f"{total:.2f} s (target <= {START_TARGET} s) {verdict(ok)}: install step {install:.2f} s, "
        f"--version {version * 1000:.0f} ms. Bytecode, install + first fetch-path import: "
        f"compiled on first import (as action.yml does) {med(lazy, 0):.2f} + {med(lazy, 1):.2f} s"
        f", CPU {med(lazy, 3):.2f} s; compiled at install {med(eager, 0):.2f} + "
        f"{med(eager, 1):.2f} s, CPU {med(eager, 3):.2f} s; later imports "
        f"{med(lazy, 2):.2f} s vs {med(eager, 2):.2f} s"
    )
    shutil.rmtree(runs, ignore_errors=True)
    return fig


def _outputs(path: Path) -> dict[str, str]:
    """``GITHUB_OUTPUT``'s ``name=value`` and ``name<<DELIM`` entries."""
    found: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            found[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        found[name] = value
        i += 1
    return found


SAME = (
    "daily_active_users",
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
    "code_completion_acceptance_rate",
)


def _run_action(
    ctx: Context, info: dict[str, object], python: str, out: Path
) -> tuple[float, float, object]:
    """One ``fetch`` as the action runs it: wall and CPU seconds, and its ``metrics`` output."""
    runner = ctx.tmp / "runner-files"
    clear(out)
    clear(runner)
    env = cli_env(info, out)
    env.update(
        GITHUB_ACTIONS="true",
        GITHUB_OUTPUT=str(runner / "output"),
        GITHUB_STEP_SUMMARY=str(runner / "summary"),
        INPUT_REPORT="users-1-day",
        INPUT_DAY=DAY,
    )
    task = {"cafile": str(ctx.cert[0]) if ctx.cert else "", "argv": ["fetch"]}
    cpu = children_cpu()
    seconds, code, err = timed(
        [python, "-P", str(HERE / "_worker.py"), "cli", json.dumps(task)], env=env
    )
    spent = children_cpu() - cpu
    if code != 0:
        raise BenchError(f"the action's fetch failed ({code}): {tail(err)}")
    return seconds, spent, json.loads(_outputs(runner / "output").get("metrics", "{}"))


def _report_spec(ctx: Context, report: Path, rate: float = 0.0) -> dict[str, object]:
    spec: dict[str, object] = {
        "org": ORG,
        "days": [DAY],
        "kind": "users-1-day",
        "paths": [str(report)],
        "rate": rate,
    }
    if ctx.cert is not None:
        spec["tls"] = ctx.tls()
    return spec


def fig_action(ctx: Context) -> Figure:
    """Figure 6: the action's work, unpaced, against curl + jq."""
    return _fig_action(ctx)


def fig_action_wire(ctx: Context) -> Figure:
    """Figure 6w1: the same on a paced 1 Gbit/s wire, against curl -o alone."""
    if ctx.curl is None:
        return Figure("6w1", "the action's work on a 1 Gbit/s wire", "skipped: curl is missing")
    return _fig_action_wire(ctx)


def _fig_action(ctx: Context) -> Figure:
    users = ctx.action_users
    https = ctx.cert is not None
    scheme = "https" if https else "http (no certificate)"
    fig = Figure("6", f"the action's work on a {users}-user per-user report over {scheme}")
    if ctx.curl is None or ctx.jq is None:
        missing = "curl" if ctx.curl is None else "jq (apt-get install jq)"
        fig.line = f"skipped: {missing} is not installed"
        return fig
    report = ctx.tmp / f"users-report-{users}.ndjson"
    size = write_users_report(report, users, day=DAY)
    fig.title += f" ({size_text(size)})"
    python = _action_python(ctx)
    spec = _report_spec(ctx, report)
    out, shell = ctx.tmp / "action-out", ctx.tmp / "shell"
    numbers: dict[str, object] = {}
    jq_s: list[float] = []
    curl_s: list[float] = []
    ours_cpu: list[float] = []  # CPU seconds: the runner minutes each way costs
    peer_cpu: list[float] = []
    with serve(spec) as info:
        link = info["links"][DAY][0]  # type: ignore[index]

        def ours() -> float:
            seconds, cpu, numbers["ours"] = _run_action(ctx, info, python, out)
            ours_cpu.append(cpu)
            return seconds

        def theirs() -> float:
            clear(shell)
            assert ctx.curl is not None and ctx.jq is not None
            target = shell / "users.ndjson"
            curl = [ctx.curl, "-sS", "--fail", *(ctx.curl_trust() if https else [])]
            cpu = children_cpu()
            got, code, err = timed([*curl, "-o", str(target), str(link)])
            if code != 0:
                raise BenchError(f"curl failed ({code}): {tail(err)}")
            start = time.perf_counter()
            done = subprocess.run(
                [ctx.jq, "-n", "-c", "-f", str(HERE / "headline.jq"), str(target)],
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            summed = time.perf_counter() - start
            if done.returncode != 0:
                raise BenchError(f"jq failed: {tail(done.stderr)}")
            numbers["jq"] = json.loads(done.stdout)
            curl_s.append(got)
            jq_s.append(summed)
            peer_cpu.append(children_cpu() - cpu)
            return got + summed

        ours_s, peer_s = sides(ctx.repeat, ours, theirs)
    # The warm-ups are not measurements.
    curl_s, jq_s, ours_cpu, peer_cpu = curl_s[1:], jq_s[1:], ours_cpu[1:], peer_cpu[1:]
    o, p, c = statistics.median(ours_s), statistics.median(peer_s), statistics.median(curl_s)
    ours_numbers, jq_numbers = numbers.get("ours"), numbers.get("jq")
    ours_day = (
        ours_numbers.get("days", [ours_numbers])[-1] if isinstance(ours_numbers, dict) else {}
    )
    assert isinstance(jq_numbers, dict)
    differ = [k for k in SAME if ours_day.get(k) != jq_numbers.get(k)]
    speedup, limit = p / o, o / c
    fig.verdicts = {
        f">= {PEER_SPEEDUP}x faster than curl + jq": speedup >= PEER_SPEEDUP,
        "same headline numbers as jq": not differ,
    }
    fig.data = {
        "users": users,
        "bytes": size,
        "ours_s": ours_s,
        "curl_jq_s": peer_s,
        "curl_s": curl_s,
        "jq_s": jq_s,
        "ours_cpu_s": ours_cpu,
        "curl_jq_cpu_s": peer_cpu,
        "ours_metrics": ours_day,
        "jq_metrics": jq_numbers,
        "differ": differ,
    }
    fig.line = (
        f"ours (fetch + summary) {o:.2f} s vs curl -o + jq {p:.2f} s (curl {c:.2f} s, jq "
        f"{statistics.median(jq_s):.2f} s) -> {speedup:.1f}x faster (target >= {PEER_SPEEDUP}x) "
        f"{verdict(speedup >= PEER_SPEEDUP)}; {limit:.2f}x curl -o alone on loopback (no "
        "target: the wire is judged in 6w1); headline numbers "
        + ("equal jq's" if not differ else f"DIFFER from jq's: {', '.join(differ)}")
        + f"; {size / MB / o:.0f} MB/s end to end; CPU ours {statistics.median(ours_cpu):.2f} s"
        f", curl + jq {statistics.median(peer_cpu):.2f} s"
    )
    return fig


def _action_python(ctx: Context) -> str:
    """The interpreter of a venv made as the action makes it (the development one if not)."""
    venv = ctx.tmp / "action-python"
    if not venv.exists():
        bin_dir = runtime_venv(ctx.tmp)
        venv.write_text(str(bin_dir / "python") if bin_dir else sys.executable)
    return venv.read_text()


def _fig_action_wire(ctx: Context) -> Figure:
    """6w1: the action's fetch and summary on a paced 1 Gbit/s wire against ``curl -o``."""
    users = ctx.wire_users
    https = ctx.cert is not None
    scheme = "https" if https else "http (no certificate)"
    fig = Figure(
        f"6w{WIRE_MBIT / 1000:g}",
        f"the action's work on a {users}-user per-user report over {scheme} on a "
        f"{WIRE_MBIT / 1000:g} Gbit/s wire",
    )
    assert ctx.curl is not None
    report = ctx.tmp / f"users-report-{users}.ndjson"  # figure 6's file, when it ran
    if not report.exists():
        write_users_report(report, users, day=DAY)
    size = report.stat().st_size
    fig.title += f" ({size_text(size)})"
    python = _action_python(ctx)
    rate = WIRE_MBIT * MB / 8
    out, target = ctx.tmp / "action-out", ctx.tmp / "shell" / "users.ndjson"
    ours_cpu: list[float] = []
    curl_cpu: list[float] = []
    same: list[bool] = []
    with serve(_report_spec(ctx, report, rate)) as info:
        link = info["links"][DAY][0]  # type: ignore[index]
        headline: dict[str, object] = {}

        def ours() -> float:
            seconds, cpu, metrics = _run_action(ctx, info, python, out)
            ours_cpu.append(cpu)
            day = metrics.get("days", [metrics])[-1] if isinstance(metrics, dict) else {}
            same.append(not headline or {k: day.get(k) for k in SAME} == headline)
            headline.update({k: day.get(k) for k in SAME})
            return seconds

        def theirs() -> float:
            clear(target.parent)
            assert ctx.curl is not None
            curl = [ctx.curl, "-sS", "--fail", *(ctx.curl_trust() if https else [])]
            cpu = children_cpu()
            got, code, err = timed([*curl, "-o", str(target), str(link)])
            curl_cpu.append(children_cpu() - cpu)
            if code != 0:
                raise BenchError(f"curl failed ({code}): {tail(err)}")
            return got

        ours_s, curl_s = sides(ctx.repeat, ours, theirs)
    ours_cpu, curl_cpu = ours_cpu[1:], curl_cpu[1:]
    o, c = statistics.median(ours_s), statistics.median(curl_s)
    ratio = o / c
    ok = ratio <= WIRE_LIMIT
    fig.verdicts = {f"<= {WIRE_LIMIT}x curl -o on the wire": ok}
    fig.data = {
        "users": users,
        "bytes": size,
        "wire_mbit": WIRE_MBIT,
        "ours_s": ours_s,
        "curl_s": curl_s,
        "ours_cpu_s": ours_cpu,
        "curl_cpu_s": curl_cpu,
        "ratio": ratio,
        "same_numbers_every_run": all(same),
    }
    fig.line = (
        f"ours (fetch + summary) {o:.2f} s vs curl -o {c:.2f} s (the wire alone "
        f"{size / rate:.2f} s) -> {ratio:.2f}x (target <= {WIRE_LIMIT}x) {verdict(ok)}; "
        f"CPU ours {statistics.median(ours_cpu):.2f} s, curl {statistics.median(curl_cpu):.2f} s"
    )
    return fig
