"""Report records and what they add up to: shapes, streaming, errors, totals and breakdowns."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from copilot_usage_report import _metrics as metrics
from copilot_usage_report._errors import InputError, ReportFormatError
from copilot_usage_report._metrics import (
    _BLOCK_BYTES,
    MAX_LINE_BYTES,
    Activity,
    AggregateDay,
    Row,
    Tally,
    UserDay,
    UserTeam,
    iter_records,
    report_files,
    summarize_paths,
)

FIXTURES = Path(__file__).parent / "fixtures" / "metrics"
DAY = "2026-11-20"


def counts(i=0, g=0, a=0, sa=0, sd=0, la=0, ld=0) -> dict:
    """Activity counts under GitHub's field names."""
    return {
        "user_initiated_interaction_count": i,
        "code_generation_activity_count": g,
        "code_acceptance_activity_count": a,
        "loc_suggested_to_add_sum": sa,
        "loc_suggested_to_delete_sum": sd,
        "loc_added_sum": la,
        "loc_deleted_sum": ld,
    }


def aggregate(day: str = DAY, org: str = "999", **extra) -> dict:
    """A small aggregate day record."""
    return {
        "day": day,
        "organization_id": org,
        "daily_active_users": 10,
        "weekly_active_users": 20,
        "monthly_active_users": 30,
        "monthly_active_chat_users": 8,
        "monthly_active_agent_users": 4,
        **counts(i=5, g=40, a=10, sa=100, la=60, ld=6),
        "totals_by_ide": [{"ide": "vscode", **counts(i=5, g=40, a=10, sa=100, la=60, ld=6)}],
        **extra,
    }


def user(uid: int, *, ides=("vscode",), features=("code_completion",), **flags) -> dict:
    """A per-user record with one unit of generation per feature."""
    return {
        "user_id": uid,
        "user_login": f"login-{uid}",
        "day": DAY,
        **counts(g=len(features), a=1),
        "totals_by_ide": [{"ide": ide, **counts(g=1)} for ide in ides],
        "totals_by_feature": [{"feature": f, **counts(g=1, a=1)} for f in features],
        **flags,
    }


def write(path: Path, *records: dict) -> Path:
    """Write records as NDJSON, one per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_reference_examples_parse_into_their_shapes():
    """The documented example files read as aggregate, per-user and user-team records."""
    assert [type(r) for r in iter_records(FIXTURES / "organization-1-day.ndjson")] == [AggregateDay]
    users = list(iter_records(FIXTURES / "users-1-day.ndjson"))
    assert [type(r) for r in users] == [UserDay] * 3
    assert [u.user_login for u in users if isinstance(u, UserDay)] == ["alice", "bob", "carol"]
    teams = list(iter_records(FIXTURES / "user-teams-1-day.ndjson"))
    assert [(t.user_id, t.slug) for t in teams if isinstance(t, UserTeam)] == [
        (1001, "frontend"),
        (1001, "backend"),
        (1002, "frontend"),
        (1003, "backend"),
    ]


def test_reference_aggregate_headline_numbers():
    """The aggregate example's headline numbers come out as the file states them."""
    insight = summarize_paths([FIXTURES / "organization-1-day.ndjson"])
    assert insight.metrics() == {
        "day": DAY,
        "daily_active_users": 42,
        "weekly_active_users": 58,
        "monthly_active_users": 77,
        "monthly_active_chat_users": 35,
        "monthly_active_agent_users": 19,
        "daily_active_cli_users": 3,
        "daily_active_chat_users": None,
        "daily_active_agent_users": None,
        **counts(i=239, g=998, a=289, sa=2405, sd=0, la=1830, ld=349),
        "acceptance_rate": 28.96,  # 289 / 998
    }


def test_language_and_model_come_from_one_table_each():
    """Languages sum totals_by_language_feature and models totals_by_model_feature, once."""
    insight = summarize_paths([FIXTURES / "organization-1-day.ndjson"])
    languages = {r.key: r.activity.code_generation_activity_count for r in insight.rows("language")}
    assert languages == {"python": 380 + 150, "typescript": 260 + 60, "unknown": 130}
    models = {r.key: r.activity.code_generation_activity_count for r in insight.rows("model")}
    assert models == {"gpt-4.1": 130 + 60, "claude-sonnet-4.5": 150}


def test_a_pretty_printed_document_is_one_record(tmp_path):
    """An aggregate file that is one JSON document spread over many lines reads as one record."""
    path = tmp_path / "agg.json"
    path.write_text(json.dumps(aggregate(), indent=2))
    (record,) = iter_records(path)
    assert isinstance(record, AggregateDay)
    assert record.daily_active_users == 10


def test_the_28_day_layout_gives_one_record_per_day(tmp_path):
    """A file wrapping its days in day_totals gives each day, and the insight has each."""
    path = tmp_path / "agg-28.json"
    days = [aggregate(day=f"2026-11-{n:02d}") for n in (18, 19, 20)]
    path.write_text(json.dumps({"report_start_day": "2026-11-18", "day_totals": days}, indent=1))
    insight = summarize_paths([path])
    assert [d.day for d in insight.days] == [date(2026, 11, d) for d in (18, 19, 20)]
    assert insight.activity.code_generation_activity_count == 3 * 40


def test_unknown_fields_are_ignored(tmp_path):
    """Fields GitHub adds later, of any type and at any depth, change nothing."""
    plain = write(tmp_path / "a" / "plain.ndjson", aggregate())
    extra = aggregate(new_top={"x": [1, "y"]}, daily_active_robot_users="many")
    extra["totals_by_ide"][0]["new_nested"] = [None, True]
    extended = write(tmp_path / "b" / "extended.ndjson", extra)
    assert summarize_paths([extended]).metrics() == summarize_paths([plain]).metrics()


def test_null_counts_read_as_zero_and_null_user_counts_stay_unknown(tmp_path):
    """A null count adds nothing; a null user count is reported as unknown, not 0."""
    record = aggregate(code_generation_activity_count=None, weekly_active_users=None)
    metrics = summarize_paths([write(tmp_path / "a.ndjson", record)]).metrics()
    assert metrics["code_generation_activity_count"] == 0
    assert metrics["acceptance_rate"] is None
    assert metrics["weekly_active_users"] is None


def test_a_wrong_type_names_file_line_and_field_but_not_the_value(tmp_path):
    """A string where a count belongs is a one-line error naming file, line and field."""
    bad = user(3)
    bad["totals_by_ide"][0]["code_generation_activity_count"] = "secret-login"
    path = write(tmp_path / "users.ndjson", user(1), user(2), bad)
    with pytest.raises(ReportFormatError) as caught:
        summarize_paths([path])
    message = caught.value.message
    assert f"{path}, line 3: field totals_by_ide[0].code_generation_activity_count" in message
    assert "valid integer" in message
    assert "secret-login" not in message and "\n" not in message


def test_a_wrong_type_in_a_document_names_the_field(tmp_path):
    """In the one-document layout, the error names the file and the field path."""
    days = [aggregate(day="2026-11-19"), aggregate(daily_active_users=True)]
    path = tmp_path / "agg-28.json"
    path.write_text(json.dumps({"day_totals": days}, indent=2))
    with pytest.raises(ReportFormatError, match=r"its JSON document: field day_totals\[1\]"):
        summarize_paths([path])


def test_a_day_that_is_not_a_date_is_refused(tmp_path):
    """The day field must be a YYYY-MM-DD date."""
    path = write(tmp_path / "a.ndjson", aggregate(day="yesterday"))
    with pytest.raises(ReportFormatError, match="line 1: field day"):
        summarize_paths([path])


def test_a_cut_off_line_is_reported_as_damage(tmp_path):
    """A line that is not JSON after good lines says the file is damaged or cut off."""
    path = tmp_path / "users.ndjson"
    path.write_text(json.dumps(user(1)) + "\n" + json.dumps(user(2))[:30] + "\n")
    with pytest.raises(ReportFormatError, match=r"line 2: not a JSON record.*cut off"):
        summarize_paths([path])


def test_records_stream_one_line_at_a_time(tmp_path):
    """The first record is delivered before a damaged later line is even read."""
    path = tmp_path / "users.ndjson"
    path.write_text(json.dumps(user(1)) + "\n{broken\n")
    records = iter_records(path)
    first = next(records)
    assert isinstance(first, UserDay) and first.user_id == 1
    with pytest.raises(ReportFormatError):
        next(records)


def test_files_of_no_known_shape_are_skipped(tmp_path):
    """A JSON file that is no usage report is skipped and named, not an error."""
    other = write(tmp_path / "other.json", {"name": "something else"})
    empty = tmp_path / "empty.ndjson"
    empty.write_text("\n")
    good = write(tmp_path / "agg.ndjson", aggregate())
    insight = summarize_paths([tmp_path])
    assert insight.files == (good,)
    assert set(insight.skipped) == {other, empty}


def test_repos_records_and_repos_folders_are_not_summarised(tmp_path):
    """Per-repository records are no aggregate: a repos folder or record adds nothing."""
    repo = {"day": DAY, "organization_id": "999", "repository_id": 5, **counts(g=7)}
    write(tmp_path / "repos.ndjson", repo)
    folder = tmp_path / "repos-1-day" / DAY
    write(folder / "r.ndjson", aggregate())
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                "tool": "t",
                "org": "o",
                "report": "repos-1-day",
                "report_day": DAY,
                "files": [{"name": "r.ndjson", "size": 1, "sha256": "0", "link": "x"}],
            }
        )
    )
    assert report_files([folder]) == []
    insight = summarize_paths([tmp_path])
    assert insight.days == ()


def test_folders_are_searched_and_a_manifest_decides_the_files(tmp_path):
    """A folder's manifest lists its files; elsewhere .ndjson/.jsonl/.json files, never CSVs."""
    listed = tmp_path / "organization-1-day" / DAY
    write(listed / "a.json", aggregate())
    write(listed / "not-listed.ndjson", aggregate())
    (listed / "manifest.json").write_text(
        json.dumps(
            {
                "tool": "t",
                "org": "o",
                "report": "organization-1-day",
                "report_day": DAY,
                "files": [{"name": "a.json", "size": 1, "sha256": "0", "link": "x"}],
            }
        )
    )
    loose = tmp_path / "loose"
    write(loose / "b.jsonl", aggregate())
    (loose / "totals.csv").write_text("day\n")
    (loose / ".hidden.ndjson").write_text("{}\n")
    (loose / "index.json").write_text("{}\n")
    found = report_files([tmp_path, loose / "b.jsonl"])
    assert found == [loose / "b.jsonl", listed / "a.json"]


def test_a_missing_path_or_no_report_file_is_an_input_error(tmp_path):
    """A path that does not exist, or a folder without report files, is refused (exit 2)."""
    with pytest.raises(InputError, match="does not exist"):
        summarize_paths([tmp_path / "nope"])
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="no report file"):
        summarize_paths([tmp_path])


def test_the_same_aggregate_twice_counts_once_and_two_orgs_add_up(tmp_path):
    """A repeated (org, day) record replaces the first; another organization's adds to it."""
    first = write(tmp_path / "a" / "agg.ndjson", aggregate())
    again = write(tmp_path / "b" / "agg.ndjson", aggregate())
    other = write(tmp_path / "c" / "agg.ndjson", aggregate(org="1000"))
    assert summarize_paths([first, again]).metrics()["daily_active_users"] == 10
    both = summarize_paths([first, again, other]).metrics()
    assert both["daily_active_users"] == 20
    assert both["code_generation_activity_count"] == 80


def test_users_only_day_counts_users_and_their_ides_and_features(tmp_path):
    """Without an aggregate, users make the headline; IDE and feature users are counted."""
    path = write(
        tmp_path / "users.ndjson",
        user(1, ides=("vscode",), features=("code_completion", "chat"), used_chat=True),
        user(2, ides=("jetbrains",), used_agent=True, used_cli=True),
        user(3, ides=(), features=(), used_chat=False),
    )
    insight = summarize_paths([path])
    (day,) = insight.days
    assert (day.daily_active_users, day.weekly_active_users) == (3, None)
    assert (day.daily_active_chat_users, day.daily_active_agent_users) == (1, 1)
    assert day.daily_active_cli_users == 1
    assert day.activity.code_generation_activity_count == 3  # 2 + 1 + 0
    assert [(r.key, r.users) for r in insight.rows("ide")] == [("jetbrains", 1), ("vscode", 1)]
    assert [(r.key, r.users) for r in insight.rows("feature")] == [
        ("code_completion", 2),
        ("chat", 1),
    ]
    assert insight.rows("language") == []


def test_aggregate_numbers_win_and_user_counts_are_added(tmp_path):
    """With both, the headline is the aggregate's, plus the per-user daily chat and agent users."""
    agg = write(tmp_path / "agg.ndjson", aggregate())
    users = write(tmp_path / "users.ndjson", user(1, used_chat=True), user(2))
    day = summarize_paths([agg, users]).days[0]
    assert day.daily_active_users == 10
    assert day.activity.code_generation_activity_count == 40
    assert (day.daily_active_chat_users, day.daily_active_agent_users) == (1, 0)
    assert dict(day.active_users["ide"]) == {"vscode": 2}


def test_breakdowns_keep_the_top_ten_and_sum_the_rest_as_other(tmp_path):
    """Twelve IDEs give the ten most active and one "other" row holding the last two."""
    ides = [{"ide": f"ide-{n:02d}", **counts(g=n, a=1)} for n in range(1, 13)]
    path = write(tmp_path / "agg.ndjson", aggregate(totals_by_ide=ides))
    rows = summarize_paths([path]).rows("ide")
    assert [r.key for r in rows] == [f"ide-{n:02d}" for n in range(12, 2, -1)] + ["other"]
    assert rows[-1] == Row(
        "other", Activity(code_generation_activity_count=3, code_acceptance_activity_count=2)
    )


def test_ties_are_broken_by_name_and_missing_keys_read_unknown(tmp_path):
    """Equal activity sorts by key; a null key is counted as "unknown"."""
    ides = [
        {"ide": "b", **counts(g=1)},
        {"ide": "a", **counts(g=1)},
        {"ide": None, **counts(g=1)},
    ]
    path = write(tmp_path / "agg.ndjson", aggregate(totals_by_ide=ides))
    assert [r.key for r in summarize_paths([path]).rows("ide")] == ["a", "b", "unknown"]


def test_no_generations_and_no_users_give_no_rate_and_zero_users(tmp_path):
    """Zero generations has no acceptance rate; zero active users stays 0."""
    record = aggregate(daily_active_users=0, **counts(), totals_by_ide=[])
    metrics = summarize_paths([write(tmp_path / "a.ndjson", record)]).metrics()
    assert metrics["acceptance_rate"] is None
    assert metrics["daily_active_users"] == 0
    assert Activity().acceptance_rate is None


def test_several_days_give_metrics_per_day(tmp_path):
    """Across days, metrics holds start, end and one object per day, oldest first."""
    path = write(tmp_path / "a.ndjson", aggregate(day="2026-11-21"), aggregate(day="2026-11-19"))
    metrics = summarize_paths([path]).metrics()
    assert metrics["start_day"] == "2026-11-19" and metrics["end_day"] == "2026-11-21"
    days = metrics["days"]
    assert isinstance(days, list)
    assert [d["day"] for d in days] == ["2026-11-19", "2026-11-21"]


def test_team_memberships_are_counted_per_team(tmp_path):
    """User-team rows count users per team slug, never keeping a login."""
    shutil.copy(FIXTURES / "user-teams-1-day.ndjson", tmp_path)
    insight = summarize_paths([tmp_path])
    assert insight.teams() == [("backend", 2), ("frontend", 2)]
    assert "alice" not in repr(insight)


def test_sums_stay_exact_across_many_records(tmp_path):
    """Sixty thousand breakdown rows, folded in bulk along the way, add up exactly."""
    path = tmp_path / "users.ndjson"
    with path.open("w") as handle:
        for n in range(12_000):
            record = user(n, ides=("vscode",), features=("a", "b", "c", "d"))
            record["totals_by_feature"][0]["loc_added_sum"] = None
            record["totals_by_feature"][1]["loc_added_sum"] = n
            handle.write(json.dumps(record) + "\n")
    insight = summarize_paths([path])
    day = insight.days[0]
    assert day.user_records == 12_000
    assert day.activity.code_generation_activity_count == 4 * 12_000
    features = {r.key: r for r in insight.rows("feature")}
    assert features["b"].activity.loc_added_sum == sum(range(12_000))
    assert features["a"].activity.loc_added_sum == 0
    assert features["d"].activity.code_acceptance_activity_count == 12_000
    assert features["c"].users == 12_000
    assert [(r.key, r.users) for r in insight.rows("ide")] == [("vscode", 12_000)]


def test_an_overlong_line_is_refused_without_reading_it_whole(tmp_path):
    """A line longer than MAX_LINE_BYTES is a format error, not a memory spike."""
    path = tmp_path / "big.ndjson"
    with path.open("wb") as handle:
        handle.write(json.dumps(user(1)).encode() + b"\n")
        handle.write(b" " * (MAX_LINE_BYTES + 1))
    with pytest.raises(ReportFormatError, match="longer than 64 MiB"):
        summarize_paths([path])


def _reference(path: Path):
    """The insight of a file read record by record, as ``iter_records`` gives them."""
    tally = Tally()
    for record in iter_records(path):
        tally.add(record)
    return tally.insight()


def _same_insight(a, b) -> None:
    assert a.metrics() == b.metrics()
    assert [d.active_users for d in a.days] == [d.active_users for d in b.days]
    for dimension in ("ide", "feature", "language", "model"):
        assert a.rows(dimension, top=100) == b.rows(dimension, top=100)
        assert [d.rows(dimension) for d in a.days] == [d.rows(dimension) for d in b.days]


def _odd_user(n: int) -> dict:
    """Per-user records varied in every way a summary must cope with."""
    record = user(n, ides=("vscode", "vim")[: n % 3], features=("a", "b", "c")[: n % 4])
    record["day"] = f"2026-11-{18 + n % 3:02d}"
    record["used_chat"] = (True, False, None)[n % 3]
    record["used_cli"] = n % 5 == 0
    if n % 7 == 0:
        record["totals_by_ide"].append({"ide": None, **counts(g=n)})
    if n % 11 == 0:
        record["totals_by_feature"].append({"feature": "", "loc_added_sum": None})
    if n % 2:
        record["totals_by_language_feature"] = [{"language": "go", **counts(g=1, la=n)}]
    if n % 3:
        record["totals_by_model_feature"] = [{"model": "m", "feature": "x", **counts(i=n)}]
    elif n % 2:
        record["totals_by_model_feature"] = None
    record["totals_by_language_model"] = [
        {"language": "rust", "model": "lm", "new_field": [1], **counts(g=2, sd=n)}
    ]
    record["code_generation_activity_count"] = None if n % 13 == 0 else n
    record["later_field"] = {"any": ["thing"]}
    return record


def test_the_summary_reads_per_user_files_as_the_record_reader_does(tmp_path):
    """Read in blocks, a per-user file adds up exactly as its records one by one do.

    Several days, null counts and keys, the language-model table standing in, blank and
    CRLF lines, blocks boundaries and a last line without a newline change nothing.
    """
    lines = [json.dumps(_odd_user(n)) for n in range(1, 3000)]
    lines[5] += "\r"
    lines[40] = "   "
    lines[41] = ""
    path = tmp_path / "users.ndjson"
    path.write_text("\n".join(lines))
    assert path.stat().st_size > 3 * _BLOCK_BYTES
    fast = summarize_paths([path])
    _same_insight(fast, _reference(path))
    assert sum(d.user_records for d in fast.days) == len(lines) - 2
    assert len(fast.days) == 3
    records = [json.loads(line) for line in lines if line.strip()]
    for dimension in ("ide", "feature", "language", "model"):
        rows = {r.key: r.activity for r in fast.rows(dimension, top=100)}
        assert rows == _plain_sums(records, dimension)


def _plain_sums(records: list[dict], dimension: str) -> dict[str, Activity]:
    """A breakdown summed the plain way, as the docs describe it."""
    table = {"language": "language_feature", "model": "model_feature"}.get(dimension, dimension)
    sums: dict[str, dict[str, int]] = {}
    for record in records:
        elements = record.get(f"totals_by_{table}")
        if elements is None and dimension in ("language", "model"):
            elements = record.get("totals_by_language_model")
        for element in elements or ():
            into = sums.setdefault(element.get(dimension) or "unknown", {})
            for name in counts():
                into[name] = into.get(name, 0) + (element.get(name) or 0)
    return {key: Activity(**values) for key, values in sums.items()}


@pytest.mark.parametrize(
    "bad",
    [
        '{"day": "2026-11-20", "user_id": [1]}',
        '{"day": "2026-11-20", "user_login": 5}',
        '{"day": "2026-11-20", "used_chat": "yes"}',
        '{"day": "2026-11-20", "totals_by_ide": {"ide": "vscode"}}',
        '{"day": "2026-11-20", "totals_by_ide": [7]}',
        '{"day": "2026-11-20", "totals_by_feature": [{"feature": 3}]}',
        '{"day": "2026-11-20", "loc_added_sum": 1.5, "used_cli": 1}',
        '{"user_id": 1}',
        '[{"day": "2026-11-20"}]',
        "42",
        '{"day": "2026-11-20", "user_id": 1',
        '{"day": "2026-11-20"} {"day": "2026-11-20"}',
    ],
)
def test_the_summary_refuses_what_the_record_reader_refuses(tmp_path, bad):
    """A bad line deep in a per-user file gives the very error reading record by record gives."""
    good = [json.dumps(user(n)) for n in range(400)]
    path = tmp_path / "users.ndjson"
    path.write_text("\n".join([*good, bad, *good]) + "\n")
    with pytest.raises(ReportFormatError) as expected:
        list(iter_records(path))
    with pytest.raises(ReportFormatError) as caught:
        summarize_paths([path])
    assert caught.value.message == expected.value.message
    assert "line 401" in caught.value.message


@pytest.mark.parametrize(
    ("tail", "refused"),
    [
        (b" " * 1000, False),  # exactly the limit, at the end: read (and blank)
        (b" " * 1000 + b"\n", True),  # the limit and its newline: one byte too long
        (b" " * 1001, True),
        (b" " * 2500 + b"\n" + b"{}\n", True),
    ],
)
def test_the_longest_line_is_the_same_in_blocks(tmp_path, monkeypatch, tail, refused):
    """Lines split across blocks are refused at exactly the length reading by lines refuses."""
    monkeypatch.setattr(metrics, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(metrics, "_BLOCK_BYTES", 64)
    path = tmp_path / "users.ndjson"
    path.write_bytes(json.dumps(user(1)).encode() + b"\n" + tail)
    if refused:
        with pytest.raises(ReportFormatError, match="longer than") as expected:
            list(iter_records(path))
        with pytest.raises(ReportFormatError) as caught:
            summarize_paths([path])
        assert caught.value.message == expected.value.message
    else:
        assert summarize_paths([path]).days[0].user_records == 1


def test_a_bad_line_before_an_overlong_one_is_the_error(tmp_path, monkeypatch):
    """In one block, the first problem in file order is the one reported."""
    monkeypatch.setattr(metrics, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "users.ndjson"
    path.write_bytes(json.dumps(user(1)).encode() + b"\n{bad\n" + b" " * 2000 + b"\n")
    with pytest.raises(ReportFormatError, match="line 2: not a JSON record"):
        summarize_paths([path])


_ELEMENTS = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "ide": st.none() | st.text(max_size=3) | st.integers(),
            "language": st.none() | st.text(max_size=3),
            "model": st.none() | st.text(max_size=3) | st.booleans(),
            "code_generation_activity_count": st.none() | st.integers() | st.floats() | st.text(),
            "loc_added_sum": st.none() | st.integers(),
            "later": st.lists(st.integers(), max_size=2),
        },
    )
    | st.integers(),
    max_size=3,
)
_USER_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "day": st.sampled_from(["2026-11-20", "2026-02-30", "", 20261120]) | st.none(),
        "user_id": st.none() | st.integers() | st.text(max_size=3) | st.booleans(),
        "user_login": st.none() | st.text(max_size=3) | st.integers(),
        "used_chat": st.none() | st.booleans() | st.integers(0, 1),
        "user_initiated_interaction_count": st.none() | st.integers() | st.floats(),
        "totals_by_ide": st.none()
        | _ELEMENTS
        | st.dictionaries(st.text(max_size=2), st.integers()),
        "totals_by_language_model": st.none() | _ELEMENTS,
        "unknown": st.none() | st.lists(st.text(max_size=2), max_size=2),
    },
)


def _plain(value):
    """A model or fast struct as plain data (nested elements too), to compare the two."""
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.asdict(value) | {}
    if isinstance(value, BaseModel):
        return dict(vars(value))
    return value


def _fields_of(record):
    plain = _plain(record)
    return {k: tuple(map(_plain, v)) if isinstance(v, tuple) else v for k, v in plain.items()}


@settings(max_examples=300, deadline=None)
@given(_USER_FIELDS)
def test_the_summary_record_accepts_and_refuses_what_user_day_does(fields):
    """msgspec's reading of a per-user line never accepts a line ``UserDay`` refuses, and
    reads the same values; what it refuses, the model decides (``_user_lines``)."""
    raw = json.dumps(fields).encode()
    try:
        model = _fields_of(UserDay.model_validate_json(raw))
    except ValidationError:
        model = None
    try:
        fast = _fields_of(metrics._decode_user_line(raw))
    except msgspec.DecodeError:
        fast = None
    if fast is not None:
        assert fast == model
    try:
        either = [_fields_of(r) for r in metrics._user_lines([raw], Path("f.ndjson"), 1)]
    except ReportFormatError:
        either = None
    assert either == (None if model is None else [model])


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        (b'{"day": "2026-11-20", "user_id": 2, "later": "\xff"}', False),
        (b'{"day": "2026-11-20", "user_id": 2, "later": {"\xc3": 1}}', False),
        (b'{"day": "2026-11-20", "user_login": "\\ud800"}', False),
        (b'{"day": "2026-11-20", "user_id": 2, "loc_added_sum": 12345678901234567890123}', True),
        (b'{"day": "2026-11-20", "user_id": 2, "later": NaN}', True),
        (b'{"day": "2026-11-20", "user_id": 2, "user_login": "J\xc3\xbcrgen"}', True),
    ],
)
def test_lines_msgspec_cannot_vouch_for_get_the_models_verdict(raw, accepted, tmp_path):
    """Invalid UTF-8 in a skipped field (which msgspec does not check) is refused as the model
    refuses it; a big integer or NaN in a skipped field is accepted as the model accepts it."""
    path = tmp_path / "users.ndjson"
    path.write_bytes(b'{"day": "2026-11-20", "user_id": 1, "loc_added_sum": 1}\n' + raw + b"\n")
    assert accepted == _accepts(raw)
    if not accepted:
        with pytest.raises(ReportFormatError, match="line 2"):
            summarize_paths([path])
        return
    day = summarize_paths([path]).days[0]
    assert day.user_records == 2
    extra = json.loads(raw).get("loc_added_sum") or 0
    assert day.activity.loc_added_sum == 1 + extra


def _accepts(raw: bytes) -> bool:
    try:
        UserDay.model_validate_json(raw)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("fast", "model"),
    [
        (metrics._FastCounts, metrics.Counts),
        (metrics._FastIde, metrics.IdeTotals),
        (metrics._FastFeature, metrics.FeatureTotals),
        (metrics._FastLanguage, metrics.LanguageTotals),
        (metrics._FastModel, metrics.ModelTotals),
        (metrics._FastLanguageModel, metrics._LanguageModelTotals),
        (metrics._FastUser, UserDay),
    ],
)
def test_each_fast_struct_has_its_models_fields_and_defaults(fast, model):
    """The summary's structs and the models are written twice (two libraries): a field added
    to one and not the other, or a different default, fails here."""
    struct_fields = {f.name: f.default for f in msgspec.structs.fields(fast)}
    model_fields = {
        name: (msgspec.NODEFAULT if info.is_required() else info.default)
        for name, info in model.model_fields.items()
    }
    assert struct_fields == model_fields


def test_a_per_user_line_nested_too_deep_is_a_format_error(tmp_path):
    """msgspec's RecursionError on a very deep line is not a crash: the model's error stands."""
    deep = b'{"day": "2026-11-20", "user_id": 2, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    path = tmp_path / "users.ndjson"
    path.write_bytes(b'{"day": "2026-11-20", "user_id": 1}\n' + deep + b"\n")
    with pytest.raises(ReportFormatError, match="line 2"):
        summarize_paths([path])
    path.write_bytes(deep + b"\n")
    with pytest.raises(ReportFormatError, match="nests deeper"):
        summarize_paths([path])
