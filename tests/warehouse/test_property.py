"""Property: how a report is split into files, and the order days arrive in, change no row."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report.warehouse import convert

from ._archive import ndjson, put_report, user
from .test_convert import rows

DAYS = ("2026-12-01", "2026-12-02", "2026-12-03")


def _reference(users: dict[str, list[int]]) -> list[dict[str, object]]:
    """The rows of one run over one file a day, days in order."""
    with tempfile.TemporaryDirectory() as scratch:
        archive, out = Path(scratch) / "a", Path(scratch) / "o"
        for day, ids in users.items():
            put_report(archive, "users-1-day", day, {"all.ndjson": ndjson(_records(day, ids))})
        convert(archive, out)
        return _by_key(rows(out, "users"))


def _by_key(found: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(found, key=lambda r: (str(r["day"]), str(r["user_id"])))


def _records(day: str, ids: list[int]) -> list[dict[str, object]]:
    # the last day brings a field the others lack: the column must not depend on arrival order
    return [user(i, day, **({"late_field": i} if day == DAYS[-1] else {})) for i in ids]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    users=st.fixed_dictionaries(
        {day: st.lists(st.integers(1, 40), min_size=1, max_size=12, unique=True) for day in DAYS}
    ),
    data=st.data(),
)
def test_any_split_into_files_and_any_order_of_days_gives_the_same_rows(users, data):
    """Rows read back are the same whatever the files per report and the order of days."""
    order = data.draw(st.permutations(DAYS))
    with tempfile.TemporaryDirectory() as scratch:
        archive, out = Path(scratch) / "a", Path(scratch) / "o"
        for day in order:  # each day arrives, then the dataset is brought up to date
            records = _records(day, users[day])
            cuts = sorted(data.draw(st.sets(st.integers(1, len(records)), max_size=3)))
            pieces = [records[a:b] for a, b in zip([0, *cuts], [*cuts, len(records)], strict=True)]
            files = {f"part-{n}.ndjson": ndjson(p) for n, p in enumerate(pieces) if p}
            put_report(archive, "users-1-day", day, files)
            result = convert(archive, out)
            assert result.left_out == []
        got = _by_key(rows(out, "users"))
        shutil.rmtree(out)
    assert got == _reference(users)
