"""How big the history branch grows: a year of daily runs of one organization, measured.

Builds a synthetic archive day by day (the test fixtures' report files, every
number varied per day so that git cannot deduplicate them more than it would
real data), places each day on a local branch with the same code the action
uses (verified copy, per-user gzip, page rebuilt over the whole branch), commits
once per day as the daily cron does, then packs the repository as GitHub
would and prints the sizes. No network, no push.

    uv run python scripts/history_branch_size.py --days 365
    uv run python scripts/history_branch_size.py --days 365 --per-user --users 500
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import subprocess
import tempfile
from datetime import date, timedelta
from pathlib import Path

from copilot_usage_report.history._branch import _place, _regenerate
from copilot_usage_report.history._stage import MAX_FILE_BYTES, stage_days

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "metrics"
_NUMBER = re.compile(r'(?<=": )(\d+)(?=[,}])')
_GIT_ENV = {
    "GIT_AUTHOR_NAME": "measure",
    "GIT_AUTHOR_EMAIL": "measure@example.com",
    "GIT_COMMITTER_NAME": "measure",
    "GIT_COMMITTER_EMAIL": "measure@example.com",
}


def _vary(text: str, rng: random.Random) -> str:
    """Every count replaced by another of the same order of magnitude."""
    return _NUMBER.sub(lambda m: str(max(0, int(int(m[1]) * rng.uniform(0.6, 1.4)))), text)


def _users(text: str, count: int) -> str:
    """``count`` per-user records made from the fixture's, each with its own id and login."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    out = []
    for i in range(count):
        record = json.loads(lines[i % len(lines)])
        record["user_id"] = 100000 + i
        record["user_login"] = f"user-{i:06d}"
        out.append(json.dumps(record))
    return "\n".join(out) + "\n"


def _day(archive: Path, day: date, *, per_user: bool, users: int, rng: random.Random) -> None:
    reports = ["organization-1-day", "user-teams-1-day"] + (["users-1-day"] if per_user else [])
    for report in reports:
        text = (FIXTURES / f"{report}.ndjson").read_text(encoding="utf-8")
        if report == "users-1-day":
            text = _users(text, users)
        data = _vary(text.replace("2026-11-20", day.isoformat()), rng).encode()
        folder = archive / "orgs" / "octo-demo" / report / day.isoformat()
        folder.mkdir(parents=True)
        name = f"{report}-{day.isoformat()}.ndjson"
        (folder / name).write_bytes(data)
        manifest = {
            "org": "octo-demo",
            "report": report,
            "report_day": day.isoformat(),
            "files": [
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            ],
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],  # noqa: S607 - a measurement script, git from PATH
        capture_output=True,
        text=True,
        check=True,
        env={**_GIT_ENV, "PATH": __import__("os").environ["PATH"]},
    ).stdout


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-user", action="store_true")
    parser.add_argument("--users", type=int, default=100, help="users in each per-user file")
    args = parser.parse_args()
    rng = random.Random(14)  # noqa: S311 - synthetic data, not a secret
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = base / "branch"
        repo.mkdir()
        _git(repo, "init", "--quiet", "-b", "copilot-usage")
        first = date(2025, 12, 1)
        for n in range(args.days):
            day = first + timedelta(days=n)
            archive = base / "runs" / day.isoformat()
            _day(archive, day, per_user=args.per_user, users=args.users, rng=rng)
            staged = stage_days(archive, base / "staged" / day.isoformat(), per_user=args.per_user)
            _place(repo, staged)
            _regenerate(
                repo, base / "scratch", per_user=args.per_user, max_file_bytes=MAX_FILE_BYTES
            )
            _git(repo, "add", "--all")
            _git(repo, "commit", "--quiet", "-m", f"day {day}")
        _git(repo, "gc", "--quiet", "--aggressive", "--prune=now")
        tree = _size(repo) - _size(repo / ".git")
        packed = _size(repo / ".git" / "objects")
        files = len(_git(repo, "ls-files").splitlines())
        print(f"days: {args.days}, per-user: {args.per_user} ({args.users} users)")
        print(f"files on the branch: {files}")
        print(f"checked-out tree: {tree / 1e6:.2f} MB")
        print(f"packed repository (all {args.days} commits): {packed / 1e6:.2f} MB")
        print(f"per day: {packed / args.days / 1e3:.1f} kB packed")


if __name__ == "__main__":
    main()
