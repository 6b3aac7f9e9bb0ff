"""Archive GitHub Copilot usage metrics reports: fetch, verify, save, summarise.

The public surface is the command line (``copilot-usage-report``, or ``python -m
copilot_usage_report``) and, for the scripts around it, the error tree: every class a
failure's ``error-type`` output can name, with its ``exit_code``, and ``__version__``
(``docs/python-api.md``). The packages below are the program's own and change without
notice. Importing this module loads the error tree only, so ``--version`` starts fast.
"""

from __future__ import annotations

from typing import Any

from ._errors import (
    AccessDeniedError,
    ApiError,
    ApiRedirectError,
    ApiUnreachableError,
    BadCredentialsError,
    CopilotUsageReportError,
    DeadlineError,
    DownloadError,
    HistoryBranchError,
    IncompleteDownloadError,
    InputError,
    InternalError,
    LinkExpiredError,
    NoReportFilesError,
    OutputError,
    PolicyDisabledError,
    RateLimitedError,
    ReportFormatError,
    ReportNotAvailableError,
    SeatPagingError,
    ServerError,
    TooLargeError,
    UnexpectedStatusError,
    UnsafeLinkError,
)

__all__ = [
    "AccessDeniedError",
    "ApiError",
    "ApiRedirectError",
    "ApiUnreachableError",
    "BadCredentialsError",
    "CopilotUsageReportError",
    "DeadlineError",
    "DownloadError",
    "HistoryBranchError",
    "IncompleteDownloadError",
    "InputError",
    "InternalError",
    "LinkExpiredError",
    "NoReportFilesError",
    "OutputError",
    "PolicyDisabledError",
    "RateLimitedError",
    "ReportFormatError",
    "ReportNotAvailableError",
    "SeatPagingError",
    "ServerError",
    "TooLargeError",
    "UnexpectedStatusError",
    "UnsafeLinkError",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("copilot-usage-report")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
