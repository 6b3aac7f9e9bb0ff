"""What a run shows a person: Markdown, CSV and the runs of missing days; no I/O.

``insight`` renders the usage numbers as Markdown, ``job_summary`` the job
summary of a run or an error (``sections``: the table of each kind's section of it and its
outputs; the seat list's section in ``seats``), ``missing`` folds
missing days into runs, and ``csv_tables`` writes the flattened CSV tables beside the report files.

Layer 5: may import ``_pipeline``, ``_metrics``, ``_archive``, ``_core`` and
``_errors`` (not ``history`` or ``_app``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exports import lazy_exports

if TYPE_CHECKING:
    from .csv_tables import write_csv as write_csv
    from .insight import render_insight as render_insight
    from .job_summary import human_bytes as human_bytes
    from .job_summary import render_error as render_error
    from .job_summary import render_result as render_result
    from .missing import missing_runs as missing_runs
    from .sections import kind_outputs as kind_outputs
    from .sections import output_kinds as output_kinds
    from .sections import register_section as register_section

#: Each public name and the module that defines it; loaded on first use.
_EXPORTS = {
    "write_csv": "csv_tables",
    "render_insight": "insight",
    "human_bytes": "job_summary",
    "render_error": "job_summary",
    "render_result": "job_summary",
    "missing_runs": "missing",
    "kind_outputs": "sections",
    "output_kinds": "sections",
    "register_section": "sections",
}

__all__ = [
    "human_bytes",
    "kind_outputs",
    "missing_runs",
    "output_kinds",
    "register_section",
    "render_error",
    "render_insight",
    "render_result",
    "write_csv",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
