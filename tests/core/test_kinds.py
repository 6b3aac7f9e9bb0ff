"""The registry of report kinds: its rows, what it offers, and a kind registered later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from copilot_usage_report._core import kinds as kinds_module
from copilot_usage_report._core.kinds import (
    CREDITS,
    SEATS,
    ReportKind,
    Scope,
    kind_named,
    kinds_of,
    offered,
    parse_kinds,
    register_kind,
    today_only_day,
)
from copilot_usage_report._errors import InputError

ORG = Scope("org", "acme")
ENTERPRISE = Scope("enterprise", "octo")
TOY = ReportKind(
    "toy-credits",
    rolling=False,
    grain=None,
    request="billing",
    endpoint="{owner}/settings/billing/toy_usage",
    scopes=("enterprise",),
)


@pytest.fixture
def registry() -> Iterator[None]:
    """The registry as it was, whatever a test registers."""
    saved = dict(kinds_module._REGISTRY)
    try:
        yield
    finally:
        kinds_module._REGISTRY.clear()
        kinds_module._REGISTRY.update(saved)


def test_offered_lists_each_scopes_metrics_reports_then_the_seat_list():
    """``--report`` lists GitHub's reports of each scope in its order, then the seat list
    and AI credits billed."""
    assert offered() == (
        "organization-1-day", "users-1-day", "user-teams-1-day", "repos-1-day",
        "organization-28-day", "users-28-day", "enterprise-1-day", "enterprise-28-day",
        SEATS, CREDITS,
    )  # fmt: skip
    assert [k.name for k in kinds_of("enterprise")] == [
        "enterprise-1-day", "users-1-day", "user-teams-1-day", "repos-1-day", "users-28-day",
        "enterprise-28-day", SEATS, CREDITS,
    ]  # fmt: skip


def test_each_kind_is_asked_at_its_own_path():
    """A metrics report is asked under the metrics reports, the seat list and a billing kind
    at their endpoints, ``{owner}`` being the billing API's spelling of the scope."""
    assert kinds_of("org")[0].path(ORG) == "orgs/acme/copilot/metrics/reports/organization-1-day"
    assert kind_named("users-28-day").path(ENTERPRISE) == (  # type: ignore[union-attr]
        "enterprises/octo/copilot/metrics/reports/users-28-day/latest"
    )
    assert kind_named(SEATS).path(ORG) == "orgs/acme/copilot/billing/seats"  # type: ignore[union-attr]
    assert TOY.path(ORG) == "organizations/acme/settings/billing/toy_usage"
    assert TOY.path(ENTERPRISE) == "enterprises/octo/settings/billing/toy_usage"


def test_a_kind_registered_later_is_offered_and_parsed_for_its_scopes_only(registry):
    """A registered kind is offered after GitHub's reports and accepted only where it exists."""
    register_kind(TOY)
    assert offered()[-1] == "toy-credits" and "toy-credits" not in offered(("org",))
    assert parse_kinds("enterprise-1-day, toy-credits", "enterprise")[-1] is TOY
    with pytest.raises(ValueError, match="not one an organization has"):
        parse_kinds("toy-credits", "org")


def test_a_kind_of_today_only_refuses_another_day_naming_why():
    """The seat list refuses a past day with the reason its row gives, and takes latest."""
    seats = parse_kinds(SEATS, "org")
    today = date(2026, 12, 4)
    today_only_day("latest", seats, today)
    today_only_day("2026-12-04", seats, today)
    with pytest.raises(InputError, match="snapshot of today only"):
        today_only_day("2026-12-01", seats, today)
    today_only_day("2026-12-01", parse_kinds("users-1-day", "org"), today)
