"""What an earlier run left in a day folder: whose data it is, and which files are still whole.

A folder is reused only when its manifest names the same scope, report, day and
API origin as the run asking; anything else is an ``OutputError`` naming both,
never a silent reuse. Within a matching folder a file is kept only when its size
and SHA-256 still match the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from datetime import date
from pathlib import Path

from .._archive import Manifest, ManifestScope, read_manifest, sha256_of
from .._errors import OutputError
from .._transfer import Download, SavedFile
from .results import FetchResult

__all__ = ["check_identity", "resume", "reusable", "succeeded"]


def check_identity(
    folder: Path, manifest: Manifest, scope: ManifestScope, report: str, day: date, origin: str
) -> None:
    """Return when the manifest names this scope, report, day and origin; else raise.

    A version 1 manifest (no scope, no origin) never matches: the older layout is
    read by ``summarize`` only.
    """
    if (
        manifest.scope == scope
        and manifest.report == report
        and manifest.report_day == day
        and manifest.api_origin == origin
    ):
        return
    wanted = f"{report} of {scope.describe()} for {day} from {origin}"
    raise OutputError(
        f"{folder} holds {manifest.describe()} (says its manifest.json), but this run saves "
        f"{wanted}; a folder is reused only when scope, report, day and API all match. Give "
        "this run another output folder (the path input or --output-dir), or move that "
        "folder away."
    )


def succeeded(future: Future[SavedFile]) -> bool:
    """Whether a download finished with a verified file (not cancelled, not failed)."""
    return future.done() and not future.cancelled() and future.exception() is None


def reusable(
    folder: Path, manifest: Manifest | None, items: Sequence[Download]
) -> tuple[dict[str, SavedFile], list[Download]]:
    """Split items into files an earlier run completed (same size and SHA-256) and the rest."""
    reused: dict[str, SavedFile] = {}
    todo: list[Download] = []
    for item in items:
        entry = manifest.entry(item.name) if manifest else None
        path = folder / item.name
        try:
            intact = (
                entry is not None
                and path.is_file()
                and path.stat().st_size == entry.size
                and sha256_of(path) == entry.sha256
            )
        except OSError:  # unreadable: fetched again, and replaced if the folder allows
            intact = False
        if intact and entry is not None:
            reused[item.name] = SavedFile(
                name=item.name,
                path=path,
                size=entry.size,
                sha256=entry.sha256,
                records=entry.records or 0,
                reused=True,
            )
        else:
            todo.append(item)
    return reused, todo


def resume(
    folder: Path, name: str, scope: ManifestScope, report: str, day: date, origin: str
) -> FetchResult | None:
    """The day's result from disk when its folder is complete and this run's, else ``None``.

    A folder whose manifest names another scope, report, day or API is an error.
    """
    manifest = read_manifest(folder)
    if manifest is None:
        return None
    check_identity(folder, manifest, scope, report, day, origin)
    if not manifest.files:
        return None
    items = [Download(url="", name=f.name) for f in manifest.files]
    reused, todo = reusable(folder, manifest, items)
    if todo:
        return None
    return FetchResult(
        org=name,
        report=report,
        report_day=manifest.report_day,
        download_links=(),
        folder=folder,
        files=tuple(reused[item.name] for item in items),
        days_tried=(day,),
        report_start_day=manifest.report_start_day,
        resumed=True,
    )
