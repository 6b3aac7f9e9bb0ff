"""One report of one day on its way through the pipeline, and the records of it when done.

``Job`` is the pipeline's mutable state of one report (links asked, downloads in
flight, files saved); the functions here turn a finished job into what is kept of
it (the day folder's manifest, the run's ``FetchResult``) and match expired links
to a fresh list. They do no I/O: ``run`` writes and asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .._archive import (
    MANIFEST_VERSION,
    Manifest,
    ManifestFile,
    ManifestScope,
    file_names,
    manifest_link,
)
from .._core import ReportKind, check_url
from .._errors import LinkExpiredError
from .._github import ReportLinks
from .._transfer import Download, SavedFile
from .results import FetchResult

__all__ = ["Job", "job_manifest", "job_result", "renewed"]


@dataclass
class Job:
    """One report of one day on its way: links asked, downloads in flight."""

    kind: ReportKind
    day: date | None
    tried: list[date] = field(default_factory=list)
    links: ReportLinks | None = None
    folder: Path | None = None
    items: list[Download] = field(default_factory=list)
    saved: dict[str, SavedFile] = field(default_factory=dict)
    futures: dict[str, Future[SavedFile]] = field(default_factory=dict)
    result: FetchResult | None = None
    #: No report (204/404), or the same report and day another job of this run saved.
    settled: bool = False

    @property
    def label(self) -> str:
        if self.kind.rolling:
            return f"{self.kind.name} (latest 28 days)"
        return f"{self.kind.name} {self.day.isoformat() if self.day else 'latest'}"

    @property
    def files(self) -> tuple[SavedFile, ...]:
        """The saved files in the order GitHub listed them (every one must be saved)."""
        return tuple(self.saved[item.name] for item in self.items)


def job_manifest(
    job: Job, links: ReportLinks, *, tool: str, scope: ManifestScope, origin: str
) -> Manifest:
    """The manifest of a job whose files are all verified: whose data, and each file's facts.

    ``links`` is the list the files came from (the fresh one after a renewal); the
    report day is the one GitHub first answered, which names the folder.
    """
    assert job.links is not None
    return Manifest(
        manifest_version=MANIFEST_VERSION,
        tool=tool,
        scope=scope,
        report=job.kind.name,
        report_day=job.links.report_day,
        report_start_day=links.report_start_day,
        api_origin=origin,
        files=tuple(
            ManifestFile(
                name=f.name,
                size=f.size,
                sha256=f.sha256,
                link=manifest_link(item.url),
                records=f.records,
            )
            for f, item in zip(job.files, job.items, strict=True)
        ),
    )


def job_result(job: Job, links: ReportLinks, *, org: str) -> FetchResult:
    """What the run reports of a finished job (its folder, files and links)."""
    assert job.links is not None and job.folder is not None
    return FetchResult(
        org=org,
        report=job.kind.name,
        report_day=job.links.report_day,
        download_links=tuple(links.download_links),
        folder=job.folder,
        files=job.files,
        days_tried=tuple(job.tried),
        report_start_day=links.report_start_day,
    )


def renewed(fresh: ReportLinks, expired: Sequence[Download]) -> list[Download]:
    """The expired downloads again, each with its file's link from GitHub's fresh list.

    A file the fresh list no longer holds is a ``LinkExpiredError``: the report changed.
    """
    by_name = dict(zip(file_names(fresh.download_links), fresh.download_links, strict=True))
    again = []
    for item in expired:
        url = by_name.get(item.name)
        if url is None:
            raise LinkExpiredError(
                f"{item.name}: its link expired and GitHub's fresh list no longer holds "
                "that file; rerun the job to fetch the report as it is now."
            )
        again.append(Download(url=check_url(url, what="download link"), name=item.name))
    return again
