"""Names read from an archive or a server: one with a control character is refused, escaped."""

from __future__ import annotations

import pytest

from copilot_usage_report._core import check_name


@pytest.mark.parametrize("char", ["\x00", "\n", "\r", "\x1b", "\x7f", "\x85", "\u2028", "\u202e"])
def test_a_name_with_a_control_character_is_refused_shown_escaped(char):
    """NUL, LF, ESC, DEL, C1, U+2028, an override: ``ValueError`` naming the field, escaped."""
    with pytest.raises(ValueError, match="scope 'octo") as caught:
        check_name(f"octo{char}::error::x", "scope")
    assert char not in str(caught.value)


def test_a_plain_name_passes_as_it_is():
    """Letters of any script, digits, dashes and spaces are a name."""
    assert check_name("octo-org Ünïcode 日本", "scope") == "octo-org Ünïcode 日本"
