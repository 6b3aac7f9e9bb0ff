"""The loopback stand-in of GitHub's API and storage, and the demo's made-up data.

``server`` serves reports and files on 127.0.0.1 (with faults on request, for the
tests), ``data`` builds the demo's report files for any day, ``people`` the users,
teams and their rows behind them, ``seats`` the seat lists and billing, ``credits``
the AI-credit billing usage. Used by the
demo and the tests only; and ``synthetic``, an archive on disk of fixed calendar days,
by the tests, the dashboard screenshot and the history benchmark.

Layer 4 (beside ``_pipeline`` and ``history``): may import ``_metrics``, ``_core``
and ``_errors``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .data import DEMO_ENTERPRISE as DEMO_ENTERPRISE
    from .data import DEMO_ORG as DEMO_ORG
    from .data import HISTORY_DAYS as HISTORY_DAYS
    from .data import history as history
    from .data import newest_day as newest_day
    from .demo import DEMO_TOKEN as DEMO_TOKEN
    from .demo import demo_standin as demo_standin
    from .seats import book_lines as book_lines
    from .seats import demo_books as demo_books
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
