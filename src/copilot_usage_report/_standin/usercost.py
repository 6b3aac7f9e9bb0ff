"""The demo's user-row fields of cost and impact: AI credits used, cloud agent use, adoption phase.

Added to each user row ``people`` makes, from the row's own usage and an rng of its own (the
row's other values do not move):

- ``used_copilot_cloud_agent`` (and ``used_copilot_coding_agent``, the same value, as GitHub
  sends both): a quarter of the users take the cloud agent, from three weeks after agent mode.
- ``ai_credits_used`` (fractional): completions cost none; chat asks a few credits each, agent
  turns and CLI prompts tens, a cloud agent session and an active code review more, so most
  users use tens to a few hundred a day and a heavy day runs past a seat's daily share of the
  pool (1,900 a month for Business).
- ``ai_adoption_phase`` by GitHub's rule over the 28 days ending on the row's day, a surface
  counting when used on at least two of them: 3 (multi-agent) with two or more of cloud agent,
  code review and CLI, 2 (agent first) with one, 1 (code first) with the IDE alone, 0 else.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

__all__ = ["add_usage_cost", "adoption_phase"]

#: The agent surfaces GitHub's phases count, by the user row's flag.
_SURFACES = ("used_copilot_cloud_agent", "used_copilot_code_review_active", "used_cli")
_WINDOW = 28


def add_usage_cost(record: dict[str, Any], login: str, day: date, agent_since: date) -> None:
    """Set the row's cloud agent flags and ``ai_credits_used`` from its usage."""
    rng = random.Random(f"cost:{login}:{day.isoformat()}")
    cloud_user = random.Random(f"cloud:{login}").random() < 0.25
    cloud = cloud_user and day >= agent_since + timedelta(days=21) and rng.random() < 0.5
    record["used_copilot_cloud_agent"] = cloud
    record["used_copilot_coding_agent"] = cloud
    asks = turns = prompts = 0
    for feature in record.get("totals_by_feature", ()):
        count = feature.get("user_initiated_interaction_count", 0)
        name = feature.get("feature")
        if name == "chat_panel_ask_mode":
            asks = count
        elif name == "chat_panel_agent_mode":
            turns = count
        elif name == "copilot_cli":
            prompts = count
    credits = asks * rng.uniform(2.0, 8.0) + turns * rng.uniform(20.0, 70.0)
    credits += prompts * rng.uniform(15.0, 45.0)
    if cloud:
        credits += rng.uniform(150.0, 600.0)
    if record.get("used_copilot_code_review_active"):
        credits += rng.uniform(20.0, 80.0)
    record["ai_credits_used"] = round(credits, 4)


def adoption_phase(day: date, row_of: Callable[[date], Mapping[str, Any] | None]) -> dict[str, Any]:
    """GitHub's ``ai_adoption_phase`` of a user on ``day``, from their rows of the 28 days
    ending then (``row_of`` gives a day's row, ``None`` on a day without one)."""
    days = {surface: 0 for surface in _SURFACES}
    ide = 0
    for back in range(_WINDOW):
        row = row_of(day - timedelta(days=back))
        if row is None:
            continue
        ide += 1
        for surface in _SURFACES:
            days[surface] += bool(row.get(surface))
    surfaces = sum(n >= 2 for n in days.values())
    number = 3 if surfaces >= 2 else 2 if surfaces == 1 else 1 if ide >= 2 else 0
    return {"phase": f"Phase {number}", "phase_number": number, "version": "v1"}
