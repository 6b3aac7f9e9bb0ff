"""Benchmark of the history builder (issue 13): a year of one organization's days.

Run ``uv run python benchmarks/history.py`` (about a minute; ``--repeat N``).
It writes a synthetic year (365 days of ``organization-1-day`` reports, the
shapes of GitHub's published samples) into a ``tempfile`` folder, then measures,
each in a fresh child process (imports included, as a user's run pays them):

- H1: ``history`` over the year into a new database (target < 2 s);
- H2: adding one day to that database (target < 0.5 s);
- H3: the size of ``index.html`` for the year (target < 1 MB);
- reference: a plain loop reading every file (``json.loads`` per line, sha256 of
  each file), the floor any builder pays; printed beside H1 as a ratio.

Every figure is the median of ``--repeat`` runs, ours and the reference
alternating; samples go to ``benchmarks/results/history-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT = 300.0

_BUILD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from copilot_usage_report.history import build
imported = time.perf_counter()
result = build([Path(sys.argv[1])], Path(sys.argv[2]))
print(time.perf_counter() - start, result.days, result.added, result.page.stat().st_size,
      imported - start)
"""
_FLOOR = """
import hashlib, json, sys, time
from pathlib import Path
start = time.perf_counter()
n = 0
for path in sorted(Path(sys.argv[1]).rglob("*.ndjson")):
    data = path.read_bytes()
    hashlib.sha256(data).hexdigest()
    for line in data.splitlines():
        if line.strip():
            json.loads(line)
            n += 1
print(time.perf_counter() - start, n, 0, 0, 0)
"""


def _child(code: str, *args: str) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return [float(v) for v in done.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    from copilot_usage_report._standin.synthetic import write_archive

    samples: dict[str, list[float]] = {
        "build": [],
        "floor": [],
        "add": [],
        "page": [],
        "imports": [],
    }
    with tempfile.TemporaryDirectory(prefix="history-bench-") as temp:
        root = Path(temp)
        start = date(2025, 1, 1)
        write_archive(root / "year", start=start, days=args.days)
        write_archive(root / "extra", start=start, days=args.days + 1)
        last = (start + timedelta(days=args.days)).isoformat()
        new_day = root / "extra" / "orgs" / "octo-demo" / "organization-1-day" / last
        _child(_BUILD, str(root / "year"), str(root / "warm"))  # warm-up
        for n in range(args.repeat):
            site = root / f"site-{n}"
            seconds, days, _, size, _ = _child(_BUILD, str(root / "year"), str(site))
            samples["build"].append(seconds)
            samples["page"].append(size)
            samples["floor"].append(_child(_FLOOR, str(root / "year"))[0])
            year_plus = root / f"year-{n}"
            shutil.copytree(root / "year", year_plus)
            target = year_plus / "orgs" / "octo-demo" / "organization-1-day" / last
            shutil.copytree(new_day, target)
            shutil.copytree(site, root / f"site-{n}-plus")
            seconds, days_after, added, _, imports = _child(
                _BUILD, str(year_plus), str(root / f"site-{n}-plus")
            )
            assert (days_after, added) == (days + 1, 1), (days_after, added)
            samples["add"].append(seconds)
            samples["imports"].append(imports)
    build = statistics.median(samples["build"])
    floor = statistics.median(samples["floor"])
    add = statistics.median(samples["add"])
    page = statistics.median(samples["page"])
    lines = [
        f"H1 build a year ({args.days} days): {build:.2f} s (target < 2 s: "
        f"{'met' if build < 2 else 'MISSED'}); reading and hashing alone: {floor:.2f} s, "
        f"ratio {build / floor:.1f}",
        f"H2 add one day: {add:.2f} s, of which imports "
        f"{statistics.median(samples['imports']):.2f} s (target < 0.5 s: "
        f"{'met' if add < 0.5 else 'MISSED'})",
        f"H3 page for the year: {page / 1e6:.2f} MB (target < 1 MB: "
        f"{'met' if page < 1e6 else 'MISSED'})",
    ]
    print("\n".join(lines))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results / f"history-{stamp}.json").write_text(
        json.dumps({"samples": samples, "lines": lines, "repeat": args.repeat}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
