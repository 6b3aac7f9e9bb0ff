"""Apache Spark (pyspark, local mode) reads the dataset in place: the same sums as summarize.

One JVM for the module (starting one takes 10-20 s): Java comes from Debian's
``openjdk-17-jre-headless``; under CI a missing one fails.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._metrics import ACTIVITY_FIELDS, summarize_paths
from copilot_usage_report.warehouse import convert
from tests._docs import DOCS
from tests._tools import require_tool


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session, its scratch space in a temporary folder."""
    require_tool(shutil.which("java") is not None, "Java (for Spark)", "openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    scratch = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("copilot-usage-report-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.local.dir", str(scratch))
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A week of the demo organization's aggregate and per-user reports, as a dataset."""
    from copilot_usage_report._app.demo import demo_archive

    archive = tmp_path_factory.mktemp("demo") / "archive"
    demo_archive(archive, days=6, report="organization-1-day,users-1-day")
    out = archive.parent / "warehouse"
    assert convert(archive, out).left_out == []
    return archive, out


def test_spark_day_totals_equal_summarize_and_user_sums_equal_the_ndjson(spark, demo):
    """Spark's per-day sums of ``days`` and ``users`` equal ``summarize`` of the same folders,
    and its per-user sums equal the NDJSON lines'."""
    from pyspark.sql import functions as F

    archive, out = demo
    sums = [F.sum(f).alias(f) for f in ACTIVITY_FIELDS]
    for table, report in (("days", "organization-1-day"), ("users", "users-1-day")):
        frame = spark.read.option("mergeSchema", "true").parquet(str(out / table))
        got = {
            (row["scope"], row["day"].isoformat()): tuple(row[f] for f in ACTIVITY_FIELDS)
            for row in frame.groupBy("scope", "day").agg(*sums).collect()
        }
        expected = {}
        for manifest in sorted(archive.glob(f"orgs/*/{report}/*/manifest.json")):
            (day,) = summarize_paths([manifest.parent]).days
            key = ("org-octo-demo", manifest.parent.name)
            expected[key] = tuple(getattr(day.activity, f) for f in ACTIVITY_FIELDS)
        assert got == expected and len(got) >= 5, table
    users = spark.read.option("mergeSchema", "true").parquet(str(out / "users"))
    got_users = Counter(
        {
            row["user_id"]: row["accepted"]
            for row in users.groupBy("user_id")
            .agg(F.sum("code_acceptance_activity_count").alias("accepted"))
            .collect()
        }
    )
    expected_users: Counter[int] = Counter()
    for path in archive.glob("orgs/*/users-1-day/*/*.ndjson"):
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            expected_users[record["user_id"]] += record["code_acceptance_activity_count"]
    assert got_users == expected_users


def test_the_spark_snippet_of_the_docs_runs_as_written(spark, demo, capsys):
    """docs/warehouse.md's Spark block runs as written (its relative path made this dataset's:
    the JVM resolves paths against its own working folder) and shows each user's month."""
    _, out = demo
    text = (DOCS / "warehouse.md").read_text("utf-8")
    found = re.search(
        r"<!-- not run: [^\n]*\(spark-snippet\)[^\n]*-->\n```python\n(.*?)```", text, re.S
    )
    assert found is not None
    code = found.group(1)
    assert code.count('"warehouse/users"') == 1
    code = code.replace('"warehouse/users"', repr(str(out / "users")))
    exec(compile(code, "docs/warehouse.md", "exec"), {})  # noqa: S102
    shown = capsys.readouterr().out
    assert "accepted_completions" in shown and "octo" in shown
