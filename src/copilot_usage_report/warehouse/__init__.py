"""Past one runner: the archive as a Hive-partitioned Parquet dataset any engine reads in place.

``convert(archive, out)`` turns every report folder whose manifest checks out
into one Parquet file per table, scope and day
(``<out>/<table>/scope=<scope>/day=<day>/part-0.parquet``), writing only what
changed; ``TABLES`` names the tables, ``declared()`` their columns, and
``bigquery_ddl``/``athena_ddl`` the SQL that reads them. pyarrow (the
``warehouse`` extra) is imported here only, and only when a dataset is written.

Modules: ``_admit`` (which folders go in), ``_tables`` (which records go where),
``_read`` (a file's JSON values), ``_types`` (the column types and DDL), ``_merge``
(widening by new fields), ``_write`` (one partition), ``_convert`` (the whole).

Layer 4 (beside ``history``): may import ``_metrics``, ``_archive``, ``_core`` and
``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import lazy_exports

if TYPE_CHECKING:
    from ._admit import Admitted as Admitted
    from ._admit import Refused as Refused
    from ._admit import admit as admit
    from ._convert import SCHEMA_FILE as SCHEMA_FILE
    from ._convert import WarehouseResult as WarehouseResult
    from ._convert import convert as convert
    from ._convert import partition_folder as partition_folder
    from ._tables import TABLES as TABLES
    from ._types import athena_ddl as athena_ddl
    from ._types import bigquery_ddl as bigquery_ddl
    from ._types import declared as declared
    from ._write import PART_NAME as PART_NAME
    from ._write import SOURCE_KEY as SOURCE_KEY

#: Each public name and the module that defines it; loaded on first use.
_EXPORTS = {
    "Admitted": "_admit",
    "Refused": "_admit",
    "admit": "_admit",
    "SCHEMA_FILE": "_convert",
    "WarehouseResult": "_convert",
    "convert": "_convert",
    "partition_folder": "_convert",
    "TABLES": "_tables",
    "athena_ddl": "_types",
    "bigquery_ddl": "_types",
    "declared": "_types",
    "PART_NAME": "_write",
    "SOURCE_KEY": "_write",
}

__all__ = [
    "PART_NAME",
    "SCHEMA_FILE",
    "SOURCE_KEY",
    "TABLES",
    "Admitted",
    "Refused",
    "WarehouseResult",
    "admit",
    "athena_ddl",
    "bigquery_ddl",
    "convert",
    "declared",
    "partition_folder",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
