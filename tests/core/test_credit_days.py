"""The days a billing kind kept 24 months may ask (``ReportKind.months_kept``), and no others."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from copilot_usage_report._core import CREDITS, RawInputs, Settings, build_settings, kind_named
from copilot_usage_report._core.values import parse_day
from copilot_usage_report._errors import InputError

TODAY = date(2026, 12, 4)


def test_the_credits_kind_is_kept_24_months() -> None:
    """The registry row of AI credits billed says GitHub keeps 24 months of it."""
    kind = kind_named(CREDITS)
    assert kind is not None and kind.months_kept == 24 and kind.request == "billing"


def test_any_day_of_the_last_24_months_is_accepted_before_the_metrics_first_day() -> None:
    """A day older than a year and before the metrics reports began is a billing day."""
    assert parse_day("2025-01-01", today=TODAY, months_kept=24) == (
        "2025-01-01",
        (date(2025, 1, 1),),
    )
    assert parse_day("2024-12-04", today=TODAY, months_kept=24)[1] == (date(2024, 12, 4),)
    with pytest.raises(InputError, match=r"older than the 24 months .* oldest day .* 2024-12-04"):
        parse_day("2024-12-03", today=TODAY, months_kept=24)
    with pytest.raises(InputError, match="before 2025-12-12"):  # the metrics reports' bound
        parse_day("2025-01-01", today=TODAY)


def test_latest_is_yesterday_and_today_is_refused() -> None:
    """``latest`` asks yesterday alone (a billing day is final once over); today is refused."""
    assert parse_day("latest", today=TODAY, months_kept=24) == ("latest", (date(2026, 12, 3),))
    with pytest.raises(InputError, match="not over yet"):
        parse_day("2026-12-04", today=TODAY, months_kept=24)


def test_ranges_may_span_the_whole_window() -> None:
    """A range and last-N-days may reach back 24 months, not further."""
    spec, days = parse_day("2025-01-01..2026-12-03", today=TODAY, months_kept=24)
    assert spec == "2025-01-01..2026-12-03"
    assert len(days) == (date(2026, 12, 3) - date(2025, 1, 1)).days + 1
    _, last = parse_day("last-730-days", today=TODAY, months_kept=24)
    assert last[0] == date(2024, 12, 4) and last[-1] == date(2026, 12, 3)
    with pytest.raises(InputError, match="N must be from 1 to 730"):
        parse_day("last-731-days", today=TODAY, months_kept=24)


def test_the_window_ends_on_a_short_months_last_day() -> None:
    """24 months before 29 February is 28 February, two years back."""
    leap = date(2028, 2, 29)
    assert parse_day("2026-02-28", today=leap, months_kept=24)[1] == (date(2026, 2, 28),)
    with pytest.raises(InputError, match="oldest day available today is 2026-02-28"):
        parse_day("2026-02-27", today=leap, months_kept=24)


def _settings(tmp_path: Path, report: str, day: str) -> Settings:
    raw = RawInputs(report=report, day=day, output_dir=str(tmp_path))
    return build_settings(raw, today=TODAY, env={"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x"})


def test_a_run_with_a_metrics_report_keeps_the_metrics_window(tmp_path: Path) -> None:
    """Credits alone may ask a day of last year; beside a metrics report, the run may not."""
    old = (TODAY - timedelta(days=500)).isoformat()
    assert _settings(tmp_path, CREDITS, old).days == (TODAY - timedelta(days=500),)
    with pytest.raises(InputError):
        _settings(tmp_path, f"organization-1-day,{CREDITS}", old)
