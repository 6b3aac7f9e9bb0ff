"""The stand-in's AI-credit billing usage: what the demo and the tests are served."""

from __future__ import annotations

import json
from datetime import date, timedelta
from urllib.request import Request, urlopen

import pytest

from copilot_usage_report._standin import people
from copilot_usage_report._standin.credits import credit_answer, credit_usage
from copilot_usage_report._standin.data import DEMO_ENTERPRISE, DEMO_ORG
from copilot_usage_report._standin.demo import DEMO_TOKEN, demo_standin

DAY = date(2026, 11, 17)
OWNERS: dict[str, people.ScopeName] = {"organizations/acme": "org", "enterprises/big": "enterprise"}


def test_a_days_answer_depends_on_the_day_alone_and_has_what_the_tests_need() -> None:
    """Fractional quantities, several models, a discount, one above its gross; the same twice."""
    first = credit_usage("org", DEMO_ORG, DAY)
    assert first == credit_usage("org", DEMO_ORG, DAY)
    assert first["timePeriod"] == {"year": 2026, "month": 11, "day": 17}
    items = first["usageItems"]
    assert len({i["model"] for i in items}) >= 3
    assert any(i["grossQuantity"] != int(i["grossQuantity"]) for i in items)
    assert any(0 < i["discountQuantity"] < i["grossQuantity"] for i in items)
    above = [i for i in items if i["discountQuantity"] > i["grossQuantity"]]
    assert len(above) == 1 and above[0]["netAmount"] == 0


@pytest.mark.parametrize("scope", ["org", "enterprise"])
def test_the_credits_billed_are_of_the_demo_users_magnitude(scope: people.ScopeName) -> None:
    """Each day, 60 to 160 credits per active demo user: the magnitude of their credits used."""
    for back in range(0, 60, 7):
        day = DAY - timedelta(days=back)
        active = len(people.day_rows(scope, day))
        billed = sum(i["grossQuantity"] for i in credit_usage(scope, "x", day)["usageItems"])
        assert 60 * active * 0.8 <= billed <= 160 * active * 1.2


def test_the_endpoint_answers_its_owners_only_and_asks_for_a_day() -> None:
    """An owner it serves gets its day; another owner a 404; a day missing a 400."""
    query = {"year": ["2026"], "month": ["11"], "day": ["17"]}
    tail = "settings/billing/ai_credit/usage"
    answers = [
        credit_answer(OWNERS, f"/enterprises/BIG/{tail}", query),
        credit_answer(OWNERS, f"/organizations/other/{tail}", query),
        credit_answer(OWNERS, f"/organizations/acme/{tail}", {}),
    ]
    assert [a[0] if a else None for a in answers] == [200, 404, 400]
    assert answers[0] is not None and json.loads(answers[0][1])["enterprise"] == "BIG"
    assert credit_answer(OWNERS, "/orgs/acme/copilot/metrics/reports/users-1-day", query) is None


def test_the_demo_serves_both_scopes() -> None:
    """The demo's stand-in answers the organization's and the enterprise's billing usage."""
    with demo_standin(DAY + timedelta(days=2)) as standin:
        for owner in (f"organizations/{DEMO_ORG}", f"enterprises/{DEMO_ENTERPRISE}"):
            query = "year=2026&month=11&day=17"
            url = f"{standin.api_url}/{owner}/settings/billing/ai_credit/usage?{query}"
            request = Request(url, headers={"Authorization": f"Bearer {DEMO_TOKEN}"})
            with urlopen(request, timeout=10) as answer:
                assert json.loads(answer.read())["usageItems"]
