"""Which report folders go into the dataset: the one place a folder is admitted.

``admit(folder)`` takes a folder only when its manifest reads, names the scope,
report and day its path does, and lists regular files (no link, no device) whose
size and SHA-256 are what it records; every file of the report, or none. It asks
the archive's gate (``_archive.admit``), which the history asks too: one set of
rules for what enters either. ``claimed`` reads only the manifest and sizes, to
tell an unchanged folder cheaply.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .._archive import MANIFEST_NAME, SCOPE_FOLDERS, Refusal, read_manifest
from .._archive import admit as archive_admit

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
    """The folder's report when the archive's gate admits it (``_archive.admit``: the manifest's
    rules, plain names, a day of its folder, regular files of their size and SHA-256, the same
    gate the history goes through), and it is where its manifest says; else why it is left out."""
    verdict = archive_admit(folder)
    if isinstance(verdict, Refusal):
        return Refused(folder, verdict.reason)
    top, _, name = verdict.scope.partition("/")
    kind = "org" if top == SCOPE_FOLDERS[0] else "enterprise"
    expected = (top, name, verdict.report, verdict.folder_day.isoformat())
    found = (folder.parents[2].name, folder.parents[1].name, folder.parent.name, folder.name)
    if found != expected:
        return Refused(folder, f"its manifest says {'/'.join(expected)}, not the folder it is in")
    if not verdict.files:
        return Refused(folder, "its manifest lists no file")
    files = tuple(
        AdmittedFile(f.name, f.path, f.size, f.sha256.lower())
        for f in sorted(verdict.files, key=lambda f: f.name)
    )
    return Admitted(kind, name, verdict.report, verdict.folder_day, files)
