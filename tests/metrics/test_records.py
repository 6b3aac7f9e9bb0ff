"""Property: a file read in blocks gives the lines a line-by-line reader gives, refused alike."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_usage_report._errors import ReportFormatError
from copilot_usage_report._metrics import records

#: Lines of a few bytes: ASCII, blank, or not ASCII (a block holding one comes as bytes).
LINE = st.one_of(
    st.binary(max_size=9).map(lambda b: b.replace(b"\n", b"")),
    st.text(alphabet="ab{}\u00e9", max_size=6).map(str.encode),
    st.just(b""),
)


def _blocks(data: bytes, block: int, longest: int) -> tuple[list[bytes], list[type], bool]:
    """The lines ``_line_blocks`` gives with blocks of ``block`` bytes and lines of at most
    ``longest`` bytes (newline included); the types of its blocks' lines; whether it refused."""
    saved = records._BLOCK_BYTES, records.MAX_LINE_BYTES
    records._BLOCK_BYTES, records.MAX_LINE_BYTES = block, longest  # type: ignore[misc]
    lines: list[bytes] = []
    kinds: list[type] = []
    try:
        for part in records._line_blocks(io.BytesIO(data), Path("f.ndjson")):
            kinds += {type(line) for line in part}
            lines += map(bytes, part)
    except ReportFormatError:
        return lines, kinds, True
    finally:
        records._BLOCK_BYTES, records.MAX_LINE_BYTES = saved  # type: ignore[misc]
    return lines, kinds, False


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=30), st.booleans(), st.integers(1, 40), st.integers(2, 12))
def test_blocks_give_the_lines_of_the_file(
    lines: list[bytes], newline_at_end: bool, block: int, longest: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if newline_at_end and lines else b"")
    # what a line-by-line reader keeps: every line up to the first one that is too long
    expected: list[bytes] = []
    refused = False
    for raw in io.BytesIO(data):
        if len(raw) > longest:
            refused = True
            break
        expected.append(raw.removesuffix(b"\n"))
    got, kinds, got_refused = _blocks(data, block, longest)
    assert (got, got_refused) == (expected, refused)
    assert set(kinds) <= {bytes, memoryview}


def test_an_ascii_block_comes_as_views_and_any_other_as_bytes() -> None:
    data = b'{"a":1}\n{"b":2}\n' + "{\u00e9}\n".encode()
    got, kinds, refused = _blocks(data, 16, 100)
    assert (got, refused) == ([b'{"a":1}', b'{"b":2}', "{\u00e9}".encode()], False)
    assert kinds == [memoryview, bytes]


def test_a_blank_line_among_views_is_added_as_bytes(tmp_path: Path) -> None:
    """A block that is not all per-user rows (here a blank line) goes line by line, each line
    as bytes (the standard library's parser reads no views)."""
    from copilot_usage_report._metrics import summarize_paths

    row = (
        b'{"day":"2026-11-20","organization_id":"1","user_id":%d,"user_login":"u",'
        b'"code_generation_activity_count":2}'
    )
    path = tmp_path / "users.ndjson"
    path.write_bytes(b"\n".join([row % 1, row % 2, b"", row % 3]) + b"\n")
    day = summarize_paths([path]).days[0]
    assert (day.user_records, day.activity.code_generation_activity_count) == (3, 6)
