"""What a run shows a person: Markdown, CSV and the runs of missing days; no I/O.

``insight`` renders the usage numbers as Markdown, ``job_summary`` the job
summary of a run or an error (``sections``: the table of each kind's section of it and its
outputs; the seat list's section in ``seats``), ``markdown`` the names
from reports and servers as Markdown data (never markup), ``missing`` folds
missing days into runs, and ``csv_tables`` writes the flattened CSV tables beside the report files.

Layer 5: may import ``_pipeline``, ``_metrics``, ``_archive``, ``_core`` and
``_errors`` (not ``history`` or ``_app``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._core import lazy_exports

if TYPE_CHECKING:
    from .csv_tables import write_csv as write_csv
    from .insight import render_insight as render_insight
    from .job_summary import human_bytes as human_bytes
    from .job_summary import render_error as render_error
    from .job_summary import render_result as render_result
    from .markdown import markdown_code as markdown_code
    from .missing import missing_runs as missing_runs
    from .sections import kind_outputs as kind_outputs
    from .sections import output_kinds as output_kinds
    from .sections import register_section as register_section
else:
    __getattr__, __dir__, __all__ = lazy_exports(__name__)
