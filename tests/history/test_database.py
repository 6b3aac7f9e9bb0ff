"""The database against the archive: rows, values by GitHub's definitions, provenance."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report._errors import InputError
from copilot_usage_report._standin.synthetic import write_archive
from copilot_usage_report.history import build
from tests._samples import SAMPLES

from ._archive import day_folder, dump, query


def _sample(*parts: str) -> bytes:
    return SAMPLES.joinpath(*parts).read_bytes()


def _records(data: bytes) -> list[dict]:
    text = data.decode()
    try:
        values = [json.loads(text)]
    except json.JSONDecodeError:
        values = [json.loads(line) for line in text.splitlines() if line.strip()]
    out: list[dict] = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            out.extend(item.get("day_totals", [item]))
    return out


def test_aggregate_day_by_githubs_definitions(tmp_path: Path) -> None:
    """The published 28-day wrapper's day: GitHub's fields as sent, derived ones by definition."""
    data = _sample("austenstone-copilot-usage", "sample-metrics-report.day1-of-28.ndjson")
    record = _records(data)[0]
    day_folder(tmp_path / "a", "organization-28-day", "2026-08-19", {"report.ndjson": data})

    result = build([tmp_path / "a"], tmp_path / "site")

    assert (result.days, result.scopes, result.skipped) == (1, ("orgs/octo-demo",), ())
    [row] = query(
        tmp_path / "site" / "copilot-usage.sqlite",
        "SELECT day, daily_active_users, weekly_active_users, monthly_active_users, "
        "code_completions_suggested, code_completions_accepted, code_completion_acceptance_rate, "
        "agent_adoption_rate, loc_added_sum, totals_by_cli_request_count FROM days",
    )
    completion = [f for f in record["totals_by_feature"] if f["feature"] == "code_completion"]
    shown = sum(f["code_generation_activity_count"] for f in completion)
    accepted = sum(f["code_acceptance_activity_count"] for f in completion)
    assert row == (
        record["day"],
        record["daily_active_users"],
        record["weekly_active_users"],
        record["monthly_active_users"],
        shown,
        accepted,
        round(100 * accepted / shown, 2) if shown else None,
        round(100 * record["monthly_active_agent_users"] / record["monthly_active_users"], 2),
        record["loc_added_sum"],
        record["totals_by_cli"]["request_count"],
    )
    ides = query(
        result.database,
        "SELECT key, code_generation_activity_count FROM breakdowns WHERE dimension = 'ide' "
        "ORDER BY key",
    )
    assert ides == sorted(
        (i["ide"], i["code_generation_activity_count"]) for i in record["totals_by_ide"]
    )


def test_the_acceptance_rate_of_the_issue(tmp_path: Path) -> None:
    """GitHub's code completion acceptance rate on the published day: 110 of 764 shown."""
    data = _sample("austenstone-copilot-usage", "sample-metrics-report.day1-of-28.ndjson")
    day_folder(tmp_path / "a", "organization-28-day", "2026-08-19", {"r.ndjson": data})
    build([tmp_path / "a"], tmp_path / "site")
    [(shown, accepted, rate)] = query(
        tmp_path / "site" / "copilot-usage.sqlite",
        "SELECT code_completions_suggested, code_completions_accepted, "
        "code_completion_acceptance_rate FROM days",
    )
    assert (shown, accepted, rate) == (764, 110, 14.4)


def test_28_days_and_a_1_day_report_over_them(tmp_path: Path) -> None:
    """A 28-day report fills 28 days; a 1-day report of one of them takes that day."""
    wrapper = _sample("copilot-metrics-viewer", "organization-28-day-report.json")
    one = _sample("copilot-metrics-viewer", "organization-1-day-report.json")
    one_day = _records(one)[0]["day"]
    day_folder(tmp_path / "a", "organization-28-day", "2026-04-25", {"r.json": wrapper})
    day_folder(tmp_path / "a", "organization-1-day", one_day, {"r.json": one})

    result = build([tmp_path / "a"], tmp_path / "site")

    days = {r["day"] for r in _records(wrapper)} | {one_day}
    assert result.days == len(days)
    reports = dict(
        query(result.database, "SELECT day, s.report FROM days JOIN sources s USING (source_id)")
    )
    assert reports[one_day] == "organization-1-day"
    assert set(reports.values()) == {"organization-1-day", "organization-28-day"}


def test_teams_as_github_defines_them(tmp_path: Path) -> None:
    """The docs' join: frontend 2 active users and 19 acceptances, backend 1 and 12."""
    day_folder(
        tmp_path / "a",
        "users-1-day",
        "2026-05-07",
        {"u.ndjson": _sample("github-docs", "team-example.users-1-day.ndjson")},
    )
    day_folder(
        tmp_path / "a",
        "user-teams-1-day",
        "2026-05-07",
        {"t.ndjson": _sample("github-docs", "team-example.user-teams-1-day.ndjson")},
    )
    result = build([tmp_path / "a"], tmp_path / "site")
    teams = query(
        result.database,
        "SELECT slug, member_count, active_users, code_acceptance_activity_count FROM teams "
        "ORDER BY slug",
    )
    assert teams == [("backend", 1, 1, 12), ("frontend", 2, 2, 19)]
    assert query(result.database, "SELECT COUNT(*), COUNT(user_login) FROM users") == [(2, 0)]


def test_per_user_28_day_wrapper_and_logins_only_when_asked(tmp_path: Path) -> None:
    data = _sample("copilot-metrics-viewer", "organization-users-28-day-report.json")
    rows = _records(data)
    day_folder(tmp_path / "a", "users-28-day", "2026-04-25", {"u.json": data})
    hidden = build([tmp_path / "a"], tmp_path / "site")
    shown = build([tmp_path / "a"], tmp_path / "shown", show_logins=True)
    count = len({(r["day"], r["user_id"]) for r in rows})
    assert query(hidden.database, "SELECT COUNT(*), COUNT(user_login) FROM users") == [(count, 0)]
    assert query(shown.database, "SELECT COUNT(*), COUNT(user_login) FROM users") == [
        (count, count)
    ]
    login = rows[0]["user_login"]
    assert login not in hidden.page.read_text()


def test_enterprise_json_array_and_the_older_manifest(tmp_path: Path) -> None:
    """GitHub's example (a JSON array of wrappers) under an enterprise; today's older layout too."""
    day_folder(
        tmp_path / "a",
        "enterprise-28-day",
        "2025-10-28",
        {"e.json": _sample("github-docs", "example-schema.enterprise-level.json")},
        scope=("enterprise", "Acme"),
    )
    day_folder(
        tmp_path / "old",
        "organization-1-day",
        "2026-11-20",
        {
            "o.ndjson": (
                Path(__file__).parents[1] / "fixtures/metrics/organization-1-day.ndjson"
            ).read_bytes()
        },
        old_org="Octo-Old",
    )
    result = build([tmp_path / "a", tmp_path / "old"], tmp_path / "site")
    assert result.scopes == ("enterprises/acme", "orgs/octo-old")
    assert result.skipped == ()


def test_incremental_update_reads_only_the_new_day(tmp_path: Path) -> None:
    """Adding a day reads its files only; the result equals a build from scratch."""
    archive = tmp_path / "archive"
    write_archive(archive, days=30, users=12)
    first = build([archive], tmp_path / "site")
    assert first.added == 90
    before = query(first.database, "SELECT scope, day, source_id FROM days ORDER BY day")

    write_archive(tmp_path / "next", days=31, users=12)  # the same 30 days and one more
    for report in ("organization-1-day", "users-1-day", "user-teams-1-day"):
        src = tmp_path / "next" / "orgs" / "octo-demo" / report / "2026-01-31"
        shutil.copytree(src, archive / "orgs" / "octo-demo" / report / "2026-01-31")
    second = build([archive], tmp_path / "site")

    assert (second.added, second.days) == (3, 31)
    after = query(second.database, "SELECT scope, day, source_id FROM days ORDER BY day")
    assert after[:30] == before  # untouched rows keep their source rows
    fresh = build([archive], tmp_path / "fresh")
    assert dump(tmp_path / "site" / "copilot-usage.sqlite") == dump(
        tmp_path / "fresh" / "copilot-usage.sqlite"
    )
    assert (tmp_path / "site" / "daily.csv").read_bytes() == fresh.csv.read_bytes()
    assert (tmp_path / "site" / "index.html").read_bytes() == fresh.page.read_bytes()
    assert build([archive], tmp_path / "site").added == 0


def test_rebuilding_gives_the_same_rows_and_files(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", days=20, gaps=(4,), users=8)
    one = build([tmp_path / "a"], tmp_path / "one")
    two = build([tmp_path / "a"], tmp_path / "two")
    assert dump(one.database) == dump(two.database)
    assert one.page.read_bytes() == two.page.read_bytes()
    assert one.csv.read_bytes() == two.csv.read_bytes()


def test_a_corrupted_file_is_skipped_and_named(tmp_path: Path) -> None:
    archive = tmp_path / "a"
    write_archive(archive, days=5)
    build([archive], tmp_path / "site")
    victim = next((archive / "orgs/octo-demo/organization-1-day/2026-01-03").glob("*.ndjson"))
    data = bytearray(victim.read_bytes())
    data[10] ^= 1  # same size, other bytes
    victim.write_bytes(bytes(data))

    result = build([archive], tmp_path / "site")

    assert len(result.skipped) == 1 and str(victim) in result.skipped[0]
    assert "SHA-256" in result.skipped[0]
    days = [d for (d,) in query(result.database, "SELECT day FROM days ORDER BY day")]
    assert days == ["2026-01-01", "2026-01-02", "2026-01-04", "2026-01-05"]
    assert result.csv.read_text().count("\n") == 1 + 4


def test_merged_and_unmerged_artifacts_count_each_file_once(tmp_path: Path) -> None:
    """Downloaded artifacts: one folder per artifact, or all merged; a day in both counts once."""
    write_archive(tmp_path / "merged", days=6)
    for n in range(3):  # 2026-01-05 to 2026-01-07: two days in both, one new
        artifact = tmp_path / "downloads" / f"artifact-{n}"
        write_archive(artifact, start=date(2026, 1, 5 + n), days=1)
    result = build([tmp_path / "merged", tmp_path / "downloads"], tmp_path / "site")
    assert result.days == 7 and result.skipped == ()


def test_a_different_copy_of_the_same_file_is_named(tmp_path: Path) -> None:
    write_archive(tmp_path / "one", days=2, seed=1)
    write_archive(tmp_path / "two", days=2, seed=2)
    result = build([tmp_path / "one", tmp_path / "two"], tmp_path / "site")
    assert result.days == 2
    assert len(result.skipped) == 2 and all("kept the first" in s for s in result.skipped)


def test_gzip_files_with_either_hash(tmp_path: Path) -> None:
    raw = _sample("copilot-metrics-viewer", "organization-1-day-report.json")
    packed = gzip.compress(raw, mtime=0)
    folder = day_folder(tmp_path / "a", "organization-1-day", "2026-04-25", {"r.json.gz": packed})
    assert build([tmp_path / "a"], tmp_path / "site").days == 1
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0].update(size=len(raw), sha256=hashlib.sha256(raw).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest))
    assert build([tmp_path / "a"], tmp_path / "site2").days == 1


def test_no_users_leaves_the_table_out_but_keeps_teams(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", days=3, users=10)
    result = build([tmp_path / "a"], tmp_path / "site", users=False)
    tables = {
        t for (t,) in query(result.database, "SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert "users" not in tables
    assert query(result.database, "SELECT COUNT(DISTINCT day) FROM teams") == [(3,)]
    again = build([tmp_path / "a"], tmp_path / "site")  # now with users: rebuilt with them
    assert query(again.database, "SELECT COUNT(DISTINCT day) FROM users") == [(3,)]


def test_unsafe_manifest_names_and_unreadable_manifests_are_skipped(tmp_path: Path) -> None:
    folder = day_folder(tmp_path / "a", "organization-1-day", "2026-04-25", {"r.json": b"{}"})
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0]["name"] = "../../outside.json"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    bad = tmp_path / "a" / "orgs" / "x" / "organization-1-day" / "2026-04-26"
    bad.mkdir(parents=True)
    (bad / "manifest.json").write_text("not json")
    result = build([tmp_path / "a"], tmp_path / "site")
    assert result.days == 0
    assert any("not a plain name" in s for s in result.skipped)
    assert any(str(bad / "manifest.json") in s for s in result.skipped)


def test_a_missing_archive_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        build([tmp_path / "nowhere"], tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_without_a_database(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", days=3)
    result = build([tmp_path / "a"], tmp_path / "site", database=False)
    assert result.database is None and result.days == 3
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "daily.csv",
        "index.html",
        "pull_requests.csv",  # the aggregate days' pull requests, CSV beside the page
    ]


def test_the_archive_manifest_as_fetch_writes_it(tmp_path: Path) -> None:
    """Scope kind ``org``, ``report_day``, ``api_origin``, a run folder beside: all read."""
    folder = day_folder(
        tmp_path / "a",
        "organization-1-day",
        "2026-04-25",
        {"r.json": _sample("copilot-metrics-viewer", "organization-1-day-report.json")},
    )
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["day"], manifest["origin"]
    manifest.update(
        manifest_version=2,
        scope={"kind": "org", "name": "octo-demo"},
        report_day="2026-04-25",
        api_origin="https://api.github.com",
    )
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "a" / "runs" / "123").mkdir(parents=True)
    (tmp_path / "a" / "runs" / "123" / "index.json").write_text("{}")
    result = build([tmp_path / "a"], tmp_path / "site")
    assert (result.days, result.scopes, result.skipped) == (1, ("orgs/octo-demo",), ())


def test_the_first_layout_names_an_enterprise_by_its_report(tmp_path: Path) -> None:
    day_folder(
        tmp_path / "old",
        "enterprise-28-day",
        "2025-10-28",
        {"e.json": _sample("github-docs", "example-schema.enterprise-level.json")},
        old_org="acme",
    )
    assert build([tmp_path / "old"], tmp_path / "site").scopes == ("enterprises/acme",)


@pytest.mark.parametrize("one_day_first", [True, False])
def test_a_1_day_report_wins_whatever_arrives_first(tmp_path: Path, one_day_first: bool) -> None:
    wrapper = _sample("copilot-metrics-viewer", "organization-28-day-report.json")
    records = _records(wrapper)
    day = records[3]["day"]
    one = dict(records[3], daily_active_users=999_999)
    steps = [
        ("organization-1-day", day, {"one.json": json.dumps(one).encode()}),
        ("organization-28-day", "2026-04-25", {"r.json": wrapper}),
    ]
    for report, folder_day, files in steps if one_day_first else steps[::-1]:
        day_folder(tmp_path / "a", report, folder_day, files)
        result = build([tmp_path / "a"], tmp_path / "site")
    assert query(result.database, "SELECT daily_active_users FROM days WHERE day = ?", day) == [
        (999_999,)
    ]
    fresh = build([tmp_path / "a"], tmp_path / "fresh")
    assert dump(result.database) == dump(fresh.database)


def test_a_file_that_is_not_json_is_named_on_every_run(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", days=2)
    day_folder(tmp_path / "a", "organization-1-day", "2026-01-03", {"r.ndjson": b'{"day": "x"\n'})
    for _ in range(2):
        result = build([tmp_path / "a"], tmp_path / "site")
        assert result.days == 2
        assert len(result.skipped) == 1 and "r.ndjson" in result.skipped[0]
        assert "not JSON" in result.skipped[0]


def test_a_file_without_a_known_record_is_named(tmp_path: Path) -> None:
    day_folder(tmp_path / "a", "organization-1-day", "2026-01-03", {"r.json": b'{"hello": 1}'})
    for _ in range(2):
        result = build([tmp_path / "a"], tmp_path / "site")
        assert result.days == 0
        assert [s.endswith("no record we recognise; skipped") for s in result.skipped] == [True]


def test_a_year_of_one_scope_stays_under_1_mb(tmp_path: Path) -> None:
    write_archive(tmp_path / "a", start=date(2025, 1, 1), days=365, users=10)
    result = build([tmp_path / "a"], tmp_path / "site", database=False)
    assert result.days == 365
    assert result.page.stat().st_size < 1_000_000
