"""Downloads from the signed links: holds no token.

``receive`` reads a response body within its bounds (size, rate, deadline,
decompression), ``content`` checks the bytes while they stream in and hands each
record to a sink (or, through ``filecheck``, leaves the check to another process reading
the file as it grows), ``download`` saves and verifies a report's files with the storage
client it is given.

Layer 3: may import ``_core``, ``_archive`` and ``_errors``; not ``_github`` or
``_metrics`` (same layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .content import ContentCheck as ContentCheck
    from .content import RecordSink as RecordSink
    from .download import Download as Download
    from .download import SavedFile as SavedFile
    from .download import SinkFactory as SinkFactory
    from .download import abandon as abandon
    from .download import download_all as download_all
    from .download import download_one as download_one
    from .download import make_storage_client as make_storage_client
    from .filecheck import FileCheck as FileCheck
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
