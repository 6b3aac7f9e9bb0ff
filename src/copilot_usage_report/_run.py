"""The fetch pipeline: settings in, verified files and a manifest out.

It knows nothing of workflows or terminals: it takes two injected HTTP clients
(the API one holding the token, the storage one holding none) and a ``log``
callable, and returns a ``FetchResult`` or raises one of our errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from ._api import RetryPolicy, day_params, get_report_links, report_path
from ._download import Download, SavedFile, download_all
from ._errors import LinkExpiredError, NoReportFilesError, ReportNotAvailableError
from ._links import check_url
from ._report import ReportLinks
from ._settings import FIRST_ORG_REPORT_DAY, Settings
from ._store import (
    Manifest,
    ManifestFile,
    clean_partials,
    day_folder,
    file_names,
    manifest_link,
    read_manifest,
    sha256_of,
    write_manifest,
)

__all__ = ["REPORT_KIND", "FetchResult", "fetch_report"]

REPORT_KIND = "organization-1-day"
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch saved, and where."""

    org: str
    report: str
    report_day: date
    #: The links exactly as GitHub returned them (the last list asked for).
    download_links: tuple[str, ...]
    folder: Path
    files: tuple[SavedFile, ...]
    #: Days asked for, in order, the last one being ``report_day``'s request.
    days_tried: tuple[date, ...]

    @property
    def total_bytes(self) -> int:
        """Bytes saved across all files."""
        return sum(f.size for f in self.files)


def _quiet(_: str) -> None:
    """The default log: say nothing."""


def fetch_report(
    settings: Settings,
    api: httpx.Client,
    storage: httpx.Client,
    *,
    log: Log = _quiet,
    tool: str = "copilot-usage-report",
) -> FetchResult:
    """Ask GitHub for the day's links, download and verify every file, write the manifest.

    For ``latest``, days are asked newest first until one has a report. A rerun
    into the same folder keeps files whose manifest entry still matches and
    fetches the rest; links that expire mid-run are renewed once.
    """
    policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_wait)
    path = report_path(settings.org, REPORT_KIND)
    tried: list[date] = []
    links: ReportLinks | None = None
    for day in settings.days:
        tried.append(day)
        links = get_report_links(api, path, params=day_params(day), policy=policy, log=log)
        if links is not None:
            break
        if day != settings.days[-1]:
            log(f"No {REPORT_KIND} report for {day} yet; trying the day before.")
    if links is None:
        raise _not_available(settings, tried)
    if not links.download_links:
        raise NoReportFilesError(
            f"GitHub listed no report files for {links.report_day} of {settings.org}; the "
            "report may still be in preparation. Rerun later."
        )
    for url in links.download_links:  # refuse a bad list before fetching any of it
        check_url(url, what="download link")
    asked = tried[-1]
    if links.report_day != asked:
        log(f"GitHub answered for {links.report_day} when asked for {asked}; saving it as such.")

    folder = day_folder(settings.output_dir, REPORT_KIND, links.report_day)
    if clean_partials(folder):
        log("Removed temporary files an interrupted earlier run left behind.")
    items = [
        Download(url=url, name=name)
        for url, name in zip(links.download_links, file_names(links.download_links), strict=True)
    ]
    reused, todo = _reusable(folder, items)
    if reused:
        log(f"Kept {len(reused)} file(s) already complete from an earlier run.")

    batch = download_all(
        storage, todo, folder, concurrency=settings.concurrency, retries=settings.retries, log=log
    )
    saved = {**reused, **batch.saved}
    final_links = links
    if batch.expired:
        log(f"{len(batch.expired)} download link(s) expired; asking GitHub for fresh links once.")
        fresh = get_report_links(api, path, params=day_params(asked), policy=policy, log=log)
        if fresh is None or not fresh.download_links:
            raise _not_available(settings, tried)
        renewed = _renew(batch.expired, fresh)
        retry = download_all(
            storage,
            renewed,
            folder,
            concurrency=settings.concurrency,
            retries=settings.retries,
            log=log,
        )
        if retry.expired:
            raise LinkExpiredError(
                f"{retry.expired[0].name}: the fresh download link was refused too; the storage "
                "host may be rejecting signatures (check the runner's clock), rerun later."
            )
        saved.update(retry.saved)
        final_links = fresh

    files = tuple(saved[item.name] for item in items)
    write_manifest(
        folder,
        Manifest(
            tool=tool,
            org=settings.org,
            report=REPORT_KIND,
            report_day=links.report_day,
            files=tuple(
                ManifestFile(
                    name=f.name,
                    size=f.size,
                    sha256=f.sha256,
                    link=manifest_link(item.url),
                    records=f.records,
                )
                for f, item in zip(files, items, strict=True)
            ),
        ),
    )
    return FetchResult(
        org=settings.org,
        report=REPORT_KIND,
        report_day=links.report_day,
        download_links=tuple(final_links.download_links),
        folder=folder,
        files=files,
        days_tried=tuple(tried),
    )


def _reusable(
    folder: Path, items: Sequence[Download]
) -> tuple[dict[str, SavedFile], list[Download]]:
    """Split items into files an earlier run completed (same size and SHA-256) and the rest."""
    manifest = read_manifest(folder)
    reused: dict[str, SavedFile] = {}
    todo: list[Download] = []
    for item in items:
        entry = manifest.entry(item.name) if manifest else None
        path = folder / item.name
        if (
            entry is not None
            and path.is_file()
            and path.stat().st_size == entry.size
            and sha256_of(path) == entry.sha256
        ):
            reused[item.name] = SavedFile(
                name=item.name,
                path=path,
                size=entry.size,
                sha256=entry.sha256,
                records=entry.records or 0,
                reused=True,
            )
        else:
            todo.append(item)
    return reused, todo


def _renew(expired: Sequence[Download], fresh: ReportLinks) -> list[Download]:
    """Pair each expired download with its fresh link, by the file name both give."""
    by_name = dict(zip(file_names(fresh.download_links), fresh.download_links, strict=True))
    renewed = []
    for item in expired:
        url = by_name.get(item.name)
        if url is None:
            raise LinkExpiredError(
                f"{item.name}: its link expired and GitHub's fresh list no longer holds that "
                "file; rerun the job to fetch the report as it is now."
            )
        renewed.append(Download(url=url, name=item.name))
    return renewed


def _not_available(settings: Settings, tried: Sequence[date]) -> ReportNotAvailableError:
    if settings.is_latest:
        days = ", ".join(d.isoformat() for d in tried)
        return ReportNotAvailableError(
            f"No {REPORT_KIND} report for {settings.org} on any of the last {len(tried)} days "
            f"({days}): GitHub answered 404 or 204 for each. Check that the token can read the "
            'organization\'s Copilot metrics and that the "Copilot usage metrics" policy is '
            "enabled; a new organization has reports two days after its first Copilot use."
        )
    day = tried[-1]
    return ReportNotAvailableError(
        f"No {REPORT_KIND} report for {settings.org} on {day} (GitHub answered 404 or 204): "
        "it may not be processed yet (GitHub needs up to two full UTC days), be older than "
        f"the one year GitHub keeps or before {FIRST_ORG_REPORT_DAY} when organization reports "
        'start, or the organization\'s "Copilot usage metrics" policy is off. Use day: latest '
        "for the newest available day."
    )
