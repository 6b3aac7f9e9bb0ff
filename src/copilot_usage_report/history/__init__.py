"""History without a server: an archive of reports in, a database and a dashboard page out.

``build(sources, out)`` reads every day folder with a valid manifest under the
given trees, checks each file against its manifest, and writes
``copilot-usage.sqlite`` (updated incrementally), ``daily.csv`` and a
self-contained ``index.html`` into ``out``.
"""

from __future__ import annotations

from ._build import DATABASE_NAME, BuildResult, build

__all__ = ["DATABASE_NAME", "BuildResult", "build"]
