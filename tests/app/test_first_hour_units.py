"""The first hour's pieces on their own: help text, spelling, the demo's history, missing runs,
and the layering (no import circle anywhere in the package)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from copilot_usage_report import _errors
from copilot_usage_report._app.cli import build_parser
from copilot_usage_report._app.spelling import spell
from copilot_usage_report._pipeline.run import Missing
from copilot_usage_report._render.missing import missing_runs
from copilot_usage_report._standin import data

TODAY = date(2026, 12, 2)


def _help(*command: str) -> str:
    parser = build_parser()
    if not command:
        return parser.format_help()
    sub = next(
        a
        for a in parser._actions
        if a.dest == "command"  # the subparsers action
    )
    return sub.choices[command[0]].format_help()  # type: ignore[index]


@pytest.mark.parametrize(
    "command", ["fetch", "demo", "summarize", "history", "publish-history", "serve-demo"]
)
def test_every_command_has_exit_codes_and_three_examples(command):
    """Each command's help ends with its exit codes and three example command lines."""
    text = _help(command)
    assert "exit codes:" in text
    assert re.search(r"^\s+0\s+\S", text, re.M) and re.search(r"^\s+2\s+bad input", text, re.M)
    examples = text.split("examples:", 1)[1]
    runs = re.findall(r"^  (?:eval \"\$\()?copilot-usage-report " + command, examples, re.M)
    assert len(runs) >= 3, examples


@pytest.mark.parametrize("command", ["fetch", "demo", "serve-demo"])
def test_every_option_with_a_value_names_its_default_or_its_source(command):
    """An option is either required-ish (org, enterprise) or says what it is when not given."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for action in sub.choices[command]._actions:  # type: ignore[index]
        if action.dest in ("help", "org", "enterprise"):
            continue
        assert action.help is not None and "default" in action.help, action.dest


def test_fetch_help_advises_gh_token_over_the_token_option():
    """Where --token is described, the help says a value shows in the process list."""
    text = " ".join(_help("fetch").split())
    assert "--token TOKEN token that may read the Copilot metrics; prefer the environment" in text
    assert "process list (ps)" in text
    assert 'export GH_TOKEN="$(gh auth token)"' in text


def test_top_level_help_points_at_the_commands_help():
    assert "COMMAND --help" in _help()


# -- spelling -----------------------------------------------------------------------------

_RAISED = "Raise the deadline input."


@pytest.mark.parametrize(
    ("text", "terminal", "actions"),
    [
        ("Use day: latest for the newest day.", "Use --day latest for the newest day.", None),
        ("Try --day 2026-01-01..2026-01-31.", None, "Try day: 2026-01-01..2026-01-31."),
        ("raise --max-wait so it waits", None, "raise the max-wait input so it waits"),
        ("(the path input or --output-dir)", "(--output-dir)", "(the path input)"),
        ("Raise the deadline input (--deadline).", "Raise --deadline.", _RAISED),
        ("Raise --deadline (the deadline input).", "Raise --deadline.", _RAISED),
        ("Check the api-url input.", "Check --api-url.", None),
        ("set INPUT_ORG (the org input of the action)", None, None),
        ("an error: day 2026-01-01 is today", None, None),
    ],
)
def test_spell_names_options_as_the_reader_types_them(text, terminal, actions):
    """Each option in the reader's spelling, and named once where a message names it twice."""
    assert spell(text, actions=False) == (terminal or text)
    assert spell(text, actions=True) == (actions or text)


def _subclasses(cls: type) -> list[type]:
    found = [cls]
    subs: list[type] = cls.__subclasses__()
    for sub in subs:
        found += _subclasses(sub)
    return found


@pytest.mark.parametrize(
    "error", _subclasses(_errors.CopilotUsageReportError), ids=lambda c: c.__name__
)
def test_every_what_to_do_is_in_the_readers_spelling(error):
    """No hint names an option in the other place's spelling once it is rendered."""
    hint = error.hint
    at_terminal = spell(hint, actions=False)
    assert not re.search(r"(?<![\w-])(day|path|api-url|max-wait|token): ", at_terminal)
    assert not re.search(r"(?<!in a workflow, )the [\w-]+ input(?! of the action)", at_terminal)
    in_actions = spell(hint, actions=True)
    assert not re.search(r"(?<![\w-])--[a-z]", in_actions), in_actions


# -- the demo's history -------------------------------------------------------------------


def test_the_history_is_long_enough_has_gaps_and_ends_the_day_before_yesterday():
    days = data.history(TODAY)
    assert days[-1] == TODAY - timedelta(days=2)
    assert (days[-1] - days[0]).days >= 90
    gaps = [d for d in (days[0] + timedelta(n) for n in range(121)) if d not in days]
    assert 3 <= len(gaps) <= 12
    assert all(not data.is_gap(days[-1] - timedelta(n), TODAY) for n in range(10))


def test_a_days_files_do_not_depend_on_when_they_are_asked():
    """The same calendar day gives the same bytes, served today or in a month."""
    day = date(2026, 10, 2)
    assert data.aggregate_file("org", day) == data.aggregate_file("org", day)
    later = data.user_teams_file("org", day)
    assert later == data.user_teams_file("org", day)
    assert data.users_file("enterprise", day, 0, 2) == data.users_file("enterprise", day, 0, 2)


def test_the_enterprise_holds_more_users_than_the_organization():
    day = date(2026, 11, 20)
    org = json.loads(data.aggregate_file("org", day))["day_totals"][0]
    ent = json.loads(data.aggregate_file("enterprise", day))["day_totals"][0]
    assert ent["monthly_active_users"] > org["monthly_active_users"]
    assert "organization_id" in org and "organization_id" not in ent


# -- runs of missing days -----------------------------------------------------------------


def test_missing_days_are_told_as_runs():
    start = date(2026, 1, 1)
    misses = [Missing("users-1-day", start + timedelta(n), ()) for n in (0, 1, 2, 5)]
    misses.append(Missing("organization-28-day", None, ()))
    lines = [run.describe() for run in missing_runs(misses)]
    assert lines == [
        "no users-1-day report for 2026-01-01..2026-01-03: 3 days",
        "no users-1-day report for 2026-01-06",
        "no organization-28-day report (latest)",
    ]


def test_347_days_in_a_row_are_one_line():
    start = date(2025, 12, 12)
    misses = [Missing("organization-1-day", start + timedelta(n), ()) for n in range(347)]
    (run,) = missing_runs(misses)
    assert run.describe() == "no organization-1-day report for 2025-12-12..2026-11-23: 347 days"
