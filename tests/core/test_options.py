"""The one table of options: the parser, RawInputs and the settings all follow its rows."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report._app.cli import build_parser
from copilot_usage_report._app.parser import raw_inputs
from copilot_usage_report._app.spelling import spell
from copilot_usage_report._core.bounds import DEFAULT_MAX_FILE_SIZE
from copilot_usage_report._core.options import (
    COMMANDS,
    ENV_COMMANDS,
    OPTIONS,
    option,
    options_of,
)
from copilot_usage_report._core.settings import RawInputs, Settings, build_settings
from copilot_usage_report._errors import InputError

TODAY = date(2026, 11, 25)
BASE = {"INPUT_ORG": "my-org", "INPUT_TOKEN": "ghp_x"}


def _command(name: str) -> argparse.ArgumentParser:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


def _actions(name: str) -> dict[str, argparse.Action]:
    return {flag: a for a in _command(name)._actions for flag in a.option_strings}


def _fetch(tmp_path: Path, *argv: str, env: dict[str, str] | None = None) -> Settings:
    """Settings as ``fetch ARGV`` builds them: parsed, read back by the table, validated."""
    args = build_parser().parse_args(["fetch", "--output-dir", str(tmp_path), *argv])
    raw = RawInputs(**raw_inputs(args, "fetch"))
    return build_settings(raw, today=TODAY, env={**BASE, **(env or {})})


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_in_the_parser_of_each_command_that_takes_it(command):
    """Each row a command takes is its flag there, with the row's help, default and variables;
    argparse's own default is None, so the environment and the table's default apply."""
    actions = _actions(command)
    for row in options_of(command):
        action = actions[row.flag]
        assert action.dest == row.name
        assert action.default is None
        help_text = action.help or ""
        words = dict(row.help_for).get(command, row.help).split("{kinds}")[0]
        assert help_text.startswith(words), (command, row.name)
        default = row.default_in(command)
        shown = row.shown if default == row.default and row.shown else default
        if shown:
            assert f"(default {shown}" in help_text, (command, row.name)
        assert (f"env: INPUT_{row.name.upper()}" in help_text) == (command in ENV_COMMANDS)
        if row.switch:
            assert f"--no-{row.flag[2:]}" in actions


@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_offers_an_option_it_does_not_take(command):
    """A row's flag appears only in the commands the row names."""
    taken = {row.name for row in options_of(command)}
    flags = set(_actions(command))
    for row in OPTIONS:
        if row.name not in taken:
            assert row.flag not in flags, (command, row.flag)


def test_every_flag_reads_back_under_its_row():
    """What fetch is given under each flag is what RawInputs gets under the row's name."""
    argv = ["fetch"]
    for row in options_of("fetch"):
        argv += [row.flag] if row.switch else [row.flag, f"value-of-{row.name}"]
    given = raw_inputs(build_parser().parse_args(argv), "fetch")
    for row in options_of("fetch"):
        assert given[row.name] == ("true" if row.switch else f"value-of-{row.name}"), row.name


def test_the_defaults_are_what_the_settings_get(tmp_path):
    """Nothing given: each field is its row's default, read by its row's parser."""
    settings = _fetch(tmp_path)
    for row in OPTIONS:
        if row.parse is not None and "fetch" in row.commands:
            expected = None if row.default is None else row.parse(row.input or "", row.default)
            assert getattr(settings, row.field) == expected, row.name
    assert settings.max_file_size == DEFAULT_MAX_FILE_SIZE
    assert (settings.retries, settings.concurrency, settings.deadline) == (5, 4, 3600.0)
    assert settings.seat_price is None and settings.job_summary is True
    assert settings.api_url == option("api_url").default
    assert [k.name for k in settings.kinds] == [option("report").default]


def test_every_parsed_row_is_a_settings_field():
    """A row with a parser of its own lands in a Settings field of its name."""
    fields = set(Settings.__dataclass_fields__)
    assert {row.field for row in OPTIONS if row.parse is not None} <= fields


ZERO = ("retries", "max_wait", "lock_wait", "seat_price")


@pytest.mark.parametrize("name", ZERO)
def test_zero_is_a_value_where_zero_is_allowed(tmp_path, name):
    """0 given on the command line or in the environment is 0, never the default."""
    row = option(name)
    assert row.default != "0"
    assert getattr(_fetch(tmp_path, row.flag, "0"), row.field) == 0
    assert getattr(_fetch(tmp_path, env={f"INPUT_{name.upper()}": "0"}), row.field) == 0


def test_zero_is_refused_where_it_is_not_a_value(tmp_path):
    """concurrency, timeout, deadline and inactive-days refuse 0 with a message naming them."""
    for name in ("concurrency", "timeout", "deadline", "inactive_days"):
        row = option(name)
        with pytest.raises(InputError, match=str(row.input)):
            _fetch(tmp_path, row.flag, "0")


def test_an_option_wins_over_its_variable(tmp_path):
    """Each row: the flag's value beats INPUT_<NAME>."""
    settings = _fetch(tmp_path, "--retries", "2", env={"INPUT_RETRIES": "9"})
    assert settings.retries == 2
    assert _fetch(tmp_path, env={"INPUT_RETRIES": "9"}).retries == 9


def test_raw_inputs_takes_only_the_tables_names_and_hides_values():
    """A name the table lacks is a TypeError; the repr names what was given, not its value."""
    with pytest.raises(TypeError, match="no option named colour"):
        RawInputs(colour="blue")
    raw = RawInputs(token="ghp_SECRET", retries=None)
    assert "ghp_SECRET" not in repr(raw) and "token" in repr(raw)
    assert raw.get("retries") is None and raw.get("token") == "ghp_SECRET"


def test_spelling_knows_every_input_of_the_table():
    """Every action input is spelled as its flag at a terminal, and back in a workflow."""
    for row in OPTIONS:
        if row.input:
            assert spell(f"Check the {row.input} input.", actions=False) == f"Check {row.flag}."
            assert spell(f"Check {row.flag}.", actions=True) == f"Check the {row.input} input."
