"""AI credits billed: GitHub's AI-credit billing usage answers, read and added up.

One answer of ``GET /organizations/{org}/settings/billing/ai_credit/usage`` (or the
enterprise's) per day, as served (``{"timePeriod": …, "usageItems": [...]}``); its items
carry no date, so the day is the folder's, the day asked. Each item has GitHub's fields:
``product``, ``sku``, ``model``, ``unitType``, ``pricePerUnit`` and the quantities and USD
amounts ``grossQuantity``, ``grossAmount``, ``discountQuantity``, ``discountAmount``,
``netQuantity``, ``netAmount``. Quantities are fractional, and a discount may exceed the
gross (an item GitHub served with ``discountQuantity`` above ``grossQuantity``): the numbers
are taken as sent, never clipped or recomputed.

GitHub's own examples spell the SKU and the unit differently (``Copilot AI Credits`` /
``AI Credit``, ``credits`` / ``ai-credits``), so an item is *recognised* as AI credits when
its ``sku`` contains "ai credit" and its ``unitType`` is ``ai-credits`` or ``credits``, in
any case. What is not recognised is kept (in the archive as served, in the history's table
with ``recognised`` 0) and named in a note, but not added to the credits billed: its unit
may not be credits. ``CreditNumbers`` is what the saved days add up to (``metrics()``):
gross, discount and net, quantity and amount, per day and per model and product.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

__all__ = [
    "CreditDay",
    "CreditItem",
    "CreditNumbers",
    "CreditSums",
    "count_credits",
    "credit_notes",
    "read_credit_day",
    "recognised",
]

#: GitHub's quantity and amount fields of a usage item, in its order.
_NUMBERS = (
    "pricePerUnit",
    "grossQuantity",
    "grossAmount",
    "discountQuantity",
    "discountAmount",
    "netQuantity",
    "netAmount",
)
#: The unit types that are AI credits (lower case), as GitHub's examples spell them.
_UNITS = frozenset({"ai-credits", "credits"})


def recognised(sku: str, unit: str) -> bool:
    """True for an item of AI credits: ``sku`` contains "ai credit" and the unit is
    ``ai-credits`` or ``credits``, whatever the case."""
    return "ai credit" in sku.lower() and unit.strip().lower() in _UNITS


@dataclass(frozen=True, slots=True)
class CreditItem:
    """One usage item of one day, GitHub's fields as sent."""

    product: str
    sku: str
    model: str
    unit: str
    price_per_unit: float
    gross_quantity: float
    gross_amount: float
    discount_quantity: float
    discount_amount: float
    net_quantity: float
    net_amount: float

    @property
    def recognised(self) -> bool:
        """An item of AI credits (``recognised``)."""
        return recognised(self.sku, self.unit)


@dataclass(frozen=True, slots=True)
class CreditDay:
    """One day's answer: its items, and what could not be read of it."""

    day: date
    items: tuple[CreditItem, ...]
    #: Items left out because a field was missing or of the wrong type.
    unreadable: int = 0


def read_credit_day(day: date, body: bytes) -> CreditDay:
    """The usage items of one day's answer; raises ``ValueError`` for an answer that is not
    a JSON object with a ``usageItems`` list."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the answer of {day} is not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("usageItems"), list):
        raise ValueError(f"the answer of {day} has no usageItems list")
    items: list[CreditItem] = []
    unreadable = 0
    for raw in data["usageItems"]:
        item = _item(raw)
        if item is None:
            unreadable += 1
        else:
            items.append(item)
    return CreditDay(day, tuple(items), unreadable)


def _item(raw: Any) -> CreditItem | None:
    """One item, or ``None`` when a string field is not a string or a number not a number."""
    if not isinstance(raw, dict):
        return None
    texts = [raw.get(name, "") for name in ("product", "sku", "model", "unitType")]
    numbers = [raw.get(name, 0) for name in _NUMBERS]
    if not all(isinstance(t, str) for t in texts):
        return None
    if not all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers):
        return None
    return CreditItem(*texts, *(float(n) for n in numbers))


@dataclass(frozen=True, slots=True)
class CreditSums:
    """Gross, discount and net: quantity (credits) and amount (USD)."""

    gross_quantity: float = 0.0
    discount_quantity: float = 0.0
    net_quantity: float = 0.0
    gross_amount: float = 0.0
    discount_amount: float = 0.0
    net_amount: float = 0.0

    @staticmethod
    def of(items: Iterable[CreditItem]) -> CreditSums:
        """The sums of ``items``, as sent (a discount above the gross is kept)."""
        rows = list(items)
        return CreditSums(
            gross_quantity=sum(i.gross_quantity for i in rows),
            discount_quantity=sum(i.discount_quantity for i in rows),
            net_quantity=sum(i.net_quantity for i in rows),
            gross_amount=sum(i.gross_amount for i in rows),
            discount_amount=sum(i.discount_amount for i in rows),
            net_amount=sum(i.net_amount for i in rows),
        )

    def metrics(self) -> dict[str, float]:
        """GitHub's field names, rounded to 1e-6 (float sums leave noise below it)."""
        return {
            "grossQuantity": round(self.gross_quantity, 6),
            "discountQuantity": round(self.discount_quantity, 6),
            "netQuantity": round(self.net_quantity, 6),
            "grossAmount": round(self.gross_amount, 6),
            "discountAmount": round(self.discount_amount, 6),
            "netAmount": round(self.net_amount, 6),
        }


@dataclass(frozen=True, slots=True)
class CreditNumbers:
    """What the saved days of AI credits billed add up to (recognised items only)."""

    days: tuple[CreditDay, ...]
    notes: tuple[str, ...] = ()

    def counted(self) -> list[CreditItem]:
        """Every recognised item of every day."""
        return [i for d in self.days for i in d.items if i.recognised]

    @property
    def total(self) -> CreditSums:
        """The range's sums: ``grossQuantity`` is ``ai-credits-billed``, ``netAmount``
        ``ai-credits-net-usd``."""
        return CreditSums.of(self.counted())

    def by_day(self) -> list[tuple[date, CreditSums]]:
        """Each day's sums, oldest first."""
        return [
            (d.day, CreditSums.of(i for i in d.items if i.recognised))
            for d in sorted(self.days, key=lambda d: d.day)
        ]

    def by_model(self) -> list[tuple[str, str, CreditSums]]:
        """The sums of each product and model, most credits billed first."""
        groups: dict[tuple[str, str], list[CreditItem]] = {}
        for item in self.counted():
            groups.setdefault((item.product, item.model), []).append(item)
        rows = [(p, m, CreditSums.of(items)) for (p, m), items in sorted(groups.items())]
        return sorted(rows, key=lambda r: -r[2].gross_quantity)

    def metrics(self) -> dict[str, Any]:
        """The numbers as JSON values (``metrics``' ``ai_credits``)."""
        return {
            "days": len(self.days),
            **self.total.metrics(),
            "by_day": [{"day": d.isoformat(), **s.metrics()} for d, s in self.by_day()],
            "by_model": [{"product": p, "model": m, **s.metrics()} for p, m, s in self.by_model()],
            "notes": list(self.notes),
        }


def count_credits(days: Sequence[tuple[date, Path]]) -> CreditNumbers:
    """The saved answers (each day's file) read and added up, with a note for each thing
    not counted: an answer that cannot be read, items unreadable or not recognised."""
    read: list[CreditDay] = []
    notes: list[str] = []
    for day, path in days:
        try:
            read.append(read_credit_day(day, path.read_bytes()))
        except (OSError, ValueError) as exc:
            notes.append(f"{path.name} of {day} not counted: {exc}.")
    return CreditNumbers(tuple(read), tuple(notes) + tuple(credit_notes(read)))


def credit_notes(days: Sequence[CreditDay]) -> list[str]:
    """What was kept but not counted: items unreadable, items not recognised as AI credits."""
    notes = []
    unreadable = sum(d.unreadable for d in days)
    if unreadable:
        notes.append(
            f"{unreadable} usage item(s) left out: a field was missing or not of GitHub's type."
        )
    strange = sorted({(i.sku, i.unit) for d in days for i in d.items if not i.recognised})
    if strange:
        count = sum(1 for d in days for i in d.items if not i.recognised)
        named = ", ".join(f"sku {s!r} unit {u!r}" for s, u in strange[:5])
        notes.append(
            f"{count} usage item(s) not recognised as AI credits ({named}) are kept in the "
            "archive and the history but not added to the credits billed."
        )
    return notes
