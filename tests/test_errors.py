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
