"""Every published sample report, summarised by the real CLI and checked by GitHub's definitions.

The samples (``tests/fixtures/samples/``, see its ``SOURCES.md``) are files other projects and
GitHub's docs publish. For each, ``summarize --json`` must exit 0 with nothing on stderr, its
output must validate against the shipped JSON Schema, and its numbers must equal what this test
computes from the records itself, by GitHub's definitions (never numbers copied from our output).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from copilot_usage_report._metrics.summarize import metrics_schema
from tests._samples import SAMPLES

REPORTS = [
    "austenstone-copilot-usage/sample-metrics-report.day1-of-28.ndjson",
    "copilot-metrics-viewer/organization-1-day-report.json",
    "copilot-metrics-viewer/organization-28-day-report.json",
    "copilot-metrics-viewer/organization-users-28-day-report.json",
    "github-docs/example-schema.enterprise-level.json",
    "github-docs/example-schema.enterprise-level.as-ndjson.ndjson",
    "github-docs/example-schema.user-level.json",
    "github-docs/example-schema.user-level.as-ndjson.ndjson",
    "github-docs/team-example.users-1-day.ndjson",
    "github-docs/team-example.user-teams-1-day.ndjson",
]
COUNTS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_suggested_to_delete_sum",
    "loc_added_sum",
    "loc_deleted_sum",
)


def _values(path: Path) -> list[Any]:
    text = path.read_text(encoding="utf-8")
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def _records(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _records(item)
    elif "day_totals" in value:
        yield from _records(value["day_totals"])
    else:
        yield value


def _scope(record: dict[str, Any]) -> tuple[str | None, str]:
    org = record.get("organization_id")
    return (str(org) if org is not None else str(record["enterprise_id"])), record["day"]


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _completions(features: list[dict[str, Any]]) -> tuple[int, int]:
    shown = sum(
        f["code_generation_activity_count"] or 0
        for f in features
        if f["feature"] == "code_completion"
    )
    accepted = sum(
        f["code_acceptance_activity_count"] or 0
        for f in features
        if f["feature"] == "code_completion"
    )
    return shown, accepted


def expected_days(paths: list[Path]) -> dict[tuple[str | None, str], dict[str, Any]]:
    """GitHub's definitions applied to the records, by (organization or enterprise, day)."""
    aggregates: dict[tuple[str | None, str], dict[str, Any]] = {}
    users: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
    members: dict[tuple[str | None, str], list[dict[str, Any]]] = {}
    for path in paths:
        for record in (r for v in _values(path) for r in _records(v)):
            if "team_id" in record:
                members.setdefault(_scope(record), []).append(record)
            elif "user_id" in record:
                users.setdefault(_scope(record), []).append(record)
            else:
                aggregates[_scope(record)] = record  # the later record of a scope's day wins
    out: dict[tuple[str | None, str], dict[str, Any]] = {}
    for key, record in aggregates.items():
        shown, accepted = _completions(record.get("totals_by_feature") or [])
        mau = record.get("monthly_active_users")
        out[key] = {
            "daily_active_users": record.get("daily_active_users"),
            "weekly_active_users": record.get("weekly_active_users"),
            **{name: record.get(name) or 0 for name in COUNTS},
            "code_completions_suggested": shown,
            "code_completions_accepted": accepted,
            "code_completion_acceptance_rate": _rate(accepted, shown),
            "agent_adoption_rate": _rate(record["monthly_active_agent_users"], mau)
            if mau and record.get("monthly_active_agent_users") is not None
            else None,
        }
    for key, rows in users.items():
        if key in out:
            continue
        features = [f for r in rows for f in r.get("totals_by_feature") or []]
        shown, accepted = _completions(features)
        active = [
            r
            for r in rows
            if any(r.get(n) for n in COUNTS) or r.get("used_chat") or r.get("used_agent")
        ]
        out[key] = {
            "daily_active_users": len(active),
            **{name: sum(r.get(name) or 0 for r in rows) for name in COUNTS},
            "code_completions_suggested": shown,
            "code_completions_accepted": accepted,
            "code_completion_acceptance_rate": _rate(accepted, shown),
        }
    for key, memberships in members.items():
        by_user = {r["user_id"]: r for r in users.get(key, []) if any(r.get(n) for n in COUNTS)}
        teams: dict[str, dict[str, Any]] = {}
        for row in memberships:
            team = teams.setdefault(row["slug"], {"slug": row["slug"], "active_users": 0})
            user = by_user.get(row["user_id"])
            if user is not None:
                team["active_users"] += 1
                for name in COUNTS:
                    team[name] = team.get(name, 0) + (user.get(name) or 0)
        out.setdefault(key, {})["teams"] = teams
    return out


def _check(
    run_json: dict[str, Any], expected: dict[tuple[str | None, str], dict[str, Any]]
) -> None:
    days = {(d["organization_id"] or d["enterprise_id"], d["day"]): d for d in run_json["days"]}
    assert set(days) == set(expected)
    for key, want in expected.items():
        got = days[key]
        teams = want.pop("teams", None)
        assert {name: got.get(name) for name in want} == want, key
        if teams is not None:
            by_slug = {t["slug"]: t for t in got["teams"]}
            for slug, team in teams.items():
                assert {name: by_slug[slug].get(name) for name in team} == team, slug


@pytest.mark.parametrize("name", REPORTS)
def test_each_sample_report(run_cli, name):
    """Exit 0, no warning, the schema holds, and the numbers are GitHub's from the records."""
    path = SAMPLES / name
    run = run_cli("summarize", "--json", str(path))
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    metrics = json.loads(run.stdout)
    jsonschema.validate(metrics, metrics_schema(), format_checker=jsonschema.FormatChecker())
    _check(metrics, expected_days([path]))


def test_the_published_day_gives_githubs_code_completion_rate(run_cli):
    """The issue's example: 110 of 764 inline suggestions accepted is 14.4 %, not 85.75 %."""
    path = SAMPLES / REPORTS[0]
    run = run_cli("summarize", str(path), actions=True)
    assert run.code == 0, run.stderr
    assert run.outputs["acceptance-rate"] == "14.4"
    assert "| Code completion acceptance rate | 14.4% |\n" in run.stdout


def test_the_28_day_per_user_file_sums_its_rows(run_cli):
    """Per-user rows wrapped in day_totals are per-user rows: interactions sum over all rows."""
    path = SAMPLES / REPORTS[3]
    rows = [r for v in _values(path) for r in _records(v)]
    run = run_cli("summarize", "--json", str(path))
    days = json.loads(run.stdout)["days"]
    total = sum(d["user_initiated_interaction_count"] for d in days)
    assert total == sum(r["user_initiated_interaction_count"] or 0 for r in rows) == 2987


def test_the_docs_team_example_joins_users_and_teams(run_cli):
    """GitHub's example: frontend has 2 active users and 19 acceptances, backend 1 and 12."""
    paths = [SAMPLES / "github-docs/team-example.user-teams-1-day.ndjson", SAMPLES / REPORTS[8]]
    run = run_cli("summarize", "--json", *map(str, paths))
    assert run.code == 0 and run.stderr == ""
    metrics = json.loads(run.stdout)
    _check(metrics, expected_days(paths))
    (day,) = metrics["days"]
    teams = {
        t["slug"]: (t["active_users"], t["code_acceptance_activity_count"]) for t in day["teams"]
    }
    assert teams == {"frontend": (2, 19), "backend": (1, 12)}


def test_two_enterprises_on_one_day_stay_apart(run_cli):
    """GitHub's example schema holds two enterprises' days: each keeps its own numbers."""
    run = run_cli("summarize", "--json", str(SAMPLES / REPORTS[4]))
    days = json.loads(run.stdout)["days"]
    assert [(d["enterprise_id"], d["day"]) for d in days] == [
        ("1", "2025-10-01"),
        ("2", "2025-10-01"),
    ]


def test_a_file_that_is_no_report_is_an_error_naming_it(run_cli):
    """The API's download-links answer is no report: summarize says so and exits 1."""
    path = SAMPLES / "copilot-metrics-viewer/download-links-organization-1-day.json"
    run = run_cli("summarize", str(path))
    assert run.code == 1
    (line,) = run.stderr.splitlines()
    assert str(path) in line and "no Copilot usage record" in line
