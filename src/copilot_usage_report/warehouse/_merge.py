"""Widening a table's columns by what a day brings, in the spelling of ``_types``.

A field GitHub adds becomes a new nullable column (at the end, or at the end of
its struct); an integer column that meets a fraction becomes a double; a string
that meets a declared date stays a date (the cast checks it). Anything else that
disagrees is a ``Conflict``, and the folder that brought it is left out.
"""

from __future__ import annotations

from typing import Any

from ._types import Columns, Type

__all__ = ["Conflict", "merge_columns"]


class Conflict(Exception):
    """Two types of one field cannot be one column; the message names the field."""


def merge_columns(target: Columns, found: Columns) -> Columns:
    """``target`` widened by ``found`` (``target`` itself when nothing changes)."""
    merged = _merge({"struct": target}, {"struct": found}, "")
    assert isinstance(merged, dict)
    fields: Columns = merged["struct"]
    return target if fields == target else fields


def _merge(a: Type, b: Type, where: str) -> Type:
    if a == b:
        return a
    if isinstance(a, str) and isinstance(b, str):
        if {a, b} == {"int64", "double"}:
            return "double"
        if a == "date" and b == "string":
            return "date"
        raise Conflict(f"field {where or 'record'} is {a} on one day and {b} on another")
    if isinstance(a, dict) and isinstance(b, dict):
        if "list" in a and "list" in b:
            return {"list": _merge(a["list"], b["list"], f"{where}[]")}
        if "struct" in a and "struct" in b:
            fields: list[list[Any]] = [list(f) for f in a["struct"]]
            index = {name: i for i, (name, _) in enumerate(fields)}
            for name, spelled in b["struct"]:
                path = f"{where}.{name}" if where else name
                if name in index:
                    i = index[name]
                    fields[i] = [name, _merge(fields[i][1], spelled, path)]
                else:
                    index[name] = len(fields)
                    fields.append([name, spelled])
            return {"struct": fields}
    raise Conflict(f"field {where or 'record'} changes shape between days")
