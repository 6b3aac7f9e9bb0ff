"""The demo's archive (every kind, both scopes) as a dataset: DuckDB agrees with summarize."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from copilot_usage_report._metrics import ACTIVITY_FIELDS, summarize_paths
from copilot_usage_report.warehouse import convert
from copilot_usage_report.warehouse._tables import TABLES

from ._archive import sql

SCOPES = {"orgs/octo-demo": "org-octo-demo", "enterprises/octo-demo-enterprise": None}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A demo archive of a week (both scopes, every one-day and 28-day report), converted."""
    from copilot_usage_report._app.demo import demo_archive

    archive = tmp_path_factory.mktemp("demo") / "archive"
    demo_archive(
        archive,
        days=6,
        report="organization-1-day,users-1-day,user-teams-1-day,repos-1-day,"
        "organization-28-day,users-28-day",
    )
    demo_archive(
        archive, days=6, report="enterprise-1-day,users-1-day,enterprise-28-day", enterprise=True
    )
    out = archive.parent / "dataset"
    result = convert(archive, out)
    assert result.left_out == []
    return archive, out


def _scope_value(folder: Path) -> str:
    kind = "org" if folder.parents[2].name == "orgs" else "enterprise"
    return f"{kind}-{folder.parents[1].name}"


def _folders(archive: Path, report: str) -> list[Path]:
    return sorted(p.parent for p in archive.glob(f"*/*/{report}/*/manifest.json"))


def _duck_days(out: Path, table: str) -> dict[tuple[str, str], tuple[int, ...]]:
    sums = ", ".join(f"sum({f})::BIGINT" for f in ACTIVITY_FIELDS)
    query = (
        f"SELECT scope, day, {sums} FROM read_parquet('{out}/{table}/*/*/*.parquet', "
        "hive_partitioning = true, union_by_name = true) GROUP BY ALL"
    )
    return {(s, str(d)): tuple(v) for s, d, *v in sql(query)[1]}


@pytest.mark.parametrize(
    ("table", "reports"),
    [("days", ("organization-1-day", "enterprise-1-day")), ("users", ("users-1-day",))],
)
def test_duckdb_day_totals_equal_summarize_of_the_same_folders(demo, table, reports):
    """Per scope and day, DuckDB's sums equal ``summarize`` of the folders they came from."""
    archive, out = demo
    expected: dict[tuple[str, str], tuple[int, ...]] = {}
    for report in reports:
        for folder in _folders(archive, report):
            (day,) = summarize_paths([folder]).days
            activity = day.activity
            key = (_scope_value(folder), folder.name)
            expected[key] = tuple(getattr(activity, f) for f in ACTIVITY_FIELDS)
    assert expected
    assert _duck_days(out, table) == expected


def test_duckdb_per_user_sums_equal_the_ndjson(demo):
    """Per scope and user, DuckDB's sums over every day equal the NDJSON's own lines."""
    archive, out = demo
    expected: Counter[tuple[str, int, str]] = Counter()
    for folder in _folders(archive, "users-1-day"):
        for path in sorted(folder.glob("*.ndjson")):
            for line in path.read_text("utf-8").splitlines():
                record = json.loads(line)
                for field in ACTIVITY_FIELDS:
                    expected[(_scope_value(folder), record["user_id"], field)] += record[field]
    got: Counter[tuple[str, int, str]] = Counter()
    for field in ACTIVITY_FIELDS:
        query = (
            f"SELECT scope, user_id, sum({field})::BIGINT FROM read_parquet("
            f"'{out}/users/*/*/*.parquet', hive_partitioning = true, union_by_name = true) "
            "GROUP BY ALL"
        )
        for scope, user_id, total in sql(query)[1]:
            got[(scope, user_id, field)] += total
    assert +expected == +got
    assert len({k[1] for k in expected}) > 10


def test_every_demo_kind_has_its_table(demo):
    """Every table but the seat and AI-credit ones (fetches of their own, tested apart) has rows
    from the demo's archive."""
    _, out = demo
    counts = {
        t.name: sql(
            f"SELECT count(*) FROM read_parquet('{out}/{t.name}/*/*/*.parquet', "
            "hive_partitioning = true, union_by_name = true)"
        )[1][0][0]
        for t in TABLES
        if not t.name.startswith("seat") and t.name != "ai_credits"
    }
    assert all(c > 0 for c in counts.values()), counts
