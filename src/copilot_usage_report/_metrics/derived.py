"""Derived metrics of one aggregate day, by GitHub's definitions.

GitHub's "Data available in Copilot usage metrics" page defines the dashboard's
metrics; this module computes the ones a record does not carry, from the
record's own fields. The metrics engineer's shared module will replace it; the
names and definitions here follow the same page.

- ``code_completions_shown`` / ``code_completions_accepted``: the
  ``code_completion`` feature's ``code_generation_activity_count`` and
  ``code_acceptance_activity_count`` (inline suggestions shown and accepted).
- ``code_completion_acceptance_rate``: accepted ÷ shown, in percent.
- ``agent_adoption_rate``: ``monthly_active_agent_users`` ÷ ``monthly_active_users``,
  in percent (active users who tried an agent, over the report's 28-day window).
- ``chat_requests``: ``user_initiated_interaction_count`` of the chat features
  (``chat_panel_*`` modes and ``chat_inline``); ``chat_requests_per_active_user``
  divides it by ``daily_active_users``.
- ``loc_added_user_initiated`` / ``loc_deleted_user_initiated``: lines from code
  completions and chat actions (insert, copy, apply); ``*_agent_initiated``:
  lines agents wrote directly (the ``agent_edit`` feature). The CLI and the
  Copilot app are outside both, as on GitHub's IDE dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["DERIVED", "derived_metrics", "percent", "ratio"]

DERIVED = (
    "code_completions_shown",
    "code_completions_accepted",
    "code_completion_acceptance_rate",
    "agent_adoption_rate",
    "chat_requests",
    "chat_requests_per_active_user",
    "loc_added_user_initiated",
    "loc_deleted_user_initiated",
    "loc_added_agent_initiated",
    "loc_deleted_agent_initiated",
)
_AGENT_FEATURES = frozenset({"agent_edit"})


def _is_chat(feature: str) -> bool:
    return feature.startswith("chat_")


def _is_user_initiated(feature: str) -> bool:
    return feature == "code_completion" or _is_chat(feature)


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    """``numerator / denominator`` rounded, or ``None`` when it is undefined."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def percent(numerator: float | None, denominator: float | None) -> float | None:
    """A percentage with two decimals, or ``None`` when the denominator is 0 or absent."""
    if numerator is None or not denominator:
        return None
    return round(100.0 * numerator / denominator, 2)


def derived_metrics(record: Mapping[str, Any]) -> dict[str, int | float | None]:
    """The derived metrics of an aggregate day record (``None`` where undefined)."""
    features = record.get("totals_by_feature")
    rows = [f for f in features if isinstance(f, dict)] if isinstance(features, list) else []
    shown = accepted = chat = 0
    user_add = user_del = agent_add = agent_del = 0
    for row in rows:
        feature = str(row.get("feature", ""))
        if feature == "code_completion":
            shown += _int(row.get("code_generation_activity_count"))
            accepted += _int(row.get("code_acceptance_activity_count"))
        if _is_chat(feature):
            chat += _int(row.get("user_initiated_interaction_count"))
        if _is_user_initiated(feature):
            user_add += _int(row.get("loc_added_sum"))
            user_del += _int(row.get("loc_deleted_sum"))
        elif feature in _AGENT_FEATURES:
            agent_add += _int(row.get("loc_added_sum"))
            agent_del += _int(row.get("loc_deleted_sum"))
    known = bool(rows)
    dau = record.get("daily_active_users")
    mau = record.get("monthly_active_users")
    agents = record.get("monthly_active_agent_users")
    return {
        "code_completions_shown": shown if known else None,
        "code_completions_accepted": accepted if known else None,
        "code_completion_acceptance_rate": percent(accepted, shown) if known else None,
        "agent_adoption_rate": percent(agents, mau) if isinstance(agents, int) else None,
        "chat_requests": chat if known else None,
        "chat_requests_per_active_user": ratio(chat, dau)
        if known and isinstance(dau, int)
        else None,
        "loc_added_user_initiated": user_add if known else None,
        "loc_deleted_user_initiated": user_del if known else None,
        "loc_added_agent_initiated": agent_add if known else None,
        "loc_deleted_agent_initiated": agent_del if known else None,
    }
