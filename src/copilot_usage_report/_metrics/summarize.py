"""Report files on disk to an ``Insight``; the schema.

``day_insight`` gives one aggregate day record as a ``DayInsight``.

``summarize_paths`` reads report files (or folders of them) into one ``Insight``, and
``metrics_schema`` gives the JSON Schema of ``Insight.metrics()``, shipped beside this module
as ``metrics.schema.json``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from .._errors import ReportFormatError
from .grains import grain_of
from .model import DayInsight, Insight
from .records import RecordError, record_error, require_report_files
from .tally import Tally

__all__ = [
    "SCHEMA_NAME",
    "day_insight",
    "metrics_schema",
    "summarize_paths",
    "unrecognised_error",
]

#: The JSON Schema of ``Insight.metrics()``, shipped in the package.
SCHEMA_NAME = "metrics.schema.json"


def metrics_schema() -> dict[str, Any]:
    """The shipped JSON Schema of the ``metrics`` output and of ``summarize --json``."""
    import json

    schema: dict[str, Any] = json.loads(
        files(__package__).joinpath(SCHEMA_NAME).read_text(encoding="utf-8")
    )
    return schema


def unrecognised_error(paths: Iterable[Path]) -> ReportFormatError:
    """The error (or, in a fetch, the warning text) for files holding no record we know."""
    names = [str(p) for p in paths]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return ReportFormatError(
        f"{shown}: no Copilot usage record this tool recognises (an aggregate day, a per-user "
        "row or a user-team row) was found in it; name the report files of a fetch, or leave "
        "this file out."
    )


def summarize_paths(
    paths: Iterable[Path], *, unrecognised: Literal["error", "skip"] = "error"
) -> Insight:
    """Read every report file under ``paths`` (see ``report_files``) into one ``Insight``.

    Streaming: memory stays bounded by scopes, days, breakdown keys and (for the
    team join) active users, whatever the files' size. Raises ``InputError`` for
    a missing path or when no report file is found, ``ReportFormatError`` for a
    record of the wrong shape and, unless ``unrecognised="skip"``, for a file
    with no record of a known kind (it is then in ``Insight.skipped``).
    """
    tally = Tally()
    for path in require_report_files(paths):
        tally.add_file(path)
    insight = tally.insight()
    if insight.skipped and unrecognised == "error":
        raise unrecognised_error(insight.skipped)
    return insight


def day_insight(record: dict[str, Any]) -> DayInsight:
    """One aggregate day record (a dict as GitHub sends it) as a ``DayInsight``.

    ``day_insight(r).headline()`` gives GitHub's headline fields and the derived
    metrics, ``.metrics()`` adds the breakdowns. A record that is not an
    aggregate day, or has a used field of the wrong type, is a
    ``ReportFormatError``.
    """
    if grain_of(record) != "aggregate":
        raise ReportFormatError(
            "the record is not an aggregate day of an organization or enterprise."
        )
    tally = Tally()
    try:
        tally.add("aggregate", record)
    except RecordError as exc:
        raise record_error(exc, "the record", "its JSON") from None
    return tally.insight().days[0]
