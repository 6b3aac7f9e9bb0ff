"""Finding the report folders of an archive, each admitted by the gate (``gate.admit``).

``scan(trees, trusted=None) -> Scan``: every admitted folder under the trees (one found in
several trees kept once), and one line per folder refused; what ``history`` reads, and
what any other reader of an archive (the warehouse) should read.

A report folder (``<scope>/<report>/<day>/``) is any folder holding a
``manifest.json``, at any depth under a tree the user names, so a fetch output,
one downloaded artifact or many merged ones all read the same. The folder is the
unit: GitHub splits a large report over several files, and every file the
manifest lists is part of it. A folder is used only when the gate admits it (every
file it lists a regular file there with the size and SHA-256 its manifest records,
the manifest within bounds); otherwise it is skipped whole, with one reason naming
its folder, never half-read. Its records pass the gate again as they are read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .gate import ArchiveFile, ArchiveFolder, Refusal, Trusted, admit

__all__ = ["Scan", "SkippedFolder", "has_manifest", "scan"]

MANIFEST_NAME = "manifest.json"


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
    #: How many ``manifest.json`` files the trees hold, used or not.
    manifests: int = 0

    @property
    def files(self) -> tuple[ArchiveFile, ...]:
        return tuple(f for folder in self.folders for f in folder.files)


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
    manifests = 0
    for tree in trees:
        if not tree.exists():
            skipped.append(f"{tree}: no such file or folder")
            continue
        for manifest_path in _manifests(tree):
            manifests += 1
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
    return Scan(folders, tuple(skipped), lost, manifests)


def has_manifest(trees: Sequence[Path]) -> bool:
    """Whether any tree holds a ``manifest.json`` (a report folder, used or not)."""
    return any(next(iter(_manifests(tree)), None) is not None for tree in trees)


def _manifests(tree: Path) -> Iterator[Path]:
    if tree.is_file():
        if tree.name == MANIFEST_NAME:
            yield tree
        return
    for folder, dirs, names in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if MANIFEST_NAME in names:
            yield Path(folder) / MANIFEST_NAME


def _folder(
    manifest_path: Path,
    skipped: list[str],
    bad: dict[tuple[str, str, str], SkippedFolder],
    trusted: Trusted | None,
) -> ArchiveFolder | None:
    """The folder when the gate admits it and it lists a file, else ``None`` (and why)."""
    item = admit(manifest_path.parent, trusted=trusted)
    if isinstance(item, Refusal):
        skipped.append(item.reason)
        if item.identity is not None:
            scope, report, day = item.identity
            bad.setdefault(
                (scope, report, day.isoformat()), SkippedFolder(scope, report, day, item.reason)
            )
        return None
    return item if item.files else None
