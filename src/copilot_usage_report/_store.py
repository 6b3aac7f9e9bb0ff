"""The output folder: where files land, how they are named, and their manifest.

Every file appears under its final name only when it is complete and verified:
it is written under a hidden temporary name in the same folder and renamed in
one step. No name reaches the file system without passing ``safe_file_name``,
and every path is checked to stay inside its folder.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, ValidationError

from ._errors import OutputError
from ._links import redact, safe_file_name

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "ManifestFile",
    "atomic_write",
    "clean_partials",
    "day_folder",
    "file_names",
    "partial_file",
    "read_manifest",
    "sha256_of",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
_PARTIAL_SUFFIX = ".part"
_RESERVED = {MANIFEST_NAME, "index.json"}


class ManifestFile(BaseModel):
    """One saved file: enough to verify it again and to know where it came from."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    size: int
    sha256: str
    #: The link without its query string: the signature is never stored.
    link: str
    #: NDJSON records in the file (1 for a single JSON document).
    records: int | None = None


class Manifest(BaseModel):
    """What one folder holds: ``<output-dir>/<report-kind>/<day>/manifest.json``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    tool: str
    org: str
    report: str
    report_day: date
    files: tuple[ManifestFile, ...]

    def entry(self, name: str) -> ManifestFile | None:
        """The entry for a file name, if listed."""
        return next((f for f in self.files if f.name == name), None)


def day_folder(output_dir: Path, kind: str, day: date) -> Path:
    """``<output-dir>/<kind>/<day>/``, created; kind and day are our own values, never a link's."""
    folder = output_dir / kind / day.isoformat()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {folder}: {exc.strerror or exc}.") from None
    return folder


def file_names(urls: Iterable[str]) -> list[str]:
    """A safe, unique base name for each link, in order; a clash gets ``-2``, ``-3``…

    The same list of links always gives the same names, so a rerun finds its files.
    """
    names: list[str] = []
    taken: set[str] = set(_RESERVED)
    for index, url in enumerate(urls, start=1):
        name = safe_file_name(url, fallback=f"report-{index}.ndjson")
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if dot else f"{stem}-{n}"
        taken.add(candidate.lower())
        names.append(candidate)
    return names


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would resolve outside ``folder``."""
    path = folder / name
    if path.parent.resolve() != folder.resolve() or name in ("", ".", ".."):
        raise OutputError(f"refused to write {name!r}: it would land outside {folder}.")
    return path


@contextmanager
def partial_file(folder: Path, final_name: str) -> Iterator[tuple[IO[bytes], Path]]:
    """A hidden temporary file in ``folder``; removed on any error, unless renamed by the caller.

    The caller renames it (``os.replace``) only after verifying its content, so a
    final name never holds a partial file; the temporary one is deleted whatever
    ends the block early (an error, a retry, Ctrl-C).
    """
    final = inside(folder, final_name)
    temp = inside(folder, f".{final.name}.{uuid.uuid4().hex[:12]}{_PARTIAL_SUFFIX}")
    try:
        handle = temp.open("xb")
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror or exc}.") from None
    try:
        with handle:
            yield handle, temp
    finally:
        temp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old file or the new one."""
    with partial_file(path.parent, path.name) as (handle, temp):
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        temp.replace(path)


def clean_partials(folder: Path) -> int:
    """Delete temporary files a killed earlier run left; returns how many."""
    removed = 0
    for leftover in folder.glob(f".*{_PARTIAL_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in bounded chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or ``None`` when absent or unreadable (then every file is fetched)."""
    try:
        return Manifest.model_validate_json((folder / MANIFEST_NAME).read_bytes())
    except (OSError, ValidationError):
        return None


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` atomically; returns its path."""
    path = folder / MANIFEST_NAME
    atomic_write(path, manifest.model_dump_json(indent=2).encode() + b"\n")
    return path


def manifest_link(url: str) -> str:
    """The form of a link the manifest stores: no query string, no credentials."""
    return redact(url)
