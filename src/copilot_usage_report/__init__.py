"""Archive GitHub Copilot usage metrics reports: fetch, verify, save, summarise.

The public surface is the command line (``copilot-usage-report``, or ``python -m
copilot_usage_report``) and, for the scripts around it, the error tree: every class a
failure's ``error-type`` output can name, with its ``exit_code``, and ``__version__``
(``docs/python-api.md``). The packages below are the program's own and change without
notice. Each name is loaded on first use (``_exports``), so ``--version`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._core import lazy_exports

if TYPE_CHECKING:
    from ._errors import AccessDeniedError as AccessDeniedError
    from ._errors import ApiError as ApiError
    from ._errors import ApiRedirectError as ApiRedirectError
    from ._errors import ApiUnreachableError as ApiUnreachableError
    from ._errors import BadCredentialsError as BadCredentialsError
    from ._errors import CopilotUsageReportError as CopilotUsageReportError
    from ._errors import DeadlineError as DeadlineError
    from ._errors import DownloadError as DownloadError
    from ._errors import HistoryBranchError as HistoryBranchError
    from ._errors import IncompleteDownloadError as IncompleteDownloadError
    from ._errors import InputError as InputError
    from ._errors import InternalError as InternalError
    from ._errors import LinkExpiredError as LinkExpiredError
    from ._errors import NoReportFilesError as NoReportFilesError
    from ._errors import OutputError as OutputError
    from ._errors import PolicyDisabledError as PolicyDisabledError
    from ._errors import RateLimitedError as RateLimitedError
    from ._errors import ReportFormatError as ReportFormatError
    from ._errors import ReportNotAvailableError as ReportNotAvailableError
    from ._errors import SeatPagingError as SeatPagingError
    from ._errors import ServerError as ServerError
    from ._errors import TooLargeError as TooLargeError
    from ._errors import UnexpectedStatusError as UnexpectedStatusError
    from ._errors import UnsafeLinkError as UnsafeLinkError

    #: The installed distribution's version, read on first use.
    __version__: str
else:
    _export, __dir__, __all__ = lazy_exports(__name__)

    def __getattr__(name: str) -> Any:
        if name == "__version__":
            from importlib.metadata import version

            return version("copilot-usage-report")
        return _export(name)
