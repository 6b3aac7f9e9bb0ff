"""Archive GitHub Copilot usage metrics reports: fetch, verify, save, summarise.

The public surface is small: the command line (``copilot-usage-report``), and for
scripts the pipeline ``fetch_reports`` with its inputs (``Settings``) and result
(``RunResult``), plus the error tree. Heavy modules (httpx, pydantic) load
only when one of those names is used, so ``--version`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import (
    AccessDeniedError,
    ApiError,
    BadCredentialsError,
    CopilotUsageReportError,
    DownloadError,
    InputError,
    LinkExpiredError,
    NoReportFilesError,
    PolicyDisabledError,
    RateLimitedError,
    ReportFormatError,
    ReportNotAvailableError,
)

if TYPE_CHECKING:
    from ._core import Settings
    from ._pipeline import FetchResult, RunResult, fetch_reports

__all__ = [
    "AccessDeniedError",
    "ApiError",
    "BadCredentialsError",
    "CopilotUsageReportError",
    "DownloadError",
    "FetchResult",
    "InputError",
    "LinkExpiredError",
    "NoReportFilesError",
    "PolicyDisabledError",
    "RateLimitedError",
    "ReportFormatError",
    "ReportNotAvailableError",
    "RunResult",
    "Settings",
    "fetch_reports",
]

_LAZY = {
    "FetchResult": "._pipeline",
    "RunResult": "._pipeline",
    "fetch_reports": "._pipeline",
    "Settings": "._core",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("copilot-usage-report")
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
