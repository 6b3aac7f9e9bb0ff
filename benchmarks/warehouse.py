"""Benchmark of the Parquet warehouse (issue 31): a 100,000-user organization, day by day.

Run ``uv run python benchmarks/warehouse.py`` (``--users N``, ``--days N``, ``--repeat N``).
It writes an archive of ``--days`` ``users-1-day`` reports of ``--users`` users each
(``_data.py``'s per-user records, 1.3 kB a line: 275 MB a day at 100,000 users; the days
share their users' numbers, only ``day`` differs) into a ``tempfile`` folder, then measures,
each in a fresh child process whose peak RSS the kernel reports (``wait4``'s ``ru_maxrss``):

- W1: ``copilot-usage-report warehouse`` over one day (manifest check, classifier, Parquet):
  wall and CPU seconds, peak RSS (target: under 300 MB);
- D1: DuckDB's own ``COPY (FROM read_ndjson(...)) TO '...' (FORMAT parquet)`` of the same file,
  alternating with W1 (target: W1 within 1.5x of D1's wall time);
- W1l: W1 with the line reader alone (``convert(..., arrow_reader=False)``), what a file
  Arrow's reader hands over costs;
- W30: every day at once into a new dataset, then W30r: the same again (writes nothing);
- Q1: DuckDB's monthly per-user rollup over the dataset (credits and accepted completions);
- sizes: the NDJSON and the dataset.

Every figure is the median of ``--repeat`` runs; samples go to
``benchmarks/results/warehouse-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks._data import write_users_report  # noqa: E402

FIRST_DAY = date(2026, 11, 1)
#: Forks and execs the program, then reports its wall seconds, CPU seconds and peak RSS.
_LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
      os.waitstatus_to_exitcode(status))
"""
_CONVERT = """
import sys
from pathlib import Path
from copilot_usage_report.warehouse import convert
result = convert(Path(sys.argv[1]), Path(sys.argv[2]), arrow_reader=sys.argv[3:] != ["line"])
assert not result.left_out, result.left_out
print(len(result.written), result.rows)
"""
_COPY = """
import sys, duckdb
duckdb.sql(f"COPY (FROM read_ndjson('{sys.argv[1]}')) TO '{sys.argv[2]}' (FORMAT parquet)")
"""
_ROLLUP = """
import sys, duckdb
rows = duckdb.sql(f'''
SELECT user_login, strftime(day, '%Y-%m') AS month, sum(ai_credits_used) AS credits,
       sum(list_sum([f.code_acceptance_activity_count FOR f IN totals_by_feature
                     IF f.feature = 'code_completion'])) AS accepted_completions
FROM read_parquet('{sys.argv[1]}/users/*/*/*.parquet', hive_partitioning = true,
                  union_by_name = true)
GROUP BY ALL''').fetchall()
print(len(rows))
"""


def measure(*argv: str) -> dict[str, float]:
    """Run a program in a fresh process: wall and CPU seconds, peak RSS in bytes."""
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAUNCHER, *argv],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    wall, cpu, rss, code = proc.stdout.splitlines()[-1].split()
    if int(code) != 0:
        raise SystemExit(f"{argv[:3]} failed with {code}")
    return {"wall": float(wall), "cpu": float(cpu), "rss": int(rss)}


def put_day(archive: Path, base: Path, base_day: str, day: str) -> Path:
    """One ``users-1-day`` folder: the base file with its day replaced, and a true manifest."""
    folder = archive / "orgs" / "bench-org" / "users-1-day" / day
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "copilot-usage-report-1.ndjson"
    digest = hashlib.sha256()
    size = 0
    old, new = f'"day":"{base_day}"'.encode(), f'"day":"{day}"'.encode()
    with base.open("rb") as source, target.open("wb") as sink:
        while chunk := source.read(64 * 1024 * 1024):
            end = chunk.rfind(b"\n") + 1
            rest = chunk[end:]
            chunk = chunk[:end].replace(old, new)
            sink.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            if rest:
                source.seek(-len(rest), os.SEEK_CUR)
    manifest = {
        "manifest_version": 2,
        "tool": "benchmark",
        "scope": {"kind": "org", "name": "bench-org"},
        "report": "users-1-day",
        "report_day": day,
        "api_origin": "https://api.github.com",
        "files": [{"name": target.name, "size": size, "sha256": digest.hexdigest(), "link": "x"}],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return target


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()
    python = sys.executable
    scratch = Path(tempfile.mkdtemp(prefix="warehouse-bench-"))
    samples: dict[str, list[dict[str, float]]] = {"W1": [], "D1": [], "W1l": []}
    results: dict[str, object] = {"users": args.users, "days": args.days}
    try:
        base_day = FIRST_DAY.isoformat()
        base = scratch / "base.ndjson"
        write_users_report(base, args.users, day=base_day)
        one = scratch / "one-day"
        put_day(one, base, base_day, base_day)
        day_file = next(one.rglob("*.ndjson"))
        results["ndjson_day_bytes"] = day_file.stat().st_size
        for n in range(args.repeat):
            out = scratch / f"w1-{n}"
            samples["W1"].append(measure(python, "-c", _CONVERT, str(one), str(out)))
            samples["D1"].append(
                measure(python, "-c", _COPY, str(day_file), str(scratch / f"d1-{n}.parquet"))
            )
            results["parquet_day_bytes"] = folder_size(out / "users")
            results["duckdb_day_bytes"] = (scratch / f"d1-{n}.parquet").stat().st_size
            shutil.rmtree(out)
            samples["W1l"].append(measure(python, "-c", _CONVERT, str(one), str(out), "line"))
            shutil.rmtree(out)
        shutil.rmtree(one)
        archive = scratch / "archive"
        for n in range(args.days):
            put_day(archive, base, base_day, (FIRST_DAY + timedelta(days=n)).isoformat())
        base.unlink()
        results["ndjson_bytes"] = folder_size(archive)
        dataset = scratch / "dataset"
        samples["W30"] = [measure(python, "-c", _CONVERT, str(archive), str(dataset))]
        samples["W30r"] = [measure(python, "-c", _CONVERT, str(archive), str(dataset))]
        results["dataset_bytes"] = folder_size(dataset)
        samples["Q1"] = [measure(python, "-c", _ROLLUP, str(dataset)) for _ in range(args.repeat)]
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    medians = {
        name: {k: statistics.median(s[k] for s in runs) for k in ("wall", "cpu", "rss")}
        for name, runs in samples.items()
    }
    results["medians"] = medians
    results["samples"] = samples
    results["ratio_W1_D1_wall"] = medians["W1"]["wall"] / medians["D1"]["wall"]
    results["ratio_W1_D1_cpu"] = medians["W1"]["cpu"] / medians["D1"]["cpu"]
    results["load"] = os.getloadavg()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"warehouse-{stamp}.json").write_text(json.dumps(results, indent=2))
    mb = 1024 * 1024
    for name, m in medians.items():
        print(
            f"{name:5} wall {m['wall']:7.2f} s  cpu {m['cpu']:7.2f} s  "
            f"peak RSS {m['rss'] / mb:6.0f} MiB"
        )
    print(
        f"W1/D1 wall: {results['ratio_W1_D1_wall']:.2f} (target <= 1.5), "
        f"CPU: {results['ratio_W1_D1_cpu']:.2f}; load {results['load']}"
    )
    for key in (
        "ndjson_day_bytes",
        "parquet_day_bytes",
        "duckdb_day_bytes",
        "ndjson_bytes",
        "dataset_bytes",
    ):
        print(f"{key}: {int(results[key]) / mb:.1f} MiB")  # type: ignore[call-overload]
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s)")
    raise SystemExit(code)
