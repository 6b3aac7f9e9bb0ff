"""Report files are verified as NDJSON or one JSON document while they stream."""

from __future__ import annotations

import pytest

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._transfer.content import ContentCheck


def _check(*chunks: bytes) -> ContentCheck:
    check = ContentCheck()
    for chunk in chunks:
        check.feed(chunk)
    check.finish(lambda: b"".join(chunks))
    return check


def test_ndjson_split_across_chunks():
    """Lines split at any chunk boundary are checked whole; a missing final newline is fine."""
    data = b'{"a": 1}\n{"b": [1, 2]}\n\n{"c": "x"}'
    for cut in range(len(data)):
        assert _check(data[:cut], data[cut:]).records == 3


def test_pretty_printed_document():
    """A multi-line JSON document (the aggregate report) is one record."""
    assert _check(b'{\n  "day": "2026-11-20",\n  "n": 1\n}\n').records == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"a": 1}\n{"b": 2\n{"c": 3}\n', "line 2"),
        (b'{"a": 1}\n{"b": ', "line 2"),
        (b'{\n  "a": 1\n', "neither NDJSON nor one JSON document"),
        (b"", "no JSON record"),
        (b"\n\n", "no JSON record"),
        (b"<Error>AuthenticationFailed</Error>", "neither NDJSON"),
        (b"\xff\xfe{}", "neither NDJSON"),
    ],
)
def test_damaged_files_are_refused(data, message):
    """Cut-off, damaged, empty and non-JSON files raise ReportFormatError naming the problem."""
    with pytest.raises(ReportFormatError, match=message):
        _check(data)


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        (b'{"login": "J\xc3\xbcrgen"}', True),  # UTF-8 beyond ASCII
        (b'{"n": NaN}', True),  # json.loads accepts it; msgspec refuses, json.loads decides
        (b'{"s": "\\ud800"}', True),  # a lone surrogate escape, as json.loads allows
        (b'{"s": "\xff"}', False),  # invalid UTF-8 inside a string msgspec would skip
        (b'{"k": {"\xc3": 1}}', False),  # invalid UTF-8 in a nested key
        (b'{"s": "\x01"}', False),  # a raw control character
        (b'{"a": 1,}', False),
    ],
)
def test_every_line_gets_json_loads_verdict(line, ok):
    """The fast check never accepts a line json.loads refuses, at any chunk boundary."""
    data = b'{"a": 1}\n' + line + b'\n{"b": 2}\n'
    for cut in range(len(data)):
        if ok:
            assert _check(data[:cut], data[cut:]).records == 3
        else:
            with pytest.raises(ReportFormatError, match="line 2"):
                _check(data[:cut], data[cut:])


def test_json_nested_deeper_than_any_parser_reads_is_refused_not_a_crash():
    """A line nesting a hundred thousand arrays deep is a ReportFormatError, not RecursionError."""
    deep = b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ReportFormatError, match="line 2: the JSON nests deeper"):
        _check(b'{"a": 1}\n' + deep + b"\n")
    with pytest.raises(ReportFormatError, match="nests deeper"):
        _check(deep + b"\n")
