"""Arrow's reader (the fast path) gives exactly the rows of the line reader, or gives way to it.

Each case converts one archive twice, with Arrow's reader and without it, and compares
what the dataset then holds and what was left out; the cases name the files Arrow's reader
would read otherwise than a JSON reader (two values on a line, ``NaN``, bytes that are not
UTF-8...), which it must hand to the line reader. A counter of the hand-overs shows which
path wrote the partition, so that no case passes by never taking the fast path.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report.warehouse import _fast, convert
from copilot_usage_report.warehouse._convert import SCHEMA_FILE

from ._archive import ndjson, put_report, user
from .test_convert import rows

DAY = "2026-12-01"


@dataclass
class Reads:
    """The files the fast path read through, and each ``NotFast`` it raised, by its message."""

    taken: list[str] = field(default_factory=list)
    handed: list[str] = field(default_factory=list)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Which path read each file."""
    seen = Reads()
    original = _fast._Reading.file

    def counted(self: Any, path: Path) -> Any:
        try:
            yield from original(self, path)
        except _fast.NotFast as exc:
            seen.handed.append(str(exc))
            raise
        seen.taken.append(path.name)

    monkeypatch.setattr(_fast._Reading, "file", counted)
    return seen


def _both(tmp_path: Path, report: str, files: dict[str, bytes]) -> tuple[Any, Any]:
    """The dataset's rows (and as JSON text), its columns, the folders left out and the rows
    written, with Arrow's reader and without."""
    archive = tmp_path / "archive"
    put_report(archive, report, DAY, files)
    found = []
    for arrow in (True, False):
        out = tmp_path / f"out-{arrow}"
        result = convert(archive, out, arrow_reader=arrow)
        table = {"users-1-day": "users", "users-28-day": "users_28"}.get(report, "user_teams")
        got = rows(out, table) if result.written else []
        schema = json.loads((out / SCHEMA_FILE).read_text())["tables"][table]
        # compared as JSON text: a NaN the line reader keeps equals itself there
        text = json.dumps(got, default=str, sort_keys=True)
        found.append((got, text, schema, result.left_out, result.rows))
    return found[0], found[1]


def _richer(user_id: int, day: str = DAY) -> dict[str, Any]:
    record = user(user_id, day)
    record.update(
        report_start_day=day,
        report_end_day=day,
        ai_credits_used=user_id / 4,
        enterprise_id=None,
        totals_by_cli={"session_count": user_id, "token_usage": {"output_tokens_sum": 3}},
    )
    return record


def test_a_plain_report_takes_the_fast_path_and_gives_the_same_rows(tmp_path, reads):
    """Dates as dates, fractions as doubles, nested lists and structs: the same rows."""
    records = [_richer(i) for i in range(1, 30)]
    fast, slow = _both(tmp_path, "users-1-day", {"a.ndjson": ndjson(records)})
    assert reads.handed == [] and reads.taken
    assert fast[1:] == slow[1:]
    assert fast[4] == 29 and str(fast[0][0]["report_start_day"]) == DAY


def test_a_gzipped_report_and_one_of_many_files_take_the_fast_path(tmp_path, reads):
    """Each file is read on its own; a gzipped one through its decompressor."""
    records = [_richer(i) for i in range(1, 8)]
    files = {
        "a.ndjson.gz": gzip.compress(ndjson(records[:3])),
        "b.ndjson": ndjson(records[3:]),
    }
    fast, slow = _both(tmp_path, "users-1-day", files)
    assert reads.handed == [] and reads.taken
    assert fast[1:] == slow[1:] and fast[4] == 7


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record).encode()


ONE = _line(_richer(1))
TWO = _line(_richer(2))

#: Files the fast path must hand over, and what makes each one so.
HOSTILE: dict[str, bytes] = {
    "two values on a line": ONE + b" " + TWO + b"\n",
    "two values on a line, and one over two lines": ONE
    + TWO
    + b"\n"
    + json.dumps(_richer(3), indent=1).encode()
    + b"\n",
    "a pretty-printed document": json.dumps(_richer(3), indent=1).encode() + b"\n",
    "a blank line": ONE + b"\n\n" + TWO + b"\n",
    "Windows line ends": ONE + b"\r\n" + TWO + b"\r\n",
    "a byte-order mark": b"\xef\xbb\xbf" + ONE + b"\n",
    "bytes that are not UTF-8": ONE.replace(b'"user-1"', b'"user-\xff"') + b"\n",
    "a character cut at the end": ONE + b"\n" + b'{"user_id": 4, "user_login": "\xc3',
    "NaN": ONE.replace(b'"ai_credits_used": 0.25', b'"ai_credits_used": NaN') + b"\n",
    "Infinity": ONE.replace(b'"ai_credits_used": 0.25', b'"ai_credits_used": -Infinity') + b"\n",
    "a key twice": ONE.replace(b'{"day"', b'{"user_id": 9, "day"') + b"\n",
    "a fraction in an integer column": ONE.replace(
        b'"loc_deleted_sum": 1', b'"loc_deleted_sum": 1.5'
    )
    + b"\n",
    "a string in an integer column": ONE.replace(b'"loc_deleted_sum": 1', b'"loc_deleted_sum": "1"')
    + b"\n",
    "a new field": ONE.replace(b'{"day"', b'{"brand_new": [1, 2], "day"') + b"\n",
    "a new field in a struct": ONE.replace(b'"session_count"', b'"brand_new": 1, "session_count"')
    + b"\n",
    "a record of another day": ONE + b"\n" + TWO.replace(DAY.encode(), b"2026-11-30") + b"\n",
    "a membership among users": ONE + b"\n" + _line({"user_id": 5, "team_id": 1, "slug": "x"}),
    "a repository's row among users": _line({"day": DAY, "repository_id": 3, "loc_added_sum": 1}),
    "an empty object": ONE + b"\n{}\n",
    "a day_totals wrapper": _line({"day_totals": [_richer(6)], "report_end_day": DAY}),
    "an array": b"[" + ONE + b"," + TWO + b"]\n",
    "a date that is not one": ONE.replace(
        b'"report_end_day": "2026-12-01"', b'"report_end_day": "soon"'
    )
    + b"\n",
    "a line longer than a block": _line(
        {**_richer(7), "user_login": "u" * (_fast.BLOCK_BYTES + 10)}
    ),
    "not JSON": ONE + b"\n" + b"{not json}\n",
    "an empty file": b"",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_what_arrow_would_read_otherwise_goes_to_the_line_reader(tmp_path, reads, case):
    """The same rows and the same folders left out, whichever reader is asked first."""
    fast, slow = _both(tmp_path, "users-1-day", {"a.ndjson": HOSTILE[case]})
    assert fast[1:] == slow[1:]
    assert reads.handed and not reads.taken, "the fast path took a file it must hand over"


def test_the_28_day_report_keeps_each_records_day_on_the_fast_path(tmp_path, reads):
    """A 28-day report's records keep their own day as ``record_day``, as the line reader does."""
    records = [_richer(i, day) for i in (1, 2) for day in ("2026-11-29", "2026-11-30")]
    fast, slow = _both(tmp_path, "users-28-day", {"a.ndjson": ndjson(records)})
    assert reads.handed == [] and reads.taken
    assert fast[1:] == slow[1:]
    assert {str(r["record_day"]) for r in fast[0]} == {"2026-11-29", "2026-11-30"}


def test_a_user_teams_report_takes_the_fast_path(tmp_path, reads):
    """Memberships are of the user-teams grain by the one classifier."""
    records = [
        {"day": DAY, "user_id": i, "user_login": f"u{i}", "team_id": 7, "slug": "core"}
        for i in range(1, 5)
    ]
    fast, slow = _both(tmp_path, "user-teams-1-day", {"a.ndjson": ndjson(records)})
    assert reads.handed == [] and reads.taken
    assert fast[1:] == slow[1:] and fast[4] == 4


_KEYS = st.sampled_from(
    ["user_id", "user_login", "ai_credits_used", "report_start_day", "used_chat", "team_id"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    drops=st.lists(st.sets(_KEYS), min_size=1, max_size=12),
    logins=st.lists(st.text(min_size=0, max_size=6), min_size=12, max_size=12),
    cut=st.integers(0, 12),
)
def test_any_report_of_nulls_and_absent_fields_reads_the_same_either_way(drops, logins, cut):
    """Fields absent, ``null``, non-ASCII logins, any split in two files: the same dataset,
    and what the classifier refuses (a record with no user, or a team) is refused alike."""
    import tempfile

    records = []
    for index, dropped in enumerate(drops):
        record = _richer(index + 1)
        record["user_login"] = logins[index]
        for key in sorted(dropped):
            if key == "team_id":
                record["team_id"] = index
            elif index % 2:
                record[key] = None
            else:
                record.pop(key, None)
        records.append(record)
    raw = [json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records]
    files = {"a.ndjson": b"".join(raw[:cut]), "b.ndjson": b"".join(raw[cut:])}
    with tempfile.TemporaryDirectory() as scratch:
        fast, slow = _both(Path(scratch), "users-1-day", files)
    assert fast[1:] == slow[1:]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from([b"{}", b'{"a":1}', b"", b" {}", b"{} ", b"[]", b"{\xc3\xa9}", b"{\xc3"]),
        max_size=8,
    ),
    newline_at_end=st.booleans(),
    cuts=st.lists(st.integers(0, 60), max_size=4),
)
def test_the_line_check_does_not_depend_on_where_blocks_end(lines, newline_at_end, cuts):
    """However the file arrives in pieces, the lines counted and judged are its lines."""
    import io

    data = b"\n".join(lines) + (b"\n" if newline_at_end and lines else b"")
    checked = _fast._Checked(io.BytesIO(data))
    for size in [*cuts, -1]:
        checked.read(size)
    checked.finish()
    pieces = data.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    expected_plain = all(p[:1] == b"{" and p[-1:] == b"}" for p in pieces)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        expected_plain = False
    assert checked.exact(len(pieces)) == expected_plain
    if expected_plain:
        assert checked.lines == len(pieces)


def _dataset(out: Path) -> dict[str, str]:
    """Every table of a dataset, its rows as JSON text (sorted), and its schema file."""
    from copilot_usage_report.warehouse._tables import TABLES

    found = {
        table.name: json.dumps(rows(out, table.name), default=str, sort_keys=True)
        for table in TABLES
        if (out / table.name).is_dir()
    }
    found[SCHEMA_FILE] = (out / SCHEMA_FILE).read_text()
    return found


def test_the_demo_archive_of_every_report_reads_the_same_either_way(tmp_path, reads):
    """Both scopes, the one-day and 28-day reports and repositories: the same dataset, and the
    one-table reports' files went through Arrow's reader."""
    from copilot_usage_report._app.demo import demo_archive

    archive = tmp_path / "archive"
    demo_archive(
        archive,
        days=3,
        report="organization-1-day,users-1-day,user-teams-1-day,repos-1-day,"
        "organization-28-day,users-28-day",
    )
    demo_archive(archive, days=3, report="enterprise-1-day,users-1-day", enterprise=True)
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    assert convert(archive, fast).left_out == convert(archive, slow, arrow_reader=False).left_out
    assert _dataset(fast) == _dataset(slow)
    assert {"users", "repos", "user_teams", "days"} <= set(_dataset(fast))
    assert len(reads.taken) >= 10


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: Published report files (tests/fixtures, with their sources) and the report each one is.
PUBLISHED = [
    ("metrics/organization-1-day.ndjson", "organization-1-day"),
    ("metrics/users-1-day.ndjson", "users-1-day"),
    ("metrics/user-teams-1-day.ndjson", "user-teams-1-day"),
    ("reference/example-users-1-day.ndjson", "users-1-day"),
    ("samples/github-docs/example-schema.user-level.as-ndjson.ndjson", "users-1-day"),
    ("samples/github-docs/team-example.users-1-day.ndjson", "users-1-day"),
    ("samples/github-docs/team-example.user-teams-1-day.ndjson", "user-teams-1-day"),
    ("samples/github-docs/example-schema.enterprise-level.as-ndjson.ndjson", "enterprise-28-day"),
]


def test_published_report_files_read_the_same_either_way(tmp_path, reads):
    """GitHub's documented examples and the samples others publish: the same dataset."""
    archive = tmp_path / "archive"
    for number, (name, report) in enumerate(PUBLISHED):
        data = (FIXTURES / name).read_bytes()
        first = json.loads(data.splitlines()[0])
        day = first.get("day") or first.get("report_end_day")
        scope = (
            ("enterprise", f"e{number}")
            if report.startswith("enterprise")
            else ("org", f"o{number}")
        )
        put_report(archive, report, day, {Path(name).name: data}, scope=scope)
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    assert convert(archive, fast).left_out == convert(archive, slow, arrow_reader=False).left_out
    assert _dataset(fast) == _dataset(slow)
    assert len(reads.taken) >= 5
