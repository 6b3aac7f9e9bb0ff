"""GitHub's REST API: the only package that holds the token.

``api`` is the API client (asks for a report's links, keeps the token on the API
origin, never follows a redirect elsewhere), ``retry`` decides whether and when to try
again, ``ratelimit`` reads GitHub's rate-limit
answers into waits, ``report`` checks the shape of the link list GitHub answers, ``seats`` reads the
Copilot seat list page by page along its ``Link`` headers.

Layer 3: may import ``_core``, ``_archive`` and ``_errors``; not ``_transfer`` or
``_metrics`` (same layer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .api import get_answer as get_answer
    from .api import get_report_links as get_report_links
    from .api import make_api_client as make_api_client
    from .report import ReportLinks as ReportLinks
    from .retry import RetryPolicy as RetryPolicy
    from .seats import SeatList as SeatList
    from .seats import read_billing as read_billing
    from .seats import read_seats as read_seats
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
