"""The archive on disk: its layout, how files land in it, and the manifest of each folder.

Layout: ``<path>/orgs/<org>/<report>/<day>/`` or ``<path>/enterprises/<slug>/<report>/<day>/``,
names lower-cased (GitHub treats them case-insensitively). Each day folder holds
the report files and ``manifest.json``, which says whose data they are (scope,
report, day, API origin) and what each file is (size, SHA-256).

Every file appears under its final name only when it is complete and verified:
it is written under a hidden temporary name in the same folder, tagged with the
writing process, and renamed in one step. No name reaches the file system
without passing ``safe_file_name``, every path is checked to stay inside its
folder, and every failure of the file system is an ``OutputError`` naming the
path and the system's reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

import msgspec

from .._core import Scope, redact, safe_file_name
from .._errors import OutputError

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "SCOPE_FOLDERS",
    "Manifest",
    "ManifestFile",
    "ManifestScope",
    "api_origin",
    "atomic_write",
    "clean_partials",
    "day_folder",
    "file_names",
    "make_folder",
    "partial_file",
    "read_manifest",
    "scope_folder",
    "sha256_of",
    "write_error",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
#: The top folders of the archive, by scope kind (the API's own words).
SCOPE_FOLDERS = ("orgs", "enterprises")
#: 2: the manifest names its scope and API origin (1, before: ``org`` only, no origin).
MANIFEST_VERSION = 2
_PARTIAL_SUFFIX = ".part"
_RESERVED = {MANIFEST_NAME, "index.json", "metrics.json"}
#: ``.<name>.<pid>-<random>.part``: the process that writes it, so others know when it is gone.
_OWNED_PARTIAL = re.compile(r"\.(\d{1,10})-[0-9a-f]{12}\.part\Z")


def write_error(path: Path, exc: OSError) -> OutputError:
    """The one-line error for a failed write: the path and the system's reason."""
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write {path}: {reason}.")


# -- layout ----------------------------------------------------------------------------------


def scope_folder(output_dir: Path, scope: Scope) -> Path:
    """``<path>/orgs/<org>`` or ``<path>/enterprises/<slug>``, lower-cased; not created."""
    top = SCOPE_FOLDERS[0] if scope.kind == "org" else SCOPE_FOLDERS[1]
    return output_dir / top / scope.name.lower()


def day_folder(output_dir: Path, scope: Scope, kind: str, day: date) -> Path:
    """``<scope folder>/<kind>/<day>``; not created. Every part is our own value, never a link's."""
    return scope_folder(output_dir, scope) / kind / day.isoformat()


def api_origin(api_url: str) -> str:
    """``scheme://host[:port]`` of the API, lower-cased, the port only when not the default."""
    parts = urlsplit(api_url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    suffix = "" if port is None or port == default else f":{port}"
    return f"{parts.scheme.lower()}://{host}{suffix}"


def make_folder(folder: Path) -> Path:
    """Create ``folder`` and its parents; a failure is an ``OutputError``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(folder, exc) from None
    if not folder.is_dir():
        raise OutputError(f"cannot write {folder}: a file is in the way of the folder.")
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


# -- writing ---------------------------------------------------------------------------------


@contextmanager
def partial_file(folder: Path, final_name: str) -> Iterator[tuple[IO[bytes], Path]]:
    """A hidden temporary file in ``folder``; removed on any error, unless renamed by the caller.

    The caller renames it (``os.replace``) only after verifying its content, so a
    final name never holds a partial file; the temporary one is deleted whatever
    ends the block early (an error, a retry, Ctrl-C). Any ``OSError`` of the
    block (a full disk, a folder in the way of the final name) leaves as an
    ``OutputError`` naming the file; closing the file after a failure never hides it.
    """
    final = inside(folder, final_name)
    temp = inside(folder, f".{final.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}{_PARTIAL_SUFFIX}")
    try:
        handle = temp.open("xb")
    except OSError as exc:
        raise write_error(final, exc) from None
    try:
        yield handle, temp
        handle.close()  # flushes what the caller left buffered: a full disk shows here
    except OSError as exc:
        raise write_error(final, exc) from None
    finally:
        with suppress(OSError):
            handle.close()
        with suppress(OSError):
            temp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old file or the new one."""
    with partial_file(path.parent, path.name) as (handle, temp):
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        temp.replace(path)


def _alive(pid: int) -> bool:
    """Whether a process of that id runs on this machine (``True`` when unsure)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def clean_partials(folder: Path) -> int:
    """Delete temporary files whose writer is gone (a killed run); returns how many.

    A temporary file names its writing process: one of a live process (this one,
    or another writing beside it) is never touched. Names without an owner come
    from older versions and are removed.
    """
    removed = 0
    try:
        leftovers = list(folder.glob(f".*{_PARTIAL_SUFFIX}"))
    except OSError:
        return 0
    for leftover in leftovers:
        owner = _OWNED_PARTIAL.search(leftover.name)
        if owner is not None and _alive(int(owner.group(1))):
            continue
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            continue
        removed += 1
    return removed


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in bounded chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# -- the manifest ----------------------------------------------------------------------------


# msgspec Structs, not pydantic models: a fetch writes a manifest per folder and reads one only
# to reuse a folder, and pydantic's import (about 90 ms) would be the fetch's largest; nothing
# here becomes a message (a manifest that does not read is simply not trusted). Decoding is
# strict (no "5" for 5) and ignores fields it does not know, as the pydantic models did.


class ManifestFile(msgspec.Struct, frozen=True, kw_only=True):
    """One saved file: enough to verify it again and to know where it came from."""

    name: str
    size: int
    sha256: str
    #: The link without its query string: the signature is never stored.
    link: str
    #: NDJSON records in the file (1 for a single JSON document).
    records: int | None = None


class ManifestScope(msgspec.Struct, frozen=True, kw_only=True):
    """Whose data a folder holds: an organization login or an enterprise slug, lower-cased."""

    kind: Literal["org", "enterprise"]
    name: str

    def describe(self) -> str:
        return f"{'organization' if self.kind == 'org' else 'enterprise'} {self.name}"


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """What one day folder holds: ``<scope folder>/<report>/<day>/manifest.json``.

    Version 1 manifests (the older ``<path>/<report>/<day>/`` layout) have
    ``org`` and no ``scope`` or ``api_origin``; they are read for ``summarize``,
    never taken as matching a fetch.
    """

    manifest_version: int = 1
    tool: str
    scope: ManifestScope | None = None
    #: Version 1 only: the organization (or enterprise) name.
    org: str | None = None
    report: str
    report_day: date
    #: 28-day reports: the first day of the window ``report_day`` ends.
    report_start_day: date | None = None
    #: ``scheme://host[:port]`` of the API that listed the files.
    api_origin: str | None = None
    files: tuple[ManifestFile, ...]
    #: ``copilot-seats`` only: when the list was read, GitHub's ``total_seats``, pages read.
    taken_at: datetime | None = None
    total_seats: int | None = None
    pages: int | None = None

    def entry(self, name: str) -> ManifestFile | None:
        """The entry for a file name, if listed."""
        return next((f for f in self.files if f.name == name), None)

    def describe(self) -> str:
        """Whose data this is, in words: ``organization-1-day of organization x on D from O``."""
        scope = self.scope.describe() if self.scope else f"{self.org or 'unknown'} (no scope)"
        origin = self.api_origin or "an unrecorded API"
        return f"{self.report} of {scope} for {self.report_day} from {origin}"


def _safe_names(manifest: Manifest) -> bool:
    """Every listed name is one ``safe_file_name`` keeps as it is, once, and not ours."""
    seen: set[str] = set()
    for entry in manifest.files:
        name = entry.name
        if not name or safe_file_name(name, fallback="") != name:
            return False
        if name.lower() in _RESERVED | seen:
            return False
        seen.add(name.lower())
    return True


_DECODER = msgspec.json.Decoder(Manifest)


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or ``None`` when absent, unreadable or naming an unsafe file.

    A listed name that could leave the folder (``../x``), or that ``safe_file_name``
    would change, makes the whole manifest untrusted: then every file is fetched again.
    """
    try:
        manifest = _DECODER.decode((folder / MANIFEST_NAME).read_bytes())
    except (OSError, msgspec.ValidationError, msgspec.DecodeError, ValueError):
        return None
    return manifest if _safe_names(manifest) else None


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``manifest.json`` atomically; returns its path."""
    path = folder / MANIFEST_NAME
    # Fields a report's manifest does not have stay out of it, so its bytes stay as they were.
    data = msgspec.to_builtins(manifest)
    for name in ("org", "taken_at", "total_seats", "pages"):
        if data[name] is None:
            del data[name]
    text = json.dumps(data, indent=2, ensure_ascii=False)
    atomic_write(path, text.encode() + b"\n")
    return path


def manifest_link(url: str) -> str:
    """The form of a link the manifest stores: no query string, no credentials."""
    return redact(url)
