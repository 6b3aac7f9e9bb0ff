"""Every file shape holds every record kind: the numbers depend on the records, not the wrapper."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._metrics import summarize_paths

DAY = "2026-11-20"


def _counts(g: int, a: int) -> dict[str, int]:
    return {"code_generation_activity_count": g, "code_acceptance_activity_count": a}


AGGREGATES = [
    {
        "day": DAY,
        "organization_id": "7",
        "daily_active_users": 3,
        "monthly_active_users": 9,
        "monthly_active_agent_users": 3,
        **_counts(10, 4),
        "totals_by_feature": [{"feature": "code_completion", **_counts(10, 4)}],
    },
    {
        "day": "2026-11-21",
        "organization_id": "7",
        "daily_active_users": 5,
        **_counts(8, 2),
        "totals_by_feature": [{"feature": "code_completion", **_counts(8, 2)}],
    },
]
USERS = [
    {
        "day": DAY,
        "organization_id": "7",
        "user_id": n,
        "user_login": f"u{n}",
        "used_chat": n == 1,
        **_counts(n, 1),
        "totals_by_feature": [{"feature": "code_completion", **_counts(n, 1)}],
    }
    for n in (1, 2)
]
TEAMS = [
    {
        "day": DAY,
        "organization_id": "7",
        "user_id": n,
        "user_login": f"u{n}",
        "team_id": 1,
        "slug": "a",
    }
    for n in (1, 2)
]
KINDS: dict[str, list[dict[str, Any]]] = {"aggregate": AGGREGATES, "user": USERS, "team": TEAMS}

Shape = Callable[[list[dict[str, Any]]], str]
SHAPES: dict[str, Shape] = {
    "ndjson": lambda rs: "".join(json.dumps(r) + "\n" for r in rs),
    "array": lambda rs: json.dumps(rs, indent=2),
    "ndjson array": lambda rs: json.dumps(rs) + "\n",
    "wrapper document": lambda rs: json.dumps(
        {"report_start_day": DAY, "day_totals": rs}, indent=1
    ),
    "wrapper line": lambda rs: json.dumps({"day_totals": rs}) + "\n",
    "array of wrappers": lambda rs: json.dumps([{"day_totals": [r]} for r in rs], indent=1),
}


def _summary(path: Path) -> tuple[dict[str, Any], int]:
    insight = summarize_paths([path])
    records = sum(d.aggregate_records + d.user_records + d.team_records for d in insight.days)
    return insight.metrics(), records


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_shape_of_every_kind_gives_the_same_numbers(tmp_path, kind, shape):
    """NDJSON, a JSON array, a day_totals wrapper (as a document or a line): the same numbers."""
    records = KINDS[kind]
    baseline = tmp_path / "base.ndjson"
    baseline.write_text(SHAPES["ndjson"](records))
    path = tmp_path / f"shaped-{kind}.json"
    path.write_text(SHAPES[shape](records))
    metrics, count = _summary(path)
    assert count == len(records)
    assert metrics == _summary(baseline)[0]


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_pretty_printed_record_is_a_document(tmp_path, kind):
    """A file that is one record spread over many lines reads as that record."""
    record = KINDS[kind][0]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record, indent=4))
    line = tmp_path / "one.ndjson"
    line.write_text(json.dumps(record) + "\n")
    assert _summary(path) == _summary(line)
    assert _summary(path)[1] == 1


def test_the_kinds_add_up_by_their_definitions(tmp_path):
    """The fixtures' numbers, computed here: per-user days count active users, teams join."""
    path = tmp_path / "all.ndjson"
    path.write_text(SHAPES["ndjson"]([*USERS, *TEAMS]))
    (day,) = summarize_paths([path]).days
    assert day.daily_active_users == 2
    assert day.code_completion_acceptance_rate == 100 * 2 / 3
    assert day.users_used == {"used_chat": 1}
    (team,) = day.teams
    assert (team.slug, team.active_users, team.activity.code_generation_activity_count) == (
        "a",
        2,
        3,
    )
    aggregate = tmp_path / "agg.ndjson"
    aggregate.write_text(SHAPES["ndjson"](AGGREGATES))
    first = summarize_paths([aggregate]).days[0]
    assert first.agent_adoption_rate == 100 * 3 / 9
    assert first.code_completion_acceptance_rate == 40.0
