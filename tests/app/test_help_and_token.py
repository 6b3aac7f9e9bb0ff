"""What each command's --help offers and what a missing token's message advises, as a reader
meets them: each command's own exit codes, every kind the command accepts, GH_TOKEN first."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report._app.cli import build_parser
from copilot_usage_report._app.spelling import spell
from copilot_usage_report._core import RawInputs, build_settings
from copilot_usage_report._core.kinds import KINDS, SEATS
from copilot_usage_report._errors import InputError

TODAY = date(2026, 12, 2)
#: What only a fetch from GitHub can say about its exit.
FETCH_ONLY = ("every report asked for is saved", "nothing was sent to GitHub")


def _command(name: str) -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _exit_codes(help_text: str) -> dict[str, str]:
    block = help_text.split("exit codes:\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"^\s+(\d+)\s+(.*)$", block, re.M))


@pytest.mark.parametrize("name", ["summarize", "history", "publish-history", "demo"])
def test_each_command_lists_its_own_exit_codes_not_fetchs(name):
    """summarize, history, publish-history and demo say what their own exits mean: none of
    them repeats fetch's lines about reports saved or requests to GitHub."""
    codes = _exit_codes(_command(name).format_help())
    assert {"0", "1", "2", "130"} <= set(codes), codes
    assert not [line for line in codes.values() for words in FETCH_ONLY if words in line], codes


def test_summarize_help_says_a_file_it_does_not_recognise_fails():
    """summarize --help says a file holding no record it recognises fails with exit 1, as
    it does (test_samples_cli), not that it is skipped."""
    codes = _exit_codes(_command("summarize").format_help())
    assert "no record it recognises" in codes["1"], codes
    assert "skipped" not in codes["0"] or "FIFO" in codes["0"], codes


@pytest.mark.parametrize(
    "name", ["fetch", "demo", "summarize", "history", "serve-demo", "publish-history"]
)
def test_every_command_takes_debug_after_its_name(name):
    """The "Rerun with --debug" an unexpected failure of any command advises works after the
    command's name (history, serve-demo and publish-history refused it there)."""
    flags = {flag for action in _command(name)._actions for flag in action.option_strings}
    assert "--debug" in flags


def test_fetch_keeps_its_exit_codes():
    """fetch's exit codes still say what a fetch's exit means."""
    codes = _exit_codes(_command("fetch").format_help())
    assert set(codes) == {"0", "1", "2", "130"}
    assert "nothing was sent to GitHub" in codes["2"]


def test_fetch_report_help_offers_every_kind_including_the_seat_list():
    """--report's help names every kind either scope accepts, copilot-seats included."""
    text = _flat(next(a.help for a in _command("fetch")._actions if a.dest == "report") or "")
    for kinds in KINDS.values():
        for kind in kinds:
            assert kind.name in text, kind.name
    assert SEATS in text


def test_demo_help_offers_only_what_demo_accepts():
    """demo serves its organization: no --enterprise, no enterprise kind, nothing it ignores."""
    demo = _command("demo")
    flags = {flag for action in demo._actions for flag in action.option_strings}
    assert "--enterprise" not in flags and "--token" not in flags
    text = demo.format_help()
    assert "enterprise-1-day" not in text and "enterprise-28-day" not in text
    assert "--enterprise" not in text
    report = _flat(next(a.help for a in demo._actions if a.dest == "report") or "")
    assert all(kind.name in report for kind in KINDS["org"]) and SEATS in report


def _missing_token(tmp_path: Path) -> str:
    env = {"INPUT_ORG": "my-org", "INPUT_OUTPUT_DIR": str(tmp_path)}
    with pytest.raises(InputError) as info:
        build_settings(RawInputs(), today=TODAY, env=env)
    return info.value.message


def test_missing_token_at_a_terminal_suggests_gh_token_first_and_the_option_last(tmp_path):
    """At a terminal: GH_TOKEN with the gh export first, then GITHUB_TOKEN, --token last."""
    text = spell(_missing_token(tmp_path), actions=False)
    assert 'export GH_TOKEN="$(gh auth token)"' in text
    assert text.index("GH_TOKEN") < text.index("GITHUB_TOKEN") < text.index("--token"), text
    assert "shell history" in text.split("--token", 1)[1]


def test_missing_token_in_a_workflow_names_the_token_input(tmp_path):
    """In a workflow: the token input, and neither an export nor a command-line option."""
    text = spell(_missing_token(tmp_path), actions=True)
    assert "the token input" in text
    assert "--" not in text and "export" not in text, text


def test_gh_token_wins_over_github_token(tmp_path):
    """GH_TOKEN is read before GITHUB_TOKEN, as the GitHub CLI reads it."""
    env = {
        "INPUT_ORG": "my-org",
        "INPUT_OUTPUT_DIR": str(tmp_path),
        "GH_TOKEN": "from-gh",
        "GITHUB_TOKEN": "from-github",
    }
    assert build_settings(RawInputs(), today=TODAY, env=env).token == "from-gh"


@pytest.mark.parametrize(("name", "value"), [("inactive_days", "7"), ("seat_price", "5")])
def test_an_empty_option_is_not_the_environments_value(tmp_path, name, value):
    """An option given empty is read as given (refused, or the list price), never replaced by
    its environment variable: the fallback is for options not given at all."""
    env = {
        "INPUT_ORG": "my-org",
        "INPUT_TOKEN": "ghp_x",
        "INPUT_OUTPUT_DIR": str(tmp_path),
        f"INPUT_{name.upper()}": value,
    }
    try:
        settings = build_settings(RawInputs(**{name: ""}), today=TODAY, env=env)
    except InputError as exc:
        assert name.replace("_", "-") in exc.message
    else:
        assert getattr(settings, name) is None
