"""The published sample reports, vendored in ``tests/fixtures/samples/`` (see its ``SOURCES.md``).

They travel with the repository, so every test that reads them runs on any machine and in the
project's own CI; none of them skips for want of a file.
"""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
#: Every sample file, relative to ``SAMPLES`` (``SOURCES.md`` is not one).
SAMPLE_FILES = sorted(
    p.relative_to(SAMPLES).as_posix()
    for p in SAMPLES.rglob("*")
    if p.suffix in (".json", ".ndjson") and p.is_file()
)
#: The samples that are no report (the API's answer listing the download links): every other
#: sample must be read as one.
NOT_REPORTS = frozenset({"copilot-metrics-viewer/download-links-organization-1-day.json"})
