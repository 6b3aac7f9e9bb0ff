"""The assertions of the self-test workflow (.github/workflows/self-test.yml).

Each check reads what the workflow hands it as JSON in environment variables
(``toJSON(steps.<id>.outputs)``, ``toJSON(needs)``), never interpolated into a
script, and prints one line per fact it checked. It exits 1 on the first fact
that does not hold, naming it, so the failing step says what broke.

    python scripts/selftest_check.py outputs          # OUTPUTS, STANDIN
    python scripts/selftest_check.py artifact DIR     # OUTPUTS; DIR: the downloaded artifact
    python scripts/selftest_check.py failure TYPE     # OUTCOME, OUTPUTS
    python scripts/selftest_check.py gate             # NEEDS (MAY_SKIP: jobs that may be skipped)
    python scripts/selftest_check.py history BRANCH   # OUTPUTS of a run with history-branch
    python scripts/selftest_check.py history-rerun BRANCH

The test suite runs the same checks on the outputs of a real CLI run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any


class CheckFailed(Exception):
    """A fact the self-test expects did not hold."""


def _check(fact: bool, what: str) -> None:
    if not fact:
        raise CheckFailed(what)
    print(f"ok: {what}")


def _json_env(env: Mapping[str, str], name: str) -> Any:
    text = env.get(name)
    if text is None:
        raise CheckFailed(f"environment variable {name} is not set")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckFailed(f"{name} is not JSON: {exc}") from None


def check_outputs(env: Mapping[str, str]) -> None:
    """Every output of a successful run is set, consistent, and matches the files on disk."""
    out: dict[str, str] = _json_env(env, "OUTPUTS")
    standin: dict[str, str] = _json_env(env, "STANDIN")
    for name in ("report-day", "files", "path", "file-count", "total-bytes", "download-links"):
        _check(bool(out.get(name)), f"output {name} is set")
    _check(out["report-day"] == standin["latest-day"], "report-day is the stand-in's newest day")
    files = [Path(p) for p in json.loads(out["files"])]
    _check(len(files) == int(out["file-count"]) >= 1, "files lists file-count paths")
    _check(all(p.is_file() for p in files), "every listed file exists")
    folder = Path(out["path"])
    _check(all(p.parent == folder for p in files), "every file is in the output path")
    _check((folder / "manifest.json").is_file(), "manifest.json is beside the files")
    size = sum(p.stat().st_size for p in files)
    _check(size == int(out["total-bytes"]), "total-bytes is the files' size")
    links = json.loads(out["download-links"])
    _check(len(links) == len(files), "one download link per file")
    _check(all("sig=" in link for link in links), "download-links keep their signatures")
    _check(out.get("error", "") == "", "no error output on success")
    if out.get("artifact-id"):
        _check(out["artifact-id"].isdigit(), "artifact-id is a number")
        _check(
            re.fullmatch(r"(sha256:)?[0-9a-f]{64}", out.get("artifact-digest", "")) is not None,
            "artifact-digest is a SHA-256",
        )
        _check(out.get("artifact-url", "").startswith("https://"), "artifact-url is a link")


def check_artifact(env: Mapping[str, str], downloaded: Path) -> None:
    """The artifact is the archive: the day folder at orgs/<org>/<report>/<day>/ with exactly the
    saved files and manifest, byte for byte, and the run's runs/<run>/index.json."""
    out: dict[str, str] = _json_env(env, "OUTPUTS")
    folder = Path(out["path"])
    index = Path(out["index"])
    root = index.parents[2]
    day = folder.relative_to(root)
    _check(
        len(day.parts) == 4 and day.parts[0] in ("orgs", "enterprises"),
        "the day folder is <path>/orgs/<org>/<report>/<day>",
    )
    top = sorted(p.name for p in downloaded.iterdir())
    _check(top == sorted([day.parts[0], "runs"]), "the artifact holds orgs/ and runs/ at its top")
    copied_index = downloaded / index.relative_to(root)
    _check(
        copied_index.is_file() and copied_index.read_bytes() == index.read_bytes(),
        "the run's index is in the artifact",
    )
    saved = sorted(p.name for p in folder.iterdir())
    where = downloaded / day
    got = sorted(p.name for p in where.iterdir()) if where.is_dir() else []
    _check(got == saved, f"the artifact's {day.as_posix()} holds {saved}")
    for name in saved:
        _check((where / name).read_bytes() == (folder / name).read_bytes(), f"{name} matches")
    manifest = json.loads((where / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        digest = hashlib.sha256((where / entry["name"]).read_bytes()).hexdigest()
        _check(digest == entry["sha256"], f"{entry['name']} has the manifest's SHA-256")


def check_failure(env: Mapping[str, str], error_type: str) -> None:
    """The action step failed, for the expected reason, and left no files or artifact."""
    out: dict[str, str] = _json_env(env, "OUTPUTS")
    _check(env.get("OUTCOME") == "failure", "the action step failed")
    _check(out.get("error-type") == error_type, f"error-type is {error_type}")
    _check(bool(out.get("error")), "error holds the one-line message")
    _check("\n" not in out["error"], "the error message is one line")
    _check(not out.get("file-count"), "no files were reported")
    _check(not out.get("artifact-id"), "no artifact was uploaded")


def check_gate(env: Mapping[str, str]) -> None:
    """Every job the gate needs succeeded (or, if named in MAY_SKIP, was skipped)."""
    needs: dict[str, dict[str, Any]] = _json_env(env, "NEEDS")
    may_skip = set(env.get("MAY_SKIP", "").split())
    _check(bool(needs), "the gate needs at least one job")
    for job, info in sorted(needs.items()):
        if job in may_skip and info.get("result") == "skipped":
            _check(True, f"job {job} was skipped, as it may be")
            continue
        _check(info.get("result") == "success", f"job {job} succeeded")


def check_history(env: Mapping[str, str], branch: str, *, rerun: bool) -> None:
    """The history outputs: a pushed commit and the branch's link (or no commit on a rerun)."""
    out: dict[str, str] = _json_env(env, "OUTPUTS")
    commit = out.get("history-commit", "")
    if rerun:
        _check(commit == "", "a rerun that adds nothing makes no commit")
    else:
        _check(re.fullmatch(r"[0-9a-f]{40}", commit) is not None, "history-commit is a commit")
    _check(out.get("history-url", "").endswith(f"/tree/{branch}"), "history-url shows the branch")


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Run one check; 0 when every fact held, 1 (naming the fact) when one did not."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="check", required=True)
    commands.add_parser("outputs", help="outputs of a successful run")
    artifact = commands.add_parser("artifact", help="the downloaded artifact")
    artifact.add_argument("dir", type=Path)
    failure = commands.add_parser("failure", help="an expected failure")
    failure.add_argument("error_type")
    commands.add_parser("gate", help="results of the jobs the gate needs")
    for name in ("history", "history-rerun"):
        history = commands.add_parser(name, help="outputs of a run with history-branch")
        history.add_argument("branch")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    checks: dict[str, Callable[[], None]] = {
        "outputs": lambda: check_outputs(env),
        "artifact": lambda: check_artifact(env, args.dir),
        "failure": lambda: check_failure(env, args.error_type),
        "gate": lambda: check_gate(env),
        "history": lambda: check_history(env, args.branch, rerun=False),
        "history-rerun": lambda: check_history(env, args.branch, rerun=True),
    }
    try:
        checks[args.check]()
    except CheckFailed as failed:
        print(f"::error title=Self-test::{failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
