"""Inputs become one validated Settings value, or one InputError before any request."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report._core.settings import RawInputs, build_settings, parse_day
from copilot_usage_report._errors import InputError

TODAY = date(2026, 11, 25)


def _build(tmp_path: Path, env: dict[str, str] | None = None, **raw: str | None):
    base = {"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x", "INPUT_OUTPUT_DIR": str(tmp_path)}
    return build_settings(RawInputs(**raw), today=TODAY, env={**base, **(env or {})})


def test_latest_tries_yesterday_then_three_days_before():
    """latest gives yesterday and the three days before it, newest first."""
    spec, days = parse_day("latest", today=TODAY)
    assert spec == "latest"
    assert days == (date(2026, 11, 24), date(2026, 11, 23), date(2026, 11, 22), date(2026, 11, 21))


def test_yesterday_and_explicit_day():
    """yesterday and an ISO day each give exactly one day."""
    assert parse_day("yesterday", today=TODAY) == ("yesterday", (date(2026, 11, 24),))
    assert parse_day(" 2026-11-20 ", today=TODAY) == ("2026-11-20", (date(2026, 11, 20),))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-26", "in the future"),
        ("2026-11-25", "is today"),
        ("2025-10-09", "before 2025-12-12, the first day GitHub has organization"),
        ("2025-12-01", "before 2025-12-12"),
        ("2026-02-30", "not a calendar date"),
        ("20261120", "not a date"),
        ("", "not a date"),
        ("2026-11-20T00:00", "not a date"),
    ],
)
def test_bad_days_are_refused(text, message):
    """Malformed, future, today's and too-old days raise InputError with a reason."""
    with pytest.raises(InputError, match=message):
        parse_day(text, today=TODAY)


def test_the_bound_named_is_the_scope_start_or_the_year_whichever_is_later():
    """An enterprise day before 2025-10-10 names that start; past a year, the year's bound."""
    early = date(2026, 1, 1)
    with pytest.raises(InputError, match=r"before 2025-10-10, the first day GitHub has Copilot"):
        parse_day("2025-10-09", today=early, first_day=date(2025, 10, 10))
    with pytest.raises(InputError, match="oldest day available today is 2025-12-20"):
        parse_day("2025-10-09", today=date(2026, 12, 20), first_day=date(2025, 10, 10))
    with pytest.raises(InputError, match="oldest day available today is 2025-12-20"):
        parse_day("2025-01-01", today=date(2026, 12, 20))


def test_one_year_history_bound():
    """A day older than one year before today is refused; the oldest kept day is accepted."""
    today = date(2027, 6, 1)
    assert parse_day("2026-06-01", today=today)[1] == (date(2026, 6, 1),)
    with pytest.raises(InputError, match="one-year history"):
        parse_day("2026-05-31", today=today)


@pytest.mark.parametrize("org", ["a", "my-org", "A1-b2-C3", "x" * 39])
def test_valid_org_names(tmp_path, org):
    """Names of letters, digits and single inner hyphens up to 39 characters are accepted."""
    assert _build(tmp_path, org=org).org == org


@pytest.mark.parametrize("org", ["-a", "a-", "a--b", "x" * 40, "a_b", "a/b", "../x", "a b", "é"])
def test_invalid_org_names(tmp_path, org):
    """Names GitHub cannot have are refused."""
    with pytest.raises(InputError, match="not a name GitHub allows"):
        _build(tmp_path, org=org)


def test_option_wins_over_env_and_gh_token_over_github_token(tmp_path):
    """--token beats INPUT_TOKEN, which beats GH_TOKEN (as the GitHub CLI reads it), which
    beats GITHUB_TOKEN; the settings name where the token came from."""
    env = {"INPUT_TOKEN": "", "GITHUB_TOKEN": "from-github", "GH_TOKEN": "from-gh"}
    settings = _build(tmp_path, env=env)
    assert (settings.token, settings.token_source) == ("from-gh", "GH_TOKEN")
    settings = _build(tmp_path, env={**env, "GH_TOKEN": " "})
    assert (settings.token, settings.token_source) == ("from-github", "GITHUB_TOKEN")
    settings = _build(tmp_path, env={**env, "INPUT_TOKEN": "from-input"})
    assert (settings.token, settings.token_source) == ("from-input", "INPUT_TOKEN")
    settings = _build(tmp_path, env=env, token="from-option")
    assert (settings.token, settings.token_source) == ("from-option", "--token")


def test_token_is_never_in_repr_or_error(tmp_path):
    """The token stays out of the settings' repr and of the error about a bad token."""
    settings = _build(tmp_path, token="ghp_SECRET")
    assert "ghp_SECRET" not in repr(settings)
    with pytest.raises(InputError) as info:
        _build(tmp_path, token="ghp_SEC RET")
    assert "SEC" not in str(info.value)


def test_api_url_defaults_and_checks(tmp_path):
    """The API URL defaults to GitHub.com, follows GITHUB_API_URL, and must be https."""
    assert _build(tmp_path).api_url == "https://api.github.com"
    env = {"GITHUB_API_URL": "https://api.octo.ghe.com/"}
    assert _build(tmp_path, env=env).api_url == "https://api.octo.ghe.com"
    assert _build(tmp_path, api_url="http://127.0.0.1:8080").api_url == "http://127.0.0.1:8080"
    for bad in ("http://api.github.com", "ftp://x", "https://user:pw@api.github.com", "x"):
        with pytest.raises(InputError):
            _build(tmp_path, api_url=bad)


def test_numbers_are_bounded(tmp_path):
    """retries, max-wait and concurrency accept their range and refuse the rest."""
    s = _build(tmp_path, retries="0", max_wait="0", concurrency="32")
    assert (s.retries, s.max_wait, s.concurrency) == (0, 0.0, 32)
    for raw in ({"retries": "21"}, {"max_wait": "nan"}, {"concurrency": "0"}, {"retries": "x"}):
        with pytest.raises(InputError):
            _build(tmp_path, None, **raw)


def test_output_dir_is_created_only_after_other_inputs_pass(tmp_path):
    """A bad input leaves no output folder behind; a good run creates it."""
    target = tmp_path / "new" / "dir"
    with pytest.raises(InputError):
        _build(tmp_path, env={"INPUT_OUTPUT_DIR": str(target)}, org="-")
    assert not target.exists()
    assert _build(tmp_path, env={"INPUT_OUTPUT_DIR": str(target)}).output_dir == target
    assert target.is_dir()


def test_last_n_days_is_clipped_to_what_github_keeps():
    """last-N-days reaching before the window starts at its first day, not in an error."""
    spec, days = parse_day("last-365-days", today=TODAY)
    assert spec == "last-365-days"
    assert days[0] == date(2025, 12, 12) and days[-1] == date(2026, 11, 24)
    assert len(days) == (date(2026, 11, 24) - date(2025, 12, 12)).days + 1
    assert parse_day("last-3-days", today=TODAY)[1] == (
        date(2026, 11, 22),
        date(2026, 11, 23),
        date(2026, 11, 24),
    )


def test_ranges_are_inclusive_and_checked():
    """START..END gives every day in between; a start outside the window is refused."""
    assert parse_day("2026-11-20..2026-11-22", today=TODAY)[1] == (
        date(2026, 11, 20),
        date(2026, 11, 21),
        date(2026, 11, 22),
    )
    with pytest.raises(InputError, match="before 2025-12-12"):
        parse_day("2025-12-01..2025-12-20", today=TODAY)
    with pytest.raises(InputError, match="is today"):
        parse_day("2026-11-20..2026-11-25", today=TODAY)
