"""What the demo's fixed days produce, digested: the record that a refactoring changed no output.

``capture(workdir)`` runs the real CLI (``python -m copilot_usage_report``, so it does not
depend on the package's inner layout) against the demo stand-in with the clock set to
``TODAY`` by libfaketime (Debian's ``faketime``), so the stand-in's days, gaps and the
CLI's date checks are the same every run, on any day. It fetches a fixed week of three
report kinds for the organization and two for the enterprise in Actions mode with
``--json``, summarises the archive, builds the history, and returns one digest per
thing a user sees: every archive file (manifests and the run index with the stand-in's
port, run ids and clock readings normalised), the ``--json`` outputs, the step outputs
and job summary, the summarize output, ``daily.csv``, every database table's rows and
the page.

``python tests/_golden.py`` writes ``tests/fixtures/golden.json``; the test
``tests/integration/test_same_output.py`` compares a fresh capture with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

TODAY = "2026-12-03 12:00:00"
DAYS = "2026-11-25..2026-12-01"
FAKETIME_LIBRARIES = (
    Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
    Path("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
    Path("/usr/lib/faketime/libfaketime.so.1"),
)
GOLDEN = Path(__file__).parent / "fixtures" / "golden.json"

_PORT = re.compile(r"127\.0\.0\.1:\d+")
_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[a-z0-9-]+?-[0-9a-f]{6}\b")
_CLOCK = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_DELIMITER = re.compile(r"ghadelimiter_[0-9a-f]+")
_SIGNATURE = re.compile(r"\?se=[^\"\s]*")
_SECONDS = re.compile(r'"(elapsed|seconds|duration)[a-z_]*": [0-9.]+')


def faketime_library() -> Path | None:
    """libfaketime's preload library, where Debian's ``faketime`` package put it."""
    return next((path for path in FAKETIME_LIBRARIES if path.is_file()), None)


def _normal(text: str, root: Path) -> str:
    text = text.replace(str(root), "ROOT")
    text = _PORT.sub("127.0.0.1:PORT", text)
    text = _RUN_ID.sub("RUN", text)
    text = _DELIMITER.sub("DELIMITER", text)
    text = _SIGNATURE.sub("?SIGNED", text)
    text = _CLOCK.sub("CLOCK", text)
    return _SECONDS.sub(r'"\1": S', text)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "copilot_usage_report", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise AssertionError(f"{args[0]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc


def capture(workdir: Path) -> dict[str, str]:
    """Run the fixed days through the real CLI in ``workdir``; name -> sha256 of what it showed."""
    library = faketime_library()
    if library is None:
        raise RuntimeError("libfaketime is missing: apt-get install faketime")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "XDG_RUNTIME_DIR": str(workdir),
        "PYTHONUTF8": "1",
        "PYTHONHASHSEED": "0",
        "COPILOT_USAGE_REPORT_TESTING": "1",
        "LD_PRELOAD": str(library),
        "FAKETIME": f"@{TODAY}",
        "TZ": "UTC",
    }
    started = _run(["serve-demo", "--env", "--lifetime", "300"], env, workdir)
    exports = dict(
        item.split("=", 1) for item in started.stdout.strip().removeprefix("export ").split()
    )
    env |= exports
    digests: dict[str, str] = {}
    archive = workdir / "archive"
    try:
        fetches = {
            "org": ["--org", exports["ORG"], "--report",
                    "organization-1-day,users-1-day,user-teams-1-day"],
            "enterprise": ["--enterprise", exports["ENTERPRISE"], "--report",
                           "enterprise-1-day,users-1-day"],
        }  # fmt: skip
        for name, scope in fetches.items():
            output = workdir / f"{name}.output"
            summary = workdir / f"{name}.summary"
            output.write_text("")
            summary.write_text("")
            actions = {
                "GITHUB_ACTIONS": "true",
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
            }
            run = _run(
                ["fetch", *scope, "--day", DAYS, "--output-dir", str(archive), "--json"],
                env | actions,
                workdir,
            )
            digests[f"fetch {name} --json"] = _digest(_normal(run.stdout, workdir).encode())
            digests[f"fetch {name} outputs"] = _digest(
                _normal(output.read_text("utf-8"), workdir).encode()
            )
            digests[f"fetch {name} summary"] = _digest(
                _normal(summary.read_text("utf-8"), workdir).encode()
            )
    finally:
        subprocess.run(
            [sys.executable, "-m", "copilot_usage_report", "serve-demo", "--stop"],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
    for path in sorted(p for p in archive.rglob("*") if p.is_file()):
        name = _RUN_ID.sub("RUN", path.relative_to(archive).as_posix())
        if name.endswith("/.lock") or name == ".lock":
            continue
        data = path.read_bytes()
        if path.suffix == ".json":
            data = _normal(data.decode("utf-8"), workdir).encode()
        digests[f"archive {name}"] = _digest(data)
    for extra in ([], ["--json"]):
        run = _run(["summarize", str(archive), *extra], env, workdir)
        digests[f"summarize {' '.join(extra)}"] = _digest(_normal(run.stdout, workdir).encode())
    tables = workdir / "tables"
    shutil.copytree(archive, tables)
    _run(["summarize", str(tables), "--format", "csv"], env, workdir)
    for path in sorted(tables.rglob("*.csv")):
        digests[f"csv {path.relative_to(tables).as_posix()}"] = _digest(path.read_bytes())
    history = workdir / "history"
    _run(["history", str(archive), "--out", str(history)], env, workdir)
    digests["history daily.csv"] = _digest((history / "daily.csv").read_bytes())
    page = (history / "index.html").read_text("utf-8")
    digests["history index.html"] = _digest(_normal(page, workdir).encode())
    with sqlite3.connect(history / "copilot-usage.sqlite") as db:
        names = [row[0] for row in db.execute("select name from sqlite_master where type='table'")]
        for table in sorted(names):
            cursor = db.execute(f"select * from {table}")  # noqa: S608
            keep = [i for i, c in enumerate(cursor.description) if "mtime" not in c[0]]
            rows = sorted(repr([row[i] for i in keep]) for row in cursor)
            digests[f"history table {table}"] = _digest(_normal("\n".join(rows), workdir).encode())
    return digests


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        captured = capture(Path(scratch))
    GOLDEN.write_text(json.dumps(captured, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(captured)} digests written to {GOLDEN}")
