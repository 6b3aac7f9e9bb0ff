"""The metrics GitHub's dashboard derives, defined once, under GitHub's names.

GitHub's "Data available in Copilot usage metrics" page names the dashboard's metrics; a
report carries the counts they come from, not the metrics. ``derived_metrics`` computes
them from one day's activity by feature (``totals_by_feature`` summed by feature) and its
user counts. Every consumer takes them from here: the summary and the ``metrics`` output
(``model.DayInsight``), the CSV tables (through it), the history's ``days`` table and
``daily.csv`` (``history._rows``), and the page (which reads the table).

- ``code_completions_suggested`` / ``code_completions_accepted`` ("Code completions
  (suggested/accepted)": inline code suggestions shown and accepted): the
  ``code_completion`` feature's ``code_generation_activity_count`` and
  ``code_acceptance_activity_count``.
- ``code_completion_acceptance_rate`` ("Percentage of suggestions accepted by users"):
  accepted ÷ suggested, in percent.
- ``agent_adoption_rate`` ("Agent adoption"): ``monthly_active_agent_users`` ÷
  ``monthly_active_users``, in percent.
- ``chat_requests``: the chat requests GitHub's "Requests per chat mode" counts by mode,
  i.e. ``user_initiated_interaction_count`` of the chat panel's modes (``chat_panel_*``:
  ask, edit, plan, agent, custom…) and of inline chat (``chat_inline``); no other feature
  (``code_completion``, ``agent_edit``, ``copilot_cli``… are not chat).
- ``average_chat_requests_per_active_user`` ("Average chat requests per active user"):
  ``chat_requests`` ÷ ``daily_active_users``.
- ``loc_added_user_initiated`` / ``loc_deleted_user_initiated`` (the code generation
  dashboard's user-initiated changes): lines of code completions and chat (the features
  of ``chat_requests``); ``loc_added_agent_initiated`` / ``loc_deleted_agent_initiated``:
  lines agents wrote directly (``agent_edit``). CLI and Copilot app lines are in neither,
  as on GitHub's IDE dashboard.

Rates are percentages (``average_chat_requests_per_active_user`` a plain ratio), ``None``
where the denominator is 0 or missing; outputs, CSVs and the database carry them rounded to
two decimals (``rounded``). Over a period (the page's 28 days) a rate divides the period's
sums (``percent``, ``ratio``): accepted ÷ suggested, chat requests ÷ daily active users.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from .activity import Activity, rounded_rate

__all__ = [
    "AGENT_EDIT",
    "CHAT_INLINE",
    "CHAT_PANEL_PREFIX",
    "CODE_COMPLETION",
    "DERIVED",
    "RATES",
    "derived_metrics",
    "is_chat",
    "percent",
    "ratio",
    "rounded",
    "weighted_median",
]

CODE_COMPLETION: Final = "code_completion"
CHAT_INLINE: Final = "chat_inline"
#: The chat panel's modes: ``chat_panel_ask_mode``, ``chat_panel_agent_mode``, …
CHAT_PANEL_PREFIX: Final = "chat_panel_"
AGENT_EDIT: Final = "agent_edit"

#: Every derived metric, by GitHub's name, in the order outputs and tables carry them.
DERIVED: Final = (
    "code_completions_suggested",
    "code_completions_accepted",
    "code_completion_acceptance_rate",
    "agent_adoption_rate",
    "chat_requests",
    "average_chat_requests_per_active_user",
    "loc_added_user_initiated",
    "loc_deleted_user_initiated",
    "loc_added_agent_initiated",
    "loc_deleted_agent_initiated",
)
#: The derived metrics that are rates (fractional); the rest are counts.
RATES: Final = frozenset(
    {
        "code_completion_acceptance_rate",
        "agent_adoption_rate",
        "average_chat_requests_per_active_user",
    }
)


def is_chat(feature: str) -> bool:
    """Whether a feature's interactions are chat requests (the chat panel's modes, inline chat)."""
    return feature == CHAT_INLINE or feature.startswith(CHAT_PANEL_PREFIX)


def _count(counts: Mapping[str, object], name: str) -> int | None:
    value = counts.get(name)
    return value if type(value) is int else None


def _share(part: int | None, whole: int | None, scale: int = 1) -> float | None:
    if part is None or not whole:
        return None
    return scale * part / whole


def derived_metrics(
    features: Mapping[str, Activity] | None, counts: Mapping[str, object]
) -> dict[str, int | float | None]:
    """The derived metrics of one day (the module's definitions), unrounded, in ``DERIVED``'s
    order.

    ``features``: the day's activity by feature name; ``None`` when the day has no feature
    breakdown, which leaves every metric but ``agent_adoption_rate`` ``None``. ``counts``:
    the day's user counts by GitHub's names (``daily_active_users``, …).
    """
    agents = _share(
        _count(counts, "monthly_active_agent_users"), _count(counts, "monthly_active_users"), 100
    )
    if features is None:
        return {**dict.fromkeys(DERIVED), "agent_adoption_rate": agents}
    completions = features.get(CODE_COMPLETION, Activity())
    chat = Activity()
    for name, activity in features.items():
        if is_chat(name):
            chat += activity
    user = chat + completions
    agent = features.get(AGENT_EDIT, Activity())
    return {
        "code_completions_suggested": completions.code_generation_activity_count,
        "code_completions_accepted": completions.code_acceptance_activity_count,
        "code_completion_acceptance_rate": completions.acceptance_rate,
        "agent_adoption_rate": agents,
        "chat_requests": chat.user_initiated_interaction_count,
        "average_chat_requests_per_active_user": _share(
            chat.user_initiated_interaction_count, _count(counts, "daily_active_users")
        ),
        "loc_added_user_initiated": user.loc_added_sum,
        "loc_deleted_user_initiated": user.loc_deleted_sum,
        "loc_added_agent_initiated": agent.loc_added_sum,
        "loc_deleted_agent_initiated": agent.loc_deleted_sum,
    }


def rounded(metrics: Mapping[str, int | float | None]) -> dict[str, int | float | None]:
    """``metrics`` as outputs, CSVs and the database carry them: rates to two decimals."""
    return {
        name: rounded_rate(value) if name in RATES else value for name, value in metrics.items()
    }


def ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> float | None:
    """``numerator / denominator`` rounded (a period's sums), or ``None`` when undefined."""
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)


def percent(numerator: float | None, denominator: float | None) -> float | None:
    """A percentage with two decimals (a period's sums), or ``None`` when undefined."""
    if numerator is None or not denominator:
        return None
    return round(100.0 * numerator / denominator, 2)


def weighted_median(pairs: Iterable[tuple[float | None, int]]) -> float | None:
    """The median of values each counted ``weight`` times; ``None`` when no weight is left.

    A value ``None`` (a median GitHub left out: nothing merged) or a weight of 0 is left out.
    Used wherever days' (or repositories') medians become one over a range: each weighted by
    the merged PRs it covers, never summed. The value at the middle of the weight; when the
    weight splits exactly between two values, their mean (a median's usual rule).
    """
    items = sorted((v, w) for v, w in pairs if v is not None and w > 0)
    total = sum(w for _, w in items)
    if not total:
        return None
    seen = 0
    for i, (value, weight) in enumerate(items):
        seen += weight
        if 2 * seen > total:
            return value
        if 2 * seen == total:
            return (value + items[i + 1][0]) / 2
    return items[-1][0]  # pragma: no cover - the loop always returns
