"""What the fault-family tests share: a report on the stand-in and a fetch of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from copilot_usage_report._standin.server import StandIn

TOKEN = "ghp_TESTTOKEN1234567890"
DAY = datetime.now(UTC).date() - timedelta(days=3)
FILES = [
    (
        "copilot-usage-report-1.ndjson",
        b"".join(b'{"user_id": %d, "n": "%s"}\n' % (i, b"x" * 50) for i in range(400)),
    ),
    ("copilot-usage-report-2.ndjson", b'{"user_id": 9999}\n'),
]


def serve(standin: StandIn, files: list[tuple[str, bytes]] | None = None) -> None:
    """Put the day's report on the stand-in."""
    standin.add_report("my-org", DAY, list(files or FILES))


def env(standin: StandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment a workflow step would give the fetch."""
    return {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": TOKEN,
        "INPUT_API_URL": standin.api_url,
        "INPUT_OUTPUT_DIR": str(tmp_path / "out"),
        "INPUT_DAY": DAY.isoformat(),
        **extra,
    }


def folder(tmp_path: Path) -> Path:
    """Where the day's files land."""
    return tmp_path / "out" / "orgs" / "my-org" / "organization-1-day" / DAY.isoformat()


def assert_saved_exactly(tmp_path: Path, files: list[tuple[str, bytes]] | None = None) -> None:
    """The folder holds exactly the report files, byte-exact, and the manifest; nothing else."""
    files = files or FILES
    where = folder(tmp_path)
    assert sorted(p.name for p in where.iterdir()) == sorted(
        [name for name, _ in files] + ["manifest.json"]
    )
    for name, body in files:
        assert (where / name).read_bytes() == body, name
    manifest = json.loads((where / "manifest.json").read_text())
    assert [f["name"] for f in manifest["files"]] == [name for name, _ in files]


def archive_files(out: Path) -> list[Path]:
    """Every file under ``out`` but the run indexes (``runs/``) and the scope locks (``.lock``)."""
    if not out.exists():
        return []
    return [
        p
        for p in out.rglob("*")
        if p.is_file() and p.name != ".lock" and p.relative_to(out).parts[0] != "runs"
    ]


def assert_nothing_partial(tmp_path: Path) -> None:
    """No temporary file and no report file is left anywhere under the output folder."""
    leftovers = archive_files(tmp_path / "out")
    assert leftovers == [], leftovers


def indexes(out: Path) -> list[dict[str, Any]]:
    """Every run index under ``out/runs/``, oldest run first."""
    found = [json.loads(p.read_text()) for p in out.glob("runs/*/index.json")]
    return sorted(found, key=lambda index: str(index["started_at"]))


def assert_no_leak(run_text: str) -> None:
    """Neither the token nor any link signature appears in the text."""
    assert TOKEN not in run_text
    assert "sig=" not in run_text
