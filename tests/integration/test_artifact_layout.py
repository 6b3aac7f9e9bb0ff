"""The artifact is the archive: what the composite action uploads, and many artifacts merged.

``actions/upload-artifact`` roots an artifact at the least common ancestor of the
paths it is given (one directory: that directory), and leaves hidden files out.
``artifact`` below does the same with the ``upload-paths`` output of a real CLI run,
so these tests see the artifact the action would upload; the action passes that
output unchanged (``tests/test_action.py`` checks the wiring).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from ._common import DAY, FILES, env, indexes
from .conftest import Run


def _files(search: Path) -> list[Path]:
    """The files a search path matches, hidden ones (any part starting with '.') left out."""
    if search.is_file():
        return [search]
    return sorted(
        p
        for p in search.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(search).parts)
    )


def _root(searches: list[Path]) -> Path:
    """upload-artifact's root: the least common ancestor of several search paths."""
    if len(searches) == 1:
        return searches[0] if searches[0].is_dir() else searches[0].parent
    parts = [s.parts for s in searches]
    common = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return Path(*common)


def artifact(run: Run) -> dict[str, bytes]:
    """The artifact's content, by path inside it, as upload-artifact builds it."""
    searches = [Path(line) for line in run.outputs["upload-paths"].splitlines() if line]
    root = _root(searches)
    return {f.relative_to(root).as_posix(): f.read_bytes() for s in searches for f in _files(s)}


def _report_files(day: str) -> set[str]:
    return {f"orgs/my-org/organization-1-day/{day}/{name}" for name, _ in FILES} | {
        f"orgs/my-org/organization-1-day/{day}/manifest.json"
    }


def test_one_day_artifact_holds_the_archive_tree(standin, run_cli, tmp_path):
    """For one day the artifact is rooted at <path>: orgs/<org>/<report>/<day>/… and the
    run's own index, never the day's files at its top."""
    standin.add_report("my-org", DAY, list(FILES))
    run = run_cli("fetch", env=env(standin, tmp_path), actions=True)
    assert run.code == 0, run.stderr
    content = artifact(run)
    index = Path(run.outputs["index"]).relative_to(tmp_path / "out").as_posix()
    assert set(content) == _report_files(str(DAY)) | {index}
    assert index.startswith("runs/") and index.endswith("/index.json")
    for name, body in FILES:
        assert content[f"orgs/my-org/organization-1-day/{DAY}/{name}"] == body


def test_range_artifact_has_the_same_layout(standin, run_cli, tmp_path):
    """For a range, the same tree: one folder per day, one index."""
    days = [DAY - timedelta(days=n) for n in (2, 1, 0)]
    for day in days:
        standin.add_report("my-org", day, list(FILES))
    span = f"{days[0]}..{days[-1]}"
    run = run_cli("fetch", env=env(standin, tmp_path, INPUT_DAY=span), actions=True)
    assert run.code == 0, run.stderr
    content = artifact(run)
    expected = set().union(*(_report_files(str(d)) for d in days))
    assert {k for k in content if not k.startswith("runs/")} == expected
    assert len([k for k in content if k.startswith("runs/")]) == 1


def test_three_daily_artifacts_merge_into_one_archive(standin, run_cli, tmp_path):
    """Three daily runs (three runners, three artifacts) downloaded into one folder, as
    download-artifact's merge-multiple does: no file is overwritten by a different one, and
    the merged folder is an archive a fetch resumes from and summarize reads."""
    days = [DAY - timedelta(days=n) for n in (2, 1, 0)]
    merged = tmp_path / "merged"
    written: dict[str, bytes] = {}
    for n, day in enumerate(days):
        aggregate = {"day": str(day), "daily_active_users": 10 + n}
        standin.add_report(
            "my-org", day, [("report.ndjson", (json.dumps(aggregate) + "\n").encode())]
        )
        runner = tmp_path / f"runner-{n}"
        run = run_cli(
            "fetch",
            env=env(standin, tmp_path, INPUT_OUTPUT_DIR=str(runner), INPUT_DAY=str(day)),
            actions=True,
        )
        assert run.code == 0, run.stderr
        for name, body in artifact(run).items():
            assert written.setdefault(name, body) == body, f"{name} overwritten"
            target = merged / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
    day_folders = sorted(p.parent for p in merged.rglob("manifest.json"))
    assert [p.relative_to(merged).as_posix() for p in day_folders] == [
        f"orgs/my-org/organization-1-day/{d}" for d in days
    ]
    assert [i["reports"][0]["report_day"] for i in indexes(merged)] == [str(d) for d in days]

    asked = len(standin.of("api"))
    span = f"{days[0]}..{days[-1]}"
    again = run_cli(
        "fetch", env=env(standin, tmp_path, INPUT_OUTPUT_DIR=str(merged), INPUT_DAY=span)
    )
    assert again.code == 0, again.stderr
    assert len(standin.of("api")) == asked  # every day complete on disk: nothing asked
    summary = run_cli("summarize", "--json", str(merged))
    assert summary.code == 0, summary.stderr
    assert [d["daily_active_users"] for d in json.loads(summary.stdout)["days"]] == [10, 11, 12]
    assert sorted(p.name for p in merged.iterdir()) == ["orgs", "runs"]
