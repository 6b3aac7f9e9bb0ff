"""Report records: which files hold them, and how a file holds them.

A record is recognised by what it contains, never by its wrapper or its file's
name: a file may be NDJSON (one record, or one wrapper, per line), one JSON
document, or a JSON array, and any of those may wrap records in ``day_totals``
(GitHub's 28-day and enterprise layouts). What each record is (its grain) is
``grains.grain_of``'s decision, the one classifier.

Records are handed on as the dicts JSON gives; pydantic models (``record_models``,
loaded only then) write the error message of a record whose used field has the wrong
type (``record_error``), so every such message reads the same.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Final, TypeAlias

import msgspec

from .._core import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, TOO_DEEP, Grain, kind_named, report_grain
from .._errors import InputError, ReportFormatError

__all__ = [
    "MAX_LINE_BYTES",
    "RecordError",
    "decode_value",
    "parse_document",
    "parse_line",
    "read_records",
    "record_error",
    "report_files",
    "require_report_files",
    "unwrap",
]

#: NDJSON after its first line is read this many bytes at a time (``read_records(blocks=True)``).
_BLOCK_BYTES: Final = 256 * 1024
#: File name endings taken as report files when a folder has no manifest.
REPORT_SUFFIXES: Final = (".ndjson", ".jsonl", ".json")

Record: TypeAlias = dict[str, Any]

_decode: Final = msgspec.json.Decoder().decode
#: One JSON value by msgspec alone (its ``DecodeError`` where the standard library may differ).
decode_value: Final = _decode


def unwrap(value: object) -> Iterator[object]:
    """The records inside one JSON value: itself, its array's items, its ``day_totals``' items.

    Arrays and wrappers may nest (GitHub's example schema is an array of
    wrappers); whatever is inside is yielded as found, for ``grain_of`` to judge.
    """
    if isinstance(value, list):
        for item in value:
            yield from unwrap(item)
    elif isinstance(value, dict) and isinstance(value.get("day_totals"), list):
        for item in value["day_totals"]:
            yield from unwrap(item)
    else:
        yield value


class RecordError(Exception):
    """A record's used field has the wrong type; the reader adds file and line."""

    def __init__(self, record: Record, kind: Grain) -> None:
        super().__init__(kind)
        self.record = record
        self.kind = kind


def record_error(error: RecordError, path: Path | str, where: str) -> ReportFormatError:
    """The one-line error of a record whose used field has the wrong type: file, place, field.

    The grain's model names the field; never the value (it may be a login).
    """
    from pydantic import ValidationError  # only here: the fetch path never loads pydantic's

    from .record_models import MODELS

    try:
        # JSON mode: strict types, as the report's JSON has them (a date is a string there)
        MODELS[error.kind].model_validate_json(json.dumps(error.record))
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        loc = first["loc"]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        detail = f"field {field or 'record'}: {first['msg']}{more}"
    else:  # the tally is stricter than the model somewhere: still one clear line
        detail = "a field has a value of the wrong type"
    return ReportFormatError(
        f"{path}, {where}: {detail}; the record is not in the shape GitHub documents, so it "
        "cannot be summarised."
    )


# --- Reading files ----------------------------------------------------------------------------


def report_files(paths: Iterable[Path]) -> list[Path]:
    """The report files named by ``paths`` (files, or folders searched recursively), in order.

    A folder holding a ``manifest.json`` contributes the files its manifest
    lists (none for a repos report); any other folder its ``.ndjson``,
    ``.jsonl`` and ``.json`` files (never the manifest, hidden files or this
    tool's CSVs). Each file appears once. A path that does not exist is an
    ``InputError``.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_file():
            found[path] = None
        elif path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in _report_names(Path(folder), sorted(names)):
                    if (Path(folder) / name).is_file():  # never a FIFO or device: no hang
                        found[Path(folder) / name] = None
        else:
            raise InputError(f"{path} does not exist: name report files or folders holding them.")
    return list(found)


def require_report_files(paths: Iterable[Path]) -> list[Path]:
    """``report_files``, refusing (``InputError``) paths that hold no report file at all."""
    given = list(paths)
    files = report_files(given)
    if not files:
        shown = ", ".join(str(p) for p in given[:3]) or "(no path)"
        raise InputError(
            f"no report file (.ndjson, .jsonl or .json) found in {shown}: name the files or "
            "the folder a fetch saved them in."
        )
    return files


def _report_names(folder: Path, names: Sequence[str]) -> list[str]:
    # Only here: decoding records (a fetch's worker) never loads the archive's models.
    from .._archive import MANIFEST_NAME, read_manifest

    manifest = read_manifest(folder) if MANIFEST_NAME in names else None
    if manifest is not None:
        kind = kind_named(manifest.report)
        if report_grain(manifest.report) == "repos" or (kind is not None and not kind.summarised):
            # per-repository rows, a seat list, a billing answer: no usage record to read (the
            # fetch leaves them out of its summary the same way, by the registry's row)
            return []
        present = set(names)
        return [f.name for f in manifest.files if f.name in present]
    return [
        name
        for name in names
        if name.lower().endswith(REPORT_SUFFIXES)
        and name not in (MANIFEST_NAME, "index.json", "metrics.json")
        and not name.startswith(".")
    ]


def _too_long(path: Path) -> ReportFormatError:
    return ReportFormatError(
        f"{path} has a line longer than {MAX_LINE_BYTES // 2**20} MiB, which no report "
        "record is; the file is not a Copilot usage report."
    )


def _lines(handle: IO[bytes], path: Path) -> Iterator[bytes]:
    """The lines of a file, one at a time; a longer line than ``MAX_LINE_BYTES`` is refused."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise _too_long(path)
        yield line


def _block_lines(head: list[bytes], block: bytes, end: int) -> list[bytes] | list[memoryview]:
    """The lines of ``head`` and ``block[:end]`` (``end`` a newline's index in ``block``): views
    into the block when all is ASCII (no copy; msgspec reads a view as it reads bytes), else
    copies. ``head`` (the pieces of a line begun in earlier blocks) is joined to the first line
    alone, once."""
    start = 0
    first: list[bytes] = []
    if head:
        start = block.find(b"\n") + 1
        first.append(b"".join((*head, block[: start - 1])))
    if not (block.isascii() and (not head or first[0].isascii())):
        return first + (block[start:end].split(b"\n") if start <= end else [])
    view = memoryview(block)
    lines: list[memoryview] = [memoryview(line) for line in first]
    append, find = lines.append, block.find
    while start <= end:
        stop = find(b"\n", start, end + 1)
        append(view[start:stop])
        start = stop + 1
    return lines


def _line_blocks(handle: IO[bytes], path: Path) -> Iterator[list[bytes] | list[memoryview]]:
    """The rest of a file's lines (without their newline), a block of ``_BLOCK_BYTES`` at a time.

    The lines are those ``_lines`` gives, refused at the same line: a line longer than
    ``MAX_LINE_BYTES`` (newline included) is an error once every line before it has been
    delivered. A block that is all ASCII comes as memoryviews of it (``_block_lines``), any
    other as bytes. Memory holds one block and at most one such line, however large the file.
    """
    head: list[bytes] = []  # the start of a line that goes on in the next block
    size = 0
    while block := handle.read(_BLOCK_BYTES):
        end = block.rfind(b"\n")
        if end >= 0:
            lines = _block_lines(head, block, end)
            head, size = [], 0
            if max(map(len, lines)) >= MAX_LINE_BYTES:
                cut = next(i for i, line in enumerate(lines) if len(line) >= MAX_LINE_BYTES)
                if cut:
                    yield lines[:cut]
                raise _too_long(path)
            yield lines
            block = block[end + 1 :]
        if block:
            head.append(block)
            size += len(block)
            if size > MAX_LINE_BYTES:
                raise _too_long(path)
    if head:
        yield [b"".join(head)]


def parse_line(raw: bytes) -> object:
    """One NDJSON line as a JSON value (msgspec first, the standard library for the rest).

    Raises ``ValueError`` (or ``RecursionError``) for a line that is not one JSON value.
    """
    try:
        return _decode(raw)
    except (msgspec.DecodeError, RecursionError):
        return json.loads(raw)  # big integers, or the error that stands


def read_records(path: Path, *, blocks: bool = False) -> Iterator[tuple[str, object]]:
    """Every JSON value of one file, with where it is (``line N`` or ``its JSON document``).

    NDJSON is read one line at a time; a file whose first non-blank line is
    not a JSON value on its own is one JSON document (pretty-printed), read
    whole only up to ``MAX_DOCUMENT_BYTES``. Values are yielded as parsed, for
    ``unwrap`` and ``grain_of``. A damaged line after good ones is a
    ``ReportFormatError`` naming file and line. With ``blocks``, an NDJSON file's first
    record comes parsed and the rest as lists of raw lines (without their newline, blank
    lines too), a block of about 256 KiB at a time, for ``FileTally.add_lines`` to parse:
    ``bytes``, or ``memoryview`` slices of a block that is all ASCII.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}.") from None
    with handle:
        line_no = 0
        started = False
        for raw in _lines(handle, path):
            line_no += 1
            if not raw.strip():
                continue
            try:
                value = parse_line(raw)
            except (ValueError, RecursionError):
                if not started:
                    yield from _document(path, os.fstat(handle.fileno()).st_size)
                    return
                raise ReportFormatError(
                    f"{path}, line {line_no}: not a JSON record, though the lines before it "
                    "are: the file is damaged or cut off."
                ) from None
            started = True
            yield f"line {line_no}", value
            if blocks:
                for lines in _line_blocks(handle, path):
                    yield f"line {line_no + 1}", lines
                    line_no += len(lines)
                return


def _document(path: Path, size: int) -> Iterator[tuple[str, object]]:
    """The value of a file that is one JSON document (possibly spread over many lines)."""
    if size > MAX_DOCUMENT_BYTES:
        raise ReportFormatError(
            f"{path} is not NDJSON and, at {size} bytes, too large to read as one JSON document."
        )
    yield "its JSON document", parse_document(path, path.read_bytes())


def parse_document(path: Path | str, data: bytes) -> object:
    """The value of a file that is one JSON document, parsed by the standard library (which
    reads NaN, a byte-order mark, big integers); ``ReportFormatError`` naming ``path``."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(
            f"{path} is neither NDJSON nor one JSON document (line {exc.lineno}: {exc.msg})."
        ) from None
    except ValueError:
        raise ReportFormatError(f"{path} is not UTF-8 JSON.") from None
    except RecursionError:
        raise ReportFormatError(f"{path}: {TOO_DEEP}") from None
