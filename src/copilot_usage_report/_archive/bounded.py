"""JSON from an archive, read within bounds: regular files, bounded depth, integers a history holds.

``open_regular`` opens a file only when ``lstat`` says it is a regular file (never a
symbolic link, a FIFO, a device or a folder), with ``O_NOFOLLOW`` and ``O_NONBLOCK`` so
that neither a link swapped in nor a FIFO can make the open follow it or wait.
``problem_of`` says what is wrong with a decoded JSON value (an integer beyond
``MAX_INTEGER``, nesting beyond ``MAX_DEPTH``); ``line_problem`` says the same of raw JSON
text, cheaply, and ``block_problem`` of many lines at once: a line with no run of 16 digits
and at most ``MAX_DEPTH`` brackets cannot hold either, and only other lines are decoded and
walked. ``load_json`` decodes a small JSON
file (a manifest) within the same bounds.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import msgspec

__all__ = [
    "MAX_DEPTH",
    "MAX_INTEGER",
    "Refused",
    "block_problem",
    "decode_json",
    "line_problem",
    "load_json",
    "open_regular",
    "problem_of",
]

#: The largest integer (and, negated, the smallest) kept: JavaScript's exact integers, so the
#: page shows it as written, and 1,024 of them still sum inside SQLite's signed 64 bits (the
#: history's weekly and 28-day sums). No Copilot count, id or size comes near it.
MAX_INTEGER = 2**53 - 1
#: The deepest nesting kept: a report record nests four or five deep.
MAX_DEPTH = 128
#: Any integer beyond ``MAX_INTEGER`` is written with at least 16 digits: digits to ``0``, every
#: other byte to ``.``, a run of 16 ``0`` is a run of 16 digits (at C speed; a regex is slower).
_DIGITS = bytes.maketrans(bytes(range(256)), bytes(48 if 48 <= b <= 57 else 46 for b in range(256)))
_RUN = b"0" * 16
_DECODER = msgspec.json.Decoder()


class Refused(Exception):
    """A file or value the history does not take; the message says which and why."""


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading when it is a regular file itself; ``Refused`` otherwise."""
    try:
        info = path.lstat()
    except OSError as exc:
        raise Refused(f"{path}: unreadable ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path}: {_what(info.st_mode)}, not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(f"{path}: unreadable ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(f"{path}: changed into something other than a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _what(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something"


def problem_of(value: object) -> str | None:
    """``None`` when every integer of ``value`` is within ``MAX_INTEGER`` and it nests at most
    ``MAX_DEPTH`` deep; else what is wrong, in words (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                return f"JSON nested more than {MAX_DEPTH} deep"
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                return f"JSON nested more than {MAX_DEPTH} deep"
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, int) and not -MAX_INTEGER <= item <= MAX_INTEGER:
            return f"an integer beyond ±{MAX_INTEGER:,} ({_short(item)})"
    return None


def _short(number: int) -> str:
    digits = str(abs(number))
    sign = "-" if number < 0 else ""
    if len(digits) > 24:
        return f"{sign}{digits[:12]}… ({len(digits)} digits)"
    return f"{sign}{digits}"


def _plain(data: bytes) -> bool:
    """Whether JSON text is too short of brackets and long digit runs to break a bound."""
    return data.count(b"{") + data.count(b"[") <= MAX_DEPTH and _RUN not in data.translate(_DIGITS)


def line_problem(raw: bytes | memoryview) -> str | None:
    """What is wrong with one JSON text as ``problem_of`` says it, or ``None``; text that is not
    JSON is not this function's to judge (``None``). Only text that could be wrong is decoded."""
    data = bytes(raw) if isinstance(raw, memoryview) else raw
    if _plain(data):
        return None
    try:
        return decode_json(data)[1]
    except msgspec.DecodeError:
        return None


def decode_json(data: bytes) -> tuple[object, str | None]:
    """``data`` decoded, and what is wrong with it (walked only when its text could be wrong).

    Raises ``msgspec.DecodeError`` (a ``ValueError``) for text that is not JSON; JSON nested
    beyond what the decoder reads is reported too deep, never raised.
    """
    try:
        value = _DECODER.decode(data)
    except RecursionError:
        return None, f"JSON nested more than {MAX_DEPTH} deep"
    return value, None if _plain(data) else problem_of(value)


#: Brackets as ``[`` and ``]`` (their kind does not change a depth), quotes and newlines kept;
#: every other byte deleted: what a block's nesting is read from, once its escapes are gone.
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"\n')
#: every byte but brackets and line ends, deleted: each line's count of brackets, at C speed.
_NOT_BRACKET_OR_LINE = bytes(b for b in range(256) if b not in b"[]{}\n")


def block_problem(lines: Sequence[bytes]) -> tuple[int, str] | None:
    """The first of ``lines`` (JSON texts) that breaks a bound, by index, and what is wrong; or
    ``None``. The block is screened at C speed (no run of 16 digits; brackets outside strings
    that close within ``MAX_DEPTH`` levels); only a block the screen cannot clear is read line
    by line."""
    block = b"\n".join(lines)
    if _RUN not in block.translate(_DIGITS) and (_few_brackets(block) or _shallow(block)):
        return None
    for index, line in enumerate(lines):
        problem = line_problem(line)
        if problem is not None:
            return index, problem
    return None


def _few_brackets(block: bytes) -> bool:
    """Whether no line of the block has more than ``MAX_DEPTH`` brackets at all (inside strings
    or not): such a line cannot nest deeper. One pass at C speed keeps only brackets and line
    ends; a report's line has a few dozen, so ``_shallow``'s passes are rarely needed."""
    marks = block.translate(None, _NOT_BRACKET_OR_LINE)
    return max(map(len, marks.split(b"\n"))) <= MAX_DEPTH


def _shallow(block: bytes) -> bool:
    """Whether the brackets outside strings (each line apart) close within ``MAX_DEPTH`` levels.

    Escapes go first (an escaped backslash, then an escaped quote: what is left of an escape
    is deleted with every byte but brackets, quotes and newlines), then the strings (every
    other piece between quotes: a line of JSON starts outside one); each pass then takes the
    innermost pairs away, one level a pass. Anything left over (text that is not JSON) is not
    cleared: the caller reads it line by line.
    """
    if b"\\" in block:
        block = block.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = block.translate(_BRACKETS, _NOT_STRUCTURE)
    if b'"' in marks:
        marks = b"".join(marks.split(b'"')[::2])
    for _ in range(MAX_DEPTH):
        if b"[" not in marks and b"]" not in marks:
            return True
        fewer = marks.replace(b"[]", b"")
        if len(fewer) == len(marks):
            return False
        marks = fewer
    return b"[" not in marks and b"]" not in marks


def load_json(path: Path, limit: int) -> object:
    """A small JSON file (at most ``limit`` bytes) decoded within bounds; ``Refused`` otherwise."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{path}: larger than {limit:,} bytes")
    try:
        value, problem = decode_json(data)
    except msgspec.DecodeError as exc:
        raise Refused(f"{path}: not JSON ({exc})") from None
    if problem is not None:
        raise Refused(f"{path}: {problem}")
    return value
