"""PLACEHOLDER for issue 13's history builder: only its agreed API, so issue 14 can be built.

The lead drops this file at merge time in favour of issue 13's real subpackage.
It reads the day folders with a ``manifest.json`` under the given trees and
writes a trivial ``index.html`` and ``daily.csv`` (and an empty database file
when asked) into ``out``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["BuildResult", "build"]


@dataclass(frozen=True)
class BuildResult:
    """What ``build`` wrote."""

    database: Path | None
    page: Path
    csv: Path
    days: int
    scopes: tuple[str, ...]
    skipped: tuple[str, ...]


def build(
    sources: Sequence[Path],
    out: Path,
    *,
    show_logins: bool = False,
    users: bool = True,
    database: bool = True,
) -> BuildResult:
    """Write ``index.html``, ``daily.csv`` (and ``copilot-usage.sqlite``) for the day folders."""
    rows: set[tuple[str, str, str]] = set()
    for source in sources:
        for manifest in sorted(source.glob("*/*/*/*/manifest.json")):
            day, report = manifest.parent.name, manifest.parent.parent.name
            scope = "/".join(manifest.parent.parts[-4:-2])
            if report.startswith("users-") and not users:
                continue
            json.loads(manifest.read_text(encoding="utf-8"))
            rows.add((scope, report, day))
    out.mkdir(parents=True, exist_ok=True)
    ordered = sorted(rows)
    csv = out / "daily.csv"
    csv.write_text("scope,report,day\n" + "".join(f"{s},{r},{d}\n" for s, r, d in ordered))
    page = out / "index.html"
    items = "".join(f"<li>{html.escape(' '.join(row))}</li>" for row in ordered)
    page.write_text(f"<!doctype html><title>Copilot usage</title><ul>{items}</ul>\n")
    db: Path | None = None
    if database:
        db = out / "copilot-usage.sqlite"
        db.write_bytes(b"")
    return BuildResult(
        database=db,
        page=page,
        csv=csv,
        days=len({d for _, _, d in ordered}),
        scopes=tuple(sorted({s for s, _, _ in ordered})),
        skipped=(),
    )
