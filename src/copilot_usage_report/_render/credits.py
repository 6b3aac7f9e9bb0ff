"""The job summary's AI credits billed section, and its step outputs.

From ``_metrics.CreditNumbers``: the range's credits billed (GitHub's ``grossQuantity``),
discount and net, in credits and in USD, then by day (the newest ``DAYS_SHOWN``) and by
product and model, and a note for anything kept but not counted. Outputs:
``ai-credits-billed`` (sum of ``grossQuantity``) and ``ai-credits-net-usd`` (sum of
``netAmount``), two decimals. When the run's per-user rows carry ``ai_credits_used`` for some of
the same days, ``render_compared`` sets them beside the credits billed (``compare_credits``).
"""

from __future__ import annotations

from datetime import date

from .._metrics import CreditNumbers, CreditSums, Insight, compare_credits
from .markdown import markdown_code, markdown_text

__all__ = ["credit_outputs", "render_compared", "render_credits"]
#: The days listed one by one (the newest); the totals cover every day.
DAYS_SHOWN = 31

_HEAD = (
    "| {first} | Credits billed (gross) | Discount | Net | Gross USD | Discount USD | Net USD |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
)


def _n(value: float) -> str:
    return f"{value:,.2f}"


def _row(label: str, s: CreditSums) -> str:
    cells = (s.gross_quantity, s.discount_quantity, s.net_quantity,
             s.gross_amount, s.discount_amount, s.net_amount)  # fmt: skip
    return f"| {label} | " + " | ".join(_n(c) for c in cells) + " |\n"


def render_credits(numbers: CreditNumbers) -> str:
    """The AI credits billed section as Markdown."""
    days = numbers.by_day()
    out = "## AI credits billed\n\n"
    out += (
        f"GitHub's AI-credit billing usage, {len(days)} day(s): credits billed (gross), the "
        "discount (the included pool and other discounts; it may exceed the gross) and net, "
        "as GitHub sent them.\n\n"
    )
    out += _HEAD.format(first="Range") + _row("All days", numbers.total)
    if days:
        shown = days[-DAYS_SHOWN:]
        more = f" (the newest {len(shown)} of {len(days)})" if len(shown) < len(days) else ""
        out += f"\n**By day**{more}\n\n" + _HEAD.format(first="Day")
        out += "".join(_row(day.isoformat(), s) for day, s in shown)
    models = numbers.by_model()
    if models:
        out += "\n**By product and model**\n\n" + _HEAD.format(first="Product / model")
        out += "".join(_row(f"{markdown_text(p)} / {markdown_code(m)}", s) for p, m, s in models)
    for note in numbers.notes:
        out += f"\n> {markdown_text(note)}\n"
    return out


def credit_outputs(numbers: CreditNumbers) -> dict[str, str]:
    """``ai-credits-billed`` and ``ai-credits-net-usd``, two decimals."""
    total = numbers.total
    return {
        "ai-credits-billed": f"{total.gross_quantity:.2f}",
        "ai-credits-net-usd": f"{total.net_amount:.2f}",
    }


def render_compared(insight: Insight, numbers: CreditNumbers) -> str:
    """Credits used (the run's per-user rows) beside credits billed, over the days with both
    (one scope's run); empty when no day has both."""
    used: dict[date, float | None] = {}
    for day in insight.days:
        if day.ai_credits_used is not None:
            used[day.day] = round((used.get(day.day) or 0.0) + day.ai_credits_used, 6)
    got = compare_credits(used, {d: s.gross_quantity for d, s in numbers.by_day()})
    if got is None:
        return ""
    share = "n/a" if got.difference_share is None else f"{got.difference_share:.1%}"
    return (
        "\n## AI credits used beside AI credits billed\n\n"
        f"The {got.days} day(s) with both, {got.first} to {got.last} (a day with only one is left "
        "out): the per-user rows' `ai_credits_used` is a usage signal and the billed credits "
        "(`grossQuantity`) the bill, so a difference is expected (when a use is billed, "
        "rounding, users outside the report). Difference: billed minus used.\n\n"
        "| Days | Credits used | Credits billed (gross) | Difference | Share of billed |\n"
        "| ---: | ---: | ---: | ---: | ---: |\n"
        f"| {got.days} | {_n(got.credits_used)} | {_n(got.credits_billed)} | "
        f"{_n(got.difference)} | {share} |\n"
    )
