"""The gate's bounds: the cheap screen of JSON text agrees with a walk of the decoded values, and
a file is opened only when it is a regular file."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copilot_usage_report._archive import MAX_INTEGER, Refused, block_problem
from copilot_usage_report._archive.bounded import MAX_DEPTH, open_regular, problem_of

leaves = st.one_of(
    st.integers(-(2**70), 2**70),
    st.integers(-MAX_INTEGER - 2, -MAX_INTEGER + 2),
    st.integers(MAX_INTEGER - 2, MAX_INTEGER + 2),
    st.text(alphabet='[]{}0123456789"\\a\n\t', max_size=40),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)


def _nest(value: object, depth: int) -> object:
    for _ in range(depth):
        value = [value]
    return value


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(values, st.sampled_from([0, 0, MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, 300])),
        min_size=1,
        max_size=6,
    )
)
def test_the_screen_agrees_with_a_walk(lines: list[tuple[object, int]]) -> None:
    """Whatever the lines hold (big integers, deep nesting, brackets and digits in strings), the
    screened block names the first line a walk of the decoded values refuses, or none."""
    texts = [json.dumps(_nest(value, depth)).encode() for value, depth in lines]
    walked = [problem_of(json.loads(text)) for text in texts]
    expected = next(((i, p) for i, p in enumerate(walked) if p is not None), None)
    assert block_problem(texts) == expected


def test_nesting_far_beyond_any_parser_is_refused_not_raised() -> None:
    """JSON nested 100,000 deep is a problem named, never a RecursionError."""
    assert block_problem([b"[" * 100_000 + b"]" * 100_000]) == (
        0,
        f"JSON nested more than {MAX_DEPTH} deep",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("noise", [("]", "["), ('\\"]', '\\"['), ("\\", "]\\")])
def test_brackets_in_strings_hide_no_depth(noise: tuple[str, str]) -> None:
    """Strings of brackets and escapes placed to cancel the real ones (a string "]" before each
    level's value, "[" after) do not make a line nested beyond the bound look shallow."""
    deep: object = 0
    for _ in range(MAX_DEPTH + 5):
        deep = [noise[0], deep, noise[1]]
    line = json.dumps(deep).encode()
    assert block_problem([b"{}", line]) == (1, f"JSON nested more than {MAX_DEPTH} deep")


def test_a_fifo_or_a_link_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO nobody writes to is refused at once; so is a link to a regular file."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            open_regular(fifo)
            outcome.append(None)
        except Refused as exc:
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    assert outcome and "FIFO" in str(outcome[0])
    (tmp_path / "file").write_bytes(b"{}")
    (tmp_path / "link").symlink_to(tmp_path / "file")
    with pytest.raises(Refused, match="symbolic link"):
        open_regular(tmp_path / "link")
    with open_regular(tmp_path / "file") as handle:
        assert handle.read() == b"{}"
