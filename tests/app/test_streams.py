"""The guarded streams: what is printed is data, only ``raw`` writes as given."""

from __future__ import annotations

import io
import sys

import pytest

from copilot_usage_report._app.streams import Guarded, guarded, raw
from copilot_usage_report._app.workflow import annotate_warning, command


def _through(*pieces: str) -> str:
    inner = io.StringIO()
    stream = Guarded(inner)
    for piece in pieces:
        stream.write(piece)
    return inner.getvalue()


def test_control_characters_are_escaped_and_line_breaks_kept():
    """ESC, NUL, CR, U+2028 and a bidi override show as escapes; LF stays a line break."""
    assert _through("a\x1b[31m\x00\r\u2028\u202eb\nc\n") == "a\\x1b[31m\\x00\\r\\u2028\\u202eb\nc\n"


@pytest.mark.parametrize(
    ("pieces", "shown"),
    [
        (["name\n::error::x\n"], "name\n\\x3a:error::x\n"),
        (["  \u3000::warning::x"], "  \u3000\\x3a:warning::x"),
        ([":", ":error::x"], ":\\x3aerror::x"),
        (["", " ", "::x"], " \\x3a:x"),
        (["a ##[error]x"], "a ##\\x5berror]x"),
        (["a #", "#", "[error]"], "a ##\\x5berror]"),
        (["a::b ::c\n"], "a::b ::c\n"),
    ],
)
def test_no_line_starts_a_workflow_command(pieces, shown):
    """A line a runner would read as a command, whole or in pieces, has its marker escaped."""
    assert _through(*pieces) == shown


def test_raw_writes_as_given_from_a_line_start():
    """``raw`` writes a command as made, on a line of its own; a CR goes to the start itself."""
    inner = io.StringIO()
    stream = Guarded(inner)
    stream.write("half a line")
    raw(stream, "::warning::x\n")
    stream.write("next")
    raw(stream, "\r\x1b[J")
    raw(stream, "")
    assert inner.getvalue() == "half a line\n::warning::x\nnext\r\x1b[J"


def test_commands_pass_the_guard_other_lines_do_not(monkeypatch, capsys):
    """Inside ``guarded``, the tool's annotation is one canonical line; a printed name is not."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with guarded():
        print("scope evil\n::error::INJECTED\x1b")
        annotate_warning("name evil\n::error::INJECTED", title="t")
    out, err = capsys.readouterr()
    assert out == "scope evil\n\\x3a:error::INJECTED\\x1b\n"
    assert err == command("warning", "name evil ::error::INJECTED", title="t") + "\n"
    assert not isinstance(sys.stdout, Guarded)
