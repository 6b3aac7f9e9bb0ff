"""A ``billing`` kind fetched by one API call per day: ``<scope>/<kind>/<day>/<kind>.json``.

The fetcher a ``billing`` kind gets when it registers none of its own (``kinds.fetcher_of``):
for each day asked (``latest``: the newest day, yesterday), the kind's endpoint is asked with
``year``, ``month`` and ``day``, as GitHub's billing usage endpoints take them; the answer is
saved as served under a manifest like every other folder's, and a folder complete on disk is
not asked again. A 404 follows ``if-not-available``; a 403 stops the run, naming what the
token needs (``ReportKind.needs``). The kind's counter (``register_counter``) counts the
saved files into its numbers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import date

from .._archive import (
    MANIFEST_VERSION,
    Manifest,
    ManifestFile,
    atomic_write,
    clean_partials,
    day_folder,
    make_folder,
    manifest_link,
    write_manifest,
)
from .._core import CREDITS, ReportKind
from .._errors import AccessDeniedError, ReportNotAvailableError
from .._github import RetryPolicy, get_answer
from .._transfer import SavedFile
from .kindrun import Fetched, KindRun
from .results import FetchResult, Missing, Numbers
from .resume import resume

__all__ = ["Counter", "fetch_calls", "register_counter"]

#: Counts a kind's saved day folders (every file of each) into its numbers.
Counter = Callable[[Sequence[FetchResult]], Numbers | None]


def _credits(reports: Sequence[FetchResult]) -> Numbers | None:
    """AI credits billed (``_metrics.credits``), imported when first used."""
    from .._metrics import count_credits

    return count_credits([(r.report_day, f.path) for r in reports for f in r.files])


#: Each billing kind's counter, by name: the built-in rows.
_COUNTERS: dict[str, Counter] = {CREDITS: _credits}


def register_counter(name: str, count: Counter) -> None:
    """Count the kind ``name``'s saved files with ``count`` (its numbers for the summary)."""
    _COUNTERS[name] = count


def fetch_calls(run: KindRun, kind: ReportKind) -> Fetched:
    """Ask the kind's endpoint once per day, save each answer as served, count them."""
    settings = run.settings
    days = settings.days[:1] if settings.is_latest else settings.days
    policy = RetryPolicy(retries=settings.retries, max_wait=settings.max_wait)
    reports: list[FetchResult] = []
    missing: list[Missing] = []
    for day in days:
        folder = day_folder(settings.output_dir, settings.scope, kind.name, day)
        resumed = resume(folder, settings.org, run.scope, kind.name, day, run.origin)
        if resumed is not None:
            run.log(f"{kind.name} {day}: complete on disk from an earlier run; not asked again.")
            reports.append(resumed)
            continue
        path = kind.path(settings.scope)
        params = {"year": str(day.year), "month": str(day.month), "day": str(day.day)}
        status, _, body, where = get_answer(
            run.api, path, params=params, policy=policy, log=run.log
        )
        if status == 403:
            needs = kind.needs_of(settings.scope.kind) or "give it the permission it needs"
            raise AccessDeniedError(
                f"GitHub refused the {kind.name} report of {settings.scope.label} (HTTP 403): "
                f"the token may not read {path}; {needs}.",
                status=403,
            )
        if status == 404:
            missing.append(_not_available(run, kind, day))
            continue
        reports.append(_save(run, kind, day, body, where))
    count = _COUNTERS.get(kind.name)
    numbers = count(reports) if count is not None and reports else None
    return Fetched(tuple(reports), tuple(missing), numbers)


def _not_available(run: KindRun, kind: ReportKind, day: date) -> Missing:
    """The day GitHub has nothing for, after ``if-not-available``."""
    scope = run.settings.scope
    needs = kind.needs_of(scope.kind)
    token = f", or the token may not read it ({needs})" if needs else ""
    error = ReportNotAvailableError(
        f"No {kind.name} report for {scope.label} on {day} (GitHub answered 404): the day "
        f"may be older than GitHub keeps, or not billed yet{token}; ask another day, or set "
        "if-not-available to warn or skip."
    )
    match run.settings.if_not_available:
        case "error":
            raise error
        case "warn":
            run.warn(error.message, "Report not available")
        case "skip":
            pass
    return Missing(report=kind.name, day=day, days_tried=(day,))


def _save(run: KindRun, kind: ReportKind, day: date, body: bytes, where: str) -> FetchResult:
    """The answer as served, then the manifest naming it: the folder is complete."""
    settings = run.settings
    folder = make_folder(day_folder(settings.output_dir, settings.scope, kind.name, day))
    clean_partials(folder)
    name = f"{kind.name}.json"
    atomic_write(folder / name, body)
    entry = ManifestFile(
        name=name,
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        link=manifest_link(where),
        records=1,
    )
    manifest = Manifest(
        manifest_version=MANIFEST_VERSION,
        tool=run.tool,
        scope=run.scope,
        report=kind.name,
        report_day=day,
        api_origin=run.origin,
        files=(entry,),
    )
    write_manifest(folder, manifest)
    saved = SavedFile(
        name=name, path=folder / name, size=entry.size, sha256=entry.sha256, records=1
    )
    return FetchResult(
        org=settings.org,
        report=kind.name,
        report_day=day,
        download_links=(),
        folder=folder,
        files=(saved,),
        days_tried=(day,),
    )
