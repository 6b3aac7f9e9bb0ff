"""Reading report records and adding them up: shapes, kinds, GitHub's definitions, teams."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from copilot_usage_report._core import MAX_LINE_BYTES
from copilot_usage_report._errors import InputError, ReportFormatError
from copilot_usage_report._metrics import Activity, Row, Tally, grain_of, summarize_paths
from copilot_usage_report._metrics.records import report_files, unwrap
from copilot_usage_report._metrics.summarize import day_insight, metrics_schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "metrics"
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


def test_records_are_told_apart_by_their_fields():
    """A user row is a user row wherever it sits; a team row has a team; the rest by content."""
    assert grain_of(aggregate()) == "aggregate"
    assert grain_of(user(1)) == "users"
    assert grain_of({"user_id": 1, "day": DAY, "team_id": 4}) == "user-teams"
    assert grain_of({"user_login": "x", "day": DAY, "slug": "core"}) == "user-teams"
    assert grain_of({"day": DAY, "repository_id": 5, **counts(g=1)}) == "repos"
    assert grain_of({"day_totals": []}) is None
    assert grain_of({"name": "other"}) is None
    wrapped = [{"day_totals": [user(1), aggregate()]}, [user(2)]]
    assert [grain_of(r) for r in unwrap(wrapped)] == ["users", "aggregate", "users"]


def test_reference_aggregate_headline_numbers():
    """The aggregate example's headline numbers come out as the file states them."""
    (line,) = (FIXTURES / "organization-1-day.ndjson").read_text().splitlines()
    record = json.loads(line)
    headline = day_insight(record).headline()
    assert {k: headline[k] for k in list(headline)[:9]} == {
        "day": DAY,
        "organization_id": "999",
        "enterprise_id": "13213",
        "daily_active_users": 42,
        "weekly_active_users": 58,
        "monthly_active_users": 77,
        "monthly_active_chat_users": 35,
        "monthly_active_agent_users": 19,
        "daily_active_cli_users": 3,
    }
    assert headline["daily_passive_copilot_code_review_users"] == 7
    assert headline["monthly_active_copilot_cloud_agent_users"] == 6
    assert {k: headline[k] for k in counts()} == counts(
        i=239, g=998, a=289, sa=2405, sd=0, la=1830, ld=349
    )
    # GitHub's dashboard metrics, by its definitions:
    assert headline["code_completions_suggested"] == 640  # the code_completion feature only
    assert headline["code_completions_accepted"] == 210
    assert headline["code_completion_acceptance_rate"] == round(100 * 210 / 640, 2)
    assert headline["agent_adoption_rate"] == round(100 * 19 / 77, 2)
    features = {f["feature"]: f for f in record["totals_by_feature"]}
    modes = {
        name: f["user_initiated_interaction_count"]
        for name, f in features.items()
        if name.startswith("chat_panel_")
    }
    assert headline["chat_requests_by_mode"] == modes and len(modes) == 2
    assert headline["chat_requests"] == sum(modes.values())
    assert headline["average_chat_requests_per_active_user"] == round(sum(modes.values()) / 42, 2)
    assert headline["loc_added_agent_initiated"] == features["agent_edit"]["loc_added_sum"]
    assert headline["loc_added_user_initiated"] == sum(
        features[name]["loc_added_sum"] for name in ("code_completion", *modes)
    )
    assert headline["totals_by_cli"]["token_usage"]["avg_tokens_per_request"] == 3000.0
    assert headline["pull_requests"]["median_minutes_to_merge"] == 184.5
    assert day_insight(record).metrics()["breakdowns"]["ide"][0]["ide"] == "vscode"
    with pytest.raises(ReportFormatError, match="not an aggregate day"):
        day_insight(user(1))


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
    (day,) = summarize_paths([path]).days
    assert day.daily_active_users == 10


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
    (metrics,) = summarize_paths([write(tmp_path / "a.ndjson", record)]).metrics()["days"]
    assert metrics["code_generation_activity_count"] == 0
    assert metrics["code_completion_acceptance_rate"] is None
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
    with pytest.raises(
        ReportFormatError, match=r"its JSON document, record 2: field daily_active_users"
    ):
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


def test_files_of_no_known_kind_are_an_error_or_skipped_and_named(tmp_path):
    """A file with no record we recognise is an error naming it; a fetch skips and names it."""
    other = write(tmp_path / "other.json", {"name": "something else"})
    empty = tmp_path / "empty.ndjson"
    empty.write_text("\n")
    good = write(tmp_path / "agg.ndjson", aggregate())
    with pytest.raises(ReportFormatError, match="no Copilot usage record") as caught:
        summarize_paths([tmp_path])
    assert str(other) in caught.value.message and str(empty) in caught.value.message
    insight = summarize_paths([tmp_path], unrecognised="skip")
    assert insight.files == (good,)
    assert set(insight.skipped) == {other, empty}


def test_repos_records_and_repos_folders_are_not_summarised(tmp_path):
    """Per-repository records are no aggregate: a repos folder adds nothing, a repos record is
    kept apart (``Insight.repos``), never in the days' totals."""
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
    insight = summarize_paths([tmp_path], unrecognised="skip")
    assert insight.days == ()
    assert insight.skipped == ()
    assert [(r.repo_id, r.scope) for r in insight.repos.rows] == [(5, "organization 999")]


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


def test_the_later_aggregate_of_a_scope_wins_and_other_scopes_stay_apart(tmp_path):
    """A repeated (scope, day) record replaces the first, with a note; another org is its own."""
    first = write(tmp_path / "a" / "agg.ndjson", aggregate())
    again = write(tmp_path / "b" / "agg.ndjson", aggregate(daily_active_users=11))
    other = write(tmp_path / "c" / "agg.ndjson", aggregate(org="1000"))
    insight = summarize_paths([first, again])
    assert [d.daily_active_users for d in insight.days] == [11]
    (note,) = insight.notes
    assert str(again) in note and "the later wins" in note
    both = summarize_paths([first, other])
    assert [(d.scope, d.daily_active_users) for d in both.days] == [
        ("organization 1000", 10),
        ("organization 999", 10),
    ]
    assert both.notes == ()


def test_users_only_day_counts_users_and_their_ides_and_features(tmp_path):
    """Without an aggregate, users make the headline; IDE and feature users are counted."""
    path = write(
        tmp_path / "users.ndjson",
        user(1, ides=("vscode",), features=("code_completion", "chat"), used_chat=True),
        user(2, ides=("jetbrains",), used_agent=True, used_cli=True),
        user(3, ides=(), features=(), used_chat=False, **counts()),
    )
    insight = summarize_paths([path])
    (day,) = insight.days
    # user 3 has no activity at all: present in the file, but not an active user
    assert (day.daily_active_users, day.weekly_active_users) == (2, None)
    assert day.users_used == {"used_chat": 1, "used_agent": 1, "used_cli": 1}
    assert day.count("daily_active_cli_users") == 1
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
    users = write(
        tmp_path / "users.ndjson",
        user(1, used_chat=True, organization_id="999"),
        user(2, organization_id="999"),
    )
    day = summarize_paths([agg, users]).days[0]
    assert day.daily_active_users == 10
    assert day.activity.code_generation_activity_count == 40
    assert day.users_used == {"used_chat": 1}
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
    (metrics,) = summarize_paths([write(tmp_path / "a.ndjson", record)]).metrics()["days"]
    assert metrics["code_completion_acceptance_rate"] is None
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


def test_teams_count_members_with_activity_and_sum_it(tmp_path):
    """Memberships alone make no active user; joined with per-user rows, activity counts."""
    shutil.copy(FIXTURES / "user-teams-1-day.ndjson", tmp_path)
    alone = summarize_paths([tmp_path]).days[0].teams
    assert [(t.slug, t.active_users, t.members) for t in alone] == [
        ("backend", 0, 2),
        ("frontend", 0, 2),
    ]
    idle = {"user_id": 1002, "user_login": "bob", "day": DAY, "organization_id": "999"}
    write(tmp_path / "users.ndjson", user(1001, organization_id="999"), idle)
    insight = summarize_paths([tmp_path])
    teams = {t.slug: t for t in insight.days[0].teams}
    assert (teams["frontend"].active_users, teams["backend"].active_users) == (1, 1)
    assert teams["frontend"].activity == Activity(
        code_generation_activity_count=1, code_acceptance_activity_count=1
    )
    assert "alice" not in repr(insight) and "bob" not in repr(insight)


def test_an_ide_version_label_reads_unknown(tmp_path):
    """An IDE name that is a version label is shown as unknown (the CSV keeps the raw value)."""
    ides = [{"ide": "1.133.0:", **counts(g=2)}, {"ide": "vscode", **counts(g=1)}]
    insight = summarize_paths([write(tmp_path / "a.ndjson", aggregate(totals_by_ide=ides))])
    assert [r.key for r in insight.rows("ide")] == ["unknown", "vscode"]
    assert set(insight.days[0].breakdowns["ide"]) == {"1.133.0:", "vscode"}


def test_a_file_is_fed_line_by_line_as_a_download_would(tmp_path):
    """FileTally.add_line then finish gives what reading the file from disk gives."""
    path = write(tmp_path / "users.ndjson", user(1, used_chat=True), user(2), aggregate())
    tally = Tally()
    feed = tally.file(path)
    for line in path.read_bytes().splitlines(keepends=True):
        feed.add_line(line)
    assert feed.finish() == 3
    assert tally.insight().metrics() == summarize_paths([path]).metrics()
    bad = Tally().file(path)
    with pytest.raises(ReportFormatError, match="line 1: not a JSON record"):
        bad.add_line(b"{cut")


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
    assert day.daily_active_users == 12_000
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


def _varied_user(n: int) -> dict:
    """Per-user rows varied in every way the fast path and the dict path must agree on."""
    record = user(n, ides=("vscode", "vim")[: n % 3], features=("a", "b", "c")[: n % 4])
    record["day"] = f"2026-11-{18 + n % 3:02d}"
    record["used_chat"] = (True, False, None)[n % 3]
    record["used_cli"] = n % 5 == 0
    record["organization_id"] = "999" if n % 2 else 999
    if n % 7 == 0:
        record["totals_by_ide"].append({"ide": None, **counts(g=n)})
    if n % 11 == 0:
        record["totals_by_feature"].append({"feature": "", "loc_added_sum": None})
        record["user_login"] = "zoë"  # not ASCII: the dict path
    if n % 2:
        record["totals_by_language_feature"] = [{"language": "go", **counts(g=1, la=n)}]
    record["totals_by_language_model"] = [{"language": "rust", "model": "lm", **counts(sd=n)}]
    record["code_generation_activity_count"] = None if n % 13 == 0 else n
    if n % 17 == 0:
        record["loc_added_sum"] = 2**70  # beyond 64 bits: the dict path
    if n % 5 == 0:
        record["totals_by_cli"] = {"request_count": n, "token_usage": {"prompt_tokens_sum": 3}}
        record["ai_credits_used"] = n / 4
        record["ai_adoption_phase"] = {"phase": f"Phase {n % 3}", "phase_number": n % 3}
    record["later_field"] = {"any": ["thing"]}
    return record


def test_the_fast_path_and_the_dict_path_agree(tmp_path):
    """Summing structs in blocks gives exactly what summing the dicts one by one gives."""
    from copilot_usage_report._render.csv_tables import write_csv

    path = write(tmp_path / "users.ndjson", *(_varied_user(n) for n in range(1, 1400)))
    fast = summarize_paths([path])
    slow = write_csv([path]).insight  # hands every record to the CSV writer: dicts only
    assert fast.metrics() == slow.metrics()
    assert [d.active_users for d in fast.days] == [d.active_users for d in slow.days]
    assert sum(d.user_records for d in fast.days) == 1399


def test_a_bool_count_in_a_per_user_block_is_located(tmp_path):
    """msgspec refuses a bool count in a block; the dict path then names line and field."""
    bad = user(3)
    bad["code_generation_activity_count"] = True
    path = write(tmp_path / "users.ndjson", *(user(n) for n in range(1, 1000)), bad, user(4))
    with pytest.raises(ReportFormatError, match=r"line 1000: field code_generation_activity"):
        summarize_paths([path])


def test_the_metrics_object_and_the_step_output_follow_the_shipped_schema(tmp_path):
    """Every kind together, a cut to the top ten with "other", and one day's element."""
    from copilot_usage_report._metrics import TOP

    schema = metrics_schema()
    for name in ("organization-1-day.ndjson", "users-1-day.ndjson", "user-teams-1-day.ndjson"):
        shutil.copy(FIXTURES / name, tmp_path)
    ides = [{"ide": f"ide-{n:02d}", **counts(g=n)} for n in range(1, 13)]
    write(tmp_path / "more" / "agg.ndjson", aggregate(day="2026-11-19", totals_by_ide=ides))
    insight = summarize_paths([tmp_path])
    for metrics in (insight.metrics(), insight.metrics(top=TOP)):
        jsonschema.validate(metrics, schema, format_checker=jsonschema.FormatChecker())
    assert [row["ide"] for row in insight.metrics(top=TOP)["days"][0]["breakdowns"]["ide"]][
        -1
    ] == "other"
    (line,) = (FIXTURES / "organization-1-day.ndjson").read_text().splitlines()
    day = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/day"}
    jsonschema.validate(day_insight(json.loads(line)).metrics(), day)
    with pytest.raises(jsonschema.ValidationError):
        wrong = {**day_insight(json.loads(line)).metrics(), "acceptance_rate": 1.0}
        jsonschema.validate(wrong, day)


def test_the_metrics_output_is_compact_and_sheds_old_days_to_fit(tmp_path):
    """Headlines of every day, breakdowns of the newest only, ``left_out``; past the room,
    the oldest days go first, counted, and the newest stays. Both shapes fit the schema."""
    from copilot_usage_report._app.budget import compact_metrics, utf16_size

    days = [f"2026-11-{d:02}" for d in range(1, 21)]
    path = write(tmp_path / "a.ndjson", *(aggregate(day=d) for d in days))
    insight = summarize_paths([path])
    jsonschema.validate(insight.metrics(), metrics_schema())
    value = compact_metrics(insight, "runs/r/metrics.json", 10**9)
    jsonschema.validate(value, metrics_schema())
    assert [("breakdowns" in d, d["day"]) for d in value["days"]] == [
        (d == days[-1], d) for d in days
    ]
    assert value["left_out"]["file"] == "runs/r/metrics.json"
    assert value["left_out"]["days"] == 0
    room = utf16_size(json.dumps(value)) // 2
    small = compact_metrics(insight, "f", room)
    jsonschema.validate(small, metrics_schema())
    assert utf16_size(json.dumps(small)) <= room
    kept = [d["day"] for d in small["days"]]
    assert kept == days[-len(kept) :] and 1 < len(kept) < len(days)
    assert small["left_out"]["days"] == len(days) - len(kept)
    assert (small["start_day"], small["end_day"]) == (days[0], days[-1])


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"user_id": [1], "day": DAY, "team_id": 1, "slug": "a"}, "user_id"),
        ({**user(1), "user_id": {"x": 1}}, "user_id"),
        ({**aggregate(), "organization_id": [999]}, "organization_id"),
    ],
)
def test_an_id_of_the_wrong_type_is_a_format_error_not_a_crash(tmp_path, record, field):
    """Ids are joined and grouped on: a list or object there is refused with its field named."""
    path = write(tmp_path / "a.ndjson", record)
    with pytest.raises(ReportFormatError, match=f"line 1: field {field}"):
        summarize_paths([path])
