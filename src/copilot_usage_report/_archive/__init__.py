"""The archive on disk: its layout, manifests, atomic writes and the scope lock.

``store`` lays out ``<path>/orgs/<org>/<report>/<day>/`` (or ``enterprises/<slug>/``),
writes and reads the manifest of each folder and writes every file under a temporary
name first; ``lock`` holds one run per scope folder. ``gate`` is where a report folder
enters a history (``admit``: verified, or refused with one reason; its files' records read
within bounds by ``bounded`` and ``reading``); ``folders.scan`` finds every report folder
under some trees and admits each through the gate: what every reader of an archive reads.

Layer 2: may import ``_core`` and ``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import lazy_exports

if TYPE_CHECKING:
    from .bounded import MAX_DEPTH as MAX_DEPTH
    from .bounded import MAX_INTEGER as MAX_INTEGER
    from .bounded import Refused as Refused
    from .bounded import block_problem as block_problem
    from .bounded import decode_json as decode_json
    from .bounded import line_problem as line_problem
    from .bounded import load_json as load_json
    from .folders import Scan as Scan
    from .folders import SkippedFolder as SkippedFolder
    from .folders import has_manifest as has_manifest
    from .folders import scan as scan
    from .gate import EARLIEST_DAY as EARLIEST_DAY
    from .gate import ArchiveFile as ArchiveFile
    from .gate import ArchiveFolder as ArchiveFolder
    from .gate import Refusal as Refusal
    from .gate import admit as admit
    from .gate import refusal_of as refusal_of
    from .lock import LOCK_NAME as LOCK_NAME
    from .lock import scope_lock as scope_lock
    from .store import MANIFEST_NAME as MANIFEST_NAME
    from .store import MANIFEST_VERSION as MANIFEST_VERSION
    from .store import SCOPE_FOLDERS as SCOPE_FOLDERS
    from .store import Manifest as Manifest
    from .store import ManifestFile as ManifestFile
    from .store import ManifestScope as ManifestScope
    from .store import api_origin as api_origin
    from .store import atomic_write as atomic_write
    from .store import clean_partials as clean_partials
    from .store import day_folder as day_folder
    from .store import file_names as file_names
    from .store import make_folder as make_folder
    from .store import manifest_link as manifest_link
    from .store import partial_file as partial_file
    from .store import read_manifest as read_manifest
    from .store import scope_folder as scope_folder
    from .store import sha256_of as sha256_of
    from .store import write_manifest as write_manifest

#: Each public name and the module that defines it; loaded on first use.
_EXPORTS = {
    "Scan": "folders",
    "SkippedFolder": "folders",
    "has_manifest": "folders",
    "scan": "folders",
    "ArchiveFile": "gate",
    "ArchiveFolder": "gate",
    "Refusal": "gate",
    "Refused": "bounded",
    "admit": "gate",
    "refusal_of": "gate",
    "EARLIEST_DAY": "gate",
    "MAX_DEPTH": "bounded",
    "MAX_INTEGER": "bounded",
    "block_problem": "bounded",
    "decode_json": "bounded",
    "line_problem": "bounded",
    "load_json": "bounded",
    "LOCK_NAME": "lock",
    "scope_lock": "lock",
    "MANIFEST_NAME": "store",
    "MANIFEST_VERSION": "store",
    "Manifest": "store",
    "ManifestFile": "store",
    "ManifestScope": "store",
    "SCOPE_FOLDERS": "store",
    "api_origin": "store",
    "atomic_write": "store",
    "clean_partials": "store",
    "day_folder": "store",
    "file_names": "store",
    "make_folder": "store",
    "manifest_link": "store",
    "partial_file": "store",
    "read_manifest": "store",
    "scope_folder": "store",
    "sha256_of": "store",
    "write_manifest": "store",
}

__all__ = [
    "EARLIEST_DAY",
    "LOCK_NAME",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "MAX_DEPTH",
    "MAX_INTEGER",
    "SCOPE_FOLDERS",
    "ArchiveFile",
    "ArchiveFolder",
    "Manifest",
    "ManifestFile",
    "ManifestScope",
    "Refusal",
    "Refused",
    "Scan",
    "SkippedFolder",
    "admit",
    "api_origin",
    "atomic_write",
    "block_problem",
    "clean_partials",
    "day_folder",
    "decode_json",
    "file_names",
    "has_manifest",
    "line_problem",
    "load_json",
    "make_folder",
    "manifest_link",
    "partial_file",
    "read_manifest",
    "refusal_of",
    "scan",
    "scope_folder",
    "scope_lock",
    "sha256_of",
    "write_manifest",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
