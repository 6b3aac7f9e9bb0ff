"""Which report folders go into the dataset: the one place a folder is admitted.

``admit(folder)`` takes a folder only when its manifest reads, names the scope,
report and day its path does, and lists regular files (no link, no device) whose
size and SHA-256 are what it records; every file of the report, or none. The
archive's own gate (in ``_archive``) may take this function's place: nothing else
here looks at a manifest.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .._archive import MANIFEST_NAME, SCOPE_FOLDERS, read_manifest, sha256_of

__all__ = ["Admitted", "AdmittedFile", "Refused", "admit", "claimed", "report_folders"]


@dataclass(frozen=True, slots=True)
class AdmittedFile:
    """One file of an admitted report: its name, where it is, and what it is."""

    name: str
    path: Path
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Admitted:
    """A report folder whose every file checks out against its manifest."""

    scope_kind: str  # "org" or "enterprise"
    scope_name: str
    report: str
    day: date
    files: tuple[AdmittedFile, ...]  # by name

    @property
    def folder(self) -> str:
        """The folder as the archive names it: ``orgs/<org>/<report>/<day>``."""
        top = SCOPE_FOLDERS[0] if self.scope_kind == "org" else SCOPE_FOLDERS[1]
        return f"{top}/{self.scope_name}/{self.report}/{self.day.isoformat()}"

    @property
    def scope(self) -> str:
        """The dataset's ``scope`` partition value: ``org-<login>`` or ``enterprise-<slug>``."""
        return f"{self.scope_kind}-{self.scope_name}"

    def source(self) -> dict[str, object]:
        """What a partition records of where it came from."""
        return {
            "folder": self.folder,
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in self.files],
        }


@dataclass(frozen=True, slots=True)
class Refused:
    """A report folder left out, and why (one line)."""

    folder: Path
    reason: str


def report_folders(archive: Path) -> Iterator[Path]:
    """Every ``<orgs|enterprises>/<name>/<report>/<day>/`` folder holding a manifest, in order.

    Only that depth is looked at, and no hidden folder."""
    for top in SCOPE_FOLDERS:
        for scope in _subfolders(archive / top):
            for report in _subfolders(scope):
                for day in _subfolders(report):
                    if (day / MANIFEST_NAME).exists():
                        yield day


def _subfolders(folder: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    return [
        Path(e.path)
        for e in entries
        if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
    ]


def claimed(folder: Path) -> Admitted | None:
    """What the folder's manifest claims, reading no report file, only its size: a partition
    already written from it (verified then) need not be read again, and a new one may be read
    while ``admit`` checks the files, renamed in only when it admits them. ``None`` when the
    manifest is unreadable or a listed file is not a regular file of the listed size."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.scope is None or not manifest.files:
        return None
    for entry in manifest.files:
        try:
            info = (folder / entry.name).lstat()
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode) or info.st_size != entry.size:
            return None
    files = tuple(
        AdmittedFile(e.name, folder / e.name, e.size, e.sha256.lower())
        for e in sorted(manifest.files, key=lambda e: e.name)
    )
    claim = Admitted(
        manifest.scope.kind, manifest.scope.name, manifest.report, manifest.report_day, files
    )
    return claim if claim.folder.endswith(_tail(folder)) else None


def _tail(folder: Path) -> str:
    return "/".join(p.name for p in (folder.parents[2], folder.parents[1], folder.parent, folder))


def admit(folder: Path) -> Admitted | Refused:
    """The folder's report when its manifest checks out, else why it is left out."""
    manifest = read_manifest(folder)
    if manifest is None:
        return Refused(folder, "its manifest.json is missing, unreadable or names an unsafe file")
    if manifest.scope is None:
        return Refused(folder, "its manifest is of version 1 (no scope): fetch the day again")
    top = SCOPE_FOLDERS[0] if manifest.scope.kind == "org" else SCOPE_FOLDERS[1]
    expected = (top, manifest.scope.name, manifest.report, manifest.report_day.isoformat())
    found = (folder.parents[2].name, folder.parents[1].name, folder.parent.name, folder.name)
    if found != expected:
        return Refused(
            folder,
            f"its manifest says {'/'.join(expected)}, not the folder it is in",
        )
    if not manifest.files:
        return Refused(folder, "its manifest lists no file")
    files = []
    for entry in sorted(manifest.files, key=lambda e: e.name):
        path = folder / entry.name
        problem = _check(path, entry.size, entry.sha256.lower())
        if problem:
            return Refused(folder, f"{entry.name} {problem}")
        files.append(AdmittedFile(entry.name, path, entry.size, entry.sha256.lower()))
    return Admitted(
        manifest.scope.kind, manifest.scope.name, manifest.report, manifest.report_day, tuple(files)
    )


def _check(path: Path, size: int, sha256: str) -> str | None:
    """``None`` when ``path`` is a regular file of that size and SHA-256, else what it is not."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if info.st_size != size:
        return f"has {info.st_size} bytes, but its manifest says {size}"
    try:
        digest = sha256_of(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    if digest != sha256:
        return "differs from its manifest's SHA-256 (changed or corrupt)"
    return None
