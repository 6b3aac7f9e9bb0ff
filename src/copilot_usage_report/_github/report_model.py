"""The pydantic model of a report endpoint's body: the last word on a body msgspec did not
read as documented (``report.parse_report_links``), and the words of what is wrong with it.
Pydantic's ``ValidationError`` never leaves ``report``.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = ["links_model"]

Link = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


@functools.cache
def links_model(max_links: int) -> type[BaseModel]:
    """The model of a body listing at most ``max_links`` links (``report.MAX_LINKS``)."""

    class ReportLinksModel(BaseModel):
        """A 200 body of a report endpoint (see ``report.ReportLinks``)."""

        model_config = ConfigDict(frozen=True, extra="ignore", strict=False)

        download_links: list[Link] = Field(max_length=max_links)
        report_day: date
        report_start_day: date | None = None

        @model_validator(mode="before")
        @classmethod
        def _window_end_is_the_day(cls, data: Any) -> Any:
            """A 28-day body has no ``report_day``: its window's last day stands for it."""
            if isinstance(data, dict) and "report_day" not in data and "report_end_day" in data:
                return {**data, "report_day": data["report_end_day"]}
            return data

    return ReportLinksModel
