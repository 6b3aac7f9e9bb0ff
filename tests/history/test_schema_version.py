"""A database of an earlier schema is rebuilt from the archive, under today's column names."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from copilot_usage_report._standin.synthetic import write_archive
from copilot_usage_report.history import build
from copilot_usage_report.history._schema import SCHEMA_VERSION

from ._archive import query


def test_a_schema_2_database_is_rebuilt_with_githubs_names(tmp_path: Path) -> None:
    """Schema 2's ``code_completions_shown`` and ``chat_requests_per_active_user`` give way to
    GitHub's names, every row built again from the archive."""
    write_archive(tmp_path / "a", days=3, users=2)
    build([tmp_path / "a"], tmp_path / "site")
    database = tmp_path / "site" / "copilot-usage.sqlite"
    fresh = query(database, "SELECT * FROM days ORDER BY scope, day")
    with closing(sqlite3.connect(database)) as db, db:
        db.execute(
            "ALTER TABLE days RENAME COLUMN code_completions_suggested TO code_completions_shown"
        )
        db.execute(
            "ALTER TABLE days RENAME COLUMN average_chat_requests_per_active_user "
            "TO chat_requests_per_active_user"
        )
        db.execute("UPDATE days SET daily_active_users = -1")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")

    result = build([tmp_path / "a"], tmp_path / "site")

    assert SCHEMA_VERSION == "4" and result.added > 0
    assert query(database, "SELECT value FROM meta WHERE key = 'schema_version'") == [("4",)]
    columns = {row[1] for row in query(database, "PRAGMA table_info(days)")}
    assert {"code_completions_suggested", "average_chat_requests_per_active_user"} <= columns
    assert not {"code_completions_shown", "chat_requests_per_active_user"} & columns
    assert query(database, "SELECT * FROM days ORDER BY scope, day") == fresh
    header = (tmp_path / "site" / "daily.csv").read_text().splitlines()[0].split(",")
    assert "code_completions_suggested" in header and "code_completions_shown" not in header
