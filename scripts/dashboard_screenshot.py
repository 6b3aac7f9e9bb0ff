"""Take the README's screenshot of the dashboard, in headless Chromium.

    python scripts/dashboard_screenshot.py                      # docs/dashboard.png
    python scripts/dashboard_screenshot.py --source demo --out shot.png
    python scripts/dashboard_screenshot.py --dark --out docs/dashboard-dark.png

``synthetic`` (the default) builds the page from the package's synthetic archive:
fixed days (from 2026-01-01, two organizations, gaps, teams), the same bytes on
every run, so the screenshot can be checked against the page; ``demo`` fetches the
demo stand-in's history (the days before today) through the real pipeline into a
temporary folder. Chromium runs headless with a fresh profile and no network.

Beside the PNG goes ``<out>.json``: the source, the window, and the SHA-256 of the
page shot and of the PNG. ``tests/history/test_screenshot.py`` builds the synthetic
page again and fails when its digest is not the one recorded, so a change to the
page fails until the screenshot is taken again. Nothing is written outside the
temporary folder but ``--out`` and its ``.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
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


def synthetic_page(folder: Path) -> Path:
    """The page the default screenshot shoots, built into ``folder``: fixed days, same bytes."""
    from copilot_usage_report._standin.synthetic import write_archive
    from copilot_usage_report.history import build

    write_archive(folder / "archive", days=120, gaps=(17, 18, 64), users=60)
    write_archive(folder / "archive", org="octo-labs", start=date(2026, 2, 1), days=89, seed=2)
    return build([folder / "archive"], folder / "site").page


def record(png: Path, page: Path, *, source: str, window: str, dark: bool) -> Path:
    """Write ``<png>.json``: what was shot, and the digests the test compares."""
    sidecar = png.with_name(png.name + ".json")
    facts = {
        "source": source,
        "window": window,
        "dark": dark,
        "page_sha256": hashlib.sha256(page.read_bytes()).hexdigest(),
        "png_sha256": hashlib.sha256(png.read_bytes()).hexdigest(),
    }
    sidecar.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return sidecar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("demo", "synthetic"), default="synthetic")
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
        page = _demo_page(folder) if args.source == "demo" else synthetic_page(folder)
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
        sidecar = record(args.out, page, source=args.source, window=args.window, dark=args.dark)
    print(f"Wrote {args.out} and {sidecar.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
