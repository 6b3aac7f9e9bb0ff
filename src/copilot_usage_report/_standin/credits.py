"""The stand-in's AI-credit billing usage: GitHub's ``…/settings/billing/ai_credit/usage``.

For each scope it is given (``owners``: ``organizations/<org>`` or ``enterprises/<slug>``
to the demo's scope), any past day asked by ``year``, ``month`` and ``day`` is answered with
GitHub's response shape: ``timePeriod``, the account key, and ``usageItems`` without a date.
The numbers are a function of the scope and the day alone: the credits billed are the
day's active demo users (``people``) times 60 to 160 credits each (the magnitude of the
``ai_credits_used`` the demo's user rows carry: tens to a few hundred a user and day; the
two are not made equal, as GitHub's billing and its metrics need not be), spread over
several models with fractional quantities, most of it discounted (the included pool), and
one item, the ``Auto`` model's, with a discount a little above its gross and a net of 0,
as GitHub served one in June 2026. SKU and unit are spelled as GitHub's examples spell them
(``Copilot AI Credits``, ``ai-credits``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from datetime import date
from typing import Any

from .people import ScopeName, day_rows

__all__ = ["credit_answer", "credit_usage"]

Answer = tuple[int, bytes, dict[str, str]]

#: The models billed, and each one's rough share of a day's credits.
_MODELS = (
    ("Auto: Claude Sonnet 4.6", 0.42),
    ("GPT-5", 0.28),
    ("Claude Opus 4.5", 0.18),
    ("Gemini 2.5 Pro", 0.12),
)
_PRICE = 0.01


def credit_usage(scope: ScopeName, name: str, day: date) -> dict[str, Any]:
    """GitHub's answer for ``scope`` (login or slug ``name``) on ``day``."""
    rng = random.Random(f"credits:{scope}:{day.isoformat()}")
    credits = sum(rng.uniform(60.0, 160.0) for _ in day_rows(scope, day))
    items = []
    for n, (model, share) in enumerate(_MODELS):
        gross = round(credits * share * rng.uniform(0.8, 1.2), 7)
        if not gross:
            continue
        if n == 0:  # the pool's discount a little above the gross, and nothing paid
            discount, net = round(gross * rng.uniform(1.001, 1.01), 7), 0.0
        else:
            discount = round(gross * rng.uniform(0.6, 0.95), 7)
            net = round(gross - discount, 7)
        items.append(
            {
                "product": "Copilot",
                "sku": "Copilot AI Credits",
                "model": model,
                "unitType": "ai-credits",
                "pricePerUnit": _PRICE,
                "grossQuantity": gross,
                "grossAmount": round(gross * _PRICE, 7),
                "discountQuantity": discount,
                "discountAmount": round(discount * _PRICE, 7),
                "netQuantity": net,
                "netAmount": round(net * _PRICE, 7),
            }
        )
    key = "organization" if scope == "org" else "enterprise"
    period = {"year": day.year, "month": day.month, "day": day.day}
    return {"timePeriod": period, key: name, "usageItems": items}


def credit_answer(
    owners: Mapping[str, ScopeName], path: str, query: Mapping[str, list[str]]
) -> Answer | None:
    """The answer to an AI-credit usage request of one of ``owners``; ``None`` for any
    other path. A day missing or not a calendar day is a 400, as GitHub answers."""
    parts = path.strip("/").split("/")
    if len(parts) != 6 or parts[2:] != ["settings", "billing", "ai_credit", "usage"]:
        return None
    owner = f"{parts[0]}/{parts[1].lower()}"
    scope = owners.get(owner)
    if scope is None:
        return _json(404, {"message": "Not Found", "status": "404"})
    try:
        day = date(*(int(query[k][0]) for k in ("year", "month", "day")))
    except (KeyError, ValueError):
        return _json(400, {"message": "Bad Request: year, month and day", "status": "400"})
    return _json(200, credit_usage(scope, parts[1], day))


def _json(status: int, data: object) -> Answer:
    return status, json.dumps(data).encode(), {"Content-Type": "application/json"}
