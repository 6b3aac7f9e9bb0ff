"""The dataset's column types, written once: a small JSON spelling, to Arrow and to SQL DDL.

A type is ``"int64"``, ``"double"``, ``"string"``, ``"bool"`` or ``"date"``; a list
``{"list": T}``; a struct ``{"struct": [[name, T], ...]}`` (fields in order). The
table schemas (``schema.json`` beside this module, and the ``SCHEMA_FILE`` of a dataset)
are written in it, and the BigQuery and Athena DDL of ``docs/warehouse.md`` is made
from it here, so that the three never disagree. Imports no pyarrow (the DDL needs none).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "Columns",
    "Type",
    "athena_ddl",
    "bigquery_ddl",
    "check",
    "declared",
    "from_arrow",
    "to_arrow",
]

Type: TypeAlias = str | dict[str, Any]
#: A table's columns in order: ``[[name, type], ...]``.
Columns: TypeAlias = list[list[Any]]

_SCALARS = ("int64", "double", "string", "bool", "date")
_BIGQUERY = {"int64": "INT64", "double": "FLOAT64", "string": "STRING", "bool": "BOOL"}
_BIGQUERY["date"] = "DATE"
_ATHENA = {"int64": "bigint", "double": "double", "string": "string", "bool": "boolean"}
_ATHENA["date"] = "date"


@cache
def declared() -> dict[str, Columns]:
    """The declared columns of every table (``schema.json``), by table name."""
    text = files(__package__).joinpath("schema.json").read_text("utf-8")
    tables: dict[str, Columns] = json.loads(text)["tables"]
    return tables


def to_arrow(spelled: Type) -> pa.DataType:
    """The Arrow type of a spelled type."""
    import pyarrow as pa

    if isinstance(spelled, str):
        return {
            "int64": pa.int64(),
            "double": pa.float64(),
            "string": pa.string(),
            "bool": pa.bool_(),
            "date": pa.date32(),
        }[spelled]
    if "list" in spelled:
        return pa.list_(to_arrow(spelled["list"]))
    return pa.struct([pa.field(name, to_arrow(t)) for name, t in spelled["struct"]])


def from_arrow(arrow: pa.DataType) -> Type | None:
    """The spelled type of an Arrow type; ``None`` for a type with no values (all null)."""
    import pyarrow.types as at

    if at.is_null(arrow):
        return None
    if at.is_integer(arrow):
        return "int64"
    if at.is_floating(arrow):
        return "double"
    if at.is_string(arrow) or at.is_large_string(arrow):
        return "string"
    if at.is_boolean(arrow):
        return "bool"
    if at.is_date(arrow):
        return "date"
    if at.is_list(arrow) or at.is_large_list(arrow):
        item = from_arrow(arrow.value_type)
        return None if item is None else {"list": item}
    if at.is_struct(arrow):
        fields = []
        for index in range(arrow.num_fields):
            field = arrow.field(index)
            spelled = from_arrow(field.type)
            if spelled is not None:
                fields.append([field.name, spelled])
        return {"struct": fields} if fields else None
    return "string"


def _sql(spelled: Type, names: dict[str, str], struct: str, array: str, sep: str) -> str:
    """The SQL type: BigQuery's ``STRUCT<`name` T>``, or Hive's ``struct<name:T>`` (Athena)."""
    if isinstance(spelled, str):
        return names[spelled]
    if "list" in spelled:
        return f"{array}<{_sql(spelled['list'], names, struct, array, sep)}>"
    quote = "`" if sep == " " else ""
    inner = ", ".join(
        f"{quote}{name}{quote}{sep}{_sql(t, names, struct, array, sep)}"
        for name, t in spelled["struct"]
    )
    return f"{struct}<{inner}>"


def bigquery_ddl(table: str, columns: Columns, dataset: str, uri: str) -> str:
    """``CREATE EXTERNAL TABLE`` for BigQuery, Hive-partitioned by ``scope`` and ``day``."""
    body = ",\n".join(
        f"  `{name}` {_sql(t, _BIGQUERY, 'STRUCT', 'ARRAY', ' ')}" for name, t in columns
    )
    return (
        f"CREATE EXTERNAL TABLE `{dataset}.{table}` (\n{body}\n)\n"
        "WITH PARTITION COLUMNS (scope STRING, day DATE)\n"
        "OPTIONS (\n"
        "  format = 'PARQUET',\n"
        f"  uris = ['{uri}/{table}/*'],\n"
        f"  hive_partition_uri_prefix = '{uri}/{table}'\n"
        ");"
    )


def athena_ddl(table: str, columns: Columns, database: str, uri: str) -> str:
    """``CREATE EXTERNAL TABLE`` for Athena (Glue); ``MSCK REPAIR TABLE`` then finds partitions."""
    body = ",\n".join(
        f"  `{name}` {_sql(t, _ATHENA, 'struct', 'array', ':')}" for name, t in columns
    )
    return (
        f"CREATE EXTERNAL TABLE `{database}`.`{table}` (\n{body}\n)\n"
        "PARTITIONED BY (`scope` string, `day` date)\n"
        "STORED AS PARQUET\n"
        f"LOCATION '{uri}/{table}/'\n"
        "TBLPROPERTIES ('parquet.compression' = 'ZSTD');"
    )


def check(spelled: object) -> bool:
    """Whether ``spelled`` is a type in this spelling."""
    if isinstance(spelled, str):
        return spelled in _SCALARS
    if isinstance(spelled, dict) and set(spelled) == {"list"}:
        return check(spelled["list"])
    if isinstance(spelled, dict) and set(spelled) == {"struct"}:
        fields = spelled["struct"]
        return isinstance(fields, list) and all(
            isinstance(f, list) and len(f) == 2 and isinstance(f[0], str) and check(f[1])
            for f in fields
        )
    return False
