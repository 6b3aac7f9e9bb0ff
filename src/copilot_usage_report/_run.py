"""The fetch pipeline: settings in, verified files, manifests and an index out.

It knows nothing of workflows or terminals: it takes two injected HTTP clients
(the API one holding the token, the storage one holding none), a ``log``
callable and a ``ProgressSink`` (the pipeline's own small protocol, which the
glue's ``_progress.Progress`` fulfils), and returns a ``RunResult`` or raises one of our
errors. API calls go one at a time on the calling thread, as GitHub asks;
downloads run on a bounded pool meanwhile, so day N+1's API call overlaps day
N's downloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from ._api import RetryPolicy, get_report_links
from ._download import Download, SavedFile, download_all, download_one
from ._errors import (
    CopilotUsageReportError,
    LinkExpiredError,
    NoReportFilesError,
    ReportNotAvailableError,
)
from ._kinds import ReportKind
from ._links import check_url
from ._progress_sink import ProgressSink, Silent
from ._report import ReportLinks
from ._settings import Settings
from ._store import (
    Manifest,
    ManifestFile,
    atomic_write,
    clean_partials,
    day_folder,
    file_names,
    manifest_link,
    read_manifest,
    sha256_of,
)
from ._store import (
    write_manifest as _write_manifest,
)

__all__ = ["INDEX_NAME", "FetchResult", "Missing", "RunResult", "fetch_reports"]

INDEX_NAME = "index.json"
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One report of one day (or one 28-day window): what was saved, and where."""

    org: str
    report: str
    report_day: date
    #: The links exactly as GitHub returned them (the last list asked for); empty when resumed.
    download_links: tuple[str, ...]
    folder: Path
    files: tuple[SavedFile, ...]
    #: Days asked for, in order, the last one being ``report_day``'s request.
    days_tried: tuple[date, ...]
    #: First day of a 28-day report's window (``report_day`` is its last).
    report_start_day: date | None = None
    #: True when the folder was already complete on disk and no request was needed.
    resumed: bool = False

    @property
    def total_bytes(self) -> int:
        """Bytes saved across all files."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True, slots=True)
class Missing:
    """A report GitHub had no file for (204 or 404), skipped or warned about by policy."""

    report: str
    #: The day asked for; for ``latest`` and 28-day reports, the newest day tried.
    day: date | None
    days_tried: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything one run fetched, in the order asked, and what was not available."""

    #: The organization login or enterprise slug.
    name: str
    reports: tuple[FetchResult, ...]
    missing: tuple[Missing, ...]
    index: Path | None

    @property
    def files(self) -> tuple[SavedFile, ...]:
        """Every saved file, report by report."""
        return tuple(f for r in self.reports for f in r.files)

    @property
    def total_bytes(self) -> int:
        """Bytes saved across all reports."""
        return sum(r.total_bytes for r in self.reports)

    @property
    def days(self) -> tuple[date, ...]:
        """The distinct report days fetched, oldest first."""
        return tuple(sorted({r.report_day for r in self.reports}))

    @property
    def download_links(self) -> tuple[str, ...]:
        """Every link GitHub returned, report by report."""
        return tuple(link for r in self.reports for link in r.download_links)


@dataclass
class _Job:
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

    @property
    def label(self) -> str:
        if self.kind.rolling:
            return f"{self.kind.name} (latest 28 days)"
        return f"{self.kind.name} {self.day.isoformat() if self.day else 'latest'}"


def _quiet(_: str) -> None:
    """The default log: say nothing."""


def fetch_reports(
    settings: Settings,
    api: httpx.Client,
    storage: httpx.Client,
    *,
    log: Log = _quiet,
    progress: ProgressSink | None = None,
    tool: str = "copilot-usage-report",
) -> RunResult:
    """Fetch every report of every day asked; verify, save and index them.

    A day whose folder is already complete on disk (its manifest matches its
    files) is not asked again, so a backfill cut off half way resumes where it
    stopped. Days without a report follow ``settings.if_not_available``.
    """
    progress = progress or Silent()
    runner = _Runner(settings, api, storage, log, progress, tool)
    return runner.run()


class _Runner:
    """The state of one run; every method keeps API calls on the calling thread."""

    def __init__(
        self,
        settings: Settings,
        api: httpx.Client,
        storage: httpx.Client,
        log: Log,
        progress: ProgressSink,
        tool: str,
    ) -> None:
        self.settings = settings
        self.api = api
        self.storage = storage
        self.log = log
        self.progress = progress
        self.tool = tool
        self.policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_wait)
        self.missing: list[Missing] = []

    def _jobs(self) -> list[_Job]:
        s = self.settings
        rolling = [_Job(kind, None) for kind in s.kinds if kind.rolling]
        daily = [k for k in s.kinds if not k.rolling]
        if s.is_latest:
            return [_Job(kind, None) for kind in daily] + rolling
        return [_Job(kind, day) for day in s.days for kind in daily] + rolling

    def run(self) -> RunResult:
        jobs = self._jobs()
        self.progress.start(len(jobs))
        failure: BaseException | None = None
        with ThreadPoolExecutor(
            max_workers=self.settings.concurrency, thread_name_prefix="download"
        ) as pool:
            try:
                for job in jobs:
                    self._finish_ready(jobs)
                    with self.progress.step(job.label):
                        self._start(job, pool)
                for job in jobs:
                    self._finish(job, pool)
            except BaseException as exc:
                failure = exc
                for job in jobs:
                    for future in job.futures.values():
                        future.cancel()
        self.progress.close()
        if failure is not None:
            raise failure
        reports = tuple(job.result for job in jobs if job.result is not None)
        index = self._write_index(reports) if reports else None
        return RunResult(
            name=self.settings.scope.name,
            reports=reports,
            missing=tuple(self.missing),
            index=index,
        )

    # -- one job -------------------------------------------------------------------------

    def _start(self, job: _Job, pool: ThreadPoolExecutor) -> None:
        """Ask for the job's links (or resume it from disk) and queue its downloads."""
        if job.day is not None and (resumed := self._resume(job.kind, job.day)) is not None:
            self.log(f"{job.label}: complete on disk from an earlier run; not asked again.")
            job.result = resumed
            self.progress.done(resumed.total_bytes)
            return
        links = self._ask(job)
        if links is None:
            return
        job.links = links
        for url in links.download_links:  # refuse a bad list before fetching any of it
            check_url(url, what="download link")
        day = links.report_day
        job.folder = day_folder(self.settings.output_dir, job.kind.name, day)
        if clean_partials(job.folder):
            self.log(f"{job.label}: removed temporary files an interrupted run left behind.")
        job.items = [
            Download(url=url, name=name)
            for url, name in zip(
                links.download_links, file_names(links.download_links), strict=True
            )
        ]
        job.saved, todo = _reusable(job.folder, job.items)
        if job.saved:
            self.log(f"{job.label}: kept {len(job.saved)} file(s) complete from an earlier run.")
        self.log(f"{job.label}: {len(links.download_links)} file(s) to save for {day}.")
        for item in todo:
            job.futures[item.name] = pool.submit(
                download_one,
                self.storage,
                item,
                job.folder,
                retries=self.settings.retries,
                log=self.log,
            )

    def _ask(self, job: _Job) -> ReportLinks | None:
        """The job's link list; ``None`` (after applying the policy) when GitHub has none."""
        path = job.kind.path(self.settings.scope)
        if job.kind.rolling:
            candidates: Sequence[date | None] = [None]
        elif job.day is None:
            candidates = self.settings.days
        else:
            candidates = [job.day]
        for candidate in candidates:
            if candidate is not None:
                job.tried.append(candidate)
            params = {} if candidate is None else {"day": candidate.isoformat()}
            links = get_report_links(
                self.api, path, params=params, policy=self.policy, log=self.log
            )
            if links is not None:
                if not links.download_links:
                    raise NoReportFilesError(
                        f"GitHub listed no report files for {links.report_day} of "
                        f"{self.settings.scope.label} ({job.kind.name}); the report may still "
                        "be in preparation. Rerun later."
                    )
                if candidate is not None and links.report_day != candidate:
                    self.log(
                        f"{job.label}: GitHub answered for {links.report_day} when asked for "
                        f"{candidate}; saving it as such."
                    )
                return links
            if candidate is not None and candidate != candidates[-1]:
                self.log(f"No {job.kind.name} report for {candidate} yet; trying the day before.")
        self._not_available(job)
        return None

    def _not_available(self, job: _Job) -> None:
        error = _not_available_error(self.settings, job)
        match self.settings.if_not_available:
            case "error":
                raise error
            case "warn":
                self.progress.warn(error.message)
            case "skip":  # said once per run of days, at its end (``_missing``), not per day
                pass
        newest = job.tried[0] if job.tried else None
        self.missing.append(
            Missing(report=job.kind.name, day=job.day or newest, days_tried=tuple(job.tried))
        )
        self.progress.done(0)

    def _finish_ready(self, jobs: Sequence[_Job]) -> None:
        """Finish every job whose downloads are all done, so manifests appear early."""
        for job in jobs:
            if (
                job.result is None
                and job.links is not None
                and all(f.done() for f in job.futures.values())
            ):
                self._finish(job, None)

    def _finish(self, job: _Job, pool: ThreadPoolExecutor | None) -> None:
        """Wait for the job's downloads, renew expired links once, write its manifest."""
        if job.result is not None or job.links is None or job.folder is None:
            return
        expired: list[Download] = []
        by_name = {item.name: item for item in job.items}
        for name, future in list(job.futures.items()):
            try:
                job.saved[name] = future.result()
            except LinkExpiredError:
                expired.append(by_name[name])
        job.futures.clear()
        links = job.links
        if expired:
            links = self._renew(job, expired)
        files = tuple(job.saved[item.name] for item in job.items)
        _write_manifest(
            job.folder,
            Manifest(
                tool=self.tool,
                org=self.settings.org,
                report=job.kind.name,
                report_day=job.links.report_day,
                files=tuple(
                    ManifestFile(
                        name=f.name,
                        size=f.size,
                        sha256=f.sha256,
                        link=manifest_link(item.url),
                        records=f.records,
                    )
                    for f, item in zip(files, job.items, strict=True)
                ),
            ),
        )
        job.result = FetchResult(
            org=self.settings.org,
            report=job.kind.name,
            report_day=job.links.report_day,
            download_links=tuple(links.download_links),
            folder=job.folder,
            files=files,
            days_tried=tuple(job.tried),
            report_start_day=links.report_start_day,
        )
        self.progress.done(job.result.total_bytes)

    def _renew(self, job: _Job, expired: Sequence[Download]) -> ReportLinks:
        """Ask GitHub once for fresh links and fetch the expired files with them."""
        assert job.folder is not None and job.links is not None
        self.log(
            f"{job.label}: {len(expired)} download link(s) expired; asking GitHub for fresh "
            "links once."
        )
        params = {} if job.kind.rolling else {"day": job.links.report_day.isoformat()}
        fresh = get_report_links(
            self.api,
            job.kind.path(self.settings.scope),
            params=params,
            policy=self.policy,
            log=self.log,
        )
        if fresh is None or not fresh.download_links:
            raise _not_available_error(self.settings, job)
        by_name = dict(zip(file_names(fresh.download_links), fresh.download_links, strict=True))
        renewed = []
        for item in expired:
            url = by_name.get(item.name)
            if url is None:
                raise LinkExpiredError(
                    f"{item.name}: its link expired and GitHub's fresh list no longer holds "
                    "that file; rerun the job to fetch the report as it is now."
                )
            renewed.append(Download(url=check_url(url, what="download link"), name=item.name))
        batch = download_all(
            self.storage,
            renewed,
            job.folder,
            concurrency=self.settings.concurrency,
            retries=self.settings.retries,
            log=self.log,
        )
        if batch.expired:
            raise LinkExpiredError(
                f"{batch.expired[0].name}: the fresh download link was refused too; the "
                "storage host may be rejecting signatures (check the runner's clock), rerun "
                "later."
            )
        job.saved.update(batch.saved)
        return fresh

    def _resume(self, kind: ReportKind, day: date) -> FetchResult | None:
        """The day's result from disk when its folder is complete, else ``None``."""
        folder = self.settings.output_dir / kind.name / day.isoformat()
        manifest = read_manifest(folder)
        if manifest is None or manifest.report != kind.name or not manifest.files:
            return None
        items = [Download(url="", name=f.name) for f in manifest.files]
        reused, todo = _reusable(folder, items)
        if todo:
            return None
        return FetchResult(
            org=self.settings.org,
            report=kind.name,
            report_day=manifest.report_day,
            download_links=(),
            folder=folder,
            files=tuple(reused[item.name] for item in items),
            days_tried=(day,),
            resumed=True,
        )

    def _write_index(self, reports: Sequence[FetchResult]) -> Path:
        """``index.json`` at the output folder's top: everything this run fetched or missed."""
        index = {
            "tool": self.tool,
            "scope": self.settings.scope.kind,
            "name": self.settings.scope.name,
            "day": self.settings.day_spec,
            "reports": [
                {
                    "report": r.report,
                    "report_day": r.report_day.isoformat(),
                    "report_start_day": r.report_start_day.isoformat()
                    if r.report_start_day
                    else None,
                    "folder": r.folder.relative_to(self.settings.output_dir).as_posix(),
                    "files": [f.name for f in r.files],
                    "total_bytes": r.total_bytes,
                    "resumed": r.resumed,
                }
                for r in reports
            ],
            "missing": [
                {
                    "report": m.report,
                    "day": m.day.isoformat() if m.day else None,
                    "days_tried": [d.isoformat() for d in m.days_tried],
                }
                for m in self.missing
            ],
        }
        path = self.settings.output_dir / INDEX_NAME
        atomic_write(path, (json.dumps(index, indent=2) + "\n").encode())
        return path


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


def _not_available_error(settings: Settings, job: _Job) -> CopilotUsageReportError:
    scope = settings.scope
    kind = job.kind.name
    if job.kind.rolling:
        return ReportNotAvailableError(
            f"No {kind} report for {scope.label} (GitHub answered 404 or 204): check that "
            'the token can read its Copilot metrics and that the "Copilot usage metrics" '
            "policy is enabled."
        )
    if job.day is None:
        days = ", ".join(d.isoformat() for d in job.tried)
        return ReportNotAvailableError(
            f"No {kind} report for {scope.label} on any of the last {len(job.tried)} days "
            f"({days}): GitHub answered 404 or 204 for each. Check that the token can read "
            'the Copilot metrics and that the "Copilot usage metrics" policy is enabled; '
            "a new organization has reports two days after its first Copilot use."
        )
    scope_word = "organization" if scope.kind == "org" else "enterprise"
    return ReportNotAvailableError(
        f"No {kind} report for {scope.name} on {job.day} (GitHub answered 404 or 204): it may "
        "not be processed yet (GitHub needs up to two full UTC days), be older than the one "
        f"year GitHub keeps or before {scope.first_day} when {scope_word} reports start, or "
        'the "Copilot usage metrics" policy is off. Use day: latest for the newest available '
        "day."
    )
