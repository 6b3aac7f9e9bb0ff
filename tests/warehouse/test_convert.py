"""Datasets of small hand-made archives, read back by DuckDB: incremental, idempotent, whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from copilot_usage_report.warehouse import convert
from copilot_usage_report.warehouse._convert import SCHEMA_FILE
from copilot_usage_report.warehouse._write import SOURCE_KEY

from ._archive import ndjson, put_report, sql, user


def rows(out: Path, table: str, columns: str = "*") -> list[dict[str, Any]]:
    """Every row of a table as DuckDB reads the dataset (all partitions, columns by name)."""
    query = (
        f"SELECT {columns} FROM read_parquet('{out}/{table}/*/*/*.parquet', "
        "hive_partitioning = true, union_by_name = true) ORDER BY ALL"
    )
    names, found = sql(query)
    return [dict(zip(names, row, strict=True)) for row in found]


def files_state(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of the dataset with its inode and modification time."""
    return {
        str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_partitions_are_hive_paths_with_typed_columns(tmp_path):
    """One file per table, scope and day; ints stay ints, the day is a date, nested lists kept."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    put_report(archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])})
    result = convert(archive, out)
    assert result.written == ["users/scope=org-acme/day=2026-12-01/part-0.parquet"]
    described = dict(
        (name, kind)
        for name, kind, *_ in sql(
            f"DESCRIBE SELECT * FROM read_parquet('{out}/users/*/*/*.parquet', "
            "hive_partitioning = true)"
        )[1]
    )
    assert described["user_id"] == "BIGINT"
    assert described["day"] == "DATE"
    assert described["scope"] == "VARCHAR"
    assert described["used_agent"] == "BOOLEAN"
    assert described["totals_by_ide"].startswith("STRUCT(")
    (row,) = rows(out, "users", "user_login, totals_by_ide[1].ide AS ide, day")
    assert row["user_login"] == "user-1" and row["ide"] == "vscode"
    assert str(row["day"]) == "2026-12-01"


def test_a_rerun_over_the_same_archive_writes_nothing(tmp_path):
    """A second run finds every partition recording its folder and hashes: no file is touched."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    for day in ("2026-12-01", "2026-12-02"):
        put_report(archive, "users-1-day", day, {"a.ndjson": ndjson([user(1, day), user(2, day)])})
        put_report(archive, "organization-1-day", day, {"o.ndjson": ndjson([_aggregate(day)])})
    first = convert(archive, out)
    assert len(first.written) == 4
    before = files_state(out)
    again = convert(archive, out)
    assert again.written == [] and again.unchanged == 4 and again.left_out == []
    assert files_state(out) == before


def test_a_day_fetched_again_with_other_content_replaces_its_partition(tmp_path):
    """Only that day's file is replaced (renamed in whole), recording its new source."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    for day in ("2026-12-01", "2026-12-02"):
        put_report(archive, "users-1-day", day, {"a.ndjson": ndjson([user(1, day)])})
    convert(archive, out)
    before = files_state(out)
    put_report(
        archive,
        "users-1-day",
        "2026-12-02",
        {"a.ndjson": ndjson([user(1, "2026-12-02"), user(3, "2026-12-02")])},
    )
    result = convert(archive, out)
    assert result.written == ["users/scope=org-acme/day=2026-12-02/part-0.parquet"]
    after = files_state(out)
    kept = "users/scope=org-acme/day=2026-12-01/part-0.parquet"
    assert after[kept] == before[kept]
    assert [
        r["user_id"] for r in rows(out, "users", "user_id, day") if str(r["day"]).endswith("02")
    ] == [1, 3]
    import pyarrow.parquet as pq

    source = json.loads(pq.read_metadata(out / result.written[0]).metadata[SOURCE_KEY])
    assert source["folder"] == "orgs/acme/users-1-day/2026-12-02"
    assert [f["name"] for f in source["files"]] == ["a.ndjson"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_a_field_added_on_a_later_day_becomes_a_nullable_column(tmp_path):
    """Older partitions still read (null there); the dataset's schema file names the column."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    put_report(archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])})
    convert(archive, out)
    before = files_state(out)
    later = user(1, "2026-12-02", brand_new_count=5)
    later["totals_by_ide"][0]["brand_new_share"] = 0.25
    put_report(archive, "users-1-day", "2026-12-02", {"a.ndjson": ndjson([later])})
    result = convert(archive, out)
    assert result.left_out == []
    first = "users/scope=org-acme/day=2026-12-01/part-0.parquet"
    assert files_state(out)[first] == before[first]
    got = rows(out, "users", "day, brand_new_count, totals_by_ide[1].brand_new_share AS share")
    assert [(str(r["day"]), r["brand_new_count"], r["share"]) for r in got] == [
        ("2026-12-01", None, None),
        ("2026-12-02", 5, 0.25),
    ]
    columns = dict(
        (n, t) for n, t in json.loads((out / SCHEMA_FILE).read_text())["tables"]["users"]
    )
    assert columns["brand_new_count"] == "int64"


def test_a_folder_whose_manifest_does_not_check_out_is_left_out_with_one_warning(tmp_path):
    """A file changed after its manifest: that folder is not read at all, the others are."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    good = put_report(
        archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])}
    )
    bad = put_report(
        archive,
        "users-1-day",
        "2026-12-02",
        {"a.ndjson": ndjson([user(1, "2026-12-02")]), "b.ndjson": ndjson([user(2, "2026-12-02")])},
    )
    changed = (bad / "b.ndjson").read_bytes().replace(b'"user-2"', b'"user-8"')  # same size
    (bad / "b.ndjson").write_bytes(changed)
    result = convert(archive, out)
    assert len(result.left_out) == 1
    assert str(bad) in result.left_out[0] and "b.ndjson" in result.left_out[0]
    assert result.written == ["users/scope=org-acme/day=2026-12-01/part-0.parquet"]
    assert good.exists()
    assert [r["user_id"] for r in rows(out, "users", "user_id")] == [1]


def test_the_archive_gate_decides_what_enters_the_dataset_as_it_does_the_history(tmp_path):
    """A manifest naming a file twice, or a day out of its folder, counts as absent for the
    warehouse as for the history (one gate): that folder is left out with one warning."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    put_report(archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])})
    twice = put_report(
        archive, "users-1-day", "2026-12-02", {"a.ndjson": ndjson([user(1, "2026-12-02")])}
    )
    manifest = json.loads((twice / "manifest.json").read_text("utf-8"))
    manifest["files"] = manifest["files"] * 2
    (twice / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = convert(archive, out)
    assert len(result.left_out) == 1
    assert str(twice) in result.left_out[0] and "twice" in result.left_out[0]
    assert result.written == ["users/scope=org-acme/day=2026-12-01/part-0.parquet"]


def test_a_link_in_place_of_a_file_is_left_out(tmp_path):
    """A listed name that is a symbolic link (even to the right bytes) is not a regular file."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    folder = put_report(
        archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])}
    )
    real = tmp_path / "elsewhere.ndjson"
    (folder / "a.ndjson").replace(real)
    (folder / "a.ndjson").symlink_to(real)
    result = convert(archive, out)
    assert result.written == [] and len(result.left_out) == 1
    assert "not a regular file" in result.left_out[0]


def test_a_record_of_another_day_or_kind_leaves_its_folder_out(tmp_path):
    """A one-day report holding another day's row, or an aggregate row among users, is refused."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    put_report(archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-11-30")])})
    put_report(
        archive, "users-1-day", "2026-12-02", {"a.ndjson": ndjson([_aggregate("2026-12-02")])}
    )
    result = convert(archive, out)
    assert result.written == []
    assert len(result.left_out) == 2
    assert "2026-11-30" in result.left_out[0]
    assert "none of users" in result.left_out[1]


def test_the_28_day_reports_keep_each_records_day_and_its_wrapper(tmp_path):
    """A ``day_totals`` wrapper's fields stay on each row; the row's own day is ``record_day``."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    document = {
        "report_start_day": "2026-11-04",
        "report_end_day": "2026-12-01",
        "day_totals": [_aggregate("2026-11-30"), _aggregate("2026-12-01")],
    }
    put_report(
        archive, "organization-28-day", "2026-12-01", {"r.json": json.dumps(document).encode()}
    )
    convert(archive, out)
    got = rows(out, "days_28", "day, record_day, report_start_day, code_acceptance_activity_count")
    assert [(str(r["day"]), str(r["record_day"]), str(r["report_start_day"])) for r in got] == [
        ("2026-12-01", "2026-11-30", "2026-11-04"),
        ("2026-12-01", "2026-12-01", "2026-11-04"),
    ]


def _aggregate(day: str) -> dict[str, Any]:
    return {
        "day": day,
        "organization_id": "42",
        "daily_active_users": 2,
        "code_generation_activity_count": 10,
        "code_acceptance_activity_count": 4,
        "totals_by_ide": [{"ide": "vscode", "code_generation_activity_count": 10}],
        "pull_requests": {"total_created": 3, "median_minutes_to_merge": 2},
    }


def test_a_rerun_reads_no_report_file_its_partitions_record(tmp_path):
    """Unchanged is decided from manifests and footers: a file's bytes are not hashed again
    (the partition was made from them verified), but a file whose size changed is."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    folder = put_report(
        archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])}
    )
    convert(archive, out)
    same_size = (folder / "a.ndjson").read_bytes().replace(b'"user-1"', b'"user-7"')
    (folder / "a.ndjson").write_bytes(same_size)
    again = convert(archive, out)
    assert again.unchanged == 1 and again.written == [] and again.left_out == []
    (folder / "a.ndjson").write_bytes(same_size + b"\n")
    last = convert(archive, out)
    assert last.written == [] and len(last.left_out) == 1 and "a.ndjson" in last.left_out[0]
    assert [r["user_login"] for r in rows(out, "users", "user_login")] == ["user-1"]


def test_a_seat_snapshot_feeds_the_seat_tables(tmp_path):
    """A ``copilot-seats`` folder: its seats one row each, its billing document one row."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    seats = [
        {"created_at": "2026-05-29T09:00:00Z", "plan_type": "business",
         "assignee": {"login": f"user-{n}", "id": n}, "assigning_team": None}
        for n in (1, 2)
    ]  # fmt: skip
    billing = {"seat_breakdown": {"total": 2, "active_this_cycle": 1}, "plan_type": "business"}
    put_report(
        archive,
        "copilot-seats",
        "2026-12-04",
        {"seats.ndjson": ndjson(seats), "billing.json": json.dumps(billing).encode()},
    )
    result = convert(archive, out)
    assert sorted(result.written) == [
        "seat_billing/scope=org-acme/day=2026-12-04/part-0.parquet",
        "seats/scope=org-acme/day=2026-12-04/part-0.parquet",
    ]
    assert [r["login"] for r in rows(out, "seats", "assignee.login AS login")] == [
        "user-1",
        "user-2",
    ]
    assert rows(out, "seat_billing", "seat_breakdown.total AS total") == [{"total": 2}]
    assert convert(archive, out).unchanged == 1


def test_an_ai_credits_answer_is_one_row_per_item_with_its_period_kept(tmp_path):
    """A ``copilot-ai-credits`` day (GitHub's billing answer): one row per usage item in table
    ``ai_credits``, fractional quantities as doubles, a discount above the gross as sent, and
    the answer's ``timePeriod`` and account on every row; nothing left out."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    answer = {
        "timePeriod": {"year": 2026, "month": 11, "day": 30},
        "organization": "acme",
        "usageItems": [
            {
                "product": "Copilot",
                "sku": "Copilot AI Credits",
                "model": "GPT-5",
                "unitType": "ai-credits",
                "pricePerUnit": 0.01,
                "grossQuantity": 100,
                "grossAmount": 1,
                "discountQuantity": 0,
                "discountAmount": 0,
                "netQuantity": 100,
                "netAmount": 1,
            },
            {
                "product": "Copilot",
                "sku": "Copilot AI Credits",
                "model": "Auto",
                "unitType": "ai-credits",
                "pricePerUnit": 0.01,
                "grossQuantity": 9498.6969165,
                "grossAmount": 94.99,
                "discountQuantity": 9564.71,
                "discountAmount": 95.65,
                "netQuantity": 0,
                "netAmount": 0,
            },
        ],
    }
    put_report(
        archive,
        "copilot-ai-credits",
        "2026-11-30",
        {"copilot-ai-credits.json": json.dumps(answer).encode()},
    )
    result = convert(archive, out)
    assert result.left_out == []
    assert result.written == ["ai_credits/scope=org-acme/day=2026-11-30/part-0.parquet"]
    found = rows(out, "ai_credits", "model, grossQuantity, discountQuantity, timePeriod.month AS m")
    assert found == [
        {"model": "Auto", "grossQuantity": 9498.6969165, "discountQuantity": 9564.71, "m": 11},
        {"model": "GPT-5", "grossQuantity": 100.0, "discountQuantity": 0.0, "m": 11},
    ]
