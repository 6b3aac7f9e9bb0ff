"""The gate where a report folder enters a history: every reader of an archive goes through it.

API (what ``history`` and, next, the warehouse use; ``folders.scan`` applies ``admit`` to every
folder holding a ``manifest.json`` under some trees, and is the usual way in):

- ``admit(folder, trusted=None, today=None) -> ArchiveFolder | Refusal``: the folder
  holding a ``manifest.json``, admitted with its verified files, or refused with one reason
  naming the folder. Admitted means: the manifest is a regular file of at most 4 MiB, JSON
  within bounds (``bounded``: no integer beyond ``MAX_INTEGER``, no nesting beyond
  ``MAX_DEPTH``), naming a scope, a report kind and a day that is a date between
  ``EARLIEST_DAY`` and tomorrow (and the folder's own name, when that is a day; a seat list's
  ``taken_at`` a moment of that day), and
  listing each file once by a plain name (a name listed twice, or not plain, makes the
  manifest count as absent, as ``docs/archive.md`` says); every listed file is a regular
  file in the folder (``lstat``: no link, FIFO, device or folder) with the size and SHA-256
  the manifest records (``trusted(file)`` may say a file is known unchanged, to skip the hash).
- ``records(file)`` (``ArchiveFile.records``) yields a file's report records as they are read,
  each checked: integers and depth as above, and a record's ``day``, when it has one, a date
  inside the report's window (the folder's day; the 28 days ending there for a 28-day
  report). The first record that fails raises ``Refused``; a reader collects a folder's rows
  before using any, so a refused folder leaves nothing behind.
- ``lines(file)`` yields the raw NDJSON lines of a file, each checked the same way except the
  day (the seat list has none); ``refusal_of(folder)`` reads a whole admitted folder and says
  why it is refused, or ``None`` (what the history branch checks before copying a folder).

The refusal is one line naming the folder; the caller warns once with it and goes on.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from .._errors import visible
from .bounded import Refused, load_json, open_regular
from .reading import read_lines, read_records

__all__ = [
    "EARLIEST_DAY",
    "ArchiveFile",
    "ArchiveFolder",
    "Refusal",
    "admit",
    "refusal_of",
]

MANIFEST = "manifest.json"
#: The largest manifest read: a day folder lists a handful of files.
MANIFEST_LIMIT = 4 * 1024 * 1024
#: The largest decompressed size checked against a manifest's hash of a ``.gz`` file.
_GZIP_LIMIT = 2 * 1024 * 1024 * 1024
#: No Copilot report is older (GitHub's metrics began years later): an earlier day is no report's.
EARLIEST_DAY = date(2020, 1, 1)
_KINDS = {"organization": "orgs", "org": "orgs", "enterprise": "enterprises"}
#: A plain name: of a file, a report kind, an organization or an enterprise.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """One verified report file: where it is, and what identifies it in the archive.

    ``identity`` (scope, report, day folder, name) names the file the same way
    whatever tree it was found in; ``file`` is that identity as a relative path.
    """

    scope: str  # "orgs/<org>" or "enterprises/<slug>", lower-cased
    report: str
    folder_day: date
    name: str
    sha256: str
    size: int
    path: Path
    mtime_ns: int

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return (self.scope, self.report, self.folder_day.isoformat(), self.name)

    @property
    def file(self) -> str:
        return f"{self.scope}/{self.report}/{self.folder_day.isoformat()}/{self.name}"

    @property
    def first_day(self) -> date:
        """The first day a record of this file may be (its report's window)."""
        return self.folder_day - timedelta(days=27 if self.report.endswith("-28-day") else 0)

    def records(self) -> Iterator[Record]:
        """Every record of the file, each checked as it is read; raises ``Refused``."""
        return read_records(self.path, self.first_day, self.folder_day)

    def lines(self) -> Iterator[bytes]:
        """Every non-blank line of the file, each checked as it is read; raises ``Refused``."""
        return read_lines(self.path)


@dataclass(frozen=True, slots=True)
class ArchiveFolder:
    """One report (scope, report kind, day) with every file its manifest lists, all verified."""

    scope: str
    report: str
    folder_day: date
    path: Path
    files: tuple[ArchiveFile, ...]  # by name
    manifest: Any = None  # the manifest's JSON object

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.scope, self.report, self.folder_day.isoformat())

    @property
    def folder(self) -> str:
        return f"{self.scope}/{self.report}/{self.folder_day.isoformat()}"

    @property
    def content(self) -> frozenset[tuple[str, str]]:
        return frozenset((f.name, f.sha256) for f in self.files)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A folder not admitted, and why, in one line naming it; ``identity`` (scope, report, day)
    when the manifest said whose report it is."""

    path: Path
    reason: str
    identity: tuple[str, str, date] | None = None


#: ``trusted(file) -> bool``: True when the file is known unchanged (no need to hash it again).
Trusted = Callable[[ArchiveFile], bool]


def admit(
    folder: Path, *, trusted: Trusted | None = None, today: date | None = None
) -> ArchiveFolder | Refusal:
    """The folder with its verified files, or why it is refused (see the module's docstring)."""
    manifest_path = folder / MANIFEST
    if folder.is_symlink():
        return Refusal(folder, f"{folder}: a symbolic link, not a report folder; not followed")
    try:
        manifest: Any = load_json(manifest_path, MANIFEST_LIMIT)
        scope, report, day = _identity(manifest, today)
        if _DAY.fullmatch(folder.name) and folder.name != day.isoformat():
            raise Refused(f"it names the day {day}, but its folder is {folder.name}")
        _check_taken(manifest.get("taken_at"), day)
        entries = _entries(manifest)
    except (Refused, ValueError) as exc:
        return Refusal(folder, f"{manifest_path}: not a manifest we can use ({_short(exc)})")
    problems: list[str] = []
    files: list[ArchiveFile] = []
    for name, size, sha256 in entries:
        path = folder / name
        try:
            with open_regular(path) as handle:
                info = os.fstat(handle.fileno())
                item = ArchiveFile(scope, report, day, name, sha256, size, path, info.st_mtime_ns)
                if not (trusted is not None and trusted(item)):
                    problem = _verify(item, handle)
                    if problem is not None:
                        problems.append(f"{path} does not match its manifest: {problem}")
                        continue
        except Refused as exc:
            problems.append(str(exc))
            continue
        files.append(item)
    if problems:
        reason = (
            f"{folder}: the whole report is skipped, not half-used, because {'; '.join(problems)}"
        )
        return Refusal(folder, reason, (scope, report, day))
    ordered = tuple(sorted(files, key=lambda f: f.name))
    return ArchiveFolder(scope, report, day, folder, ordered, manifest)


def refusal_of(folder: ArchiveFolder) -> str | None:
    """``None`` when every record of every file of the admitted folder passes the gate; else
    the reason, naming the file at fault (reads every file whole)."""
    try:
        for item in folder.files:
            for _ in item.records():
                pass
    except Refused as exc:
        return str(exc)
    return None


def _shown(value: object) -> str:
    """A name that failed, quoted and shown as data: control characters escaped, cut short."""
    return "'" + visible(str(value)[:60]) + "'"


def _short(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _identity(manifest: object, today: date | None) -> tuple[str, str, date]:
    """Scope, report kind and day of a manifest, in today's form or the older one."""
    if not isinstance(manifest, dict):
        raise Refused("not a JSON object")
    report = str(manifest.get("report") or manifest.get("report_kind") or "")
    if not _NAME.fullmatch(report):
        raise Refused(f"its report kind {_shown(report)} is not a plain name")
    text = manifest.get("day") or manifest.get("report_day")
    try:
        day = date.fromisoformat(text) if isinstance(text, str) and _DAY.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise Refused(f"its day {_shown(text)} is not a date (YYYY-MM-DD)")
    latest = (today or datetime.now(UTC).date()) + timedelta(days=1)
    if not EARLIEST_DAY <= day <= latest:
        raise Refused(f"its day {day} is not between {EARLIEST_DAY} and {latest}: no report's day")
    scope = manifest.get("scope")
    if isinstance(scope, dict):
        kind, name = str(scope.get("kind", "")), scope.get("name", "")
    elif manifest.get("enterprise"):
        kind, name = "enterprise", manifest["enterprise"]
    elif manifest.get("org"):
        # The first layout wrote an enterprise's slug as "org" too; its report kind tells.
        kind = "enterprise" if report.startswith("enterprise-") else "organization"
        name = manifest["org"]
    else:
        raise Refused("no organization or enterprise")
    prefix = _KINDS.get(kind.lower())
    if prefix is None or not isinstance(name, str) or not _NAME.fullmatch(name.strip()):
        raise Refused(
            f"its scope {_shown(kind)} {_shown(name)} is not an organization or enterprise by a "
            "plain name"
        )
    return f"{prefix}/{name.strip().lower()}", report, day


def _check_taken(taken: object, day: date) -> None:
    """A seat list's ``taken_at``, when there is one, is a moment of its day (UTC, give or take
    a day): a snapshot is taken on the day it is filed under."""
    if taken is None:
        return
    try:
        moment = datetime.fromisoformat(str(taken).replace("Z", "+00:00"))
        when = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    except (ValueError, OverflowError):
        when = None
    if when is None or abs((when - day).days) > 1:
        raise Refused(f"its taken_at {str(taken)[:40]!r} is not a moment of its day {day}")


def _entries(manifest: Any) -> list[tuple[str, int, str]]:
    """(name, size, sha256) of each listed file; a name listed twice or not plain refuses."""
    entries = manifest.get("files")
    if not isinstance(entries, list):
        raise Refused("'files' is not a list")
    seen: set[str] = set()
    result = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise Refused("a file entry is not an object")
        name, size, sha256 = entry.get("name"), entry.get("size"), entry.get("sha256")
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name == MANIFEST:
            raise Refused(f"a listed file name {_shown(name)} is not a plain name")
        if name.lower() in seen:
            raise Refused(f"it lists {name} twice")
        seen.add(name.lower())
        if not isinstance(size, int) or size < 0 or not isinstance(sha256, str):
            raise Refused(f"the entry of {name} has no size and sha256")
        result.append((name, size, sha256.lower()))
    return result


def _verify(item: ArchiveFile, handle: IO[bytes]) -> str | None:
    """``None`` when the open file is what its manifest says, else the reason it is not.

    A ``.gz`` file matches when either its own bytes or its decompressed bytes do
    (a manifest may record either, or both).
    """
    try:
        size, digest = _measure(handle)
        if size == item.size and digest == item.sha256:
            return None
        if item.name.endswith(".gz"):
            handle.seek(0)
            with gzip.GzipFile(fileobj=handle, mode="rb") as inflated:
                size_raw, digest_raw = _measure(inflated, _GZIP_LIMIT)
            if size_raw == item.size and digest_raw == item.sha256:
                return None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return f"unreadable ({getattr(exc, 'strerror', None) or exc})"
    if size != item.size:
        return f"size {size} bytes, but its manifest says {item.size}"
    return "SHA-256 differs from its manifest's (the file changed or is corrupt)"


def _measure(handle: IO[bytes] | gzip.GzipFile, limit: int | None = None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            return size, ""
    return size, digest.hexdigest()
