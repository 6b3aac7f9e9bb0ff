"""The history branch takes report folders whole: a run completing a report replaces the folder,
one holding only some of its files leaves it alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from copilot_usage_report.history._branch import _place
from copilot_usage_report.history._stage import StagedDay

FILES = {"copilot-usage-report-1.ndjson": b'{"a": 1}\n', "copilot-usage-report-2.ndjson": b"{}\n"}


def _staged(tmp_path: Path, names: list[str]) -> StagedDay:
    source = tmp_path / "run" / "-".join(names)
    source.mkdir(parents=True)
    entries = []
    for name in names:
        (source / name).write_bytes(FILES[name])
        entries.append(
            {
                "name": name,
                "size": len(FILES[name]),
                "sha256": hashlib.sha256(FILES[name]).hexdigest(),
            }
        )
    manifest = json.dumps({"report": "users-1-day", "files": entries}).encode()
    return StagedDay(
        "orgs", "octo-demo", "users-1-day", "2026-11-30", manifest,
        tuple((name, source / name) for name in names),
    )  # fmt: skip


def test_a_run_completing_a_report_replaces_the_folder(tmp_path: Path) -> None:
    """The branch holds the first file; a run with both replaces the folder with both."""
    clone = tmp_path / "clone"
    one, both = _staged(tmp_path, [*FILES][:1]), _staged(tmp_path, [*FILES])
    assert _place(clone, [one]) == (["orgs/octo-demo/users-1-day/2026-11-30"], [])
    assert _place(clone, [both]) == ([], ["orgs/octo-demo/users-1-day/2026-11-30"])
    folder = clone / both.relative
    assert sorted(p.name for p in folder.iterdir()) == sorted([*FILES, "manifest.json"])


def test_a_run_with_part_of_a_report_leaves_the_whole_one(tmp_path: Path) -> None:
    """The branch holds both files; a run holding only the first changes nothing."""
    clone = tmp_path / "clone"
    one, both = _staged(tmp_path, [*FILES][:1]), _staged(tmp_path, [*FILES])
    _place(clone, [both])
    assert _place(clone, [one]) == ([], [])
    assert _place(clone, [both]) == ([], [])
    (clone / both.relative / "copilot-usage-report-2.ndjson").unlink()  # damaged on the branch
    assert _place(clone, [one]) == ([], ["orgs/octo-demo/users-1-day/2026-11-30"])
