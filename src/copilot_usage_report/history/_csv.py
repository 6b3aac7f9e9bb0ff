"""The history's CSV files, written one way: a header row, then the rows.

Lines end in ``\\n`` on every platform, and ``None`` is an empty cell (the ``csv``
module's rule), so that a table's file is the same bytes wherever it is built.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

__all__ = ["csv_text"]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of ``header`` and ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
