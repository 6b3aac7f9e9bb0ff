"""Names as Markdown data: inside a table cell they end no cell, row or code span."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from copilot_usage_report._errors import has_control
from copilot_usage_report._render import markdown_code
from copilot_usage_report._render.markdown import markdown_text


@given(st.text(max_size=40))
def test_code_is_one_span_in_one_cell(value):
    """Any name as inline code: one line, no bare pipe, a fence longer than any backtick run."""
    shown = markdown_code(value)
    assert "\n" not in shown and not has_control(shown)
    assert re.search(r"(?<!\\)\|", shown) is None
    opening = re.match(r"`+", shown)
    assert opening is not None
    fence = opening.group()
    inner = shown[len(fence) : -len(fence)]
    assert shown.endswith(fence)
    assert all(len(run) < len(fence) for run in re.findall(r"`+", inner))


@given(st.text(max_size=40))
def test_text_has_no_markup(value):
    """Any name as text: one line, and no character that makes a link, tag, code or cell
    unless escaped."""
    shown = markdown_text(value)
    assert "\n" not in shown and not has_control(shown)
    assert re.search(r"(?<!\\)[`|<>\[\]*_]", shown.replace("\\\\", "")) is None


def test_examples():
    """A pipe, a backtick and a tag, as GitHub's tables need them."""
    assert markdown_code("a|b") == "`a\\|b`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`a") == "`` `a ``"
    assert markdown_text("<img src=x>[x](y)") == "\\<img src=x\\>\\[x\\](y)"
