"""The shape of GitHub's answer: the API's link list (the files behind it: ``_transfer.content``).

Models ignore fields GitHub adds later and are strict about the ones we use.
Pydantic's ``ValidationError`` never leaves this module: it becomes a one-line
``ReportFormatError`` naming what was wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from .._errors import ReportFormatError

__all__ = [
    "MAX_LINKS",
    "ReportLinks",
    "parse_report_links",
]

#: A link list longer than this is refused: GitHub splits a report into a handful of files.
MAX_LINKS = 1000

Link = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class ReportLinks(BaseModel):
    """A 200 body of a report endpoint: where to download the report's files.

    One-day reports name their ``report_day``; 28-day reports name
    ``report_start_day`` and ``report_end_day``, and ``report_day`` is then the
    end day (the folder the report is saved under).
    """

    model_config = ConfigDict(frozen=True, extra="ignore", strict=False)

    download_links: list[Link] = Field(max_length=MAX_LINKS)
    report_day: date
    report_start_day: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _window_end_is_the_day(cls, data: Any) -> Any:
        """A 28-day body has no ``report_day``: its window's last day stands for it."""
        if isinstance(data, dict) and "report_day" not in data and "report_end_day" in data:
            return {**data, "report_day": data["report_end_day"]}
        return data


def parse_report_links(body: bytes) -> ReportLinks:
    """Validate a 200 body; any deviation is a one-line ``ReportFormatError``."""
    try:
        return ReportLinks.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ReportFormatError(
            f"GitHub's answer is not the documented report body: {where}: {first['msg']} "
            f"({exc.error_count()} problem(s))."
        ) from None
