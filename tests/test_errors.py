"""The error tree: one base, every class documented, with a hint and one-line messages."""

from __future__ import annotations

import copilot_usage_report._errors as errors_module
from copilot_usage_report._errors import CopilotUsageReportError, InputError


def _all_classes() -> list[type[CopilotUsageReportError]]:
    found = [CopilotUsageReportError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return found


def test_every_class_is_exported_documented_and_hinted():
    """Each error class is in __all__, has a docstring, a title and a non-empty hint."""
    classes = _all_classes()
    assert {c.__name__ for c in classes} <= set(errors_module.__all__) | {"_StorageUnavailable"}
    for cls in classes:
        assert cls.__doc__ and cls.__doc__.strip(), cls
        assert cls.hint.strip() and cls.title.strip(), cls


def test_exit_codes():
    """Input errors exit 2; every other expected failure exits 1."""
    for cls in _all_classes():
        assert cls.exit_code == (2 if issubclass(cls, InputError) else 1), cls


def test_messages_are_one_line():
    """A message given over several lines is folded into one."""
    assert CopilotUsageReportError("a\nb\r\n  c").message == "a b c"


def test_the_drawn_tree_is_the_class_tree():
    """The tree in ``_errors``'s docstring names every error class at its depth, and no other."""
    import re

    import copilot_usage_report._errors as errors_module

    doc = errors_module.__doc__ or ""
    drawn = {}
    for line in doc.splitlines():
        match = re.match(r"^    ([│ ]*)(?:[├└]── )?([A-Z]\w+Error)\b", line)
        if match:
            drawn[match.group(2)] = len(match.group(1)) // 4 + (1 if "──" in line else 0)

    def depth(cls: type) -> int:
        base = cls.__base__
        return (
            0 if base is None or cls is errors_module.CopilotUsageReportError else 1 + depth(base)
        )

    classes = {
        name: depth(cls)
        for name, cls in vars(errors_module).items()
        if isinstance(cls, type) and issubclass(cls, errors_module.CopilotUsageReportError)
    }
    assert drawn == classes


#: Every character ``visible`` escapes: C0, DEL, C1, separators, bidirectional controls.
_CONTROLS = [
    *map(chr, range(0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x2028, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\ud800",
    "\udcff",
]


def test_visible_shows_every_control_character_as_an_escape():
    """Each control character becomes a printable ASCII escape; other text stays as it is."""
    from copilot_usage_report._errors import has_control, visible

    for char in _CONTROLS:
        shown = visible(f"a{char}b")
        assert shown.isascii() and shown.isprintable() and shown.startswith("a\\"), repr(char)
        assert has_control(char) and not has_control(shown)
        assert visible(shown) == shown
    assert visible("a\tb\nc\rd\x1be\u202ef") == "a\\tb\\nc\\rd\\x1be\\u202ef"
    assert visible("x\ny\x1b", lines=True) == "x\ny\\x1b"
    assert visible("plain é ✓ 日本 \u00a0 \u200b") == "plain é ✓ 日本 \u00a0 \u200b"


def test_messages_hold_no_control_character_whatever_they_quote():
    """A message or hint quoting text with control characters shows them as escapes, the
    secrets still scrubbed."""
    from copilot_usage_report._errors import add_secret, has_control

    add_secret("ghp_controlsecret0123456789")
    quoted = "".join(_CONTROLS) + " ghp_controlsecret0123456789 https://h/x?sig=1"
    error = CopilotUsageReportError(f"server said {quoted}", hint=f"hint {quoted}\nnext")
    assert not has_control(error.message)
    assert "ghp_controlsecret" not in error.message and "sig=1" not in error.message
    assert "\\x1b" in error.message and "\\u202e" in error.message
    # A hint keeps its line breaks (the summary's paragraphs), the quoted LF among them.
    assert error.hint.count("\n") == 2 and not has_control(error.hint.replace("\n", ""))
