"""The archive on disk: its layout, manifests, atomic writes and the scope lock.

``store`` lays out ``<path>/orgs/<org>/<report>/<day>/`` (or ``enterprises/<slug>/``),
writes and reads the manifest of each folder and writes every file under a temporary
name first; ``lock`` holds one run per scope folder.

Layer 2: may import ``_core`` and ``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import lazy_exports

if TYPE_CHECKING:
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
