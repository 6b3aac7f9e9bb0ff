"""Every workflow command the tool prints is canonical: ``::name k=v,...::message``.

The grammar is the one GitHub's docs and ``@actions/core`` write: no space before
``::`` when there are no properties (``::add-mask::value``, which ``act`` needs),
one space then ``key=value`` pairs otherwise, ``%``, CR and LF escaped in the
message, and also ``:`` and ``,`` in property values. Commands go to stderr, so
stdout stays the command's own output.
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_usage_report._app.progress import Progress
from copilot_usage_report._app.workflow import (
    COMMAND_NAMES,
    annotate_error,
    annotate_warning,
    command,
    mask,
)
from copilot_usage_report._errors import CopilotUsageReportError, add_secret, has_control, visible

CANONICAL = re.compile(
    r"::(?P<name>[a-z]+(?:-[a-z]+)*)"
    r"(?: (?P<props>[a-zA-Z]+=[^:,\r\n]*(?:,[a-zA-Z]+=[^:,\r\n]*)*))?"
    r"::(?P<message>[^\r\n]*)"
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_canonical(line: str) -> re.Match[str]:
    """One line of the canonical grammar, naming a command this tool prints."""
    match = CANONICAL.fullmatch(line)
    assert match is not None, repr(line)
    assert match.group("name") in COMMAND_NAMES, line
    return match


def _unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
    ).replace("%25", "%")


def _commands(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.startswith("::")]


@pytest.fixture
def actions(monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")


def test_the_mask_has_no_space_before_its_message(actions, capsys):
    """``::add-mask::TOKEN``: the form every runner (act included) recognises, on stderr."""
    mask("ghp_canonicalmask0123")
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "::add-mask::ghp_canonicalmask0123\n"


@SETTINGS
@given(message=st.text(max_size=60), title=st.text(max_size=30))
def test_annotations_are_canonical_and_round_trip(actions, capsys, message, title):
    """Any message and title: one canonical line whose message unescapes to the one-line text,
    its control characters shown as escapes."""
    error = CopilotUsageReportError(message or "x")
    error.title = title
    annotate_error(error)
    annotate_warning(message, title=title)
    out, err = capsys.readouterr()
    assert out == ""
    lines = _commands(err)
    assert len(lines) == 2 and len(err.splitlines()) == 2, err
    expected = [error.message, visible(" ".join(message.split()))]
    for line, one in zip(lines, expected, strict=True):
        match = assert_canonical(line)
        assert _unescape(match.group("message")) == one
        assert not has_control(_unescape(match.group("message")))
        props = match.group("props")
        if title:
            shown = visible(title)
            assert props is not None and _unescape(props.split("=", 1)[1]) == shown
        else:
            assert props is None


@SETTINGS
@given(value=st.text(min_size=1, max_size=40).filter(lambda t: "\n" not in t and "\r" not in t))
def test_command_escapes_every_property_and_message(value):
    """``command`` itself: canonical whatever the text, and refuses names it does not print."""
    assert_canonical(command("warning", value, title=value))
    assert_canonical(command("error", value))
    with pytest.raises(ValueError):
        command("set-output", value)


def test_groups_are_canonical(capsys):
    """The progress groups of a run inside Actions."""
    progress = Progress("actions")
    with progress.step("organization-1-day 2026-11-20"):
        progress.log("a line")
    progress.warn("no report on 2026-11-19")
    lines = _commands(capsys.readouterr().err)
    assert [ln.split("::")[1].split(" ")[0] for ln in lines] == ["group", "endgroup", "warning"]
    for line in lines:
        assert_canonical(line)


def test_plain_steps_are_numbered_in_order_while_earlier_ones_still_run():
    """Each step of a plain log gets the next number, though the steps before it have not
    finished (downloads overlap the next API call): [1/3], [2/3], [3/3], never [1/3] again."""
    stream = io.StringIO()
    progress = Progress("plain", stream)
    progress.start(3)
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        with progress.step(f"organization-1-day {day}"):
            pass  # its download goes on in another thread: ``done`` comes later
    progress.done(10)
    numbers = [line.split("]")[0] + "]" for line in stream.getvalue().splitlines()]
    assert numbers == ["[1/3]", "[2/3]", "[3/3]"]


def test_annotations_never_hold_a_registered_secret(actions, capsys):
    """A secret echoed into a message is *** in the annotation, whatever the message."""
    add_secret("ghp_echoedsecret0123456789")
    annotate_warning("server said ghp_echoedsecret0123456789 back", title="t")
    annotate_error(CopilotUsageReportError("again: ghp_echoedsecret0123456789"))
    err = capsys.readouterr().err
    assert "ghp_echoedsecret0123456789" not in err
    assert err.count("***") == 2
