"""Benchmarks: are we as fast as the wire (and curl, and jq) allow, and how fast do we start?

Run ``uv run python benchmarks/run.py`` (15 to 20 minutes on two cores) or add
``--quick`` (a few minutes). It starts its own loopback servers (a ``StandIn`` in
a child process, bound to 127.0.0.1, its storage over https with a certificate
made for the run, or plain http), measures our code and the reference side by
side in the same run, and prints one line per figure with the ratio and its
target, then writes every sample to ``benchmarks/results/<time>.json``. The
figures live in ``_downloads.py`` (1, 1s, 2), here (3, 4, 5) and ``_action.py``
(6, 6w1, 7); what they share in ``_common.py``.

Invariants: every server and child process is ours, bound to 127.0.0.1, and
stops by itself (servers on stdin EOF or their lifetime, children on a
timeout); every measurement is warmed up once and reported as the median of
``--repeat`` runs, ours and the reference alternating; temporary files live in
a ``tempfile`` directory removed at the end. A figure that cannot be measured
prints ``skipped: <why>``, never a number.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _action import fig_action, fig_action_wire, fig_start, runtime_venv  # noqa: E402
from _cert import make_certificate  # noqa: E402
from _common import (  # noqa: E402
    FETCH_PATH,
    MB,
    ORG,
    BenchError,
    Context,
    Figure,
    clear,
    cli_command,
    cli_env,
    serve,
    size_text,
    tail,
    timed,
    verdict,
    work,
)
from _data import write_users_report  # noqa: E402
from _downloads import fig_large, fig_many, fig_split  # noqa: E402

# -- figure 3: a 30-day backfill ---------------------------------------------------------------


def fig_backfill(ctx: Context) -> Figure:
    days_n, api_delay, storage_delay, per_day = 30, 0.2, 0.2, 2
    fig = Figure("3", f"backfill of {days_n} days, {per_day} files a day, 200 ms per request")
    end = datetime.now(UTC).date() - timedelta(days=2)
    days = [end - timedelta(days=days_n - 1 - i) for i in range(days_n)]
    ideal = days_n * api_delay + storage_delay
    sequential = days_n * (api_delay + per_day * storage_delay)
    spec = {
        "org": ORG,
        "days": [d.isoformat() for d in days],
        "files": [16 * 1024] * per_day,  # small: this figure is about latency
        "api_delay": api_delay,
        "storage_delay": storage_delay,
    }
    out = ctx.tmp / "backfill"
    cli = cli_command()
    fig.data = {"days": days_n, "ideal_s": ideal, "sequential_s": sequential}

    def saved() -> int:
        return sum(1 for _ in out.rglob("*.ndjson")) if out.exists() else 0

    with serve(spec) as info:
        env = cli_env(info, out)

        def ranged() -> tuple[float, int, str]:
            clear(out)
            return timed([*cli, "fetch", "--day", f"{days[0]}..{days[-1]}"], env=env)

        _, code, err = ranged()  # the probe, which is also the warm-up
        if code not in (0, 2):
            raise BenchError(f"fetch --day START..END failed ({code}): {tail(err)}")
        if code == 0:
            if saved() != days_n * per_day:
                raise BenchError(f"fetch --day START..END saved {saved()} files")
            runs = [ranged() for _ in range(ctx.backfill_repeat)]
            bad = [r for r in runs if r[1] != 0]
            if bad:
                raise BenchError(f"fetch --day START..END failed: {tail(bad[0][2])}")
            walls = [r[0] for r in runs]
            wall = statistics.median(walls)
            ratio = wall / ideal
            fig.verdicts = {"ratio <= 1.3": ratio <= 1.3}
            fig.data.update(mode="fetch --day START..END", wall_s=walls, ratio=ratio)
            fig.line = (
                f"fetch --day START..END {wall:.2f} s vs ideal {ideal:.1f} s -> ratio "
                f"{ratio:.2f} (target <= 1.3) {verdict(ratio <= 1.3)}; a fully sequential run "
                f"would take {sequential:.1f} s ({wall / sequential:.2f} of it)"
            )
            return fig
        # Exit 2, refused input: no range support. Today's way is one fetch per day, in a row.
        fig.data["range_probe"] = {"exit_code": code, "stderr": tail(err)}
        clear(out)
        start = time.perf_counter()
        for d in days:
            _, code, err = timed([*cli, "fetch", "--day", d.isoformat()], env=env)
            if code != 0:
                raise BenchError(f"fetch --day {d} failed: {tail(err)}")
        wall = time.perf_counter() - start
        if saved() != days_n * per_day:
            raise BenchError(f"the {days_n} fetch runs saved {saved()} files")
    fig.data.update(mode=f"{days_n} x fetch --day DAY", wall_s=[wall])
    fig.line = (
        "skipped: needs --day START..END (issue 4). For reference, today's way "
        f"({days_n} fetch runs in a row) takes {wall:.1f} s = {wall / ideal:.1f} x the ideal "
        f"{ideal:.1f} s, {wall / sequential:.2f} x a fully sequential run's {sequential:.1f} s"
    )
    return fig


# -- figure 4: parsing a per-user report --------------------------------------------------------


def _has_summarize() -> bool:
    try:
        spec = importlib.util.find_spec("copilot_usage_report._metrics")
    except ImportError:
        return False
    if spec is None:
        return False
    module = importlib.import_module("copilot_usage_report._metrics")
    return callable(getattr(module, "summarize_paths", None))


def fig_parse(ctx: Context) -> list[Figure]:
    users = ctx.users
    path = ctx.tmp / "users-1-day.ndjson"
    size = write_users_report(path, users)
    title = f"summarise a {users}-user per-user report ({size_text(size)})"
    fig = Figure("4", title)
    check = Figure("4v", "verify the same file (ContentCheck, as every download did before)")
    one = Figure("4o", "one pass: verify and add up the same file as a download does now")
    spec: dict[str, object] = {"path": str(path)}
    runs: dict[str, list[dict[str, object]]] = {
        "loads": [],
        "check": [],
        "summarize": [],
        "onepass": [],
    }
    tasks = ["loads", "check"] + (["summarize"] if _has_summarize() else [])
    tasks += ["onepass"] if _has_onepass() else []
    for task in tasks:  # warm-up: the page cache, and each code path once
        work(task, spec)
    for i in range(ctx.repeat):
        for task in tasks if i % 2 == 0 else reversed(tasks):
            runs[task].append(work(task, spec))

    def secs(task: str) -> list[float]:
        return [float(str(r["seconds"])) for r in runs[task]]

    loads = statistics.median(secs("loads"))
    records = runs["loads"][0]["records"]
    if records != users:
        raise BenchError(f"the generated file holds {records} records, not {users}")
    c = statistics.median(secs("check"))
    check.data = {"loads_s": secs("loads"), "check_s": secs("check"), "speedup": loads / c}
    check.line = (
        f"ContentCheck {c:.2f} s ({size / MB / c:.0f} MB/s) vs json.loads loop {loads:.2f} s "
        f"({size / MB / loads:.0f} MB/s) -> {loads / c:.1f}x faster (no target: the cost every "
        "downloaded byte pays)"
    )
    fig.data = {"users": users, "bytes": size, "loads_s": secs("loads")}
    if not runs["summarize"]:
        fig.line = "skipped: copilot_usage_report._metrics.summarize_paths does not exist yet"
        return [fig, check]
    if runs["onepass"]:
        _one_pass_line(one, runs, size, users)
    else:
        one.line = "skipped: copilot_usage_report._pipeline.onepass does not exist yet"
    s = statistics.median(secs("summarize"))
    peak = max(float(str(r["peak_rss_mb"])) for r in runs["summarize"])
    speedup = loads / s
    fig.verdicts = {"speedup >= 1.8": speedup >= 1.8, "peak RSS <= 150 MB": peak <= 150}
    fig.data.update(
        summarize_s=secs("summarize"),
        speedup=speedup,
        summarize_peak_rss_mb=[r["peak_rss_mb"] for r in runs["summarize"]],
        loads_peak_rss_mb=[r["peak_rss_mb"] for r in runs["loads"]],
    )
    fig.line = (
        f"summarize_paths {s:.2f} s vs json.loads loop {loads:.2f} s -> {speedup:.2f}x faster "
        f"(target >= 1.8x) {verdict(speedup >= 1.8)}; peak RSS {peak:.0f} MB "
        f"(target <= 150 MB) {verdict(peak <= 150)}"
    )
    return [fig, check, one]


def _has_onepass() -> bool:
    try:
        return importlib.util.find_spec("copilot_usage_report._pipeline.onepass") is not None
    except ImportError:
        return False


def _one_pass_line(
    one: Figure, runs: dict[str, list[dict[str, object]]], size: int, users: int
) -> None:
    """4o: the one pass's CPU beside the two passes it replaces (check, then summarize), each
    run alternately in the same run, so the ratio holds on a busy machine."""

    def cpu(task: str) -> list[float]:
        return [float(str(r["cpu_seconds"])) for r in runs[task]]

    if {r["users"] for r in runs["onepass"]} != {r["users"] for r in runs["summarize"]}:
        raise BenchError("the one pass and summarize_paths count different users")
    o = statistics.median(cpu("onepass"))
    two = statistics.median(cpu("check")) + statistics.median(cpu("summarize"))
    one.data = {
        "users": users,
        "onepass_cpu_s": cpu("onepass"),
        "check_cpu_s": cpu("check"),
        "summarize_cpu_s": cpu("summarize"),
        "two_passes_over_one": two / o,
    }
    one.line = (
        f"check + tally as it arrives {o:.2f} s CPU ({o / size * MB * 1000:.1f} s/GB) vs "
        f"ContentCheck then summarize_paths {two:.2f} s CPU ({two / size * MB * 1000:.1f} s/GB) "
        f"-> {two / o:.2f}x less CPU per byte (no target: was two passes, one reading the "
        "file back)"
    )


# -- figure 5: cold start ---------------------------------------------------------------------


HEAVY = (
    "httpx",
    "httpcore",
    "h11",
    "pydantic",
    "pydantic_core",
    "msgspec",
    "stamina",
    "anyio",
    "ssl",
)


def _import_times(code: str, python: str = sys.executable) -> list[tuple[str, int]]:
    """``-X importtime`` of ``code``: each module imported and its own (self) µs."""
    done = subprocess.run(
        [python, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found: list[tuple[str, int]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name = line.split(":", 1)[1].split("|")
        if own.strip().isdigit():  # not the header line
            found.append((name.strip(), int(own)))
    return found


def slowest_packages(
    code: str, count: int = 3, python: str = sys.executable
) -> list[tuple[str, int]]:
    """The packages slowest to import: each one's modules' own times summed (µs).

    Summing self times charges every module to its own package: pydantic's
    lazily imported submodules count as pydantic's, not as their importer's.
    """
    totals: dict[str, int] = {}
    for name, own in _import_times(code, python):
        top = name.split(".", 1)[0]
        totals[top] = totals.get(top, 0) + own
    return sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:count]


def fig_startup(ctx: Context) -> Figure:
    fig = Figure("5", "cold start: --version, and the import of the fetch path")
    bin_dir = runtime_venv(ctx.tmp)
    if bin_dir is None:  # measure the development venv instead, and say so
        python, cli, where = sys.executable, cli_command(), "the development venv"
    else:
        python = str(next(bin_dir.glob("python*")))
        cli, where = [str(next(bin_dir.glob("copilot-usage-report*")))], "the action's venv"

    def median_ms(cmd: list[str]) -> tuple[float, list[float]]:
        timed(cmd)  # warm-up
        walls = []
        for _ in range(ctx.startup_runs):
            seconds, code, err = timed(cmd)
            if code != 0:
                raise BenchError(f"{' '.join(cmd[-2:])} failed: {tail(err)}")
            walls.append(seconds * 1000)
        return statistics.median(walls), walls

    version, version_ms = median_ms([*cli, "--version"])
    fetch, fetch_ms = median_ms([python, "-c", FETCH_PATH])
    bare, bare_ms = median_ms([python, "-c", "pass"])
    version_code = (
        "import sys; sys.argv = ['copilot-usage-report', '--version']\n"
        "from copilot_usage_report._app.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    heavy_on_version = sorted({m for m, _ in _import_times(version_code, python) if m in HEAVY})
    slowest = slowest_packages(FETCH_PATH, python=python)
    ok_version, ok_fetch = version <= 250, fetch <= 250
    fig.verdicts = {"--version <= 250 ms": ok_version, "fetch-path import <= 250 ms": ok_fetch}
    fig.data = {
        "environment": where,
        "version_ms": version_ms,
        "fetch_path_import_ms": fetch_ms,
        "bare_interpreter_ms": bare_ms,
        "slowest_imports_ms": {name: us / 1000 for name, us in slowest},
        "heavy_imports_on_version_path": heavy_on_version,
    }
    slow = ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in slowest)
    heavy = ", ".join(heavy_on_version) or "none"
    fig.line = (
        f"--version {version:.0f} ms (target <= 250 ms) {verdict(ok_version)}; fetch-path import "
        f"{fetch:.0f} ms (target <= 250 ms) {verdict(ok_fetch)} (bare python {bare:.0f} ms); "
        f"slowest imports: {slow}; heavy imports on --version: {heavy}; in {where}"
    )
    return fig


# -- driver -----------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    curl = shutil.which("curl")
    curl_version = ""
    if curl:
        done = subprocess.run([curl, "--version"], capture_output=True, text=True, timeout=10)
        curl_version = " ".join(done.stdout.split()[:2])
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "curl": curl_version,
    }


def curl_with_parallel() -> str | None:
    curl = shutil.which("curl")
    if curl is None:
        return None
    done = subprocess.run([curl, "--help", "all"], capture_output=True, text=True, timeout=10)
    return curl if "--parallel" in done.stdout else None


FIGURES: dict[str, Callable[[Context], Figure | list[Figure]]] = {
    "1": fig_large,
    "1s": fig_split,
    "2": fig_many,
    "3": fig_backfill,
    "4": fig_parse,
    "5": fig_startup,
    "6": fig_action,
    "6w1": fig_action_wire,
    "7": fig_start,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller files, fewer runs")
    parser.add_argument("--repeat", type=int, help="measured runs per figure (default 5, quick 3)")
    parser.add_argument("--only", help="comma-separated figures to run, e.g. 1,2,5")
    parser.add_argument("--size-mb", type=int, help="figure 1's file (default 1000, quick 100)")
    parser.add_argument(
        "--wire-mbit",
        default="1000,3000",
        help="the paced wires of figures 1 and 2, Mbit/s, comma separated (default 1000,3000)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="figure 2's connections")
    parser.add_argument("--users", type=int, help="figure 4's users (default 100000)")
    parser.add_argument(
        "--action-users",
        type=int,
        help="figures 6 and 6w1's per-user report (default 100000; figure 6's 20000 with --quick)",
    )
    parser.add_argument("--out", type=Path, help="JSON file to write (default results/<time>.json)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quick = args.quick
    repeat = args.repeat or (3 if quick else 5)
    large = (args.size_mb or (100 if quick else 1000)) * MB
    selected = args.only.split(",") if args.only else list(FIGURES)
    unknown = [key for key in selected if key not in FIGURES]
    if unknown:
        print(f"unknown figure(s): {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
        return 2
    # A runner does not set it, and figures 5 to 7 measure what a runner does: with it, no
    # process would keep the bytecode it compiled, and every start would compile again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    started = datetime.now(UTC)
    info = machine()
    print(
        f"copilot-usage-report benchmarks{' (quick)' if quick else ''}: "
        f"{started:%Y-%m-%d %H:%M} UTC, {info['cores']} cores, {info['cpu'] or 'cpu ?'}, "
        f"Python {info['python']}, {info['curl'] or 'no curl'}; median of {repeat} runs"
    )
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="cur-bench-") as tmp:
        cert = make_certificate(Path(tmp))
        ctx = Context(
            quick=quick,
            repeat=repeat,
            large_bytes=large,
            wire_bytes=min(large, 256 * MB),
            wires_mbit=tuple(float(w) for w in str(args.wire_mbit).split(",")),
            many_files=32,
            many_bytes=8 * MB,
            users=args.users or (20_000 if quick else 100_000),
            action_users=args.action_users or (20_000 if quick else 100_000),
            wire_users=args.action_users or 100_000,
            concurrency=args.concurrency,
            startup_runs=9 if quick else 21,
            backfill_repeat=1 if quick else 3,
            curl=curl_with_parallel(),
            jq=shutil.which("jq"),
            cert=None if isinstance(cert, str) else cert,
            cert_why=cert if isinstance(cert, str) else "",
            tmp=Path(tmp),
        )
        for key in selected:
            start = time.perf_counter()
            try:
                made = FIGURES[key](ctx)
            except (BenchError, subprocess.TimeoutExpired) as exc:
                made = Figure(key, FIGURES[key].__name__, line=f"failed: {exc}")
            for fig in made if isinstance(made, list) else [made]:
                fig.data["bench_seconds"] = round(time.perf_counter() - start, 1)
                print(f"[{fig.key}] {fig.title}: {fig.line}", flush=True)
                figures.append(fig)
    record = {
        "date": started.isoformat(timespec="seconds"),
        "command": "uv run python benchmarks/run.py" + (" --quick" if quick else ""),
        "argv": sys.argv[1:] if argv is None else argv,
        "machine": info,
        "repeat": repeat,
        "figures": [
            {"key": f.key, "title": f.title, "line": f.line, "targets": f.verdicts, **f.data}
            for f in figures
        ],
    }
    out: Path = args.out or HERE / "results" / f"{started:%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    missed = [f"{f.key}: {name}" for f in figures for name, ok in f.verdicts.items() if not ok]
    shown = out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out.name
    print(f"results: {shown}; targets missed: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
