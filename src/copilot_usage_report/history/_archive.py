"""The report folders of an archive, as the gate admits them: ``_archive``'s ``scan``, here under
the names the history's modules use."""

from __future__ import annotations

from .._archive import ArchiveFile, ArchiveFolder, Scan, SkippedFolder, has_manifest, scan

__all__ = ["ArchiveFile", "ArchiveFolder", "Scan", "SkippedFolder", "has_manifest", "scan"]
