"""Past one runner: the archive as a Hive-partitioned Parquet dataset any engine reads in place.

``convert(archive, out)`` turns every report folder whose manifest checks out
into one Parquet file per table, scope and day
(``<out>/<table>/scope=<scope>/day=<day>/part-0.parquet``), writing only what
changed (the one name exported: the CLI's and the action's entry). ``_tables.TABLES``
names the tables, ``_types.declared()`` their columns, and ``_types``' DDL functions
the SQL that reads them (``scripts/warehouse_docs.py`` writes the DDL page).
pyarrow (the ``warehouse`` extra) is imported here only, and only when a dataset is written.

Modules: ``_admit`` (which folders go in), ``_tables`` (which records go where),
``_fast`` (a file read by Arrow's own JSON reader, when it reads as ``_read`` would),
``_read`` (a file's JSON values, a line at a time), ``_types`` (the column types and DDL),
``_merge`` (widening by new fields), ``_write`` (one partition), ``_convert`` (the whole).

Layer 4 (beside ``history``): may import ``_metrics``, ``_archive``, ``_core`` and
``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from ._convert import convert as convert
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
