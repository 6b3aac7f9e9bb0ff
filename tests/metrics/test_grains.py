"""The one record classifier: GitHub's grain words, the ambiguous records, the fast path and
the report names agree."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_usage_report._core import SUMMED, report_grain
from copilot_usage_report._core.kinds import KINDS, SEATS
from copilot_usage_report._metrics import grain_of, grain_of_columns
from copilot_usage_report._metrics.fast import decode_user

DAY = "2026-11-20"
ACTIVITY = {"user_initiated_interaction_count": 3, "code_generation_activity_count": 4}

#: Each record the module's rules decide, and the grain they decide.
CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("aggregate day", {"day": DAY, "organization_id": "9", "daily_active_users": 5}, "aggregate"),
    ("per-user row", {"day": DAY, "user_id": 1, "user_login": "a", **ACTIVITY}, "users"),
    ("login and no id", {"day": DAY, "user_login": "a", **ACTIVITY}, "users"),
    ("null team fields", {"day": DAY, "user_id": 1, "team_id": None, "slug": None}, "users"),
    ("membership", {"day": DAY, "user_id": 1, "team_id": 4, "slug": "core"}, "user-teams"),
    ("membership, slug only", {"day": DAY, "user_login": "a", "slug": "core"}, "user-teams"),
    (
        "membership with activity",
        {"day": DAY, "user_id": 1, "team_id": 4, "slug": "core", **ACTIVITY},
        "user-teams",
    ),
    ("repository row", {"day": DAY, "repository_id": 5, "repository": "o/r"}, "repos"),
    (
        "repository row with activity",
        {"day": DAY, "repository_id": 5, "daily_active_users": 9, **ACTIVITY},
        "repos",
    ),
    ("null user fields", {"day": DAY, "user_id": None, "daily_active_users": 5}, "aggregate"),
    ("wrapper", {"day_totals": []}, None),
    ("no day", {"daily_active_users": 5}, None),
    ("other", {"name": "other"}, None),
]


@pytest.mark.parametrize(("record", "grain"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_record_has_the_grain_the_rules_give(record, grain):
    """Every ambiguous record is decided by the module's rules, in GitHub's grain words."""
    assert grain_of(record) == grain


@pytest.mark.parametrize("record", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_fast_path_takes_exactly_the_users_rows(record):
    """The per-user fast path takes a line exactly when the classifier says ``users``."""
    row = decode_user(json.dumps(record).encode())
    assert (row is not None) == (grain_of(record) == "users")


def test_every_report_name_has_its_grain_from_the_one_table():
    """Each report's grain comes from its row; unknown names follow GitHub's naming."""
    for kinds in KINDS.values():
        for kind in kinds:
            assert report_grain(kind.name) == kind.grain
            assert kind.aggregate == (kind.grain == "aggregate")
    assert report_grain(SEATS) is None
    assert report_grain("users-7-day") == "users"
    assert report_grain("user-teams-28-day") == "user-teams"
    assert report_grain("enterprise-7-day") == "aggregate"
    assert report_grain("something-1-day") is None
    assert {"aggregate", "users", "user-teams"} == SUMMED


_KEYS = (
    "day",
    "user_id",
    "user_login",
    "team_id",
    "slug",
    "repository_id",
    "repo_name",
    "daily_active_users",
    "totals_by_ide",
    "day_totals",
    "organization_id",
)


@settings(max_examples=400, deadline=None)
@given(
    values=st.sets(st.sampled_from(_KEYS)),
    nulls=st.sets(st.sampled_from(_KEYS)),
    data=st.data(),
)
def test_grain_of_columns_holds_for_every_record_between_absent_and_null(values, nulls, data):
    """What ``grain_of_columns`` answers, ``grain_of`` answers of every record it covers: the
    keys with values, and any of the other keys there as ``null``."""
    nulls = nulls - values
    answer = grain_of_columns(values, nulls)
    there = data.draw(st.sets(st.sampled_from(sorted(nulls)))) if nulls else set()
    record = {**dict.fromkeys(there), **dict.fromkeys(values, 1)}
    if answer is not None:
        assert grain_of(record) == answer


def test_grain_of_columns_refuses_when_a_null_key_could_decide():
    """A repository key that may be there as ``null`` can make an aggregate day a repository's."""
    assert grain_of_columns({"day", "daily_active_users"}, set()) == "aggregate"
    assert grain_of_columns({"day", "daily_active_users"}, {"repository_id"}) is None
    assert grain_of_columns({"user_id"}, {"team_id", "repository_id"}) == "users"
    assert grain_of_columns({"user_id", "slug"}, {"day_totals"}) is None
