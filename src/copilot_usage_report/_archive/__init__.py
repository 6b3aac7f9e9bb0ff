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

from .._core import lazy_exports

if TYPE_CHECKING:
    from .bounded import MAX_INTEGER as MAX_INTEGER
    from .bounded import Refused as Refused
    from .bounded import block_problem as block_problem
    from .bounded import decode_json as decode_json
    from .bounded import load_json as load_json
    from .folders import Scan as Scan
    from .folders import SkippedFolder as SkippedFolder
    from .folders import has_manifest as has_manifest
    from .folders import scan as scan
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
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
