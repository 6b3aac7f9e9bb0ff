"""What a run adds to the history branch: its verified day folders, ready to copy.

Invariants this module keeps:

- Only day folders in the archive layout (``orgs/<org>/<report>/<day>/`` or
  ``enterprises/<slug>/<report>/<day>/``) that the gate admits (``_archive.admit``:
  a manifest within bounds naming that scope, report and day, every file it lists a
  regular file there with its size and SHA-256) and whose every record passes it
  (``refusal_of``) are taken: any other is skipped and named, never committed.
- Per-user reports (``users-*``, and the seat lists) are taken only when asked for, gzip-compressed
  byte-for-byte reproducibly (no time stamp, no name in the header); their
  manifest entry then names the ``.gz`` file with its size and SHA-256 and
  keeps the original's under ``uncompressed``: both hashes are recorded.
- Per-repository reports (``repos-1-day``), which name private and internal repositories, are
  taken only with ``show-repositories``, as they are.
- No file larger than GitHub's per-file limit is ever staged: the run stops
  with one line naming it, before anything is sent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._archive import Refusal, admit, decode_json, refusal_of
from .._core import SEATS, report_grain
from .._errors import HistoryBranchError

__all__ = ["MAX_FILE_BYTES", "StagedDay", "content_of", "is_per_user", "stage_days"]

#: GitHub refuses a pushed file over 100 MiB.
MAX_FILE_BYTES = 100 * 1024 * 1024
MANIFEST = "manifest.json"
_SCOPE_KINDS = ("orgs", "enterprises")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def is_per_user(report: str) -> bool:
    """True for the reports with one record per user (``users-1-day``, ``users-28-day``…),
    and for the seat list (``copilot-seats``), which names every seated user too."""
    return report_grain(report) == "users" or report == SEATS


@dataclass(frozen=True)
class StagedDay:
    """One day folder as it will stand on the branch: ``files`` maps name to prepared source."""

    kind: str
    scope: str
    report: str
    day: str
    manifest: bytes
    files: tuple[tuple[str, Path], ...]

    @property
    def relative(self) -> Path:
        """``orgs/<org>/<report>/<day>`` (or ``enterprises/…``)."""
        return Path(self.kind, self.scope, self.report, self.day)


def content_of(manifest: bytes) -> frozenset[tuple[str, int, str]] | None:
    """What a manifest says the folder holds, as GitHub served it: (name, size, sha256) per file.

    A compressed file counts as its original (``uncompressed``), so the same day
    compressed by another zlib, or fetched again by another run or tool version
    (a manifest differing only in who wrote it), is the same content.
    """
    try:
        data: Any
        data, problem = decode_json(manifest)
        if problem is not None:
            return None
        return frozenset(
            (str(f["name"]), int(f["size"]), str(f["sha256"]))
            for f in (e.get("uncompressed") or e for e in data["files"])
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _day_folders(archive: Path) -> Iterator[tuple[str, str, str, str, Path]]:
    for kind in _SCOPE_KINDS:
        root = archive / kind
        if not root.is_dir() or root.is_symlink():  # never a tree outside the archive
            continue
        for folder in sorted(root.glob("*/*/*")):
            scope, report, day = folder.parts[-3:]
            if (
                folder.is_dir()
                and not any(p.is_symlink() for p in (folder, folder.parent, folder.parent.parent))
                and _DAY.fullmatch(day)
                and _NAME.fullmatch(scope)
                and _NAME.fullmatch(report)
            ):
                yield kind, scope, report, day, folder


def _compress(source: Path, target: Path) -> None:
    """gzip ``source`` into ``target`` reproducibly: same input, same bytes."""
    with (
        source.open("rb") as raw,
        target.open("wb") as out,
        gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz,
    ):
        shutil.copyfileobj(raw, gz, 1024 * 1024)


def _check_size(path: Path, shown: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise HistoryBranchError(
            f"{shown} would be {size:,} bytes on the history branch, over GitHub's "
            f"{limit:,}-byte limit for one file; nothing was pushed. Leave history-per-user "
            "off for this scope, or keep its per-user reports in the artifact only."
        )


def stage_days(
    archive: Path,
    scratch: Path,
    *,
    per_user: bool,
    max_file_bytes: int = MAX_FILE_BYTES,
    warn: Callable[[str], None] = lambda _: None,
    repositories: bool = False,
) -> list[StagedDay]:
    """The archive's verified day folders, with per-user files compressed into ``scratch``;
    per-repository reports only with ``repositories`` (``show-repositories``).

    Raises ``HistoryBranchError`` when a file would exceed ``max_file_bytes``.
    """
    staged: list[StagedDay] = []
    left_out: set[str] = set()
    repos_left_out = False
    for kind, scope, report, day, folder in _day_folders(archive):
        relative = Path(kind, scope, report, day)
        if is_per_user(report) and not per_user:
            left_out.add(report)
            continue
        if report_grain(report) == "repos" and not repositories:
            repos_left_out = True
            continue
        admitted = admit(folder)
        if isinstance(admitted, Refusal):
            warn(f"{admitted.reason}; the folder is not added to the history.")
            continue
        if (admitted.scope, admitted.report) != (f"{kind}/{scope.lower()}", report):
            warn(
                f"{relative}: its manifest names {admitted.folder}, not its own folder; the "
                "folder is not added to the history."
            )
            continue
        if not admitted.files:
            warn(f"{relative}: its manifest lists no file; it is not added to the history.")
            continue
        refused = refusal_of(admitted)
        if refused is not None:
            warn(f"{refused}; the folder {relative} is not added to the history.")
            continue
        manifest: dict[str, Any] = admitted.manifest
        files: list[tuple[str, Path]] = []
        if is_per_user(report):
            target_dir = scratch / relative
            target_dir.mkdir(parents=True, exist_ok=True)
            entries = []
            for entry in manifest["files"]:
                name = entry["name"] + ".gz"
                target = target_dir / name
                _compress(folder / entry["name"], target)
                uncompressed = {k: entry[k] for k in ("name", "size", "sha256")}
                entries.append(
                    {
                        **entry,
                        "name": name,
                        "size": target.stat().st_size,
                        "sha256": _sha256(target),
                        "uncompressed": uncompressed,
                    }
                )
                files.append((name, target))
            manifest_bytes = json.dumps({**manifest, "files": entries}, indent=2).encode() + b"\n"
        else:
            manifest_bytes = (folder / MANIFEST).read_bytes()
            files = [(e["name"], folder / e["name"]) for e in manifest["files"]]
        for name, path in files:
            _check_size(path, relative / name, max_file_bytes)
        staged.append(StagedDay(kind, scope, report, day, manifest_bytes, tuple(files)))
    if left_out:
        warn(
            f"Per-user reports ({', '.join(sorted(left_out))}) stay out of the history branch; "
            "set history-per-user: true (--per-user at a terminal) to keep them there, compressed."
        )
    if repos_left_out:
        warn(
            "Per-repository reports (repos-1-day), which name private and internal "
            "repositories, stay out of the history branch; set show-repositories: true "
            "(--show-repositories at a terminal) to keep them there."
        )
    return staged
