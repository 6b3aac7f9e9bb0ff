"""Helpers the history tests share: day folders from sample files, and database dumps."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any


def day_folder(
    root: Path,
    report: str,
    day: str,
    files: dict[str, bytes],
    *,
    scope: tuple[str, str] | None = ("organization", "octo-demo"),
    old_org: str | None = None,
) -> Path:
    """A day folder in the archive layout (or today's older layout with ``old_org``)."""
    if old_org is not None:
        folder = root / report / day
    else:
        assert scope is not None
        top = "orgs" if scope[0] == "organization" else "enterprises"
        folder = root / top / scope[1] / report / day
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        entries.append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    manifest: dict[str, Any] = {"tool": "test", "report": report, "files": entries}
    if old_org is not None:
        manifest.update(org=old_org, report_day=day)
    else:
        assert scope is not None
        manifest.update(
            scope={"kind": scope[0], "name": scope[1]}, day=day, origin="https://api.github.com"
        )
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def dump(database: Path | None, *, users: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """Every data row, with its provenance as (report, file, sha256) instead of an id."""
    tables = {
        "days": "SELECT d.*, s.report, s.file, s.sha256 FROM days d JOIN sources s USING "
        "(source_id) ORDER BY scope, day",
        "breakdowns": "SELECT b.*, s.file FROM breakdowns b JOIN sources s USING (source_id) "
        "ORDER BY scope, day, dimension, key, key2",
        "teams": "SELECT t.*, u.folder, m.folder FROM teams t JOIN folders u ON "
        "u.folder_id = t.users_folder_id JOIN folders m ON m.folder_id = t.teams_folder_id "
        "ORDER BY scope, day, slug",
    }
    if users:
        tables["users"] = (
            "SELECT u.*, s.file FROM users u JOIN sources s USING (source_id) "
            "ORDER BY scope, day, user_id"
        )
    assert database is not None
    result = {}
    with closing(sqlite3.connect(database)) as db:
        for name, query in tables.items():
            cursor = db.execute(query)
            columns = [c[0] for c in cursor.description]
            keep = [i for i, c in enumerate(columns) if not c.endswith(("source_id", "folder_id"))]
            result[name] = [tuple(row[i] for i in keep) for row in cursor]
    return result


def query(database: Path | None, sql: str, *params: object) -> list[tuple[Any, ...]]:
    assert database is not None
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql, params).fetchall()
