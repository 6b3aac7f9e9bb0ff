"""Small hand-made archives for the warehouse's tests: report folders with true manifests."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def ndjson(records: Iterable[Mapping[str, Any]]) -> bytes:
    """Records as NDJSON lines."""
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def put_report(
    archive: Path,
    report: str,
    day: str,
    files: Mapping[str, bytes],
    *,
    scope: tuple[str, str] = ("org", "acme"),
) -> Path:
    """Write one report folder (its files and a manifest that checks out); returns the folder."""
    top = "orgs" if scope[0] == "org" else "enterprises"
    folder = archive / top / scope[1] / report / day
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    entries = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        entries.append({"name": name, "size": len(data), "sha256": digest, "link": "https://x/"})
    manifest = {
        "manifest_version": 2,
        "tool": "test",
        "scope": {"kind": scope[0], "name": scope[1]},
        "report": report,
        "report_day": day,
        "api_origin": "https://api.github.com",
        "files": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return folder


def user(user_id: int, day: str, **extra: Any) -> dict[str, Any]:
    """One per-user record of GitHub's shape, its counts made from its id and day."""
    seed = user_id * 7 + int(day[-2:])
    return {
        "day": day,
        "organization_id": "42",
        "user_id": user_id,
        "user_login": f"user-{user_id}",
        "user_initiated_interaction_count": seed % 5,
        "code_generation_activity_count": seed % 11,
        "code_acceptance_activity_count": seed % 4,
        "loc_suggested_to_add_sum": seed % 13,
        "loc_suggested_to_delete_sum": 0,
        "loc_added_sum": seed % 9,
        "loc_deleted_sum": 1,
        "used_agent": seed % 2 == 0,
        "used_chat": True,
        "used_cli": False,
        "totals_by_ide": [
            {"ide": "vscode", "code_generation_activity_count": seed % 11, "loc_added_sum": 2}
        ],
        "totals_by_feature": [],
        **extra,
    }


def sql(query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a query with DuckDB in memory: the column names and the rows."""
    import duckdb

    with duckdb.connect() as connection:
        cursor = connection.execute(query)
        names = [d[0] for d in cursor.description or ()]
        return names, cursor.fetchall()
