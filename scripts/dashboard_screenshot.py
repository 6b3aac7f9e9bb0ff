"""Take the README's screenshot of the dashboard, in headless Chromium.

    python scripts/dashboard_screenshot.py                      # the demo's archive
    python scripts/dashboard_screenshot.py --source synthetic   # a synthetic 120 days
    python scripts/dashboard_screenshot.py --dark --out docs/dashboard-dark.png

``demo`` fetches the demo stand-in's history (its plausible, deterministic days,
with per-user and team reports) through the real pipeline into a temporary folder
and shoots the dashboard built from it; ``synthetic`` builds one from the
package's synthetic archive (two organizations, gaps, teams). Chromium runs
headless with a fresh profile and no network. Nothing is written outside the
temporary folder but ``--out``.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Chromium started headless and offline (no background requests, no name resolved); the
#: dashboard's browser tests start it the same way.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
FLAGS = (*OFFLINE_FLAGS, "--hide-scrollbars")


def _demo_page(folder: Path) -> Path:
    from copilot_usage_report.history import build

    demo = importlib.import_module("copilot_usage_report._app.demo")
    demo_archive = getattr(demo, "demo_archive", None)
    if demo_archive is not None:  # the stand-in's history: 90+ days, users and teams
        demo_archive(folder / "archive")
        return build([folder / "archive"], folder / "site").page
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copilot_usage_report",
            "demo",
            "--day",
            "last-120-days",
            "--output-dir",
            str(folder / "demo"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder / "demo" / "dashboard" / "index.html"


def _synthetic_page(folder: Path) -> Path:
    from copilot_usage_report.history import build
    from copilot_usage_report.history._synthetic import write_archive

    write_archive(folder / "archive", days=120, gaps=(17, 18, 64), users=60)
    write_archive(folder / "archive", org="octo-labs", start=date(2026, 2, 1), days=89, seed=2)
    return build([folder / "archive"], folder / "site").page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("demo", "synthetic"), default="demo")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--dark", action="store_true", help="the page in dark mode")
    parser.add_argument("--window", default="1100,1900", help="width,height in CSS pixels")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("no Chromium: install Debian's chromium package", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="dashboard-shot-") as temp:
        folder = Path(temp)
        page = _demo_page(folder) if args.source == "demo" else _synthetic_page(folder)
        shot = folder / "shot.png"
        subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={folder / 'profile'}",
                f"--window-size={args.window}",
                f"--screenshot={shot}",
                *(["--force-dark-mode"] if args.dark else []),
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, args.out)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
