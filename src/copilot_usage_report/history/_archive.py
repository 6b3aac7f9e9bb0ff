"""Finding and verifying the report folders of an archive.

A report folder (``<scope>/<report>/<day>/``) is any folder holding a
``manifest.json``, at any depth under a tree the user names, so a fetch output,
one downloaded artifact or many merged ones all read the same. The folder is the
unit: GitHub splits a large report over several files, and every file the
manifest lists is part of it. A folder is used only when every file it lists is
there with the size and SHA-256 its manifest records; otherwise it is skipped
whole, with one reason naming its folder and each file at fault, never half-read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .._core import check_name
from .._errors import has_control

__all__ = ["ArchiveFile", "ArchiveFolder", "Scan", "SkippedFolder", "scan"]

MANIFEST_NAME = "manifest.json"
#: The largest manifest read: a day folder lists a handful of files.
_MANIFEST_LIMIT = 4 * 1024 * 1024
#: The largest decompressed size checked against a manifest's hash of a ``.gz`` file.
_GZIP_LIMIT = 2 * 1024 * 1024 * 1024
_KINDS = {"organization": "orgs", "org": "orgs", "enterprise": "enterprises"}


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


@dataclass(frozen=True, slots=True)
class ArchiveFolder:
    """One report (scope, report kind, day) with every file its manifest lists, all verified."""

    scope: str
    report: str
    folder_day: date
    path: Path
    files: tuple[ArchiveFile, ...]  # by name

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
class SkippedFolder:
    """A report folder not used at all, and why (one line naming each file at fault)."""

    scope: str
    report: str
    folder_day: date
    reason: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.scope, self.report, self.folder_day.isoformat())

    @property
    def folder(self) -> str:
        return f"{self.scope}/{self.report}/{self.folder_day.isoformat()}"


@dataclass(frozen=True, slots=True)
class Scan:
    """What the trees hold: the verified folders, in a stable order, and why others were skipped.

    ``skipped`` has one human-readable line per folder or file not used;
    ``skipped_folders`` the folders among them whose scope, report and day are known.
    """

    folders: tuple[ArchiveFolder, ...]
    skipped: tuple[str, ...]
    skipped_folders: tuple[SkippedFolder, ...] = ()

    @property
    def files(self) -> tuple[ArchiveFile, ...]:
        return tuple(f for folder in self.folders for f in folder.files)


#: ``trusted(file) -> bool``: True when the file is known unchanged (no need to hash it again).
Trusted = Callable[[ArchiveFile], bool]


def scan(trees: Sequence[Path], *, trusted: Trusted | None = None) -> Scan:
    """Every verified report folder under ``trees``; one found in several trees is kept once.

    Two copies of one folder (scope, report, day) with different files: a copy
    holding every file of the other and more (a re-run that completed the
    report) is kept; otherwise the first tree named wins, and the other copy is
    skipped with both paths named.
    """
    found: dict[tuple[str, str, str], ArchiveFolder] = {}
    skipped: list[str] = []
    bad: dict[tuple[str, str, str], SkippedFolder] = {}
    for tree in trees:
        if not tree.exists():
            skipped.append(f"{tree}: no such file or folder")
            continue
        for manifest_path in _manifests(tree):
            item = _folder(manifest_path, skipped, bad, trusted)
            if item is None:
                continue
            earlier = found.get(item.identity)
            if earlier is None or earlier.content < item.content:
                found[item.identity] = item
            elif not item.content <= earlier.content:
                skipped.append(
                    f"{item.path}: differs from {earlier.path}, which holds the same "
                    f"report ({item.folder}); kept the first, whole"
                )
    folders = tuple(sorted(found.values(), key=lambda f: f.identity))
    lost = tuple(v for k, v in sorted(bad.items()) if k not in found)
    return Scan(folders=folders, skipped=tuple(skipped), skipped_folders=lost)


def _manifests(tree: Path) -> Iterable[Path]:
    if tree.is_file():
        return [tree] if tree.name == MANIFEST_NAME else []
    paths = []
    for folder, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if MANIFEST_NAME in names:
            paths.append(Path(folder) / MANIFEST_NAME)
    return paths


def _folder(
    manifest_path: Path,
    skipped: list[str],
    bad: dict[tuple[str, str, str], SkippedFolder],
    trusted: Trusted | None,
) -> ArchiveFolder | None:
    """The folder when every file its manifest lists is there and matches, else ``None``."""
    folder = manifest_path.parent
    try:
        with manifest_path.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > _MANIFEST_LIMIT:
                raise ValueError("too large for a manifest")
            raw = handle.read(_MANIFEST_LIMIT)
        manifest = json.loads(raw)
        scope, report, day = _identity(manifest)
        entries = manifest["files"]
        if not isinstance(entries, list):
            raise ValueError("'files' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        skipped.append(f"{manifest_path}: not a manifest we can read ({_reason(exc)})")
        return None
    problems: list[str] = []
    files: dict[str, ArchiveFile] = {}
    for entry in entries:
        item = _entry(folder, entry, scope, report, day, problems)
        if item is None:
            continue
        if (trusted is not None and trusted(item)) or (problem := _verify(item)) is None:
            files[item.name] = item
        else:
            problems.append(f"{item.path}: {problem}")
    if problems:
        reason = (
            f"{folder}: the whole report is skipped, not half-used, because {'; '.join(problems)}"
        )
        skipped.append(reason)
        bad.setdefault((scope, report, day.isoformat()), SkippedFolder(scope, report, day, reason))
        return None
    if not files:
        return None
    ordered = tuple(files[name] for name in sorted(files))
    return ArchiveFolder(scope, report, day, folder, ordered)


def _identity(manifest: object) -> tuple[str, str, date]:
    """Scope, report kind and day of a manifest, in today's form or the older one."""
    if not isinstance(manifest, dict):
        raise ValueError("not a JSON object")
    report = check_name(str(manifest.get("report") or manifest.get("report_kind") or ""), "report")
    if not report or "/" in report or report.startswith("."):
        raise ValueError("no report kind")
    day = date.fromisoformat(
        check_name(str(manifest.get("day") or manifest.get("report_day")), "day")
    )
    scope = manifest.get("scope")
    if isinstance(scope, dict):
        kind, name = str(scope.get("kind", "")), str(scope.get("name", ""))
    elif manifest.get("enterprise"):
        kind, name = "enterprise", str(manifest["enterprise"])
    elif manifest.get("org"):
        # The first layout wrote an enterprise's slug as "org" too; its report kind tells.
        kind = "enterprise" if report.startswith("enterprise-") else "organization"
        name = str(manifest["org"])
    else:
        raise ValueError("no organization or enterprise")
    prefix = _KINDS.get(check_name(kind, "scope kind").lower())
    name = check_name(name, "scope").strip().lower()
    if prefix is None or not name or "/" in name or name.startswith("."):
        raise ValueError(f"scope {kind!r} {name!r} is not an organization or enterprise")
    return f"{prefix}/{name}", report, day


def _entry(
    folder: Path, entry: object, scope: str, report: str, day: date, problems: list[str]
) -> ArchiveFile | None:
    if not isinstance(entry, dict):
        problems.append(f"{folder / MANIFEST_NAME}: a file entry is not an object")
        return None
    name = entry.get("name")
    size, sha256 = entry.get("size"), entry.get("sha256")
    if (
        not isinstance(name, str)
        or name in ("", ".", "..", MANIFEST_NAME)
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or has_control(name)
    ):
        problems.append(f"{folder / MANIFEST_NAME}: file name {name!r} is not a plain name")
        return None
    if not isinstance(size, int) or not isinstance(sha256, str):
        problems.append(f"{folder / name}: its manifest entry has no size and sha256")
        return None
    path = folder / name
    try:
        stat = path.stat()
    except OSError as exc:
        problems.append(f"{path}: listed in its manifest but unreadable ({_reason(exc)})")
        return None
    return ArchiveFile(scope, report, day, name, sha256.lower(), size, path, stat.st_mtime_ns)


def _verify(item: ArchiveFile) -> str | None:
    """``None`` when the file is what its manifest says, else the reason it is not.

    A ``.gz`` file matches when either its own bytes or its decompressed bytes do
    (a manifest may record either, or both).
    """
    try:
        size, digest = _measure(item.path)
        if size == item.size and digest == item.sha256:
            return None
        if item.name.endswith(".gz"):
            size_raw, digest_raw = _measure_gzip(item.path)
            if size_raw == item.size and digest_raw == item.sha256:
                return None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return f"unreadable ({_reason(exc)})"
    if size != item.size:
        return f"size {size} bytes, but its manifest says {item.size}"
    return "SHA-256 differs from its manifest's (the file changed or is corrupt)"


def _measure(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _measure_gzip(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with gzip.open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            if size > _GZIP_LIMIT:
                return size, ""
    return size, digest.hexdigest()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
