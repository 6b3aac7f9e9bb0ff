"""Credits used per team and per phase, a month's cost against the pool, and impact by phase.

Every expected number is worked out here by hand from small hand-written records, not by the
code under test.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._metrics import Insight, Tally, month_costs, month_impact
from copilot_usage_report._metrics.impact import weighted_median

ORG = "77"


def user(uid: int, day: str, credits: float | None, phase: int | None = None) -> dict[str, Any]:
    """A per-user row with some activity, its credits and its phase."""
    row: dict[str, Any] = {
        "user_id": uid,
        "user_login": f"u{uid}",
        "day": day,
        "organization_id": ORG,
        "user_initiated_interaction_count": 1,
        "used_chat": True,
    }
    if credits is not None:
        row["ai_credits_used"] = credits
    if phase is not None:
        row["ai_adoption_phase"] = {"phase": f"Phase {phase}", "phase_number": phase}
    return row


def member(uid: int, day: str, slug: str) -> dict[str, Any]:
    """A user-teams row."""
    return {"user_id": uid, "day": day, "organization_id": ORG, "team_id": 1, "slug": slug}


def aggregate(
    day: str, mau: int, merged: int, phases: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An organization's day record with its monthly active users, merged PRs and phases."""
    return {
        "day": day,
        "organization_id": ORG,
        "daily_active_users": 1,
        "monthly_active_users": mau,
        "pull_requests": {"total_merged": merged, "total_created": merged + 1},
        "totals_by_ai_adoption_phase": phases or [],
    }


def tallied(tmp_path: Path, records: list[dict[str, Any]]) -> Insight:
    """The records through the fetch's path: one NDJSON file, lines decoded as they come."""
    path = tmp_path / "r.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    tally = Tally()
    tally.add_file(path)
    return tally.insight()


def test_a_user_in_two_teams_counts_their_credits_in_both(tmp_path):
    """Team credits are the members' credits summed; a member of two teams counts in each."""
    day = "2026-11-02"
    insight = tallied(
        tmp_path,
        [
            user(1, day, 10.25),
            user(2, day, 4.5),
            user(3, day, None),
            member(1, day, "alpha"),
            member(2, day, "alpha"),
            member(1, day, "beta"),
            member(3, day, "beta"),
            member(4, day, "gamma"),  # no per-user row: no credits known
            user(5, day, 0.0),
            member(5, day, "delta"),  # a row saying 0: 0, not unknown
        ],
    )
    (only,) = insight.days
    credits = {t.slug: t.ai_credits_used for t in only.teams}
    assert credits == {"alpha": 14.75, "beta": 10.25, "gamma": None, "delta": 0.0}
    assert only.ai_credits_used == pytest.approx(14.75)
    assert insight.credits() == {"ai_credits_used": 14.75, "ai_credits_cost_usd": 0.15}


def test_credits_and_users_add_up_per_phase(tmp_path):
    """Per phase: the rows in it, and their credits (a row without credits adds a user only)."""
    day = "2026-11-02"
    insight = tallied(
        tmp_path,
        [user(1, day, 1.5, 1), user(2, day, 2.25, 2), user(3, day, 3.0, 2), user(4, day, None, 2)],
    )
    (only,) = insight.days
    rows = {r["phase_number"]: (r["users"], r["ai_credits_used"]) for r in only.users_by_phase}
    assert rows == {1: (1, 1.5), 2: (3, 5.25)}


def test_the_pool_resets_on_the_first_and_a_month_in_progress_is_projected(tmp_path):
    """October ends past its pool; November starts afresh, projected by days elapsed."""
    records = [
        user(1, "2026-10-30", 1500.0),
        user(2, "2026-10-31", 700.0),
        user(1, "2026-11-01", 300.0),
        user(2, "2026-11-02", 100.0),
        aggregate("2026-10-31", mau=2, merged=4),
        aggregate("2026-11-01", mau=3, merged=1),
        aggregate("2026-11-02", mau=3, merged=2),
    ]
    insight = tallied(tmp_path, records)
    seats = {"2026-10": {"business": 1}, "2026-11": {"business": 1, "enterprise": 1}}
    october, november = month_costs(insight.days, seats)
    # October: 1 Business seat = 19 USD, pool 1,900; 2,200 used: 300 beyond = 3 USD.
    assert (october.credits_used, october.pool_credits) == (2200.0, 1900)
    assert october.credits_beyond_pool == 300.0
    assert october.cost_usd == 22.0 and october.complete
    assert october.cost_per_active_user_usd == 11.0  # 22 / monthly_active_users 2
    assert october.merged_pull_requests == 4
    assert october.cost_per_merged_pull_request_usd == 5.5
    # November: 19 + 39 = 58 USD, pool 1,900 + 3,900 = 5,800; 400 used in 2 of 30 days.
    assert (november.credits_used, november.pool_credits) == (400.0, 5800)
    assert november.credits_beyond_pool == 0.0 and november.cost_usd == 58.0
    assert november.days_elapsed == 2 and not november.complete
    assert november.projected_credits == 6000.0  # 400 / 2 x 30
    assert november.projected_credits_beyond_pool == 200.0
    assert november.projected_cost_usd == 60.0
    assert november.cost_per_active_user_usd == pytest.approx(58 / 3, abs=0.005)
    assert november.merged_pull_requests == 3
    # a price and a pool of one's own; a month without seats has no cost, not a made-up one
    (own,) = month_costs(insight.days[:2], {"2026-10": {"business": 1}}, price=10, pool_per_seat=0)
    assert own.cost_usd == 10 + 22.0
    (unknown, _) = month_costs(insight.days, {"2026-11": {"business": 1}})
    assert unknown.cost_usd is None and unknown.seats is None and unknown.credits_used == 2200.0


def test_impact_by_phase_per_month(tmp_path):
    """Users and share, merged PRs per user per month, the weighted median and the multiplier."""

    def phase(n: int, users: int, merged: int, minutes: float | None) -> dict[str, Any]:
        entry = {"phase": f"Phase {n}", "phase_number": n, "total_engaged_users": users}
        entry["total_pull_requests_merged"] = merged
        if minutes is not None:
            entry["avg_pull_requests_median_minutes_to_merge"] = minutes
        return entry

    records = [
        aggregate("2026-11-01", 5, 9, [phase(0, 2, 1, 100.0), phase(2, 4, 8, 30.0)]),
        aggregate("2026-11-02", 5, 5, [phase(0, 2, 1, 300.0), phase(2, 4, 4, 50.0)]),
        aggregate("2026-11-03", 5, 0, [phase(0, 2, 0, None), phase(2, 6, 0, None)]),
    ]
    (november,) = month_impact(tallied(tmp_path, records).days, {"2026-11": 7})
    zero, two = november.phases
    # the last day: 2 and 6 users, 25 % and 75 %
    assert (zero.users, zero.share, two.users, two.share) == (2, 0.25, 6, 0.75)
    # phase 2: 12 merged over 3 of 30 days / mean users (4 + 4 + 6) / 3, scaled x 10
    assert two.merged_prs_per_user_per_month == pytest.approx(round(12 / (14 / 3) * 10, 2))
    assert zero.merged_prs_per_user_per_month == pytest.approx(10.0)  # 2 / 2 x 10
    # median weighted by merged PRs: 30 (weight 8) and 50 (weight 4): 30
    assert two.median_minutes_to_merge == 30.0
    assert zero.median_minutes_to_merge == 100.0  # 100 and 300, weights 1 and 1: the lower
    assert november.passive_users == 7
    assert november.adoption_multiplier == pytest.approx(round((12 / (14 / 3) * 10) / 10, 2))


def test_weighted_median_is_not_a_mean():
    """A median of medians weighted by merged PRs: the value where half the weight is reached."""
    assert weighted_median([(10.0, 1), (20.0, 1), (1000.0, 1)]) == 20.0
    assert weighted_median([(10.0, 5), (20.0, 1), (1000.0, 1)]) == 10.0
    assert weighted_median([(10.0, 0)]) is None


def test_no_credits_no_cost_rows(tmp_path):
    """Days whose user rows carry no ai_credits_used give no month, and no credits output."""
    insight = tallied(tmp_path, [user(1, "2026-11-02", None)])
    assert month_costs(insight.days, {"2026-11": {"business": 3}}) == []
    assert insight.credits() == {}
    assert date(2026, 11, 2) in {d.day for d in insight.days}


def test_the_cloud_agent_flag_falls_back_to_its_old_name(tmp_path):
    """A row without used_copilot_cloud_agent counts by used_copilot_coding_agent; the new wins."""
    day = "2026-07-02"
    rows = [user(n, day, None) for n in range(1, 6)]
    rows[0]["used_copilot_coding_agent"] = True  # old row: the old name only
    rows[1] |= {"used_copilot_cloud_agent": True, "used_copilot_coding_agent": True}
    rows[2] |= {"used_copilot_cloud_agent": False, "used_copilot_coding_agent": True}
    rows[3]["used_copilot_cloud_agent"] = True  # after the old name's deprecation
    (only,) = tallied(tmp_path, rows).days
    assert only.users_used["used_copilot_cloud_agent"] == 3  # rows 0, 1 and 3
    assert only.users_used["used_copilot_coding_agent"] == 3  # GitHub's old field, as sent
