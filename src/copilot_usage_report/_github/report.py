"""The shape of GitHub's answer: the API's link list (the files behind it: ``_transfer.content``).

Models ignore fields GitHub adds later and are strict about the ones we use. msgspec
reads a documented body; one it does not read goes to the pydantic model
(``report_model``, loaded only then), whose ``ValidationError`` never leaves this
module: it becomes a one-line ``ReportFormatError`` naming what was wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec

from .._errors import ReportFormatError

__all__ = [
    "MAX_LINKS",
    "ReportLinks",
    "parse_report_links",
]

#: A link list longer than this is refused: GitHub splits a report into a handful of files.
MAX_LINKS = 1000

Link = Annotated[str, msgspec.Meta(min_length=1, max_length=8192)]


class ReportLinks(msgspec.Struct, frozen=True, kw_only=True):
    """A 200 body of a report endpoint: where to download the report's files.

    One-day reports name their ``report_day``; 28-day reports name
    ``report_start_day`` and ``report_end_day``, and ``report_day`` is then the
    end day (the folder the report is saved under).
    """

    download_links: Annotated[list[Link], msgspec.Meta(max_length=MAX_LINKS)]
    report_day: date
    report_start_day: date | None = None


class _Body(msgspec.Struct, frozen=True, kw_only=True):
    """What msgspec reads of a body (fields GitHub adds later are ignored)."""

    download_links: Annotated[list[Link], msgspec.Meta(max_length=MAX_LINKS)]
    report_day: date | msgspec.UnsetType = msgspec.UNSET
    report_end_day: date | msgspec.UnsetType | None = msgspec.UNSET
    report_start_day: date | None = None


_decode_body = msgspec.json.Decoder(_Body).decode


def parse_report_links(body: bytes) -> ReportLinks:
    """Validate a 200 body; any deviation is a one-line ``ReportFormatError``.

    msgspec reads the documented body; anything else goes to the pydantic model
    (``_strict``), which accepts what it accepts and words what is wrong, so a fetch loads
    pydantic only for a body out of the ordinary.
    """
    try:
        read = _decode_body(body)
    except (msgspec.DecodeError, RecursionError):
        return _strict(body)
    day = read.report_day
    if isinstance(day, msgspec.UnsetType):  # a 28-day body: its window's last day stands for it
        if not isinstance(read.report_end_day, date):
            return _strict(body)
        day = read.report_end_day
    return ReportLinks(
        download_links=read.download_links,
        report_day=day,
        report_start_day=read.report_start_day,
    )


def _strict(body: bytes) -> ReportLinks:
    from pydantic import ValidationError

    from .report_model import links_model

    try:
        model: Any = links_model(MAX_LINKS).model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ReportFormatError(
            f"GitHub's answer is not the documented report body: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s))."
        ) from None
    return ReportLinks(
        download_links=list(model.download_links),
        report_day=model.report_day,
        report_start_day=model.report_start_day,
    )
