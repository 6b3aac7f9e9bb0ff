"""The schema is written once: the DDL page and every written file agree with ``schema.json``."""

from __future__ import annotations

import pyarrow.parquet as pq

from copilot_usage_report.warehouse import convert
from copilot_usage_report.warehouse._tables import TABLES
from copilot_usage_report.warehouse._types import check, declared, to_arrow
from tests._scripts import load_script

from ._archive import ndjson, put_report, user

warehouse_docs = load_script("warehouse_docs")


def test_the_ddl_page_is_generated_from_the_declared_schema():
    """docs/warehouse-ddl.md is what scripts/warehouse_docs.py makes of schema.json."""
    assert warehouse_docs.PAGE.read_text("utf-8") == warehouse_docs.render(), (
        "docs/warehouse-ddl.md is stale: run `uv run python scripts/warehouse_docs.py`"
    )
    assert warehouse_docs.main(["--check"]) == 0


def test_every_table_has_well_formed_declared_columns_and_no_partition_key():
    """Each table's columns are in the schema's spelling; ``scope`` and ``day`` are paths only."""
    columns = declared()
    assert sorted(columns) == sorted(t.name for t in TABLES)
    for name, table in columns.items():
        names = [c[0] for c in table]
        assert names and len(names) == len(set(names)), name
        assert not {"scope", "day"} & set(names), name
        assert all(check(t) for _, t in table), name


def test_a_written_file_has_exactly_the_declared_columns(tmp_path):
    """A partition of records with only known fields is the declared schema, as Arrow types."""
    archive, out = tmp_path / "archive", tmp_path / "out"
    put_report(archive, "users-1-day", "2026-12-01", {"a.ndjson": ndjson([user(1, "2026-12-01")])})
    (written,) = convert(archive, out).written
    schema = pq.read_schema(out / written)
    expected = [(n, to_arrow(t)) for n, t in declared()["users"]]
    assert [(f.name, f.type) for f in schema] == expected
