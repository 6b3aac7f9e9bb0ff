"""What a run makes of GitHub's answers: no report (for one day, or for the whole run), an
empty link list, a report day that cannot be right, or another day than the one asked."""

from __future__ import annotations

from datetime import date

from .._core import ReportKind, Scope, Settings
from .._errors import NoReportFilesError, ReportFormatError, ReportNotAvailableError
from .._github import ReportLinks

__all__ = ["check_answer", "not_available_error", "nothing_found"]


def check_answer(
    links: ReportLinks, report: ReportKind, scope: Scope, asked: date | None, today: date
) -> str | None:
    """Refuse an empty list or an impossible day; the warning to give when GitHub answered
    for another day than ``asked``, else ``None``."""
    day = links.report_day
    if not links.download_links:
        raise NoReportFilesError(
            f"GitHub listed no report files for {day} of {scope.label} ({report.name}); "
            "the report may still be in preparation. Rerun later."
        )
    if day >= today or day < scope.first_day:
        why = (
            "a day that has not ended yet (UTC)"
            if day >= today
            else f"before {scope.first_day}, the first day GitHub has reports for"
        )
        raise ReportFormatError(
            f"GitHub answered the {report.name} report of {scope.label} for report_day "
            f"{day}, {why}; nothing was saved for it. Rerun later, and open an issue if it "
            "persists."
        )
    if asked is not None and day != asked:
        return f"GitHub answered for {day} when asked for {asked}; the files are saved as {day}'s."
    return None


def nothing_found(settings: Settings) -> ReportNotAvailableError:
    """The error of a run in which no report of any day asked exists, whatever the policy."""
    kinds = ", ".join(k.name for k in settings.kinds)
    days = sorted(settings.days)
    if all(kind.rolling for kind in settings.kinds):
        when = "in the latest 28-day window"
    elif settings.is_latest:
        when = f"on any of the last {len(days)} days ({days[0]}..{days[-1]})"
    elif len(days) > 1:
        when = f"on any day of {days[0]}..{days[-1]}"
    else:
        when = f"on {days[0]}"
    return ReportNotAvailableError(
        f"No report ({kinds}) for {settings.scope.label} {when}: GitHub answered 404 or 204 "
        "for everything asked, so nothing was saved. Check that the token can read the "
        'Copilot metrics, that the "Copilot usage metrics" policy is enabled, and that the '
        f"days are after {settings.scope.first_day} and at least two full UTC days old."
    )


def not_available_error(
    settings: Settings, report: ReportKind, day: date | None, tried: list[date]
) -> ReportNotAvailableError:
    """The error (or, by policy, warning) for one report GitHub has no file for."""
    scope = settings.scope
    kind = report.name
    if report.rolling:
        return ReportNotAvailableError(
            f"No {kind} report for {scope.label} (GitHub answered 404 or 204): check that "
            'the token can read its Copilot metrics and that the "Copilot usage metrics" '
            "policy is enabled."
        )
    if day is None:
        days = ", ".join(d.isoformat() for d in tried)
        return ReportNotAvailableError(
            f"No {kind} report for {scope.label} on any of the last {len(tried)} days "
            f"({days}): GitHub answered 404 or 204 for each. Check that the token can read "
            'the Copilot metrics and that the "Copilot usage metrics" policy is enabled; '
            "a new organization has reports two days after its first Copilot use."
        )
    scope_word = "organization" if scope.kind == "org" else "enterprise"
    return ReportNotAvailableError(
        f"No {kind} report for {scope.name} on {day} (GitHub answered 404 or 204): it may "
        "not be processed yet (GitHub needs up to two full UTC days), be older than the one "
        f"year GitHub keeps or before {scope.first_day} when {scope_word} reports start, or "
        'the "Copilot usage metrics" policy is off. Use day: latest for the newest available '
        "day."
    )
