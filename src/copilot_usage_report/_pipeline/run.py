"""The fetch pipeline: settings in, verified files, manifests and an index out.

It knows nothing of workflows or terminals: it takes two injected HTTP clients
(the API one holding the token, the storage one holding none), a ``log``
callable and a ``ProgressSink`` (the pipeline's own small protocol, which the
glue's ``_app.progress.Progress`` fulfils), and returns a ``RunResult`` or raises one of our
errors. API calls go one at a time on the calling thread, as GitHub asks;
downloads run on a bounded pool meanwhile, so day N+1's API call overlaps day
N's downloads.

The run holds its scope folder's lock throughout. A day folder is reused only
when its manifest names the same scope, report, day and API origin; each day's
manifest is written as soon as its files are verified, and the run's index is
written whatever ends the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from .._archive import (
    ManifestScope,
    api_origin,
    clean_partials,
    day_folder,
    file_names,
    make_folder,
    read_manifest,
    scope_folder,
    scope_lock,
)
from .._archive import write_manifest as _write_manifest
from .._core import ReportKind, Settings, check_url
from .._errors import CopilotUsageReportError, LinkExpiredError, OutputError
from .._github import ReportLinks, RetryPolicy, get_report_links
from .._transfer import (
    Download,
    FileCheck,
    RecordSink,
    SinkFactory,
    download_all,
    download_one,
)
from .answers import check_answer, not_available_error, nothing_found
from .job import Job, job_manifest, job_result, renewed
from .kindrun import Fetched
from .kinds import fetch_kinds
from .progress_sink import ProgressSink, Silent
from .results import (
    INDEX_NAME,
    Failed,
    FetchResult,
    Missing,
    RunRecord,
    RunResult,
    index_run,
)
from .resume import check_identity, resume, reusable, succeeded

__all__ = ["INDEX_NAME", "FetchResult", "Missing", "RecordSinks", "RunResult", "fetch_reports"]

Log = Callable[[str], None]
OnFailure = Callable[[RunResult], None]
#: The sink of one file of a report (its name, the file's final path), or ``None``.
RecordSinks = Callable[[str, Path], RecordSink | FileCheck | None]


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
    on_failure: OnFailure | None = None,
    records: RecordSinks | None = None,
) -> RunResult:
    """Fetch every report of every day asked; verify, save and index them.

    A day whose folder is already complete on disk (its manifest matches its
    files and names this run's scope, report, day and API origin) is not asked
    again, so a backfill cut off half way resumes where it stopped. Days without
    a report follow ``settings.if_not_available``; a run that finds no report at
    all fails with ``ReportNotAvailableError``. When the run fails, the days it
    completed keep their manifests, the index is written, and ``on_failure`` is
    handed what was saved before the error is raised.

    With ``records``, each download's records go, as they arrive, to a sink it makes for
    the file (``SavedFile.decoded``): the summary then need not read the file again.
    """
    progress = progress or Silent()
    runner = _Runner(settings, api, storage, log, progress, tool, records)
    return runner.run(on_failure)


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
        records: RecordSinks | None = None,
    ) -> None:
        self.settings = settings
        self.records = records
        self.api = api
        self.storage = storage
        self.log = log
        self.progress = progress
        self.tool = tool
        self.policy = RetryPolicy(
            retries=settings.retries,
            max_wait=settings.max_wait,
            deadline=time.monotonic() + settings.deadline,  # the run's, as the stopper keeps it
        )
        self.missing: list[Missing] = []
        self.origin = api_origin(settings.api_url)
        self.scope = ManifestScope(kind=settings.scope.kind, name=settings.scope.name.lower())
        self.started = datetime.now(UTC)
        self.today = self.started.date()
        #: Folders this run saved into: a second answer for the same report and day is not saved.
        self.claimed: set[Path] = set()
        self.fetched: list[tuple[ReportKind, Fetched]] = []  # kinds not asked by links

    def _jobs(self) -> list[Job]:
        s = self.settings
        rolling = [Job(kind, None) for kind in s.kinds if kind.rolling and kind.linked]
        daily = [k for k in s.kinds if not k.rolling and k.linked]
        if s.is_latest:
            return [Job(kind, None) for kind in daily] + rolling
        return [Job(kind, day) for day in s.days for kind in daily] + rolling

    def run(self, on_failure: OnFailure | None) -> RunResult:
        jobs = self._jobs()
        out = self.settings.output_dir
        with ExitStack() as held:
            try:
                held.enter_context(
                    scope_lock(scope_folder(out, self.settings.scope), wait=self.settings.lock_wait)
                )
            except OutputError as busy:  # another run holds the folder, or it cannot be made
                empty = RunResult(name=self.settings.scope.name, reports=(), missing=(), index=None)
                self._index(empty, [Failed(job.kind.name, job.day) for job in jobs], busy)
                raise
            try:
                failure = self._run_jobs(jobs)
                if failure is None:  # the kinds not asked through report links (``kinds``)
                    failure = fetch_kinds(self, self.fetched)
                if failure is not None:
                    self._keep_completed(jobs)
            finally:
                self.progress.close()
            reports = tuple(job.result for job in jobs if job.result is not None)
            reports += tuple(r for _, done in self.fetched for r in done.reports)
            result = RunResult(
                name=self.settings.scope.name,
                reports=reports,
                missing=(*self.missing, *(m for _, done in self.fetched for m in done.missing)),
                index=None,
                numbers=tuple((k, d.numbers) for k, d in self.fetched if d.numbers is not None),
            )
            if failure is None and not reports:
                failure = nothing_found(self.settings)
            failed = [
                Failed(job.kind.name, job.day)
                for job in jobs
                if job.result is None and not job.settled
            ]
            result = replace(result, index=self._index(result, failed, failure))
        if failure is not None:
            if on_failure is not None and isinstance(failure, Exception) and reports:
                on_failure(result)
            raise failure
        return result

    def _run_jobs(self, jobs: Sequence[Job]) -> BaseException | None:
        """Run every job; the error that stopped the run, if one did (the pool has drained)."""
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
        return failure

    def _keep_completed(self, jobs: Sequence[Job]) -> None:
        """After a failure: write the manifest of every job whose files all arrived."""
        for job in jobs:
            if job.result is not None or job.links is None or job.folder is None:
                continue
            futures = list(job.futures.items())
            if not all(succeeded(f) for _, f in futures):
                continue
            for name, future in futures:
                job.saved[name] = future.result()
            if all(item.name in job.saved for item in job.items):
                try:
                    self._complete(job, job.links)
                except CopilotUsageReportError:
                    return  # the disk refuses: the first error is the one to report

    def _resumed(self, kind: ReportKind, day: date) -> FetchResult | None:
        folder = day_folder(self.settings.output_dir, self.settings.scope, kind.name, day)
        return resume(folder, self.settings.org, self.scope, kind.name, day, self.origin)

    def _index(
        self, result: RunResult, failed: Sequence[Failed], failure: BaseException | None
    ) -> Path | None:
        """Write this run's index (``results.index_run``)."""
        record = RunRecord(
            tool=self.tool,
            scope=self.settings.scope,
            api_origin=self.origin,
            day_spec=self.settings.day_spec,
            started=self.started,
        )
        return index_run(self.settings, record, result, failed, failure)

    # -- one job -------------------------------------------------------------------------

    def _start(self, job: Job, pool: ThreadPoolExecutor) -> None:
        """Ask for the job's links (or resume it from disk) and queue its downloads."""
        if job.day is not None and (resumed := self._resumed(job.kind, job.day)) is not None:
            self.log(f"{job.label}: complete on disk from an earlier run; not asked again.")
            job.result = resumed
            self.claimed.add(resumed.folder)
            self.progress.done(resumed.total_bytes)
            return
        links = self._ask(job)
        if links is None:
            return
        for url in links.download_links:  # refuse a bad list before fetching any of it
            check_url(url, what="download link")
        day = links.report_day
        folder = day_folder(self.settings.output_dir, self.settings.scope, job.kind.name, day)
        if folder in self.claimed:
            self.log(f"{job.label}: {job.kind.name} {day} is already saved by this run.")
            job.settled = True
            self.progress.done(0)
            return
        job.links = links
        self.claimed.add(folder)
        manifest = read_manifest(folder)
        if manifest is not None:
            check_identity(folder, manifest, self.scope, job.kind.name, day, self.origin)
        job.folder = make_folder(folder)
        if clean_partials(job.folder):
            self.log(f"{job.label}: removed temporary files an interrupted run left behind.")
        job.items = [
            Download(url=url, name=name)
            for url, name in zip(
                links.download_links, file_names(links.download_links), strict=True
            )
        ]
        job.saved, todo = reusable(job.folder, manifest, job.items)
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
                records=self._sinks(job),
            )

    def _sinks(self, job: Job) -> SinkFactory | None:
        """The sink factory of the job's files, when the run decodes records as they arrive."""
        records = self.records
        if records is None:
            return None
        name = job.kind.name
        return lambda path: records(name, path)

    def _ask(self, job: Job) -> ReportLinks | None:
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
                self._check_links(job, links, candidate)
                return links
            if candidate is not None and candidate != candidates[-1]:
                self.log(f"No {job.kind.name} report for {candidate} yet; trying the day before.")
        self._not_available(job)
        return None

    def _check_links(self, job: Job, links: ReportLinks, asked: date | None) -> None:
        scope = self.settings.scope
        if (warning := check_answer(links, job.kind, scope, asked, self.today)) is not None:
            self.progress.warn(f"{job.label}: {warning}", title="Report day differs")

    def _not_available(self, job: Job) -> None:
        error = not_available_error(self.settings, job.kind, job.day, job.tried)
        match self.settings.if_not_available:
            case "error":
                raise error
            case "warn":
                self.progress.warn(error.message)
            case "skip":  # said once per run of days, at its end (``_render.missing``), not per day
                pass
        newest = job.tried[0] if job.tried else None
        self.missing.append(
            Missing(report=job.kind.name, day=job.day or newest, days_tried=tuple(job.tried))
        )
        job.settled = True
        self.progress.done(0)

    def _finish_ready(self, jobs: Sequence[Job]) -> None:
        """Finish every job whose downloads are all done, so manifests appear early."""
        for job in jobs:
            if (
                job.result is None
                and job.links is not None
                and all(f.done() for f in job.futures.values())
            ):
                self._finish(job, None)

    def _finish(self, job: Job, pool: ThreadPoolExecutor | None) -> None:
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
        self._complete(job, links)

    def _complete(self, job: Job, links: ReportLinks) -> None:
        """Write the manifest of a job whose files are all verified; the job is then done."""
        assert job.folder is not None
        manifest = job_manifest(job, links, tool=self.tool, scope=self.scope, origin=self.origin)
        _write_manifest(job.folder, manifest)
        job.result = job_result(job, links, org=self.settings.org)
        self.progress.done(job.result.total_bytes)

    def _renew(self, job: Job, expired: Sequence[Download]) -> ReportLinks:
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
            raise not_available_error(self.settings, job.kind, job.day, job.tried)
        batch = download_all(
            self.storage,
            renewed(fresh, expired),
            job.folder,
            concurrency=self.settings.concurrency,
            retries=self.settings.retries,
            log=self.log,
            records=self._sinks(job),
        )
        if batch.expired:
            raise LinkExpiredError(
                f"{batch.expired[0].name}: the fresh download link was refused too; the "
                "storage host may be rejecting signatures (check the runner's clock), rerun "
                "later."
            )
        job.saved.update(batch.saved)
        return fresh
