"""The database's tables: one per grain, GitHub's field names, provenance on every row.

``days``: one row per scope and day (an aggregate report's headline fields and
the derived metrics of ``_metrics.derived``). ``breakdowns``: per scope, day, dimension
(``ide``, ``feature``, ``language_feature``, ``language_model``, ``model_feature``)
and key (``key2`` holds the second half of a two-part key). ``teams``: per scope,
day and team, GitHub's team metrics (users-1-day joined with user-teams-1-day).
``users``: per-user rows, only when asked for. ``folders``: every report folder
found (scope, report, day; ``read``, or ``skipped`` with the reason); ``sources``:
each file of a folder read (file, sha256); each data row names the file it came
from (``source_id``), a team row the two folders it joins. ``coverage``: per
scope, day and grain, the folder whose report the rows are (``used``), one row
per file of it holding records of that day, and any folder skipped there.
"""

from __future__ import annotations

import sqlite3

from .._metrics import ACTIVITY_FIELDS, DERIVED, RATES
from ._value import VALUE_DDL

__all__ = [
    "ACTIVITY",
    "DAY_COLUMNS",
    "DAY_FIELDS",
    "NESTED",
    "SCHEMA_VERSION",
    "USER_FLAGS",
    "create",
]

#: A database of another version is built again from the archive (``_build``). 3: the
#: derived columns under GitHub's names (``code_completions_suggested``,
#: ``average_chat_requests_per_active_user``), records filed by the one classifier. 4: the
#: aggregate days' ``pull_requests``, ``agent_usage`` and ``adoption_phases`` (read with
#: ``days``, so a database of 3 is read again to fill them).
SCHEMA_VERSION = "4"

#: The activity counts every breakdown, team and user row carries (GitHub's names, in order).
ACTIVITY = ACTIVITY_FIELDS

#: GitHub's integer fields of an aggregate day, by their names in the report.
DAY_FIELDS = (
    "daily_active_users",
    "weekly_active_users",
    "monthly_active_users",
    "monthly_active_chat_users",
    "monthly_active_agent_users",
    "daily_active_cli_users",
    "weekly_active_cli_users",
    "monthly_active_cli_users",
    "daily_active_copilot_cloud_agent_users",
    "weekly_active_copilot_cloud_agent_users",
    "monthly_active_copilot_cloud_agent_users",
    "daily_active_copilot_code_review_users",
    "daily_passive_copilot_code_review_users",
    "weekly_active_copilot_code_review_users",
    "weekly_passive_copilot_code_review_users",
    "monthly_active_copilot_code_review_users",
    "monthly_passive_copilot_code_review_users",
    "daily_active_copilot_app_users",
    "weekly_active_copilot_app_users",
    "monthly_active_copilot_app_users",
    *ACTIVITY,
)
#: Nested fields, flattened with ``_``: ``pull_requests.total_created`` is
#: ``pull_requests_total_created``.
NESTED = (
    ("pull_requests", "total_created"),
    ("pull_requests", "total_reviewed"),
    ("pull_requests", "total_merged"),
    ("pull_requests", "total_created_by_copilot"),
    ("pull_requests", "total_reviewed_by_copilot"),
    ("totals_by_cli", "session_count"),
    ("totals_by_cli", "request_count"),
    ("totals_by_cli", "prompt_count"),
)
DAY_COLUMNS = (*DAY_FIELDS, *(f"{a}_{b}" for a, b in NESTED), *DERIVED)
USER_FLAGS = ("used_agent", "used_chat", "used_cli")

_REAL = RATES


def _columns(names: tuple[str, ...]) -> str:
    return ",\n  ".join(f"{n} {'REAL' if n in _REAL else 'INTEGER'}" for n in names)


_DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (
  folder_id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL,
  report TEXT NOT NULL,
  folder_day TEXT NOT NULL,
  folder TEXT NOT NULL,
  files INTEGER NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  UNIQUE (scope, report, folder_day)
);
CREATE TABLE IF NOT EXISTS sources (
  source_id INTEGER PRIMARY KEY,
  folder_id INTEGER NOT NULL REFERENCES folders(folder_id),
  scope TEXT NOT NULL,
  report TEXT NOT NULL,
  folder_day TEXT NOT NULL,
  name TEXT NOT NULL,
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  UNIQUE (scope, report, folder_day, name)
);
CREATE TABLE IF NOT EXISTS coverage (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  grain TEXT NOT NULL,
  status TEXT NOT NULL,
  folder_id INTEGER NOT NULL REFERENCES folders(folder_id),
  source_id INTEGER REFERENCES sources(source_id)
);
CREATE INDEX IF NOT EXISTS coverage_by_day ON coverage (scope, day, grain);
CREATE TABLE IF NOT EXISTS days (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {_columns(DAY_COLUMNS)},
  PRIMARY KEY (scope, day)
);
CREATE TABLE IF NOT EXISTS breakdowns (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  dimension TEXT NOT NULL,
  key TEXT NOT NULL,
  key2 TEXT NOT NULL DEFAULT '',
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {_columns(ACTIVITY)},
  PRIMARY KEY (scope, day, dimension, key, key2)
);
CREATE TABLE IF NOT EXISTS teams (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  slug TEXT NOT NULL,
  team_id INTEGER,
  member_count INTEGER NOT NULL,
  active_users INTEGER NOT NULL,
  {_columns(ACTIVITY)},
  users_folder_id INTEGER NOT NULL REFERENCES folders(folder_id),
  teams_folder_id INTEGER NOT NULL REFERENCES folders(folder_id),
  PRIMARY KEY (scope, day, slug)
);
"""

_USERS_DDL = f"""
CREATE TABLE IF NOT EXISTS users (
  scope TEXT NOT NULL,
  day TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  user_login TEXT,
  source_id INTEGER NOT NULL REFERENCES sources(source_id),
  {_columns(ACTIVITY)},
  {", ".join(f"{flag} INTEGER" for flag in USER_FLAGS)},
  PRIMARY KEY (scope, day, user_id)
);
"""


def create(db: sqlite3.Connection, *, users: bool) -> None:
    """Create the tables that do not exist yet (``users`` only when asked for)."""
    db.executescript(_DDL)
    db.executescript(VALUE_DDL)
    if users:
        db.executescript(_USERS_DDL)
    else:
        db.execute("DROP TABLE IF EXISTS users")
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
    )
